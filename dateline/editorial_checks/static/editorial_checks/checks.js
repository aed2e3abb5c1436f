// The editorial checks in the editor. Each finding listed in the Checks panel
// is also shown under the field it concerns, as Wagtail shows a field's
// errors.
//
// Unsaved changes are checked through Wagtail's preview view: the form is
// stored there (as the preview panel stores it), and the findings for that
// stored form replace the last saved draft's. While the Checks panel (or the
// preview panel) is open, Wagtail's preview controller sends the form as the
// editor types, and each preview it loads re-checks. An edit made while that
// controller is busy can be left unsent, so once the editor pauses, a form
// that differs from the one last sent is sent from here. "Check unsaved
// changes" sends it at once.
(() => {
  const INLINE = "editorial-checks__inline";
  // Wagtail's own look for a field's messages: errors as errors, the rest as warnings
  // and notes; the text says which, so colour is never the only sign.
  const LOOK = {
    blocking: "help-critical",
    error: "help-critical",
    warning: "help-warning",
    info: "help-info",
  };
  // How long the editor pauses before a form the preview has not received is sent.
  const PAUSE_MS = 1500;

  const editForm = () => document.getElementById("page-edit-form");
  const formKey = (data) => new URLSearchParams(data).toString();
  const panels = () => document.querySelectorAll("[data-editorial-checks]");
  const isShown = (panel) => !panel.closest("[hidden]");

  // The form the preview view last received, as far as this page knows;
  // whether the editor has changed the form since it was saved (Wagtail's
  // unsaved-changes watcher says); whether the panel still shows the
  // findings it was drawn with, those of the saved draft.
  let lastSent = null;
  let edited = false;
  let showsSavedDraft = true;

  // Adds only the notes that are missing, so it can run again whenever the
  // editor draws more fields (StreamField blocks are drawn after page load).
  function showNextToFields(panel) {
    panel.querySelectorAll("[data-finding][data-input-id]").forEach((finding, index) => {
      const field = document.getElementById(finding.dataset.inputId);
      const wrapper = field && field.closest("[data-field-wrapper]");
      if (!wrapper || wrapper.querySelector(`.${INLINE}[data-index="${index}"]`)) return;
      const note = document.createElement("p");
      const severity = finding.dataset.severity || "warning";
      note.dataset.index = index;
      note.className = `help-block ${LOOK[severity] || LOOK.warning} ${INLINE} ${INLINE}--${severity}`;
      note.dataset.finding = finding.dataset.finding;
      note.dataset.severity = severity;
      note.textContent = `Editorial check, ${finding.dataset.message}`;
      wrapper.append(note);
    });
  }

  // Fetches the findings for the form the preview view last stored, first
  // storing the editor's form there when `send` is set. A failed request (a
  // save holding the database a moment) is tried once more.
  async function fetchFindings(panel, send) {
    const button = panel.querySelector("[data-editorial-checks-refresh]");
    const form = editForm();
    if (!button || !form) return;
    const attempt = async () => {
      if (send) {
        const body = new FormData(form);
        lastSent = formKey(body);
        const stored = await fetch(button.dataset.previewUrl, { method: "POST", body });
        if (!stored.ok) return null;
      }
      const response = await fetch(button.dataset.checksUrl);
      return response.ok ? response.text() : null;
    };
    const tryOnce = () => attempt().catch(() => null);
    const wait = () => new Promise((resolve) => setTimeout(resolve, 1000));
    const findings = (await tryOnce()) ?? (await wait().then(tryOnce));
    if (findings === null) return;
    showsSavedDraft = false;
    panel.querySelector("[data-editorial-checks-results]").innerHTML = findings;
    document.querySelectorAll(`.${INLINE}`).forEach((note) => note.remove());
    showNextToFields(panel);
  }

  // One re-check at a time. A request made while one runs is kept and made
  // when it ends, so answers cannot arrive out of order and the last one
  // shown is about the latest form.
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

  // Wagtail's preview is about to send the form (it builds the same form
  // data right after this event), and later has stored and shown it.
  document.addEventListener("w-preview:update", () => {
    const form = editForm();
    if (form) lastSent = formKey(new FormData(form));
  });
  document.addEventListener("w-preview:loaded", () => {
    // Opening the panel loads a preview of the untouched form: the findings
    // shown are already about it.
    if (!edited && showsSavedDraft) return;
    panels().forEach((panel) => recheck(panel, false));
  });

  let pause = null;
  function afterThePause() {
    clearTimeout(pause);
    pause = setTimeout(() => {
      const form = editForm();
      if (!form || formKey(new FormData(form)) === lastSent) return;
      panels().forEach((panel) => isShown(panel) && recheck(panel, true));
    }, PAUSE_MS);
  }
  // Wagtail's own "the form has unsaved edits" signal covers every kind of
  // field (rich text, choosers, reordered blocks); typing is the quickest.
  document.addEventListener("w-unsaved:add", () => {
    edited = true;
    afterThePause();
  });
  document.addEventListener("w-unsaved:clear", () => {
    edited = false;
  });

  const showAll = () => panels().forEach(showNextToFields);
  const start = () => {
    showAll();
    const form = editForm();
    if (!form) return;
    lastSent = formKey(new FormData(form)); // the saved draft the panel shows at first
    form.addEventListener("input", afterThePause);
    form.addEventListener("change", afterThePause);
    let drawing = false;
    new MutationObserver(() => {
      if (drawing) return;
      drawing = true;
      requestAnimationFrame(() => {
        drawing = false;
        showAll();
      });
    }).observe(form, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
