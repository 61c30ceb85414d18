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

  // A double tap must not send a form twice: once it is on its way, its buttons wait.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    // A form that downloads a file leaves the page where it is: its button must work again.
    if (form.hasAttribute("data-download")) return;
    // After this tick, so the tapped button's own name and value still go with the form.
    window.setTimeout(() => {
      form.querySelectorAll("button[type='submit'], button:not([type])").forEach((button) => {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
  });

  // Coming back to a page from the browser's history brings the buttons back too.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("button[aria-busy='true']").forEach((button) => {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });

  if (document.readyState === "complete") {
    registerServiceWorker();
  } else {
    window.addEventListener("load", registerServiceWorker);
  }
})();
