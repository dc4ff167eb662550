/* Case page tabs (issue 13, item 5). Without this script every section of the case is on the
   page and the tab bar is a list of anchors. With it, on a phone, one section is open at a time:
   the one the address's #fragment names (or holds: a saved form sends the worker back to
   "#notes"), else the first. The fragment stays the source of truth, so Back, links and the
   redirects after a form all keep working. */
(function () {
  "use strict";
  var root = document.querySelector("[data-case-sections]");
  var nav = document.querySelector("[data-case-tabs]");
  if (!root || !nav || !window.matchMedia) { return; }
  var phone = window.matchMedia("(max-width: 40rem)");
  var sections = Array.prototype.filter.call(root.children, function (child) {
    return child.tagName === "SECTION" && child.id;
  });
  if (!sections.length) { return; }

  function sectionOf(hash) {
    if (!hash || hash.length < 2) { return null; }
    var element = document.getElementById(decodeURIComponent(hash.slice(1)));
    while (element && element.parentElement !== root) { element = element.parentElement; }
    return element;
  }

  function show() {
    var open = sectionOf(window.location.hash) || sections[0];
    var tabbed = phone.matches;
    root.classList.toggle("is-tabbed", tabbed);
    sections.forEach(function (section) { section.hidden = tabbed && section !== open; });
    Array.prototype.forEach.call(nav.querySelectorAll("a"), function (link) {
      if (link.getAttribute("href") === "#" + open.id) {
        link.setAttribute("aria-current", "true");
        if (tabbed && link.scrollIntoView) { link.scrollIntoView({ block: "nearest", inline: "nearest" }); }
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  window.addEventListener("hashchange", show);
  if (phone.addEventListener) { phone.addEventListener("change", show); }
  show();
})();
