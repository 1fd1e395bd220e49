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
