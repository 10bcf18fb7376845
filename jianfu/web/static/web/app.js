// Behaviour that htmx does not cover, loaded as a static file (the CSP forbids inline script).
(function () {
  "use strict";
  // Destructive actions ask first: a form (or its submit button) carries data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.dataset.confirm) || form.dataset.confirm;
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // "Select all" checkboxes: <input type="checkbox" data-select-all="name">.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.dataset || !box.dataset.selectAll) return;
    var form = box.form || document;
    form.querySelectorAll('input[type="checkbox"][name="' + box.dataset.selectAll + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
