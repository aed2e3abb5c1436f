// The live desk: post, correct, pin and delete updates without leaving the page.
// Everything goes by fetch and comes back as JSON, errors included; the text
// being written is kept in this browser until it is posted, so neither an
// error, a lost connection nor a reload loses it.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-desk]");
  if (!root) { return; }
  var urls = JSON.parse(document.getElementById("live-desk-urls").textContent);
  var form = root.querySelector("[data-desk-form]");
  var list = root.querySelector("[data-desk-list]");
  var banner = root.querySelector("[data-desk-banner]");
  var csrf = root.dataset.csrf;
  var cursor = 0;
  var items = {};          // id -> the latest desk item
  var editing = null;      // id of the update being corrected
  var lastActivity = Date.now();
  var draftKey = "live-desk-draft:" + urls.post;
  var chooser = null;

  // --- The image chooser (Wagtail's widget, created here so it can be set) ---
  var chooserHolder = root.querySelector("[data-image-chooser]");
  if (chooserHolder && window.ImageChooser) {
    chooser = new window.ImageChooser(chooserHolder.dataset.imageChooser,
      JSON.parse(chooserHolder.dataset.options || "{}"));
  }

  function urlFor(template, id) { return template.replace("/0/", "/" + id + "/"); }

  function say(element, text) {
    if (!element) { return; }
    element.textContent = text || "";
  }

  function showBanner(text, link) {
    banner.hidden = !text;
    banner.textContent = text || "";
    if (link) {
      var a = document.createElement("a");
      a.href = link.href; a.textContent = link.text; a.target = "_blank"; a.rel = "noopener";
      banner.appendChild(document.createTextNode(" "));
      banner.appendChild(a);
    }
  }

  // --- Talking to the server ------------------------------------------------------
  function request(url, options, retried) {
    options = options || {};
    var headers = { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" };
    if (options.body) { headers["X-CSRFToken"] = csrf; }
    return fetch(url, { method: options.body ? "POST" : "GET", body: options.body,
                        headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 403 && !retried) {
          // A new CSRF token (signed in again in another tab), or signed out.
          return refreshSession().then(function (signedIn) {
            if (!signedIn) { throw new Error("signed-out"); }
            return request(url, options, true);
          });
        }
        return response.json().catch(function () {
          return { ok: false, error: "The server answered " + response.status + "." };
        }).then(function (data) { data.status = response.status; return data; });
      });
  }

  function refreshSession() {
    var active = Date.now() - lastActivity < 60 * 60 * 1000 ? "1" : "0";
    return fetch(urls.session + "?active=" + active, {
      headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        showBanner("You have been signed out. Your text is kept here: sign in again, then post.",
                   { href: "/" + location.pathname.split("/")[1] + "/login/", text: "Sign in (new tab)" });
        return false;
      }
      return response.json().then(function (data) {
        csrf = data.csrf;
        if (banner.textContent.indexOf("signed out") !== -1) { showBanner(""); }
        return true;
      });
    }, function () { return false; });
  }

  // --- The list of updates ------------------------------------------------------------
  function renderItem(item) {
    var li = list.querySelector('[data-item="' + item.id + '"]');
    if (item.deleted) {
      if (li) { li.remove(); }
      delete items[item.id];
      count();
      return;
    }
    items[item.id] = item;
    var fresh = !li;
    if (fresh) {
      li = document.createElement("li");
      li.className = "live-desk-item";
      li.dataset.item = item.id;
    }
    li.innerHTML = item.html;  // rendered and sanitised by the server (live/update.html)
    var meta = document.createElement("p");
    meta.className = "live-desk-item-meta";
    meta.textContent = "Posted by " + (item.posted_by || "someone") + " · #" + item.id;
    li.appendChild(meta);
    var actions = document.createElement("div");
    actions.className = "live-desk-item-actions";
    if (item.can_edit) {
      actions.appendChild(button("Correct", "edit", item));
      actions.appendChild(button(item.fields.pinned ? "Unpin" : "Pin", "pin", item));
      actions.appendChild(button(item.fields.key_event ? "Not a key event" : "Key event", "key", item));
    }
    if (item.can_delete) { actions.appendChild(button("Delete", "delete", item)); }
    li.appendChild(actions);
    if (fresh) {
      // Newest first: before the first item with a smaller id.
      var before = Array.prototype.find.call(list.children, function (other) {
        return Number(other.dataset.item) < item.id;
      });
      list.insertBefore(li, before || null);
    }
    count();
  }

  function count() {
    say(root.querySelector("[data-desk-count]"), "(" + list.children.length + ")");
  }

  function button(label, action, item) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button button-small button-secondary";
    b.textContent = label;
    b.dataset.action = action;
    b.dataset.id = item.id;
    b.setAttribute("aria-label", label + " update #" + item.id);
    return b;
  }

  function applyState(data) {
    if (!data || !data.state) { return; }
    var tag = root.querySelector("[data-desk-state]");
    tag.className = "live-desk-state-tag is-" + data.state;
    tag.textContent = { upcoming: "Upcoming", live: "Live", ended: "Ended" }[data.state];
    var start = root.querySelector('[data-desk-set-state="live"]');
    var end = root.querySelector('[data-desk-set-state="ended"]');
    if (start) {
      start.hidden = data.state === "live";
      start.textContent = data.state === "ended" ? "Reopen coverage" : "Start coverage";
    }
    if (end) { end.hidden = data.state !== "live"; }
  }

  function receive(data) {
    if (!data.ok) { return; }
    (data.items || []).forEach(function (item) {
      renderItem(item);
      cursor = Math.max(cursor, item.seq);
    });
    if (data.item) { renderItem(data.item); }
    applyState(data);
  }

  function refresh() {
    return request(urls.changes + "?since=" + cursor).then(receive, function () {});
  }

  // --- The form ---------------------------------------------------------------------
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (p) {
      p.textContent = "";
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (input) {
      input.removeAttribute("aria-invalid");
    });
    say(form.querySelector("[data-desk-errors]"), "");
    say(form.querySelector("[data-desk-warnings]"), "");
  }

  function showFieldError(name, message) {
    var slot = form.querySelector('[data-error-for="' + name + '"]');
    var input = form.elements[name];
    if (slot) { slot.textContent = message; }
    if (input && input.setAttribute) { input.setAttribute("aria-invalid", "true"); }
    if (name === "image" || name === "image_alt" || name === "caption" || name === "credit") {
      form.querySelector("[data-desk-photo]").open = true;
    }
    if (name === "quote" || name === "quote_source") {
      form.querySelector("[data-desk-quote]").open = true;
    }
  }

  function showProblems(data) {
    var errors = form.querySelector("[data-desk-errors]");
    errors.textContent = data.error || "The update was not posted.";
    Object.keys(data.fields || {}).forEach(function (name) {
      showFieldError(name, data.fields[name].join(" "));
    });
    var findings = (data.findings || []).filter(function (f) { return f.blocking; });
    if (findings.length) {
      var ul = document.createElement("ul");
      findings.forEach(function (finding) {
        var li = document.createElement("li");
        li.textContent = finding.label + ": " + finding.rule +
          (finding.suggestion ? " " + finding.suggestion : "");
        ul.appendChild(li);
        showFieldError(finding.field, finding.rule);
      });
      errors.appendChild(ul);
    }
  }

  function showWarnings(findings) {
    var box = form.querySelector("[data-desk-warnings]");
    box.textContent = "";
    if (!findings || !findings.length) { return; }
    box.appendChild(document.createTextNode("Posted. The checks suggest: "));
    var ul = document.createElement("ul");
    findings.forEach(function (finding) {
      var li = document.createElement("li");
      li.textContent = finding.label + ": " + finding.rule;
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  var DRAFT_FIELDS = ["title", "text", "image_alt", "caption", "credit", "quote", "quote_source"];

  function saveDraft() {
    if (editing) { return; }
    var draft = {};
    DRAFT_FIELDS.forEach(function (name) { draft[name] = form.elements[name].value; });
    draft.authors = checkedAuthors();
    try { localStorage.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* private mode */ }
  }

  function checkedAuthors() {
    return Array.prototype.filter.call(form.querySelectorAll('[name="authors"]'), function (box) {
      return box.checked;
    }).map(function (box) { return Number(box.value); });
  }

  function fill(fields, image) {
    DRAFT_FIELDS.forEach(function (name) { form.elements[name].value = fields[name] || ""; });
    form.elements.key_event.checked = !!fields.key_event;
    form.elements.pinned.checked = !!fields.pinned;
    var authors = fields.authors || [];
    Array.prototype.forEach.call(form.querySelectorAll('[name="authors"]'), function (box) {
      box.checked = authors.indexOf(Number(box.value)) !== -1;
    });
    if (chooser) {
      if (image) {
        chooser.setState({ id: image.id, title: image.title, preview: image.preview, edit_url: "" });
      } else {
        chooser.clear();
      }
    }
    form.querySelector("[data-desk-photo]").open = !!image || !!fields.image_alt;
    form.querySelector("[data-desk-quote]").open = !!fields.quote;
  }

  function restoreDraft() {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
    if (draft) { fill(draft, null); }
  }

  function resetForm() {
    editing = null;
    fill({ authors: checkedAuthors() }, null);
    try { localStorage.removeItem(draftKey); } catch (e) { /* private mode */ }
    say(form.querySelector("[data-desk-mode]"), "New update");
    say(form.querySelector("[data-desk-submit]"), "Post update");
    form.querySelector("[data-desk-cancel]").hidden = true;
  }

  function startEditing(item) {
    editing = item.id;
    fill(item.fields, item.image);
    say(form.querySelector("[data-desk-mode]"), "Correct update #" + item.id);
    say(form.querySelector("[data-desk-submit]"), "Save correction");
    form.querySelector("[data-desk-cancel]").hidden = false;
    form.elements.text.focus();
  }

  function formBody() {
    var body = new FormData(form);
    return body;
  }

  function submit() {
    clearErrors();
    var submitButton = form.querySelector("[data-desk-submit]");
    submitButton.disabled = true;
    say(form.querySelector("[data-desk-status]"), editing ? "Saving…" : "Posting…");
    var url = editing ? urlFor(urls.edit, editing) : urls.post;
    request(url, { body: formBody() }).then(function (data) {
      if (data.ok) {
        receive(data);
        say(form.querySelector("[data-desk-status]"), editing ? "Correction saved." : "Posted.");
        resetForm();
        showWarnings(data.warnings);
      } else {
        showProblems(data);
        say(form.querySelector("[data-desk-status]"), "");
      }
    }, function (error) {
      var errors = form.querySelector("[data-desk-errors]");
      errors.textContent = error && error.message === "signed-out"
        ? "Not posted: you have been signed out. Your text is kept; sign in again and post."
        : "Not posted: the server could not be reached. Your text is kept; try again.";
      say(form.querySelector("[data-desk-status]"), "");
    }).then(function () { submitButton.disabled = false; });
  }

  function quickChange(item, change) {
    // Pin and key-event switches send the update as it is, with one switch changed.
    var body = new FormData();
    var fields = Object.assign({}, item.fields, change);
    DRAFT_FIELDS.forEach(function (name) { body.append(name, fields[name] || ""); });
    if (fields.key_event) { body.append("key_event", "on"); }
    if (fields.pinned) { body.append("pinned", "on"); }
    (fields.authors || []).forEach(function (id) { body.append("authors", id); });
    if (item.image) { body.append("image", item.image.id); }
    return request(urlFor(urls.edit, item.id), { body: body }).then(function (data) {
      if (data.ok) { receive(data); } else { showBanner(data.error); }
    });
  }

  if (form) {
    restoreDraft();
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    form.addEventListener("input", function () { lastActivity = Date.now(); saveDraft(); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submit();
      }
    });
    form.querySelector("[data-desk-cancel]").addEventListener("click", function () {
      resetForm();
      restoreDraft();
    });
  }

  list.addEventListener("click", function (event) {
    var target = event.target.closest("button[data-action]");
    if (!target) { return; }
    lastActivity = Date.now();
    var item = items[target.dataset.id];
    if (!item) { return; }
    var action = target.dataset.action;
    if (action === "edit") { startEditing(item); }
    if (action === "pin") { quickChange(item, { pinned: !item.fields.pinned }); }
    if (action === "key") { quickChange(item, { key_event: !item.fields.key_event }); }
    if (action === "delete") {
      if (!window.confirm("Delete update #" + item.id + "? Readers will stop seeing it at once.")) {
        return;
      }
      request(urlFor(urls.delete, item.id), { body: new FormData() }).then(function (data) {
        if (data.ok) { receive(data); if (editing === item.id) { resetForm(); } }
        else { showBanner(data.error); }
      });
    }
  });

  Array.prototype.forEach.call(root.querySelectorAll("[data-desk-set-state]"), function (b) {
    b.addEventListener("click", function () {
      var state = b.dataset.deskSetState;
      if (state === "ended" && !window.confirm("End the coverage? Readers' pages stop updating.")) {
        return;
      }
      var body = new FormData();
      body.append("state", state);
      request(urls.state, { body: body }).then(function (data) {
        if (data.ok) { applyState(data); } else { showBanner(data.error); }
      });
    });
  });

  refresh();
  // Other reporters' updates, every two seconds; the session every four minutes.
  setInterval(refresh, 2000);
  setInterval(refreshSession, 4 * 60 * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); refreshSession(); }
  });
})();
