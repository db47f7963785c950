// The Alerts screen's open list follows the bell's stream (alerts-bell.js): rows are rebuilt from each snapshot with
// textContent only (alert summaries come from devices and must never become markup). Filtered or paged views stay put.
(function () {
  'use strict';
  const table = document.getElementById('alerts');
  if (!table || table.getAttribute('data-live') !== 'true') { return; }
  const body = table.querySelector('tbody');
  const canAck = table.getAttribute('data-can-ack') === 'true';
  const template = document.getElementById('ack-template');
  const live = document.getElementById('alerts-live');
  const empty = document.getElementById('alerts-empty');
  const t = window.i18n.t;
  const time = function (v) { return v ? v.replace('T', ' ').substring(0, 19) : ''; };
  // A known severity in the reader's language; anything else as sent.
  const severity = function (v) { const key = 'Severity.' + v; const text = t(key); return text === key ? v : text; };
  const cell = function (row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  };

  document.addEventListener('alerts-snapshot', function (e) {
    const rows = e.detail.open.map(function (a) {
      const tr = document.createElement('tr');
      tr.setAttribute('data-alert', String(a.alertId));
      tr.setAttribute('data-state', a.state);
      const sev = document.createElement('span');
      sev.className = 'severity ' + a.severity;
      sev.textContent = severity(a.severity);
      cell(tr, '').appendChild(sev);
      cell(tr, a.rule).title = a.ruleDescription || '';
      const where = cell(tr, a.deviceName || a.deviceId || t('Alerts.TenantWide'));
      if (a.branchId) {
        const b = document.createElement('span');
        b.className = 'muted';
        b.textContent = ' · ' + a.branchId;
        where.appendChild(b);
      }
      cell(tr, a.summary, 'summary-text');
      cell(tr, time(a.firstSeenAt));
      cell(tr, time(a.lastSeenAt));
      cell(tr, window.i18n.number(a.occurrences), 'num');
      cell(tr, a.state === 'acknowledged' ? t('Alerts.AckBy', a.acknowledgedBy) : t('AlertState.open'), 'ack');
      const action = cell(tr, '');
      if (canAck && a.state === 'unacknowledged') {
        const form = template.content.firstElementChild.cloneNode(true);
        form.querySelector('input[name=id]').value = String(a.alertId);
        action.appendChild(form);
      }
      return tr;
    });
    body.replaceChildren(...rows);
    empty.hidden = rows.length > 0;
    live.textContent = t('Fleet.LiveUpdated', new Date().toLocaleTimeString(window.i18n.lang)) +
      (e.detail.counts.open > e.detail.open.length ? ' ' + t('Alerts.NewestOf', e.detail.open.length, e.detail.counts.open) : '');
  });
})();
