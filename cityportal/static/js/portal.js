/* Progressive enhancement only: every page works without this file.
   Closes the language menu with Escape or a click elsewhere, as a menu would. */
(function () {
  "use strict";
  var menus = document.querySelectorAll("details.languages");
  if (!menus.length) return;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
})();
