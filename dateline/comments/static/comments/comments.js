// The comment form on cached article pages. The page carries no per-reader
// bytes, so this script fetches a signed form token (the idempotency key and
// the moment the reader started writing) from this site when the reader
// starts, and keeps "remember me" details in this browser only.
// Without JavaScript the form still posts with one press: the server holds
// such a comment for a moderator instead of asking for a second press.
(function () {
  "use strict";
  var form = document.querySelector("form.comment-form");
  if (!form) { return; }
  var tokenField = form.querySelector("input[name=form_token]");
  var remember = form.querySelector("input[name=remember]");
  var body = form.elements.comment;
  var button = form.querySelector("button[type=submit]");
  var STORE = "dateline.commenter";
  var pending = null;
  // When the token is old enough for the server to count the comment as a
  // person's (COMMENTS_MIN_SECONDS_TO_SUBMIT, sent as `ready_in`).
  var tokenReadyAt = 0;

  // One polite live region for everything this script says: the length
  // counter at a few thresholds (never every keystroke) and "Posting…".
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);
  function say(text) { live.textContent = text; }

  function fetchToken() {
    if (tokenField.value) { return Promise.resolve(); }
    if (!pending) {
      pending = fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) {
          if (data.token && !tokenField.value) {
            tokenField.value = data.token;
            tokenReadyAt = Date.now() + (Number(data.ready_in) || 0) * 1000 + 250;
          }
        })
        .catch(function () { pending = null; });
    }
    return pending;
  }

  // The length counter: the limit is the server's (data-max-length), counted
  // in characters as the server counts them, not UTF-16 units.
  var max = body ? Number(body.dataset.maxLength) : 0;
  var counter = null;
  var band = "";
  var announceTimer = 0;
  function length() { return Array.from(body.value.trim()).length; }
  function describe(count) {
    var left = max - count;
    if (left >= 0) { return left.toLocaleString("en") + " of " + max.toLocaleString("en") + " characters left"; }
    return (-left).toLocaleString("en") + " characters too many: the limit is " +
      max.toLocaleString("en") + ". Shorten the comment to post it.";
  }
  function updateCounter() {
    var count = length();
    var left = max - count;
    counter.textContent = describe(count);
    counter.classList.toggle("over", left < 0);
    var now = left < 0 ? "over" : left <= 100 ? "100" : left <= 500 ? "500" : "";
    window.clearTimeout(announceTimer);
    if (now && now !== band) {
      // Said once the reader pauses, and only when a threshold is crossed.
      announceTimer = window.setTimeout(function () { say(counter.textContent); }, 800);
    }
    band = now;
  }
  if (body && max > 0) {
    counter = document.createElement("span");
    counter.className = "char-count";
    counter.id = body.id + "_count";
    body.insertAdjacentElement("afterend", counter);
    body.setAttribute("aria-describedby",
      ((body.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    body.addEventListener("input", updateCounter);
    updateCounter();
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
    if (counter && length() > max) {
      // Kept in the box, never sent to be refused: the reader shortens it here.
      event.preventDefault();
      say(counter.textContent);
      body.focus();
      return;
    }
    if (tokenField.value && Date.now() >= tokenReadyAt) { submitting = true; return; }
    // A quick writer: wait until the token is old enough (at most a few
    // seconds), so the comment is not taken for a bot's.
    event.preventDefault();
    submitting = true;
    if (button) { button.disabled = true; button.textContent = "Posting…"; }
    say("Posting your comment…");
    fetchToken().then(function () {
      window.setTimeout(function () { form.submit(); }, Math.max(0, tokenReadyAt - Date.now()));
    });
  });
})();
