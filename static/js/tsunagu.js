// Tsunagu's only script. The Content-Security-Policy allows no inline script or event handler
// (docs/security.md "Response headers"), so behaviour is bound here, by data attributes.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    window.print();
  }
});
