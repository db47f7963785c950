// Live Fleet table: the server pushes the filtered device list (the page's own branch/state filters) when it changes;
// the table body is redrawn from it. Values go in as text, never as markup.
(function () {
  'use strict';
  const f = window.fleetFormat;
  const live = document.getElementById('live');
  const table = document.getElementById('fleet');
  const body = table.querySelector('tbody');
  const showAlerts = table.dataset.alerts === 'true';
  const source = new EventSource('/api/devices/events' + window.location.search);

  function cell(row, className, content) {
    const td = document.createElement('td');
    if (className) { td.className = className; }
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content; }
    row.appendChild(td);
    return td;
  }
  function span(className, text) {
    const s = document.createElement('span');
    s.className = className;
    s.textContent = text;
    return s;
  }
  function render(d) {
    const row = document.createElement('tr');
    row.dataset.device = d.deviceId;
    const link = document.createElement('a');
    link.href = '/fleet/' + encodeURIComponent(d.deviceId);
    link.textContent = d.deviceId;
    cell(row, null, link);
    cell(row, null, d.displayName || '');
    cell(row, null, d.branchId || '');
    const state = cell(row, null, span('status ' + d.status, f.state(d.status)));
    state.append(' ', span('reason muted', d.statusReason || ''));
    const mic = cell(row, 'mic', span('mic-state ' + (d.mic || ''), f.text(d.mic)));
    mic.append(' ', span('muted', d.micName || ''));
    cell(row, 'recording', f.recording(d));
    cell(row, 'backlog', f.backlog(d));
    cell(row, 'spool', f.percent(d.spoolUsedPercent));
    cell(row, 'last-chunk', f.age(d.lastChunkAt)).title = f.time(d.lastChunkAt);
    cell(row, 'last-seen', d.lastSeenAt ? f.time(d.lastSeenAt) : window.i18n.t('Fleet.Never'));
    cell(row, 'agent', f.text(d.agentVersion));
    if (showAlerts) {
      if (d.openAlerts > 0) {
        const a = document.createElement('a');
        a.href = '/alerts?device=' + encodeURIComponent(d.deviceId);
        a.className = 'severity ' + (d.topSeverity || '');
        a.textContent = d.openAlerts + ' ' + f.severity(d.topSeverity);
        cell(row, 'alerts', a);
      } else {
        cell(row, 'alerts', span('muted', '0'));
      }
    }
    return row;
  }
  source.addEventListener('fleet', function (e) {
    const devices = JSON.parse(e.data);
    body.replaceChildren.apply(body, devices.map(render));
    const none = document.getElementById('no-devices');
    if (none) { none.hidden = devices.length > 0; }
    live.textContent = f.liveUpdated();
  });
  source.onerror = function () { live.textContent = f.liveInterrupted(); };
})();
