// Policy wizard: the tool chips add a tool to the tool patterns; the chosen type is highlighted.
document.addEventListener("click", (event) => {
  const chip = event.target.closest("[data-add-tool]");
  if (!chip) return;
  const input = document.querySelector("[name=tool_patterns]");
  const tools = input.value.split(",").map((t) => t.trim()).filter(Boolean);
  if (!tools.includes(chip.dataset.addTool)) tools.push(chip.dataset.addTool);
  input.value = tools.join(", ");
  input.focus();
});
document.addEventListener("change", (event) => {
  if (event.target.name !== "type") return;
  document.querySelectorAll(".type-choice").forEach((label) => {
    label.classList.toggle("chosen", label.contains(event.target));
  });
});
