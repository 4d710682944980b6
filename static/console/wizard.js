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

// Inline validation of the settings step ([data-validate]: hx-post on each change, hx-swap
// "none"). Its answer brings the verdict, never the inputs: the step the person is typing in
// is not redrawn, so what they typed since the request left, the keyboard focus and caret and
// the sections they opened stay as they are. Only the error messages ([data-errors] slots), the
// fields' has-error mark and the inputs' aria-invalid / aria-describedby are taken from it. A
// change made while a check is in flight is checked next (hx-sync queues it), and the answer to
// the older check is not painted: it speaks of values changed since it left, and would show an
// error already fixed (or miss a new one) until the newer answer lands. An answer about a
// settings step since replaced (another type chosen) is ignored too.
(() => {
  // Changes inside the validated part of the step so far; each check carries the count it left with.
  let changes = 0;
  document.addEventListener("change", (event) => {
    if (event.target.closest && event.target.closest("#settings-step [data-validate]")) changes += 1;
  }, true);
  document.addEventListener("htmx:beforeSend", (event) => {
    const { elt, xhr } = event.detail;
    if (elt.matches && elt.matches("[data-validate]")) xhr.execlaveChanges = changes;
  });

  const twin = (answer, element, attribute) =>
    answer.querySelector(`[${attribute}="${CSS.escape(element.getAttribute(attribute))}"]`);

  function showErrors(step, answer) {
    step.querySelectorAll("[data-errors]").forEach((slot) => {
      const fresh = twin(answer, slot, "data-errors");
      // a row added since the request left has no verdict yet: no error on it
      slot.replaceChildren(...(fresh ? [...fresh.childNodes].map((n) => document.importNode(n, true)) : []));
    });
    step.querySelectorAll(".wizard-field").forEach((field) => {
      const slot = field.querySelector("[data-errors]");
      const fresh = slot && twin(answer, slot, "data-errors");
      const marked = fresh && fresh.closest(".wizard-field");
      field.classList.toggle("has-error", Boolean(marked && marked.classList.contains("has-error")));
    });
    step.querySelectorAll("input[id], select[id], textarea[id]").forEach((input) => {
      const fresh = answer.querySelector(`#${CSS.escape(input.id)}`);
      if (!fresh) return;
      for (const name of ["aria-invalid", "aria-describedby"]) {
        if (fresh.hasAttribute(name)) input.setAttribute(name, fresh.getAttribute(name));
        else input.removeAttribute(name);
      }
    });
    // an error inside a closed section opens it; a section the person opened stays open
    step.querySelectorAll("details").forEach((section) => {
      if (section.querySelector(".errorlist")) section.open = true;
    });
  }

  document.addEventListener("htmx:afterRequest", (event) => {
    const { elt, xhr, successful } = event.detail;
    if (!successful || !elt.matches || !elt.matches("[data-validate]")) return;
    const step = document.getElementById("settings-step");
    if (!step || !step.contains(elt)) return;
    if (xhr.execlaveChanges !== changes) return; // older than the form: a newer check is on its way
    const answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
    if (answer.getElementById("settings-step")) showErrors(step, answer);
  });
})();
