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

// A step sent in the background (htmx) that fails leaves the page as it was, so nothing typed
// is lost; say why instead of doing nothing.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const kept = "What you typed is still on this page: copy it before you leave.";
  if (status === 401) {
    window.alert(`You are signed out (perhaps in another tab). ${kept} Sign in again in a new tab, then save here.`);
  } else if (status === 403 || status === 404) {
    window.alert(`This can no longer be changed by you (${status}). ${kept}`);
  } else {
    window.alert(`Saving failed on the server (${status}). ${kept} Try again in a moment.`);
  }
});
document.addEventListener("htmx:sendError", () => {
  window.alert("The server could not be reached. What you typed is still on this page: try again once you are online.");
});

// Signing in again (in another tab) renews the CSRF token; read it fresh for every request,
// so a page opened before still saves instead of failing.
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}
document.addEventListener("htmx:configRequest", (event) => {
  const token = csrfToken();
  if (token) event.detail.headers["X-CSRFToken"] = token;
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  const token = csrfToken();
  if (form instanceof HTMLFormElement && token && form.csrfmiddlewaretoken) {
    form.csrfmiddlewaretoken.value = token;
  }
}, true);

// A read-only address to copy (the calendar feed): one click selects all of it.
document.addEventListener("click", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.classList.contains("copyable")) field.select();
});
