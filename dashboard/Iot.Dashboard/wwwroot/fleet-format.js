// Prints fleet values exactly as Fleet/FleetFormat.cs does on the server; change both together.
window.fleetFormat = (function () {
  'use strict';
  const none = '\u2014';
  function text(v) { return v === null || v === undefined || v === '' ? none : String(v); }
  function time(t) { return t ? t.replace('T', ' ').substring(0, 19) : none; }
  function mb(b) { return b === null || b === undefined ? none : (b / 1048576).toFixed(1) + ' MB'; }
  function percent(p) { return p === null || p === undefined ? none : (Math.round(p * 10) / 10).toString() + ' %'; }
  function yesNo(b) { return b === true ? 'yes' : b === false ? 'no' : none; }
  function backlog(d) { return d.backlogChunks === null || d.backlogChunks === undefined ? none : d.backlogChunks + ' / ' + mb(d.backlogBytes); }
  function recording(d) {
    if (d.recording === null || d.recording === undefined) { return none; }
    return (d.recording ? 'recording' : 'not recording') + (d.recordingReason ? ' (' + d.recordingReason + ')' : '');
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined || seconds < 0) { return none; }
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    return d >= 1 ? d + ' d ' + h + ' h' : h >= 1 ? h + ' h ' + m + ' min' : m >= 1 ? m + ' min ' + sec + ' s' : sec + ' s';
  }
  // Server times are UTC without a zone suffix (DateTime from PostgreSQL timestamptz).
  function age(t) {
    if (!t) { return none; }
    const at = Date.parse(/Z$|[+-]\d\d:\d\d$/.test(t) ? t : t + 'Z');
    return duration(Math.max(0, (Date.now() - at) / 1000)) + ' ago';
  }
  return { none: none, text: text, time: time, mb: mb, percent: percent, yesNo: yesNo, backlog: backlog, recording: recording, duration: duration, age: age };
})();
