// The reviewer queue: countdowns, selection and keyboard shortcuts. HTMX does the requests.
(function () {
  "use strict";
  let selectedId = null;

  const cards = () => Array.from(document.querySelectorAll(".card.pending"));
  const selected = () => (selectedId && document.getElementById("approval-" + selectedId)) || null;

  // `d` without a comment asks for the reason in the selected card's comment box. The ask is
  // that card's: moving to another request takes it back (the box keeps its own words, and a
  // refresh, which preserves the boxes, cannot carry the ask over to a card never denied).
  const ASK_WHY = "Say why you deny this, then press d again (Esc, then d)";

  function askWhy(comment) {
    if (!("asked" in comment.dataset)) comment.dataset.asked = comment.placeholder;
    comment.placeholder = ASK_WHY;
  }

  function forgetAsks(except) {
    document.querySelectorAll("textarea[data-asked]").forEach((comment) => {
      if (except && except.contains(comment)) return;
      comment.placeholder = comment.dataset.asked;
      delete comment.dataset.asked;
    });
  }

  function select(card, scroll) {
    document.querySelectorAll(".card.selected").forEach((c) => c.classList.remove("selected"));
    forgetAsks(card);
    if (!card) { selectedId = null; return; }
    card.classList.add("selected");
    selectedId = card.dataset.approval;
    if (scroll) card.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function ensureSelection() {
    const list = cards();
    const current = selected();
    // A card kept because it stopped waiting while open keeps the selection: moving it to
    // another request would let "a" approve a request the reviewer never looked at.
    if (current && (current.classList.contains("pending") || current.classList.contains("kept"))) {
      current.classList.add("selected");
    } else select(list[0] || null, false);
  }

  // The refresh tells the server which requests the reviewer has open (selected, focused or a
  // comment typed) and which stopped-waiting cards are on screen, so that one decided by
  // someone else or expired stays in place, marked, instead of vanishing (views._kept_cards).
  document.addEventListener("htmx:configRequest", (event) => {
    if (!event.detail.elt || event.detail.elt.id !== "approval-list") return;
    const open = new Set();
    const current = selected();
    if (current && current.classList.contains("pending")) open.add(current.dataset.approval);
    cards().forEach((card) => {
      const comment = card.querySelector("textarea[name=comment]");
      if ((comment && comment.value.trim()) || card.contains(document.activeElement)) open.add(card.dataset.approval);
    });
    const kept = Array.from(document.querySelectorAll(".card.kept")).map((c) => c.dataset.approval);
    if (open.size) event.detail.parameters["open"] = Array.from(open).join(",");
    if (kept.length) event.detail.parameters["kept"] = kept.join(",");
  });

  // The filters and the order live in the address only (nothing is stored): after a change, a
  // reload, a bookmark or a shared link shows the same queue, in the same order.
  document.addEventListener("change", (event) => {
    const form = event.target.closest && event.target.closest("#filters");
    if (!form) return;
    const params = new URLSearchParams();
    new FormData(form).forEach((value, name) => {
      if (value && !(name === "sort" && value === "newest")) params.set(name, value);
    });
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  });

  function move(step) {
    const list = cards();
    if (!list.length) return;
    const index = list.indexOf(selected());
    select(list[Math.max(0, Math.min(list.length - 1, index < 0 ? 0 : index + step))], true);
  }

  function press(kind) {
    const card = selected();
    if (!card) return;
    if (kind === "deny") {
      const comment = card.querySelector("textarea[name=comment]");
      if (comment && !comment.value.trim()) {
        comment.focus();
        askWhy(comment);
        return;
      }
    }
    const button = card.querySelector("button." + kind);
    if (button) button.click();
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll(".time-left[data-expires]").forEach((el) => {
      const left = Math.max(0, Math.round((Date.parse(el.dataset.expires) - now) / 1000));
      const d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600);
      const m = Math.floor((left % 3600) / 60), s = left % 60;
      // As presentation.humanise_seconds: days and hours past a day ("6d 23h", not "167h 32m").
      el.textContent = left <= 0 ? "expiring…" :
        (d ? d + "d " + String(h).padStart(2, "0") + "h" : h ? h + "h " + String(m).padStart(2, "0") + "m" :
          m ? m + "m " + String(s).padStart(2, "0") + "s" : s + "s") + " left";
      el.classList.toggle("soon", left < 60);
    });
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT");
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
      a: () => press("approve"), d: () => press("deny"), r: () => press("reveal"),
      c: () => { const t = selected() && selected().querySelector("textarea"); if (t) t.focus(); },
      "?": () => toggleHelp(),
    };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  function toggleHelp() {
    const help = document.getElementById("shortcuts");
    const toggle = document.querySelector(".shortcuts-toggle");
    if (!help) return;
    help.hidden = !help.hidden;
    if (toggle) toggle.setAttribute("aria-expanded", String(!help.hidden));
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest(".shortcuts-toggle")) toggleHelp();
    const dismiss = event.target.closest(".card.kept .dismiss");
    if (dismiss) {
      const gone = dismiss.closest(".card");
      if (gone.dataset.approval === selectedId) selectedId = null;
      gone.remove();
      ensureSelection();
      return;
    }
    const card = event.target.closest(".card.pending");
    if (card) select(card, false);
  });
  document.addEventListener("focusin", (event) => {
    const card = event.target.closest && event.target.closest(".card.pending");
    if (card) select(card, false);
  });
  document.addEventListener("htmx:afterSettle", () => { ensureSelection(); tick(); });

  // A decision swaps its card (outerHTML), which takes the focused button out of the page: the
  // focus would fall back to <body> and a keyboard user would start again from the top. It goes
  // to the same card's comment box when the card is still pending (deny without a comment), else
  // to the next pending card (or the previous one), else to the queue's heading. The result is
  // announced by the #flash live region. (After settling: until then htmx leaves the old card's
  // class on the new one.)
  document.addEventListener("htmx:afterSettle", (event) => {
    const old = event.detail.target;
    if (!old || !old.id || !old.id.startsWith("approval-") || !old.classList.contains("card")) return;
    const card = document.getElementById(old.id);
    if (!card) return;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active) && !card.contains(active)) return;
    if (card.classList.contains("pending")) {
      const comment = card.querySelector("textarea[name=comment]");
      (comment || card).focus();
      return;
    }
    const list = Array.from(document.querySelectorAll(".card.pending, #" + CSS.escape(card.id)));
    const at = list.indexOf(card);
    const next = list.slice(at + 1).find((c) => c.classList.contains("pending")) ||
      list.slice(0, at).reverse().find((c) => c.classList.contains("pending"));
    if (next) { select(next, true); next.focus(); return; }
    const title = document.getElementById("queue-title");
    if (title) title.focus(); else card.focus();
  });

  document.addEventListener("DOMContentLoaded", () => {
    const queue = document.querySelector(".queue");
    const focus = queue && queue.dataset.focus;
    const wanted = focus && document.getElementById("approval-" + focus);
    if (wanted) select(wanted, true); else ensureSelection();
    tick();
    setInterval(tick, 1000);
  });
})();
