// The console's service worker, for Web Push only (it caches nothing). A push names the kind of
// event and a console path, never content; a click opens that page of the console.
"use strict";
function consolePath(path) {
  return typeof path === "string" && path.indexOf("/staff/") === 0 ? path : "/staff/notifications";
}
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var path = consolePath(data.path);
  event.waitUntil(self.registration.showNotification(String(data.title || ""), {
    body: String(data.body || ""),
    tag: path,
    data: { path: path }
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var path = consolePath(event.notification.data && event.notification.data.path);
  event.waitUntil(self.clients.openWindow(path));
});
