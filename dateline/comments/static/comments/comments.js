// The comment form on cached article pages. The page carries no per-reader
// bytes, so this script fetches a signed form token (the idempotency key and
// the moment the reader started writing) from this site when the reader
// starts, and keeps "remember me" details in this browser only.
// Without JavaScript the server asks the reader to check and post once more.
(function () {
  "use strict";
  var form = document.querySelector("form.comment-form");
  if (!form) { return; }
  var tokenField = form.querySelector("input[name=form_token]");
  var remember = form.querySelector("input[name=remember]");
  var STORE = "dateline.commenter";
  var pending = null;

  function fetchToken() {
    if (tokenField.value) { return Promise.resolve(); }
    if (!pending) {
      pending = fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) { if (data.token && !tokenField.value) { tokenField.value = data.token; } })
        .catch(function () { pending = null; });
    }
    return pending;
  }

  try {
    var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
    if (saved) {
      ["name", "email", "website"].forEach(function (key) {
        var input = form.elements[key];
        if (input && !input.value && typeof saved[key] === "string") { input.value = saved[key]; }
      });
      if (remember) { remember.checked = true; }
    }
  } catch (e) { /* storage blocked or corrupt: the reader types their details */ }

  form.addEventListener("focusin", fetchToken, { once: true });

  var submitting = false;
  form.addEventListener("submit", function (event) {
    try {
      if (remember && remember.checked) {
        window.localStorage.setItem(STORE, JSON.stringify({
          name: form.elements.name.value,
          email: form.elements.email.value,
          website: form.elements.website.value
        }));
      } else {
        window.localStorage.removeItem(STORE);
      }
    } catch (e) { /* storage unavailable */ }
    if (submitting) { event.preventDefault(); return; }
    if (!tokenField.value) {
      event.preventDefault();
      fetchToken().then(function () { submitting = true; form.submit(); });
      return;
    }
    submitting = true;
  });
})();
