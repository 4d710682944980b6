// Django's navigation sidebar takes 300 px beside the lists: on a 1280 px laptop the ledger's
// decision column and the reports' results ran off the screen. Below 1600 px it starts closed
// until the person opens it with « » (Django's nav_sidebar.js keeps that choice here).
if (window.localStorage.getItem("django.admin.navSidebarIsOpen") === null && window.innerWidth < 1600) {
  window.localStorage.setItem("django.admin.navSidebarIsOpen", "false");
}

// "Copy" beside a secret shown once (a new API key): to the clipboard, or, where the page is not
// a secure context and the browser offers no clipboard, the text selected for Ctrl+C. The
// status line says which.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const status = document.getElementById(button.getAttribute("aria-describedby") || "");
  if (!source) return;
  const say = (text) => { if (status) status.textContent = text; };
  const selectIt = () => {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.textContent.trim()).then(
      () => say("Copied. Paste it where the agent reads EXECLAVE_API_KEY."),
      () => { selectIt(); say("The browser did not allow copying: the key is selected, press Ctrl+C (⌘C)."); },
    );
  } else {
    selectIt();
    say("The key is selected: press Ctrl+C (⌘C) to copy it.");
  }
});

// On a phone an admin list is a stack of cards (static/console/admin.css, below 768 px): each
// cell says which column it is, from the list's own header, since the header row is not shown
// there. Session 24's walk found the lists at 390 px scrolling sideways inside their box, a
// key's status and a ledger entry's decision out of sight.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("result_list");
  if (!table || !table.tHead) return;
  const names = Array.from(table.tHead.rows[0].cells, (th) => {
    const text = th.querySelector(".text");
    return (text ? text.textContent : th.textContent).trim();
  });
  table.classList.add("cards-on-phone");
  for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
    Array.from(row.cells).forEach((cell, index) => {
      if (names[index] && !cell.classList.contains("action-checkbox")) cell.dataset.label = names[index];
    });
  }
});
