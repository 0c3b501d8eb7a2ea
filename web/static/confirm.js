// A form with data-confirm asks before it is sent (cancelling an instance cannot be
// undone). A static file, not inline JS, for the Content-Security-Policy.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
