/* Passkeys in the browser: our own small module. Modern browsers parse the server's JSON options
   directly (parseCreationOptionsFromJSON / parseRequestOptionsFromJSON) and give back JSON with
   credential.toJSON(); a short base64url fallback covers browsers without them. */
(function () {
  "use strict";

  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

  function fromB64url(value) {
    const base64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
  }

  function toB64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    bytes.forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    return Object.assign({}, json, {
      challenge: fromB64url(json.challenge),
      user: Object.assign({}, json.user, { id: fromB64url(json.user.id) }),
      excludeCredentials: (json.excludeCredentials || []).map((c) => Object.assign({}, c, { id: fromB64url(c.id) })),
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    return Object.assign({}, json, {
      challenge: fromB64url(json.challenge),
      allowCredentials: (json.allowCredentials || []).map((c) => Object.assign({}, c, { id: fromB64url(c.id) })),
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    const response = {};
    for (const key of ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"]) {
      if (credential.response[key]) response[key] = toB64url(credential.response[key]);
    }
    if (credential.response.getTransports) response.transports = credential.response.getTransports();
    return { id: credential.id, rawId: toB64url(credential.rawId), type: credential.type, response: response,
      clientExtensionResults: credential.getClientExtensionResults(), authenticatorAttachment: credential.authenticatorAttachment };
  }

  async function post(url, body, isJSON) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "X-CSRFToken": csrfToken(), Accept: "application/json" },
        isJSON ? { "Content-Type": "application/json" } : {}),
      body: body,
    });
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    return { ok: response.ok, data: data };
  }

  function say(root, message) {
    const status = root.querySelector("[data-passkey-status]") || document.querySelector("[data-passkey-status]");
    if (status) status.textContent = message;
  }

  async function ceremony(root, kind, formData, mediation) {
    const unsupported = root.dataset.msgUnsupported;
    const cancelled = root.dataset.msgCancelled;
    if (!window.PublicKeyCredential) { say(root, unsupported); return; }
    const start = await post(root.dataset.options, formData, false);
    if (!start.ok) { say(root, start.data.error || cancelled); return; }
    let credential;
    try {
      if (kind === "create") {
        credential = await navigator.credentials.create({ publicKey: creationOptions(start.data) });
      } else {
        // Only one request may wait at a time: a tap on the button replaces the autofill offer.
        if (root.pending) root.pending.abort();
        root.pending = new AbortController();
        const request = { publicKey: requestOptions(start.data), signal: root.pending.signal };
        if (mediation) request.mediation = mediation;
        credential = await navigator.credentials.get(request);
      }
    } catch (error) {
      if (mediation !== "conditional") say(root, cancelled);
      return;
    }
    const finish = await post(root.dataset.finish, JSON.stringify(credentialJSON(credential)), true);
    if (finish.ok && finish.data.redirect) { window.location.assign(finish.data.redirect); return; }
    say(root, finish.data.error || cancelled);
  }

  function withBusy(button, work) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    return work().finally(() => { button.disabled = false; button.removeAttribute("aria-busy"); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-passkey='get']").forEach((root) => {
      const button = root.querySelector("button");
      button.addEventListener("click", () => withBusy(button, () => ceremony(root, "get", new FormData())));
      // Offer saved passkeys in the browser's autofill too (conditional mediation).
      if (root.dataset.conditional === "true" && window.PublicKeyCredential &&
          PublicKeyCredential.isConditionalMediationAvailable) {
        PublicKeyCredential.isConditionalMediationAvailable().then((available) => {
          if (available) ceremony(root, "get", new FormData(), "conditional");
        });
      }
    });
    document.querySelectorAll("form[data-passkey='create']").forEach((form) => {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const button = form.querySelector("button[type='submit']");
        withBusy(button, () => ceremony(form, "create", new FormData(form)));
      });
    });
  });
})();
