// The console's one script (staff pages only; the public site has none). Everything here is a
// shortcut: every action still works with a plain form or link when the script does not run.
// - The unread count in the title and the navigation refreshes every 30 seconds.
// - Ctrl+Enter (or Cmd+Enter) in a text box submits its form.
// - Outside text boxes: "r" goes to the reply box, "n" to the note box, "i" to the inbox,
//   "j" opens the next waiting conversation (the longest-waiting, as the "Next waiting" link
//   does), "a" assigns the conversation to oneself, "s" marks it solved (the page's own forms),
//   "?" lists the shortcuts.
// - On a conversation, the canned-reply links and the mixing-check and referral forms insert their
//   text at the cursor of the reply box, keeping what is typed, instead of reloading the page with
//   only their own text (which is what they do without the script).
// - The reply box is saved as a draft on the server while typing (the "Save draft" button without
//   the script).
"use strict";
(function () {
  var nav = document.getElementById("nav-notifications");
  var base = document.title.replace(/^\(\d+\) /, "");
  function show(count) {
    document.title = (count > 0 ? "(" + count + ") " : "") + base;
    if (nav) {
      nav.textContent = nav.getAttribute("data-label") + (count > 0 ? " (" + count + ")" : "");
      nav.classList.toggle("unread", count > 0);
    }
  }
  function poll() {
    fetch("/staff/notifications/count", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && typeof body.unread === "number") { show(body.unread); } })
      .catch(function () {});
  }
  if (nav) { setInterval(poll, 30000); }

  var reply = document.getElementById("reply");
  function insert(text) {
    var start = reply.selectionStart, end = reply.selectionEnd, value = reply.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\s$/.test(before) ? "\n\n" : "";
    var trail = after && !/^\s/.test(after) ? "\n\n" : "";
    reply.value = before + lead + text + trail + after;
    var caret = (before + lead + text).length;
    reply.focus();
    reply.setSelectionRange(caret, caret);
    reply.dispatchEvent(new Event("input"));
  }
  // Asks the server for the page the tool would load and takes the text it put in the reply box;
  // without text (an error to show), the page is loaded as without the script.
  function tool(url) {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var box = new DOMParser().parseFromString(html, "text/html").getElementById("reply");
        var text = box ? box.value : "";
        if (text.trim()) { insert(text); } else { window.location.assign(url); }
      })
      .catch(function () { window.location.assign(url); });
  }
  if (reply) {
    document.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a[href*='?canned=']") : null;
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
      e.preventDefault();
      tool(a.getAttribute("href").split("#")[0]);
    });
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if ((form.method || "").toLowerCase() !== "get" || !(form.elements.check || form.elements.service)) { return; }
      e.preventDefault();
      var query = new URLSearchParams(new FormData(form)).toString();
      tool(form.getAttribute("action").split("#")[0] + "?" + query);
    });
  }

  // Reply drafts: the box is saved on the server (sealed there; nothing is kept in the browser)
  // two seconds after typing stops and when the page is hidden or left; an empty box deletes the
  // draft. The line under the box says when it was saved. A send waits for a save in flight, so
  // a late save cannot bring back the draft of a reply already sent.
  var draftStatus = document.getElementById("draft-status");
  if (reply && reply.form && draftStatus) {
    var draftUrl = reply.form.getAttribute("action").replace(/\/reply$/, "/draft");
    var lastSaved = draftStatus.textContent.trim() ? reply.value : "";
    var draftTimer = null, inFlight = null;
    var saveDraft = function (leaving) {
      clearTimeout(draftTimer);
      var text = reply.value;
      if (text === lastSaved) { return; }
      lastSaved = text;
      var failed = function () { lastSaved = null; draftStatus.textContent = draftStatus.getAttribute("data-failed"); };
      inFlight = fetch(draftUrl, {
        method: "POST", credentials: "same-origin", keepalive: leaving === true,
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ message: text })
      })
        .then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) { lastSaved = null; }
            draftStatus.textContent = typeof body.status === "string" ? body.status : draftStatus.getAttribute("data-failed");
          });
        })
        .catch(failed)
        .then(function () { inFlight = null; });
    };
    reply.addEventListener("input", function () {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(saveDraft, 2000);
    });
    window.addEventListener("pagehide", function () { saveDraft(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { saveDraft(true); }
    });
    reply.form.addEventListener("submit", function (e) {
      clearTimeout(draftTimer);
      lastSaved = reply.value;
      if (!inFlight) { return; }
      e.preventDefault();
      var by = e.submitter;
      inFlight.then(function () {
        if (by) { reply.form.requestSubmit(by); } else { reply.form.requestSubmit(); }
      });
    });
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (!form) { return false; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    return true;
  }
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (e) {
    var el = document.activeElement;
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && el && el.tagName === "TEXTAREA" && el.form) {
      e.preventDefault();
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
      return;
    }
    if (typing(el) || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var go = {
      r: function () { var b = document.getElementById("reply"); if (b) { b.focus(); return true; } },
      n: function () { var b = document.getElementById("note"); if (b) { b.focus(); return true; } },
      i: function () { window.location.assign("/staff/inbox"); return true; },
      j: function () { window.location.assign("/staff/inbox/next"); return true; },
      a: function () { return submit("claim"); },
      s: function () { return submit("solve"); },
      "?": function () {
        var h = document.getElementById("shortcuts");
        if (h) { h.hidden = !h.hidden; return true; }
      }
    }[e.key];
    if (go && go()) { e.preventDefault(); }
  });
})();

// Web Push (the notification settings page): subscribes this browser with the server's key and
// hands the subscription to the server. Without the script the page says it is needed.
(function () {
  var box = document.getElementById("push");
  var button = document.getElementById("push-on");
  var status = document.getElementById("push-status");
  if (!box || !button || !status) { return; }
  function say(name) { status.textContent = box.getAttribute("data-" + name) || ""; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  function key(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    say("working");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { return Promise.reject("denied"); }
      return navigator.serviceWorker.register("/staff/push-worker.js", { scope: "/staff/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.getAttribute("data-key")) });
    }).then(function (subscription) {
      return fetch("/staff/account/push", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (r) {
      if (!r.ok) { return Promise.reject("failed"); }
      say("done");
      window.location.assign("/staff/account/notifications?saved=1");
    }).catch(function (why) { say(why === "denied" ? "denied" : "failed"); });
  });
})();
