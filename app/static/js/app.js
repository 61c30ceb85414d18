/* Our own small script: installs the service worker and keeps its offline page in the reader's
   language. Everything else is plain HTML and htmx. */
(function () {
  "use strict";

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    const language = document.documentElement.lang;
    navigator.serviceWorker.register("/sw.js", { scope: "/" })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (registration.active) registration.active.postMessage({ type: "language", language: language });
      })
      .catch(() => undefined);
  }

  if (document.readyState === "complete") {
    registerServiceWorker();
  } else {
    window.addEventListener("load", registerServiceWorker);
  }
})();
