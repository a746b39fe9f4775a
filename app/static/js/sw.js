/* EasyVoice's service worker (issue 14). On a tablet made ready for no wifi it serves the journey's
   page, the pictures, the audio and the styles from the tablet's store when the network is gone.
   It stores nothing itself: offline.js fills the store when an expert taps "Get ready". Answers
   never pass through here (they go from offline.js's outbox straight to the server). */
"use strict";

var STORE = "easyvoice-ready";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function stored(request, options) {
  return caches.open(STORE).then(function (cache) { return cache.match(request, options); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var path = url.pathname;
  if (/\/(audio|symbols)\//.test(path)) {
    // Built audio and pictures never change under one address: the store first.
    event.respondWith(stored(request).then(function (found) { return found || fetch(request); }));
  } else if (/\/static\//.test(path)) {
    // Styles, scripts, fonts: the network when it answers (a new release), else the store.
    event.respondWith(fetch(request).catch(function () {
      return stored(request).then(function (found) { return found || Response.error(); });
    }));
  } else if (/\/offline$/.test(path)) {
    // The journey's page: the same for every visit and person (?visit=... says which).
    event.respondWith(fetch(request).catch(function () {
      return stored(request, { ignoreSearch: true }).then(function (found) {
        return found || Response.error();
      });
    }));
  }
});
