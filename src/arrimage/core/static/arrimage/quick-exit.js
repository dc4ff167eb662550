/* Quick exit (issue 13, item 6): the button, or the Esc key, replaces this page and its
   history entry with a neutral site. Nothing is fetched: the browser simply goes there.

   Back must not return to Arrimage. location.replace() removes the current page from the
   history, but not the pages read before it. So, on the pages that carry the button, a link
   followed inside the site replaces the page too (location.replace), as does a search form
   sent with GET: the whole visit keeps a single entry in the history, which the exit then
   replaces. The limits (docs/security.md): the browser's full history list, other tabs and
   a page reached by a POST (the login) are out of reach of any page; private browsing is
   the only complete answer. */
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

  function sameSite(url) {
    return url.origin === window.location.origin;
  }
  function plainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || !plainClick(event)) { return; }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link === exit || link.hasAttribute("download")) { return; }
    if (link.target && link.target !== "_self") { return; }
    var url = new URL(link.href, window.location.href);
    if (!sameSite(url) || !/^https?:$/.test(url.protocol)) { return; }
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
      return;  // an anchor on this page: no new page
    }
    event.preventDefault();
    window.location.replace(url.href);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || (form.method || "get").toLowerCase() !== "get") { return; }
    var url = new URL(form.action || window.location.href, window.location.href);
    if (!sameSite(url)) { return; }
    var params = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) { params.append(event.submitter.name, event.submitter.value); }
    url.search = params.toString();
    event.preventDefault();
    window.location.replace(url.href);
  });
})();
