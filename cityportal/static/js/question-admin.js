/* The reply composer of a question in the admin (templates/consultations/admin/includes/question_reply.html).
   Progressive enhancement only: without this file "Use template" posts the form and the page comes
   back with the template added. With it, the chosen template is inserted where the cursor is, at once,
   and a screen reader hears that it was. The templates' texts come from a JSON data block (no inline script). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-reply-composer]");
  var data = document.getElementById("reply-templates");
  if (!form || !data) return;
  var bodies = JSON.parse(data.textContent);
  var button = form.querySelector("[data-use-template]");
  var select = form.querySelector("select[name=template]");
  var reply = form.querySelector("textarea[name=text]");
  var status = form.querySelector("[data-template-status]");
  if (!button || !select || !reply) return;

  // Where the cursor last was in the reply (null until staff place it there).
  var cursor = null;
  ["click", "keyup", "select", "input"].forEach(function (name) {
    reply.addEventListener(name, function () {
      cursor = { start: reply.selectionStart, end: reply.selectionEnd };
    });
  });

  button.addEventListener("click", function (event) {
    var body = bodies[select.value];
    if (body === undefined) return; // no template chosen: the server says so
    event.preventDefault();
    var start, end;
    if (cursor && cursor.end < reply.value.trimEnd().length) {
      // Inside what is written: the template goes where the cursor is.
      start = cursor.start;
      end = cursor.end;
    } else {
      // At the end, or no cursor yet: after what is written and a blank line, as the server does.
      reply.value = reply.value.trim() === "" ? "" : reply.value.trimEnd() + "\n\n";
      start = end = reply.value.length;
    }
    reply.value = reply.value.slice(0, start) + body + reply.value.slice(end);
    reply.focus();
    reply.setSelectionRange(start + body.length, start + body.length);
    reply.dispatchEvent(new Event("input", { bubbles: true }));
    if (status) status.textContent = button.getAttribute("data-inserted-message");
  });
})();
