/* Progressive enhancement of "Ask a question" (templates/consultations/ask.html); the form works
   without it and the server checks everything again:
   - a character counter under the question, announced politely to screen readers;
   - a warning, before sending, when more files or larger files are chosen than the form accepts.
   The messages come translated from data attributes of the page. */
(function () {
  "use strict";

  function counter(output) {
    var field = document.getElementById(output.getAttribute("data-counter-for"));
    if (!field) return;
    var max = parseInt(field.getAttribute("data-max-length"), 10);
    if (!max) return;
    var timer = null;
    function update() {
      var length = field.value.replace(/\r\n/g, "\n").trim().length;
      var left = max - length;
      var template = left >= 0 ? output.getAttribute("data-remaining") : output.getAttribute("data-over");
      output.textContent = template.replace("__COUNT__", Math.abs(left).toLocaleString(document.documentElement.lang));
      output.classList.toggle("form-field__error", left < 0);
    }
    output.hidden = false;
    update();
    // Announcing every keystroke would drown a screen reader: update after a short pause.
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
  }

  function fileCheck(output) {
    var input = document.getElementById(output.getAttribute("data-files-for"));
    if (!input) return;
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    input.addEventListener("change", function () {
      var problems = [];
      if (maxFiles && input.files.length > maxFiles) problems.push(output.getAttribute("data-too-many"));
      Array.prototype.forEach.call(input.files, function (file) {
        if (maxBytes && file.size > maxBytes) {
          problems.push(output.getAttribute("data-too-large").replace("__NAME__", file.name));
        }
      });
      output.textContent = problems.join(" ");
      output.hidden = problems.length === 0;
    });
  }

  document.querySelectorAll("[data-counter-for]").forEach(counter);
  document.querySelectorAll("[data-files-for]").forEach(fileCheck);
})();
