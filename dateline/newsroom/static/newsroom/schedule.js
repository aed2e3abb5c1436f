// The article editor's "Publish at" input: while it holds a time still to come,
// the Publish button says what pressing it will do, "Schedule to publish".
(() => {
  const input = document.querySelector('input[name="publish_at"][data-newsroom-now]');
  if (!input) return;
  const labels = () =>
    document.querySelectorAll('button[name="action-publish"] [data-w-progress-target="label"]');
  const originals = new Map();
  const update = () => {
    const later = input.value && input.value > input.dataset.newsroomNow;
    labels().forEach((label) => {
      if (!originals.has(label)) originals.set(label, label.textContent);
      label.textContent = later ? 'Schedule to publish' : originals.get(label);
    });
  };
  input.addEventListener('input', update);
  input.addEventListener('change', update);
  update();
})();
