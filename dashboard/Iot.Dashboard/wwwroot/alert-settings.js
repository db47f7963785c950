// The one-time webhook secret: a Copy button (the Clipboard API needs a secure context; elsewhere the text is selected
// for Ctrl+C). A file, not an inline handler: the Content-Security-Policy allows only 'self' scripts.
(function () {
  'use strict';
  const button = document.getElementById('copy-secret');
  if (!button) { return; }
  const input = document.getElementById('secret-value');
  const done = document.getElementById('copy-done');
  input.addEventListener('focus', function () { input.select(); });
  button.addEventListener('click', function () {
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done.hidden = false; });
    } else {
      done.textContent = window.i18n.t('AlertSettings.SelectedCopy');
      done.hidden = false;
    }
  });
})();
