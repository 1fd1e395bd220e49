// Tsunagu's only script. The Content-Security-Policy allows no inline script or event handler
// (docs/security.md "Response headers"), so behaviour is bound here, by data attributes.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    window.print();
  }
});

// An action's panel (templates/cases/_action_panel.html) loads its form when it opens. The panel
// asks htmx for it here rather than by an htmx trigger of its own, so that a panel opened before
// htmx was ready (a quick tap on a page still loading), or open from the start, loads all the same.
function openPanel(details) {
  const body = details.querySelector("[data-panel]");
  if (body && details.open && window.htmx) {
    window.htmx.trigger(body, "panel-open");
  }
}

document.addEventListener(
  "toggle",
  (event) => {
    if (event.target instanceof HTMLDetailsElement && event.target.matches("details.action")) {
      openPanel(event.target);
    }
  },
  true, // toggle does not bubble
);

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("details.action[open]").forEach(openPanel);
});

// A safety check (templates/disaster/checks.html) goes to the API, so that the same request can
// later wait in a queue offline: the form's fields as JSON with the form's one-time key (a retry
// answers the first check, never a second). Whatever the API refuses is shown on the form; if the
// network fails, the form is sent the ordinary way (the same key again).
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-safety-check]") || form.dataset.plain) {
    return;
  }
  event.preventDefault();
  const data = new FormData(form);
  const error = form.querySelector("[data-error]");
  const body = {
    declaration: Number(data.get("declaration")),
    registration: data.get("registration"),
    status: data.get("status") || "",
    note: data.get("note") || "",
    key: data.get("key") || "",
  };
  const button = form.querySelector("button[type='submit']");
  button.disabled = true;
  let response;
  try {
    response = await fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": data.get("csrfmiddlewaretoken"),
      },
      body: JSON.stringify(body),
    });
  } catch (failure) {
    form.dataset.plain = "1";
    form.submit();
    return;
  }
  button.disabled = false;
  if (response.ok) {
    const check = await response.json();
    const label = form.querySelector(`input[name='status'][value='${check.status}']`)?.closest("label");
    const shown = form.closest(".check")?.querySelector("[data-status]");
    if (shown) {
      const at = new Date(check.checked_at).toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });
      shown.textContent = `${form.dataset.recorded} ${at} ${label ? label.textContent.trim() : check.status}`;
    }
    error.hidden = true;
    form.reset();
    // The next check of this person is another check: a new key.
    form.querySelector("input[name='key']").value = crypto.randomUUID().replaceAll("-", "");
    return;
  }
  const problem = await response.json().catch(() => ({}));
  const messages = Object.values(problem.errors || {}).flat();
  error.textContent = messages.join(" ") || problem.detail || form.dataset.failed;
  error.hidden = false;
});
