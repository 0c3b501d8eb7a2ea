// A form with data-confirm, or a submit button with data-confirm, asks before it is
// sent (cancelling an instance or migrating instances cannot be undone). A static
// file, not inline JS, for the Content-Security-Policy.
for (const form of document.querySelectorAll("form")) {
  form.addEventListener("submit", (event) => {
    const question = event.submitter?.dataset.confirm || form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
}
