// Snippet tabs and copy buttons on the onboarding page.
document.addEventListener("click", function (e) {
  var tab = e.target.closest("[data-tab]");
  if (tab) {
    document.querySelectorAll("[data-tab]").forEach(function (b) { b.setAttribute("aria-selected", b === tab ? "true" : "false"); });
    document.querySelectorAll("[data-snippet]").forEach(function (p) { p.hidden = p.dataset.snippet !== tab.dataset.tab; });
  }
  var copy = e.target.closest("[data-copy]");
  if (copy) {
    var source = document.querySelector(copy.dataset.copy);
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent).then(function () { copy.textContent = "Copied"; });
    }
  }
});
