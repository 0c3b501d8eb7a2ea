// On a phone the header's menu folds behind its "Menu" button (see base.html's CSS);
// without this script the menu simply stays unfolded.
document.addEventListener("DOMContentLoaded", () => {
  const header = document.querySelector("body > header");
  const toggle = header && header.querySelector(".menu-toggle");
  if (!toggle) return;
  header.classList.add("foldable");
  toggle.addEventListener("click", () => {
    const unfolded = header.classList.toggle("unfolded");
    toggle.setAttribute("aria-expanded", String(unfolded));
  });
});
