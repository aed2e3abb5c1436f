// The editorial checks in the editor. Each finding listed in the Checks panel
// is also shown under the field it concerns, as Wagtail shows a field's
// errors. "Check unsaved changes" sends the form to Wagtail's preview view
// (which stores it, as the preview panel does), fetches the findings for that
// stored form, and shows them in place of the last saved draft's. While the
// Checks panel (or the preview panel) is open, Wagtail's preview controller
// sends the form to the preview as the editor types; each preview it loads
// re-checks the same way, so the findings follow the typing without a save.
(() => {
  const INLINE = "editorial-checks__inline";

  // Adds only the notes that are missing, so it can run again whenever the
  // editor draws more fields (StreamField blocks are drawn after page load).
  function showNextToFields(panel) {
    panel.querySelectorAll("[data-finding][data-input-id]").forEach((finding, index) => {
      const field = document.getElementById(finding.dataset.inputId);
      const wrapper = field && field.closest("[data-field-wrapper]");
      if (!wrapper || wrapper.querySelector(`.${INLINE}[data-index="${index}"]`)) return;
      const note = document.createElement("p");
      note.dataset.index = index;
      note.className = `help-block help-warning ${INLINE}`;
      note.dataset.finding = finding.dataset.finding;
      note.textContent = `Editorial check: ${finding.dataset.message}`;
      wrapper.append(note);
    });
  }

  // Fetches the findings for the form Wagtail's preview view last stored,
  // first storing the editor's form there when `send` is set. A failed
  // request (a save holding the database a moment) is tried once more.
  async function fetchFindings(panel, send) {
    const button = panel.querySelector("[data-editorial-checks-refresh]");
    const form = document.getElementById("page-edit-form");
    if (!button || !form) return;
    const attempt = async () => {
      if (send) {
        const body = new FormData(form);
        const stored = await fetch(button.dataset.previewUrl, { method: "POST", body });
        if (!stored.ok) return null;
      }
      const response = await fetch(button.dataset.checksUrl);
      return response.ok ? response.text() : null;
    };
    const wait = () => new Promise((resolve) => setTimeout(resolve, 1000));
    const tryOnce = () => attempt().catch(() => null);
    const findings = (await tryOnce()) ?? (await wait().then(tryOnce));
    if (findings === null) return;
    panel.querySelector("[data-editorial-checks-results]").innerHTML = findings;
    document.querySelectorAll(`.${INLINE}`).forEach((note) => note.remove());
    showNextToFields(panel);
  }

  // One re-check at a time. A request made while one runs is kept and made
  // when it ends, so answers cannot arrive out of order and the last one
  // shown is about the latest form the preview received.
  let running = null;
  let queued = null;
  function recheck(panel, send) {
    if (running) {
      queued = { panel, send: send || Boolean(queued && queued.send) };
      return;
    }
    const button = panel.querySelector("[data-editorial-checks-refresh]");
    if (button) button.disabled = true;
    running = fetchFindings(panel, send).finally(() => {
      if (button) button.disabled = false;
      running = null;
      if (queued) {
        const next = queued;
        queued = null;
        recheck(next.panel, next.send);
      }
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-editorial-checks-refresh]");
    if (button) recheck(button.closest("[data-editorial-checks]"), true);
  });

  // Wagtail's preview has just stored and shown the editor's changes; it
  // updates as they type while the Checks or the preview panel is open.
  document.addEventListener("w-preview:loaded", () => {
    document.querySelectorAll("[data-editorial-checks]").forEach((panel) => recheck(panel, false));
  });

  const showAll = () => document.querySelectorAll("[data-editorial-checks]").forEach(showNextToFields);
  const start = () => {
    showAll();
    const form = document.getElementById("page-edit-form");
    let queued = false;
    if (form) {
      new MutationObserver(() => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          showAll();
        });
      }).observe(form, { childList: true, subtree: true });
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
