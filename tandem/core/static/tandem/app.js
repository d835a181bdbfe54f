// Small behaviours every page shares. Kept without dependencies; the pages work without it.

// Steps that end or undo something ask first: a form with data-confirm, or a form whose
// chosen <option> carries data-confirm (a status change to "completed", say).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const option = form.querySelector("option:checked[data-confirm]");
  const question = form.dataset.confirm || (option && option.dataset.confirm);
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
