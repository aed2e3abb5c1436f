// Live pages: new updates, corrections and deletions arrive without a reload.
//
// The page says where it stands (data-sequence: the number of the last change
// it shows) and each update its own number (data-seq). Changes come over
// Server-Sent Events from `dateline live-stream`, which resumes after a
// dropped connection from the last number received (Last-Event-ID), or, where
// there is no stream (a proxy, no stream process, Redis down), from the poll
// document the page cache serves. Either way a change is applied once: one
// whose number the page has seen is skipped.
//
// Nothing moves what the reader is reading: new updates wait behind a
// "N new updates" button unless the reader is at the top, and corrections and
// deletions above the reader keep the scroll position. Screen readers hear a
// short polite announcement; focus moves only when the reader asks.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-page]");
  if (!root) { return; }

  var timeline = root.querySelector("[data-live-timeline]");
  var announcer = root.querySelector("[data-live-announcer]");
  var newBox = root.querySelector("[data-live-new]");
  var newButton = root.querySelector("[data-live-new-button]");
  var keyEvents = root.querySelector("[data-key-events]");
  var pinned = root.querySelector("[data-pinned]");
  var status = root.querySelector("[data-live-status]");
  var isHead = root.dataset.head === "1";
  var streamUrl = root.dataset.streamUrl;
  var pollUrl = root.dataset.pollUrl;
  var pollSeconds = Number(root.dataset.pollSeconds) || 2;
  var hiddenPollSeconds = Number(root.dataset.hiddenPollSeconds) || 0;
  var state = root.dataset.state;
  var cursor = Number(root.dataset.sequence) || 0;
  var known = {};      // update id -> the number of its last change this page shows
  var waiting = {};    // new updates held behind the button, by id
  var source = null;
  var pollTimer = null;
  var retryTimer = null;
  var hiddenTimer = null;
  var streamErrors = 0;

  // The script keeps the reader's place itself; the browser's own scroll
  // anchoring would correct a second time.
  document.documentElement.style.overflowAnchor = "none";

  Array.prototype.forEach.call(root.querySelectorAll("[data-update]"), function (element) {
    var id = Number(element.dataset.update);
    known[id] = Math.max(known[id] || 0, Number(element.dataset.seq) || 0);
  });

  // --- Applying one change ----------------------------------------------------------
  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();  // rendered and sanitised by the server
    return template.content.firstElementChild;
  }

  function inTimeline(id) {
    return timeline.querySelector('[data-update="' + id + '"]');
  }

  function newestShown() {
    var first = timeline.querySelector("[data-update]");
    return first ? Number(first.dataset.update) : 0;
  }

  function oldestShown() {
    var all = timeline.querySelectorAll("[data-update]");
    return all.length ? Number(all[all.length - 1].dataset.update) : 0;
  }

  // Run `change` without moving what the reader looks at: the first update
  // on screen stays where it was.
  function keepingPlace(change) {
    var anchor = null;
    var candidates = root.querySelectorAll("[data-update], [data-live-new], .live-updates-heading");
    for (var i = 0; i < candidates.length; i += 1) {
      if (candidates[i].getBoundingClientRect().bottom > 0) { anchor = candidates[i]; break; }
    }
    var fallback = anchor && anchor.nextElementSibling;
    var before = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    if (anchor && !anchor.isConnected) { anchor = fallback; before = null; }
    if (anchor && before !== null && window.scrollY > 0) {
      window.scrollBy(0, anchor.getBoundingClientRect().top - before);
    }
  }

  function readerAtTop() {
    return timeline.getBoundingClientRect().top >= -8;
  }

  function insertSorted(container, node, id) {
    var before = Array.prototype.find.call(container.children, function (other) {
      return other.dataset && Number(other.dataset.update || other.dataset.keyEvent) < id;
    });
    container.insertBefore(node, before || null);
  }

  function syncHighlights(event) {
    // The key events list and the pinned copies, both above the timeline.
    var list = keyEvents.querySelector("ol");
    var entry = list.querySelector('[data-key-event="' + event.id + '"]');
    if (entry) { entry.remove(); }
    if (!event.deleted && event.key) {
      var article = element(event.html);
      var time = article.querySelector(".live-update-time time");
      var li = document.createElement("li");
      li.dataset.keyEvent = event.id;
      var a = document.createElement("a");
      a.href = "?update=" + event.id + "#update-" + event.id;
      if (time) { a.appendChild(time.cloneNode(true)); a.appendChild(document.createTextNode(" ")); }
      a.appendChild(document.createTextNode(event.label));
      li.appendChild(a);
      insertSorted(list, li, event.id);
    }
    keyEvents.hidden = !list.children.length;

    var copy = pinned.querySelector('[data-update="' + event.id + '"]');
    if (copy) { copy.remove(); }
    if (!event.deleted && event.pinned) {
      var pinnedCopy = element(event.html);
      pinnedCopy.id = "pinned-update-" + event.id;
      insertSorted(pinned, pinnedCopy, event.id);
    }
    pinned.hidden = !pinned.querySelector("[data-update]");
  }

  function apply(event) {
    if (event.seq <= cursor && event.kind !== "state") { return; }
    cursor = Math.max(cursor, event.seq);
    if (event.kind === "state") { setState(event.state); return; }
    if ((known[event.id] || 0) >= event.seq) { return; }  // this page shows it already
    known[event.id] = event.seq;
    if (!event.deleted && event.id > newestShown()) { noteLastUpdate(event); }
    var existing = inTimeline(event.id);
    if (existing || event.deleted || !isNew(event.id)) {
      keepingPlace(function () {
        if (existing && event.deleted) { existing.remove(); }
        else if (existing) { existing.replaceWith(element(event.html)); }
        syncHighlights(event);
        if (waiting[event.id]) {
          if (event.deleted) { delete waiting[event.id]; } else { waiting[event.id] = event; }
          showWaiting();
        }
      });
      return;
    }
    if (waiting[event.id] || !isHead || !readerAtTop()) {
      keepingPlace(function () { syncHighlights(event); });
      waiting[event.id] = event;
      showWaiting();
      announce(countWaiting() === 1 ? "1 new update." : countWaiting() + " new updates.");
      return;
    }
    keepingPlace(function () {
      reveal([event]);
      syncHighlights(event);
    });
    announce("New update: " + event.label);
  }

  function noteLastUpdate(event) {
    // "Last update HH:MM" in the status line follows the newest update.
    var time = status.querySelector("time");
    var posted = element(event.html).querySelector(".live-update-time time");
    if (time && posted && Number(event.id) >= newestShown()) {
      time.setAttribute("datetime", posted.getAttribute("datetime"));
      time.textContent = posted.textContent + time.textContent.replace(/^\S+/, "");
    }
  }

  function isNew(id) {
    // In the newest window, anything newer than its oldest update belongs in
    // it; further down, only what is newer than the whole window is new (and
    // shown by going to the latest).
    if (isHead) { return !oldestShown() || id > oldestShown(); }
    return id > newestShown();
  }

  function reveal(events) {
    var empty = timeline.querySelector("[data-live-empty]");
    if (empty) { empty.remove(); }
    events.forEach(function (event) {
      insertSorted(timeline, element(event.html), event.id);
    });
  }

  function countWaiting() { return Object.keys(waiting).length; }

  function showWaiting() {
    var count = countWaiting();
    newBox.hidden = count === 0;
    newButton.textContent = (count === 1 ? "1 new update" : count + " new updates") +
      (isHead ? "" : ": go to the latest");
  }

  newButton.addEventListener("click", function () {
    if (!isHead) { window.location.href = root.dataset.pageUrl; return; }
    var events = Object.keys(waiting).map(function (id) { return waiting[id]; });
    waiting = {};
    showWaiting();
    reveal(events);
    events.sort(function (a, b) { return b.id - a.id; });
    var first = events.length && inTimeline(events[0].id);
    if (first) {
      // The reader asked for them: take them there, and focus the newest.
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    }
  });

  var lastAnnouncement = 0;
  function announce(text) {
    // Short and polite, at most every few seconds: never the page again.
    var now = Date.now();
    if (now - lastAnnouncement < 3000) {
      setTimeout(function () { announce(text); }, 3000 - (now - lastAnnouncement));
      return;
    }
    lastAnnouncement = now;
    announcer.textContent = text;
  }

  function setState(next) {
    if (next === state) { return; }
    state = next;
    root.dataset.state = next;
    status.className = "live-status live-status-" + next;
    status.textContent = "";
    var badge = document.createElement("span");
    badge.className = "live-badge" + (next === "live" ? "" : " live-badge-" + next);
    badge.textContent = { live: "Live", ended: "Ended", upcoming: "Soon" }[next];
    status.appendChild(badge);
    status.appendChild(document.createTextNode(
      next === "ended" ? " This coverage has ended." : next === "live" ? " Live now." : " Live coverage starts soon."
    ));
    if (next === "ended") {
      stopAll();
      announce("This live coverage has ended.");
    }
  }

  // --- Streaming ------------------------------------------------------------------------
  function onMessage(message) {
    try { apply(JSON.parse(message.data)); } catch (error) { /* a malformed event is skipped */ }
  }

  function startStream() {
    if (state === "ended") { return; }
    if (!streamUrl || !window.EventSource) { startPolling(); return; }
    stopStream();
    source = new EventSource(streamUrl + "?since=" + cursor);
    source.addEventListener("change", onMessage);
    source.addEventListener("state", onMessage);
    source.onopen = function () { streamErrors = 0; stopPolling(); };
    source.onerror = function () {
      streamErrors += 1;
      if (!source || source.readyState === EventSource.CLOSED || streamErrors >= 3) {
        // No stream here (a 204 or an error page), or it keeps failing: poll,
        // and try the stream again in a minute.
        stopStream();
        startPolling();
        clearTimeout(retryTimer);
        retryTimer = setTimeout(function () { if (!document.hidden) { startStream(); } }, 60000);
      }
      // Otherwise the browser reconnects by itself, sending Last-Event-ID.
    };
  }

  function stopStream() {
    if (source) { source.close(); source = null; }
  }

  // --- Polling -----------------------------------------------------------------------------
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("poll " + response.status); }
        return response.json();
      });
  }

  function applyDocument(doc) {
    doc.changes.forEach(apply);
    if (!doc.more) {
      if (doc.state !== state) { apply({ kind: "state", seq: doc.seq, state: doc.state }); }
      cursor = Math.max(cursor, doc.seq);
    }
    return doc.more;
  }

  function pollOnce() {
    return getJSON(pollUrl).then(function (doc) {
      if (doc.complete_after <= cursor) { return applyDocument(doc); }
      // The latest changes do not reach back to this page's: ask for the rest.
      var catchUp = function () {
        return getJSON(pollUrl + "?since=" + cursor).then(function (more) {
          return applyDocument(more) ? catchUp() : false;
        });
      };
      return catchUp();
    });
  }

  function startPolling() {
    if (pollTimer || state === "ended") { return; }
    var tick = function () {
      pollTimer = null;
      if (source || state === "ended") { return; }
      var wait = document.hidden ? hiddenPollSeconds : pollSeconds;
      if (document.hidden && !wait) { return; }  // paused until the tab is visible
      pollOnce().catch(function () { /* the next turn tries again */ }).then(function () {
        if (!source && state !== "ended" && !pollTimer) {
          pollTimer = setTimeout(tick, (document.hidden ? hiddenPollSeconds || pollSeconds : pollSeconds) * 1000);
        }
      });
    };
    pollTimer = setTimeout(tick, 0);
  }

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function stopAll() {
    stopStream();
    stopPolling();
    clearTimeout(retryTimer);
    clearTimeout(hiddenTimer);
  }

  // --- Hidden tabs: the stream closes after a minute hidden, polling pauses ---------------
  document.addEventListener("visibilitychange", function () {
    if (state === "ended") { return; }
    if (document.hidden) {
      clearTimeout(hiddenTimer);
      hiddenTimer = setTimeout(function () {
        if (document.hidden) { stopStream(); if (!hiddenPollSeconds) { stopPolling(); } }
      }, 60000);
    } else {
      clearTimeout(hiddenTimer);
      if (!source) {
        stopPolling();
        startStream();
      }
    }
  });

  // Key events link to updates by permalink; one already on the page is scrolled to.
  keyEvents.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link) { return; }
    var id = link.parentElement.dataset.keyEvent;
    var target = inTimeline(id);
    if (target) {
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
      history.replaceState(null, "", "#update-" + id);
    }
  });

  if (state !== "ended") { startStream(); }
  // For tests and curious readers: where the page stands.
  root.liveStatus = function () {
    return { cursor: cursor, mode: source ? "stream" : pollTimer ? "poll" : "idle", state: state };
  };
})();
