/* Lifelong Links service worker: precaches the app shell and shows the offline page when the
   network is gone. It never caches signed-in pages, and htmx requests always go to the network. */
const VERSION = {{ version|tojson }};
const SHELL = {{ shell_urls|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const CACHE = "shell-" + VERSION;

/* The offline queue (js/offline-queue.js): where the browser has Background Sync, what a supporter
   did offline is sent even with no page open; open pages are then told, so they update their cards. */
importScripts({{ url_for("static", filename="js/offline-queue.js")|tojson }});

function tellPages(item, html) {
  return self.clients.matchAll({ type: "window" }).then((pages) =>
    pages.forEach((page) =>
      page.postMessage({ type: self.offlineQueue.SYNC_TAG, account: item.account, target: item.target, html })
    )
  );
}

self.addEventListener("sync", (event) => {
  if (event.tag === self.offlineQueue.SYNC_TAG) event.waitUntil(self.offlineQueue.replay(null, tellPages));
});

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([...SHELL, OFFLINE_URL]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("shell-") && name !== CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function isShellRequest(url) {
  return SHELL.includes(url.pathname + url.search);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.headers.get("HX-Request")) return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(OFFLINE_URL, { cacheName: CACHE, ignoreVary: true })
          .then((cached) => cached || Response.error())
      )
    );
    return;
  }
  if (isShellRequest(url)) {
    event.respondWith(
      caches.match(request, { cacheName: CACHE, ignoreVary: true }).then((cached) => cached || fetch(request))
    );
  }
});

/* The offline page is cached in the language the person last used. */
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "language") return;
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(OFFLINE_URL, { ignoreVary: true });
      if (cached && cached.headers.get("Content-Language") === data.language) return;
      const fresh = await fetch(OFFLINE_URL, { credentials: "same-origin" });
      if (fresh.ok) await cache.put(OFFLINE_URL, fresh);
    }).catch(() => undefined)
  );
});

/* Web push: a reminder arrives encrypted for this browser; show it, and open the supporter's page. */
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data.text() }; }
  event.waitUntil(
    self.registration.showNotification(data.title || "Lifelong Links", {
      body: data.body || "",
      icon: {{ url_for("static", filename="icons/icon-192.png")|tojson }},
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname.startsWith("/supporting/"));
      return open ? open.focus() : self.clients.openWindow("/supporting/");
    })
  );
});
