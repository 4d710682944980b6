// Dates typed and shown as YYYY-MM-DD, the console's format (governance/widgets.py): the text
// field is the value; its button opens the browser's own calendar on a hidden date input, and
// the day picked there is written back in ISO (a date input's value is ISO whatever the locale
// it displays in). Without a calendar to open (no showPicker), the button stays hidden.
(() => {
  const ISO = /^\d{4}-\d{2}-\d{2}$/;
  function wire(entry) {
    const text = entry.querySelector("input:not(.date-pick-native)");
    const button = entry.querySelector(".date-pick");
    const native = entry.querySelector(".date-pick-native");
    if (!text || !button || !native || typeof native.showPicker !== "function" || entry.dataset.wired) return;
    entry.dataset.wired = "1";
    button.hidden = false;
    button.addEventListener("click", () => {
      native.value = ISO.test(text.value) ? text.value : "";
      try { native.showPicker(); } catch (error) { text.focus(); }
    });
    native.addEventListener("change", () => {
      if (!native.value) return;
      text.value = native.value;
      text.dispatchEvent(new Event("input", { bubbles: true }));
      text.dispatchEvent(new Event("change", { bubbles: true }));
      text.focus();
    });
  }
  const wireAll = (root) => root.querySelectorAll(".date-entry").forEach(wire);
  document.addEventListener("DOMContentLoaded", () => wireAll(document));
  document.addEventListener("htmx:afterSettle", (event) => wireAll(event.target));
})();
