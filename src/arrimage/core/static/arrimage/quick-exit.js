/* Quick exit (issue 13, item 6): the button, or the Esc key, replaces this page and its
   history entry with a neutral site. Nothing is fetched: the browser simply goes there. */
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (!exit) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    window.location.replace(exit.getAttribute("href"));
  }
  exit.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
})();
