// A table wider than the screen scrolls inside its box (base.html's CSS for phones);
// such a table is made focusable, so that the keyboard can scroll it too.
function markScrollingTables() {
  for (const table of document.querySelectorAll("main table")) {
    if (table.scrollWidth > table.clientWidth) table.setAttribute("tabindex", "0");
    else table.removeAttribute("tabindex");
  }
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
