// Share bar enhancements: "Copy link" and the browser's own share sheet,
// shown only where the browser supports them. No network requests.
(function () {
  "use strict";
  var status = document.querySelector(".share-status");
  function say(text) { if (status) { status.textContent = text; } }

  var copy = document.querySelector(".share-copy");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.copyUrl).then(
        function () { say("Link copied."); },
        function () { say("Could not copy the link; copy it from the address bar."); }
      );
    });
  }

  var native = document.querySelector(".share-native");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: native.dataset.shareTitle, url: native.dataset.shareUrl })
        .catch(function () { /* the reader closed the share sheet */ });
    });
  }
})();
