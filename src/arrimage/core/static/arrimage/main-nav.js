/* The phone menu is one strip that scrolls sideways (arrimage.css, narrow screens): on a page
   whose item is far to the right (profile, privacy, trends), the strip opens scrolled so the
   current item (aria-current="page") sits in its middle. Only the strip's scrollLeft moves,
   never the page. Without script the strip opens at its start, every item still reachable. */
(function () {
  "use strict";
  var strip = document.querySelector(".main-nav ul");
  if (!strip || strip.scrollWidth <= strip.clientWidth) { return; }
  var item = strip.querySelector('a[aria-current="page"]');
  if (!item) { return; }
  var stripBox = strip.getBoundingClientRect();
  var itemBox = item.getBoundingClientRect();
  strip.scrollLeft += (itemBox.left + itemBox.width / 2) - (stripBox.left + stripBox.width / 2);
})();
