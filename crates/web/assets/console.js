// The console's one script (staff pages only; the public site has none). Everything here is a
// shortcut: every action still works with a plain form or link when the script does not run.
// - The unread count in the title and the navigation refreshes every 30 seconds.
// - Ctrl+Enter (or Cmd+Enter) in a text box submits its form.
// - Outside text boxes: "r" goes to the reply box, "n" to the note box, "i" to the inbox,
//   "j" opens the first conversation of the inbox list, "?" lists the shortcuts.
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
      j: function () {
        var a = document.querySelector("table a[href^='/staff/conversations/']");
        if (a) { window.location.assign(a.getAttribute("href")); return true; }
      },
      "?": function () {
        var h = document.getElementById("shortcuts");
        if (h) { h.hidden = !h.hidden; return true; }
      }
    }[e.key];
    if (go && go()) { e.preventDefault(); }
  });
})();
