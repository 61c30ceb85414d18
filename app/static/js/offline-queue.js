/* The offline queue. A form marked data-queue="true" (a supporter's "I did it") sent with no network
   waits in IndexedDB with its idempotency key and the account that sent it, and goes when the phone
   is back: on `online`, on page load, when the page is shown again, and from the service worker's
   Background Sync where the browser has it (sw.js imports this file).

   Before sending, a fresh CSRF token and the signed-in account are read from the page the form was
   on: an action is only ever sent by the account that queued it, and one whose session has expired
   waits until that account signs in again. Signing out wipes the account's queue. The same
   Idempotency-Key makes a repeated send harmless. Every word shown comes from the page
   (#offline-queue's data attributes), so it is translated. */
(function (scope) {
  "use strict";

  const DATABASE = "offline-queue";
  const STORE = "actions";
  const SYNC_TAG = "offline-queue";

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function open() {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("account", "account");
    };
    return done(opening);
  }

  // Runs work(store) in one transaction; resolves with its request's result once it is committed.
  async function withStore(mode, work) {
    const database = await open();
    try {
      const transaction = database.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = transaction.onabort = () => reject(transaction.error);
      });
      return request && request.result;
    } finally {
      database.close();
    }
  }

  const waitingFor = (account) =>
    withStore("readonly", (store) => (account ? store.index("account").getAll(account) : store.getAll()));
  const save = (item) => withStore("readwrite", (store) => store.put(item));
  const forget = (key) => withStore("readwrite", (store) => store.delete(key));
  const wipe = (account) =>
    withStore("readwrite", (store) => {
      const cursor = store.index("account").openKeyCursor(IDBKeyRange.only(account));
      cursor.onsuccess = () => {
        if (!cursor.result) return;
        store.delete(cursor.result.primaryKey);
        cursor.result.continue();
      };
    });

  // Who is signed in now, and a fresh CSRF token (tokens expire after an hour), from a page of the app.
  async function signedIn(page) {
    const html = await (await fetch(page, { credentials: "same-origin", cache: "no-store" })).text();
    const read = (pattern) => (html.match(pattern) || [])[1];
    return {
      account: read(/<body[^>]*\sdata-account="([^"]+)"/),
      token: read(/<meta name="csrf-token" content="([^"]+)"/),
    };
  }

  // The server's answer (the card, as htmx would get it), or null if the action must wait longer.
  async function send(item, token) {
    const response = await fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": token,
        "Idempotency-Key": item.key,
        "HX-Request": "true",
        "HX-Target": item.target,
      },
      body: new URLSearchParams(item.fields),
    });
    const html = await response.text();
    if (response.headers.has("HX-Redirect")) return null; // signed out in the meantime
    const decided =
      response.ok ||
      [403, 404, 410].includes(response.status) || // it can never be sent now
      html.includes(`id="${item.target}"`); // refused, and the card says why
    return decided ? html : null;
  }

  // Sends what waits, oldest first (one account's, or everyone's from the service worker). Rejects
  // if the network is still down; quietly leaves what another account, or nobody, is signed in for.
  function replay(account, onSent) {
    const run = async () => {
      const items = (await waitingFor(account)).sort((a, b) => a.created - b.created);
      const sessions = new Map();
      for (const item of items) {
        if (!sessions.has(item.page)) sessions.set(item.page, await signedIn(item.page));
        const now = sessions.get(item.page);
        if (now.account !== item.account || !now.token) continue;
        const html = await send(item, now.token);
        if (html === null) continue;
        await forget(item.key);
        await onSent(item, html);
      }
    };
    // One sender at a time, across open pages and the service worker.
    return scope.navigator.locks ? scope.navigator.locks.request(SYNC_TAG, run) : run();
  }

  scope.offlineQueue = { SYNC_TAG, replay };
  if (typeof document === "undefined") return; // in the service worker: sw.js does the rest

  const status = document.getElementById("offline-queue");
  const account = document.body.dataset.account;
  if (!status || !account) return; // only signed-in pages queue
  const words = status.dataset;

  function mark(card) {
    if (!card || card.querySelector(".queue-note")) return;
    const note = document.createElement("p");
    note.className = "queue-note";
    note.textContent = words.waiting;
    card.append(note);
    card.querySelectorAll("button").forEach((button) => {
      button.disabled = true;
    });
  }

  async function refresh() {
    const items = await waitingFor(account);
    const text = items.length ? words.count.replace("{count}", items.length) : "";
    if (status.textContent !== text) status.textContent = text;
    items.forEach((item) => mark(document.getElementById(item.target)));
  }

  function showSent(item, html) {
    const card = document.getElementById(item.target);
    const fresh = card && new DOMParser().parseFromString(html, "text/html").getElementById(item.target);
    if (fresh) {
      card.replaceWith(fresh);
      if (scope.htmx) scope.htmx.process(fresh);
    }
    return refresh();
  }

  function sendWaiting() {
    if (!navigator.onLine) return;
    replay(account, showSent)
      .catch(() => undefined) // still offline: it waits for the next chance
      .then(refresh)
      .catch(() => undefined);
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
      .catch(() => undefined);
  }

  async function queue(form, data) {
    const key = data.get("idempotency_key");
    const item = {
      key,
      account,
      url: form.getAttribute("action"),
      fields: [...data].filter(([name, value]) => name !== "csrf_token" && typeof value === "string"),
      target: (form.getAttribute("hx-target") || "").replace(/^#/, ""),
      page: location.pathname + location.search,
      created: Date.now(),
    };
    await save(item);
    mark(document.getElementById(item.target));
    await refresh();
    askForSync();
  }

  // Offline: the form is queued before htmx (or the browser) tries to send it.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form.dataset.queue !== "true" || navigator.onLine) return;
      const data = new FormData(form, event.submitter);
      const submitter = event.submitter;
      if (submitter && submitter.name && !data.has(submitter.name)) data.append(submitter.name, submitter.value);
      if (!data.get("idempotency_key")) return;
      event.preventDefault();
      event.stopPropagation();
      queue(form, data).catch(() => undefined);
    },
    true
  );

  // "Online" but the request never got an answer: queue it too (the key makes a second arrival harmless).
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest("form[data-queue='true']");
    const data = event.detail.requestConfig.formData;
    if (form && data.get("idempotency_key")) queue(form, data).catch(() => undefined);
  });

  // Signing out wipes this account's queue first (the server also sends Clear-Site-Data).
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form.getAttribute("action") || "").startsWith(words.signOut)) return;
      event.preventDefault();
      wipe(account)
        .catch(() => undefined)
        .then(() => form.submit());
    },
    true
  );

  // What the service worker sent while this page was open.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      const data = event.data || {};
      if (data.type === SYNC_TAG && data.account === account) showSent(data, data.html).catch(() => undefined);
    });
  }
  window.addEventListener("online", sendWaiting);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sendWaiting();
  });
  refresh()
    .catch(() => undefined)
    .then(sendWaiting);
})(self);
