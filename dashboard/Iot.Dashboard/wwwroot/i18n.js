// The page's texts for scripts (the server translates them into the JSON block #i18n-texts) and number and date
// formatting in the page's culture (<html lang>), through the browser's Intl. Scripts call i18n.t('Key', arg0, …).
(function () {
  'use strict';
  const block = document.getElementById('i18n-texts');
  const texts = block ? JSON.parse(block.textContent) : {};
  const lang = document.documentElement.lang || 'en';
  function t(key) {
    const args = Array.prototype.slice.call(arguments, 1);
    const text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    return text.replace(/\{(\d+)\}/g, function (m, i) { return i < args.length ? String(args[i]) : m; });
  }
  window.i18n = {
    lang: lang,
    t: t,
    number: function (value, options) { return new Intl.NumberFormat(lang, options).format(value); },
    date: function (value, options) { return new Intl.DateTimeFormat(lang, options).format(value); },
  };
})();
