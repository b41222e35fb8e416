/* Progressive enhancement of the questions and answers pages; they work fully without this file.
   - An answer named in the address (#faq-12) opens, also when the address changes.
   - "Was this answer helpful?" posts with fetch and shows the thanks in place of the form, without
     reloading the page; if that fails, the form is sent the ordinary way. */
(function () {
  "use strict";

  function openNamedAnswer() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  openNamedAnswer();
  window.addEventListener("hashchange", openNamedAnswer);

  if (!window.fetch || !window.FormData) return;

  function sendTheOrdinaryWay(form, submitter) {
    if (submitter && submitter.name) {
      var chosen = document.createElement("input");
      chosen.type = "hidden";
      chosen.name = submitter.name;
      chosen.value = submitter.value;
      form.appendChild(chosen);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  document.querySelectorAll("[data-faq-vote] form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var status = form.parentNode.querySelector(".faq-vote__status");
      if (!status) return;
      event.preventDefault();
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          return response.json().then(function (body) {
            status.textContent = body.message || "";
            if (response.ok) {
              form.remove();
            } else {
              form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
            }
            status.focus();
          });
        })
        .catch(function () {
          sendTheOrdinaryWay(form, submitter);
        });
    });
  });
})();
