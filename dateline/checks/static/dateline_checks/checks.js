// The editorial checks in the editor. Each finding listed in the Checks panel
// is also shown under the field it concerns, as Wagtail shows a field's
// errors. "Check unsaved changes" sends the form to Wagtail's preview view
// (which stores it, as the preview panel does), fetches the findings for that
// stored form, and shows them in place of the last saved draft's. While the
// preview panel is open, every preview update re-checks the same way.
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
  // first storing the editor's form there when `send` is set.
  async function recheck(panel, send) {
    const button = panel.querySelector("[data-editorial-checks-refresh]");
    const form = document.getElementById("page-edit-form");
    if (!button || !form) return;
    button.disabled = true;
    try {
      if (send) {
        await fetch(button.dataset.previewUrl, { method: "POST", body: new FormData(form) });
      }
      let response = await fetch(button.dataset.checksUrl);
      if (!response.ok) {
        // A save running at the same moment can hold the database briefly.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        response = await fetch(button.dataset.checksUrl);
      }
      if (response.ok) {
        panel.querySelector("[data-editorial-checks-results]").innerHTML = await response.text();
        document.querySelectorAll(`.${INLINE}`).forEach((note) => note.remove());
        showNextToFields(panel);
      }
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-editorial-checks-refresh]");
    if (button) recheck(button.closest("[data-editorial-checks]"), true);
  });

  // The preview panel has just stored and shown the editor's changes.
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
