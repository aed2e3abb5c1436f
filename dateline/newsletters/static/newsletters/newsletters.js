// Newsletter sign-up on cached pages. Without JavaScript the form posts and
// the reader gets a page with the answer; with it, the answer appears in
// place. Either way the server's answer is the same for every address.
(function () {
  "use strict";
  document.querySelectorAll("form.newsletter-form").forEach(function (form) {
    var answer = form.querySelector(".newsletter-answer");
    var busy = false;
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      answer.textContent = "Sending…";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          answer.textContent = data.message || "";
          answer.classList.toggle("error", !data.ok);
          if (data.ok) { form.querySelector("input[type=email]").value = ""; }
        })
        .catch(function () { form.submit(); })
        .then(function () { busy = false; });
    });
  });
})();
