/* Web push on the reminders page: our own small module. "Turn on notifications on this phone" asks
   the browser for permission, subscribes through the service worker (app.js registers it) with our
   VAPID public key, and sends the subscription to the server. Every word comes from the page's data
   attributes, so it is in the reader's language. */
(function () {
  "use strict";

  const root = document.querySelector("[data-push]");
  if (!root) return;
  const onButton = root.querySelector("[data-push-on]");
  const offButton = root.querySelector("[data-push-off]");
  const status = root.querySelector("[data-push-status]");
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

  function say(message) {
    status.textContent = message || "";
  }

  function show(subscribed) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
  }

  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  async function send(method, url, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    return { ok: response.ok, data: data };
  }

  async function registration() {
    return navigator.serviceWorker.ready;
  }

  async function turnOn() {
    say("");
    const permission = await Notification.requestPermission();
    if (permission !== "granted") { say(root.dataset.msgDenied); return; }
    const worker = await registration();
    let subscription = await worker.pushManager.getSubscription();
    if (!subscription) {
      subscription = await worker.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(root.dataset.vapidKey),
      });
    }
    const answer = await send("POST", root.dataset.subscribeUrl, subscription.toJSON());
    if (!answer.ok) { say(answer.data.error || root.dataset.msgFailed); return; }
    show(true);
    say(answer.data.message || root.dataset.msgOn);
  }

  async function turnOff() {
    say("");
    const worker = await registration();
    const subscription = await worker.pushManager.getSubscription();
    if (subscription) {
      await send("DELETE", root.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    show(false);
    say(root.dataset.msgOff);
  }

  function guarded(action, button) {
    return () => {
      button.disabled = true;
      action()
        .catch(() => say(root.dataset.msgFailed))
        .finally(() => { button.disabled = false; });
    };
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(root.dataset.msgUnsupported);
    return;
  }
  onButton.addEventListener("click", guarded(turnOn, onButton));
  offButton.addEventListener("click", guarded(turnOff, offButton));
  show(false);
  registration()
    .then((worker) => worker.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription) && Notification.permission === "granted"))
    .catch(() => show(false));
})();
