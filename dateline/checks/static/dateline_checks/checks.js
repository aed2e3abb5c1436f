// "Check unsaved changes": send the editor's form to Wagtail's preview view
// (which stores it, as the preview panel does), then fetch the findings for
// that stored form and show them in place of the last saved draft's.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-editorial-checks-refresh]");
  const form = document.getElementById("page-edit-form");
  if (!button || !form) return;
  const results = button.closest("[data-editorial-checks]").querySelector(
    "[data-editorial-checks-results]",
  );
  button.disabled = true;
  try {
    await fetch(button.dataset.previewUrl, { method: "POST", body: new FormData(form) });
    const response = await fetch(button.dataset.checksUrl);
    if (response.ok) results.innerHTML = await response.text();
  } finally {
    button.disabled = false;
  }
});
