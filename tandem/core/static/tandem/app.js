// Small behaviours every page shares. Kept without dependencies; the pages work without it.

// A form with data-confirm asks before it submits: for steps that end or undo something.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
