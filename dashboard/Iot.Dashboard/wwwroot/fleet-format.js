// Prints fleet values exactly as Fleet/FleetFormat.cs does on the server, from the same translated texts (the page's
// #i18n-texts, read through i18n.js) and the page's number format; change both together. Numbers carry no group
// separators, as on the server; times stay UTC in ISO form.
window.fleetFormat = (function () {
  'use strict';
  const none = '\u2014';
  const t = window.i18n.t;
  const fixed = function (v, digits) {
    return window.i18n.number(v, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
  };
  function text(v) { return v === null || v === undefined || v === '' ? none : String(v); }
  function time(v) { return v ? v.replace('T', ' ').substring(0, 19) : none; }
  function mb(b) { return b === null || b === undefined ? none : t('Fleet.Mb', fixed(b / 1048576, 1)); }
  function percent(p) {
    return p === null || p === undefined ? none
      : window.i18n.number(Math.round(p * 10) / 10, { maximumFractionDigits: 1, useGrouping: false }) + ' %';
  }
  function yesNo(b) { return b === true ? t('Common.Yes') : b === false ? t('Common.No') : none; }
  function backlog(d) { return d.backlogChunks === null || d.backlogChunks === undefined ? none : fixed(d.backlogChunks, 0) + ' / ' + mb(d.backlogBytes); }
  function recording(d) {
    if (d.recording === null || d.recording === undefined) { return none; }
    return t(d.recording ? 'Fleet.Recording' : 'Fleet.NotRecording') + (d.recordingReason ? ' (' + d.recordingReason + ')' : '');
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined || seconds < 0) { return none; }
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    return d >= 1 ? t('Fleet.Days', d, h) : h >= 1 ? t('Fleet.Hours', h, m) : m >= 1 ? t('Fleet.Minutes', m, sec) : t('Fleet.Seconds', sec);
  }
  // Server times are UTC without a zone suffix (DateTime from PostgreSQL timestamptz).
  function age(v) {
    if (!v) { return none; }
    const at = Date.parse(/Z$|[+-]\d\d:\d\d$/.test(v) ? v : v + 'Z');
    return t('Fleet.Ago', duration(Math.max(0, (Date.now() - at) / 1000)));
  }
  // A known device state or severity in the reader's language; anything else as sent.
  function label(prefix, v) {
    if (!v) { return ''; }
    const key = prefix + v;
    const translated = t(key);
    return translated === key ? v : translated;
  }
  function state(v) { return label('DeviceState.', v); }
  function severity(v) { return label('Severity.', v); }
  function liveUpdated() { return t('Fleet.LiveUpdated', new Date().toLocaleTimeString(window.i18n.lang)); }
  return {
    none: none, text: text, time: time, mb: mb, percent: percent, yesNo: yesNo, backlog: backlog, recording: recording,
    duration: duration, age: age, state: state, severity: severity, liveUpdated: liveUpdated, liveInterrupted: function () { return t('Fleet.LiveInterrupted'); },
  };
})();
