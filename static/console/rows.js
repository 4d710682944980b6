// Policy wizard: rows of nested settings (access rules, their time windows). "Add" copies the
// list's <template> with a fresh index and focuses the new row; "Remove" drops the row and moves
// focus to a neighbouring button. Without this script the same buttons submit the form and the
// server adds or drops the row (console/wizard/nested.py).
(() => {
  const PLACEHOLDER = "__n__";

  const ownRows = (list) =>
    list.querySelectorAll(`[data-row-list="${CSS.escape(list.dataset.rows)}"] > [data-row]`);

  function renumber(list) {
    const rows = ownRows(list);
    rows.forEach((row, i) => {
      row.querySelectorAll(":scope > fieldset > legend > [data-row-number], :scope > fieldset > .row-actions [data-row-number]")
        .forEach((span) => { span.textContent = String(i + 1); });
    });
    const empty = list.querySelector(":scope > fieldset > [data-row-empty]");
    if (empty) empty.hidden = rows.length > 0;
  }

  // Tell the inline validation (hx-trigger="change" on the settings step) that the rows changed.
  const changed = (list) => list.dispatchEvent(new Event("change", { bubbles: true }));

  function addRow(list) {
    const prefix = list.dataset.rows;
    const template = list.querySelector(`template[data-row-template="${CSS.escape(prefix)}"]`);
    const target = list.querySelector(`[data-row-list="${CSS.escape(prefix)}"]`);
    if (!template || !target) return;
    const index = Number(list.dataset.next || 0);
    list.dataset.next = String(index + 1);
    target.insertAdjacentHTML(
      "beforeend",
      template.innerHTML.split(`${prefix}-${PLACEHOLDER}`).join(`${prefix}-${index}`),
    );
    renumber(list);
    const row = target.lastElementChild;
    const first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  function removeRow(row) {
    const list = row.parentElement.closest("[data-rows]");
    const neighbour = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(list);
    const focus = (neighbour && neighbour.querySelector(":scope > fieldset > .row-actions > [data-row-remove]")) ||
      list.querySelector(`[id="${CSS.escape(list.dataset.rows)}-add"]`);
    if (focus) focus.focus();
    changed(list);
  }

  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-row-add]");
    if (add) {
      event.preventDefault();
      addRow(add.closest("[data-rows]"));
      return;
    }
    const remove = event.target.closest("[data-row-remove]");
    if (remove) {
      event.preventDefault();
      removeRow(remove.closest("[data-row]"));
    }
  });
})();
