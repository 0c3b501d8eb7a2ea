// A file over the size limit is refused on the page, before anything is sent: the
// typed values stay, and the message (in the page's language) appears beside the field.
document.querySelectorAll('input[type=file][data-max-bytes]').forEach((input) => {
  input.addEventListener('change', () => {
    const limit = Number(input.dataset.maxBytes);
    const tooLarge = Array.from(input.files).some((file) => file.size > limit);
    const message = tooLarge ? input.dataset.tooLarge : '';
    input.setCustomValidity(message);
    const note = document.getElementById(input.dataset.errorId);
    note.textContent = message;
    note.hidden = !message;
  });
});
