/* Kiểm Chứng review UI: keyboard shortcuts and the CSRF header for fetch. No inline scripts. */
"use strict";

(function () {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";

  // Every fetch from our pages carries the session's CSRF token.
  window.kcFetch = function (url, options) {
    const opts = Object.assign({ credentials: "same-origin" }, options || {});
    opts.headers = Object.assign({ "X-CSRF-Token": csrf }, opts.headers || {});
    return fetch(url, opts);
  };

  const VERDICT_KEYS = { c: "confirmed", n: "not_misleading", e: "needs_expert", d: "duplicate" };

  // Keys belong to whatever has the focus when it is a link, a button or a field: Enter on
  // a focused link follows that link, a letter typed in a box is text. Shortcuts only act
  // when the focus is on the page itself (or on a queue row).
  const OWN_KEYS = "a[href], button, input, textarea, select, summary, dialog, [contenteditable], " +
    "[role=button], [role=link], [role=textbox], [role=combobox]";

  function typing(event) {
    const el = event.target;
    if (!el || el === document.body || el === document.documentElement) return false;
    if (el.isContentEditable) return true;
    return Boolean(el.closest && el.closest(OWN_KEYS));
  }

  function setupQueue() {
    const table = document.getElementById("queue");
    const form = document.getElementById("queue-form");
    if (!table || !form) return;
    const rows = Array.from(table.querySelectorAll("tr.row"));
    let current = 0;
    function select(index) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach((row, i) => row.classList.toggle("current", i === current));
      rows[current].scrollIntoView({ block: "nearest" });
    }
    select(0);
    rows.forEach((row, i) => row.addEventListener("click", (event) => {
      if (event.target.tagName !== "A" && event.target.tagName !== "INPUT") select(i);
    }));
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key;
      if (key === "j") select(current + 1);
      else if (key === "k") select(current - 1);
      else if (key === "Enter" || key === "o") window.location.href = rows[current].dataset.href;
      else if (key === "x") {
        const box = rows[current].querySelector("input.pick");
        box.checked = !box.checked;
        rows[current].classList.toggle("picked", box.checked);
      } else if (VERDICT_KEYS[key]) {
        const send = (duplicateOf) => {
          const picked = rows.filter((row) => row.querySelector("input.pick").checked);
          if (!picked.length) rows[current].querySelector("input.pick").checked = true;
          submitVerdict(form, VERDICT_KEYS[key], duplicateOf);
        };
        if (key === "d") askDuplicateTarget(send);
        else send("");
      } else return;
      event.preventDefault();
    });
  }

  function submitVerdict(form, verdict, duplicateOf) {
    document.getElementById("queue-verdict").value = verdict;
    document.getElementById("queue-duplicate-of").value = duplicateOf;
    form.submit();
  }

  // A duplicate needs the item it duplicates: the d key asks for it before anything is sent.
  function askDuplicateTarget(send) {
    const dialog = document.getElementById("duplicate-dialog");
    const input = document.getElementById("duplicate-target");
    if (!dialog || !input) return;
    input.value = "";
    dialog.showModal();
    input.focus();
    dialog.onclose = () => {
      input.blur(); // the queue's keys work again at once
      if (dialog.returnValue === "ok" && input.value.trim()) {
        send(input.value.trim());
      }
      dialog.returnValue = "";
    };
  }

  function setupDuplicateDialog() {
    const cancel = document.getElementById("duplicate-cancel");
    const dialog = document.getElementById("duplicate-dialog");
    if (cancel && dialog) cancel.addEventListener("click", () => dialog.close(""));
  }

  function setupItem() {
    const form = document.getElementById("verdict-form");
    if (!form) return;
    // Only "confirmed" keeps the model's misleading label; other verdicts start with none.
    const labelSelect = document.getElementById("verdict-label");
    const misleading = (labelSelect.dataset.misleading || "").split(",");
    const duplicate = document.getElementById("verdict-duplicate");
    form.querySelectorAll('input[name="verdict"]').forEach((radio) => {
      radio.addEventListener("change", () => {
        if (radio.value !== "confirmed" && misleading.includes(labelSelect.value)) {
          labelSelect.value = "";
        }
        // A duplicate names its original; other verdicts send no duplicate_of at all.
        duplicate.required = radio.value === "duplicate";
        duplicate.disabled = false;
      });
    });
    form.addEventListener("submit", () => {
      const chosen = form.querySelector('input[name="verdict"]:checked');
      duplicate.disabled = !chosen || chosen.value !== "duplicate";
    });
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      const verdict = VERDICT_KEYS[event.key];
      if (!verdict) return;
      const radio = document.getElementById("verdict-" + verdict);
      if (radio) {
        radio.checked = true;
        radio.dispatchEvent(new Event("change"));
        document.getElementById(verdict === "duplicate" ? "verdict-duplicate" : "verdict-note").focus();
        event.preventDefault();
      }
    });
  }

  // After a verdict: the Undo stays a few seconds (u presses it), then the note stays alone.
  function setupUndo() {
    const form = document.getElementById("undo-form");
    if (!form) return;
    const button = document.getElementById("undo-button");
    const seconds = Number(form.dataset.seconds || "10");
    const timer = window.setTimeout(() => { form.hidden = true; }, seconds * 1000);
    document.addEventListener("keydown", (event) => {
      if (form.hidden || typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key !== "u") return;
      event.preventDefault();
      window.clearTimeout(timer);
      button.click();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupUndo();
    setupQueue();
    setupDuplicateDialog();
    setupItem();
  });
})();
