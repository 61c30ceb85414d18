/* "Print or save as PDF": the button shows only when this script runs, and opens the browser's own
   print window, where a PDF can be saved too. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach((button) => {
    if (typeof window.print !== "function") return;
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
})();
