/* Proof-of-work for protected forms (core.protection, ADR 009). Progressive enhancement only: without
   this file the form is still sent, and the server applies its no-JavaScript rule.

   An ALTCHA-compatible solver: fetch a signed challenge, find the number n for which
   SHA-256(salt + n) equals the challenge, and put the solution, base64-encoded JSON, in the hidden
   field. Solving starts when the visitor first touches the form and is awaited on submit. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-challenge-url]");
  if (!fields.length || !window.crypto || !window.crypto.subtle || !window.fetch || !window.TextEncoder) {
    return;
  }
  var BATCH = 256; // hashes computed in parallel between checks
  var MARGIN_MS = 60 * 1000; // fetch a new challenge when less than this is left before expiry

  function toBytes(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  }

  function equal(buffer, expected) {
    var actual = new Uint8Array(buffer);
    if (actual.length !== expected.length) return false;
    for (var i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return false;
    return true;
  }

  function expiry(challenge) {
    var match = /[?&]expires=(\d+)/.exec(challenge.salt);
    return match ? parseInt(match[1], 10) * 1000 : Infinity;
  }

  async function solve(challenge) {
    var encoder = new TextEncoder();
    var target = toBytes(challenge.challenge);
    for (var start = 0; start <= challenge.maxNumber; start += BATCH) {
      var end = Math.min(start + BATCH, challenge.maxNumber + 1);
      var hashes = [];
      for (var n = start; n < end; n++) {
        hashes.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)));
      }
      var digests = await Promise.all(hashes);
      for (var i = 0; i < digests.length; i++) {
        if (equal(digests[i], target)) return start + i;
      }
    }
    return null;
  }

  async function fetchAndSolve(url) {
    var response = await fetch(url, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new Error("challenge: HTTP " + response.status);
    var challenge = await response.json();
    var number = await solve(challenge);
    if (number === null) throw new Error("challenge: no solution");
    var payload = {
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number: number,
      salt: challenge.salt,
      signature: challenge.signature,
    };
    return { value: btoa(JSON.stringify(payload)), expires: expiry(challenge) };
  }

  fields.forEach(function (field) {
    var form = field.form;
    if (!form) return;
    var status = form.querySelector("[data-challenge-status]");
    var pending = null;

    function start() {
      if (!pending) {
        pending = fetchAndSolve(field.getAttribute("data-challenge-url"));
        pending.catch(function () {
          pending = null; // try again on submit
        });
      }
      return pending;
    }

    form.addEventListener("focusin", start, { once: true });
    // A page restored from the back-forward cache holds a used solution: solve afresh.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      pending = null;
      field.value = "";
      delete form.dataset.challengeReady;
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.challengeReady === "1") return; // solved: let the browser send it
      event.preventDefault();
      if (status) status.textContent = status.getAttribute("data-checking") || "";
      start()
        .then(function (solution) {
          if (solution.expires - Date.now() < MARGIN_MS) {
            pending = null;
            return start();
          }
          return solution;
        })
        .then(
          function (solution) {
            field.value = solution.value;
          },
          function () {
            field.value = ""; // the server treats the form as sent without JavaScript
          }
        )
        .then(function () {
          if (status) status.textContent = "";
          form.dataset.challengeReady = "1";
          // After this submit event has finished: a form ignores a new submission while it is
          // still dispatching one, which is the case when the solution was already waiting.
          setTimeout(function () {
            // requestSubmit keeps the button's name and value; submit() is the fallback.
            if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
            else form.submit();
          }, 0);
        });
    });
  });
})();
