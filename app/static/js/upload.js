// Journey book forms with photos: show how much has been sent on a slow connection, refuse a photo
// that is too big before sending it, and never lose what was typed when sending fails.
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector(".upload-status");
    if (!input || !status || !window.FormData) return;
    var bar = status.querySelector("progress");
    var text = status.querySelector(".upload-status__text");
    var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);

    function say(message, percent) {
      status.hidden = false;
      text.textContent = message;
      bar.hidden = percent === null;
      if (percent !== null) bar.value = percent;
    }

    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files || []);
      if (limit && files.some(function (file) { return file.size > limit; })) {
        event.preventDefault();
        say(text.getAttribute("data-too-big"), null);
        input.focus();
        return;
      }
      if (!files.length) return; // words only: the ordinary form post is quick
      event.preventDefault();
      var button = form.querySelector("button[type=submit], button:not([type])");
      var request = new XMLHttpRequest();
      var quarter = 0;
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "text/html");
      request.setRequestHeader("X-Upload", "1");
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.round((progress.loaded / progress.total) * 100);
          bar.value = percent;
          // Words only every quarter, so a screen reader is not talking all the way through.
          if (Math.floor(percent / 25) !== quarter) {
            quarter = Math.floor(percent / 25);
            say(text.getAttribute("data-sending").replace("{percent}", percent), percent);
          }
        }
      });
      request.addEventListener("load", function () {
        if (request.status < 400) {
          window.location.assign(request.getResponseHeader("X-Upload-Location") || request.responseURL || form.action);
          return;
        }
        // The server drew the form again with the words kept and what went wrong: show that page.
        var page = new DOMParser().parseFromString(request.responseText, "text/html");
        var main = page.querySelector("main");
        if (main && main.querySelector("form[data-upload]")) {
          document.querySelector("main").replaceWith(main);
          var summary = document.getElementById("error-summary");
          if (summary) summary.focus();
          document.querySelectorAll("form[data-upload]").forEach(setup);
        } else {
          // Not our form (open too long, or something broke): keep the words, and take a fresh token
          // from the page that came back so that trying again works.
          var fresh = page.querySelector("meta[name=csrf-token]");
          var token = form.querySelector("input[name=csrf_token]");
          if (fresh && token) token.value = fresh.getAttribute("content");
          if (button) button.disabled = false;
          say(text.getAttribute("data-failed"), null);
        }
      });
      request.addEventListener("error", function () {
        if (button) button.disabled = false;
        say(text.getAttribute("data-failed"), null);
      });
      if (button) button.disabled = true;
      say(text.getAttribute("data-sending").replace("{percent}", "0"), 0);
      request.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(setup);
})();
