// Buttons with data-confirm ask first (instead of inline onclick handlers, which the Content-Security-Policy forbids).
(function () {
  'use strict';
  document.addEventListener('click', function (e) {
    const button = e.target.closest('[data-confirm]');
    if (button && !window.confirm(button.getAttribute('data-confirm'))) {
      e.preventDefault();
    }
  });
})();
