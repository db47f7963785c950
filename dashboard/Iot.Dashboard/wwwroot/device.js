// Live device page: the server pushes the device's detail when it changes; the health fields, config versions, open
// alerts and connection history update in place. Values go in as text, never as markup.
(function () {
  'use strict';
  const f = window.fleetFormat;
  const live = document.getElementById('live');
  const id = live.dataset.device;
  const source = new EventSource('/api/devices/' + encodeURIComponent(id) + '/events');
  function set(elementId, text) {
    const el = document.getElementById(elementId);
    if (el) { el.textContent = text; }
  }
  function td(text) { const c = document.createElement('td'); c.textContent = text; return c; }
  source.addEventListener('device', function (e) {
    const detail = JSON.parse(e.data);
    const d = detail.device;
    const status = document.getElementById('device-status');
    status.textContent = f.state(d.status);
    status.className = 'status ' + d.status;
    set('last-seen', d.lastSeenAt ? f.time(d.lastSeenAt) : window.i18n.t('Fleet.Never'));
    set('state-reason', f.text(d.statusReason));
    set('mic', f.text(d.mic));
    document.getElementById('mic').className = 'mic-state ' + (d.mic || '');
    set('mic-name', f.text(d.micName));
    set('recording', f.recording(d));
    set('trigger', f.text(d.recordingTrigger));
    set('backlog', f.backlog(d));
    set('spool', f.percent(d.spoolUsedPercent));
    set('spool-free', f.mb(d.spoolFreeBytes));
    set('spool-total', f.mb(d.spoolTotalBytes));
    set('last-chunk', f.time(d.lastChunkAt));
    set('last-chunk-received', f.time(d.lastChunkReceivedAt));
    set('agent-version', f.text(d.agentVersion));
    set('uptime', f.duration(d.uptimeSeconds));
    set('started-at', f.time(d.startedAt));
    set('reconnect-reason', f.text(d.reconnectReason));
    set('tls', f.yesNo(d.tls));
    set('broker', f.text(d.broker));
    set('telemetry-at', f.time(d.telemetryAt));
    const cfg = detail.config;
    set('desired-version', cfg.desiredVersion === null || cfg.desiredVersion === undefined ? window.i18n.t('Device.NoVersion') : String(cfg.desiredVersion));
    set('reported-version', cfg.reportedVersion === null || cfg.reportedVersion === undefined ? '–' : String(cfg.reportedVersion));
    set('reported-error', cfg.reportedError ? window.i18n.t('Device.Refused', cfg.reportedError) : '');
    const list = document.getElementById('device-alerts');
    if (list && detail.alerts) {
      list.replaceChildren.apply(list, detail.alerts.map(function (a) {
        const li = document.createElement('li');
        li.dataset.alert = a.alertId;
        const sev = document.createElement('span');
        sev.className = 'severity ' + a.severity;
        sev.textContent = f.severity(a.severity);
        const link = document.createElement('a');
        link.href = '/alerts?device=' + encodeURIComponent(id);
        link.textContent = a.rule;
        const summary = document.createElement('span');
        summary.className = 'summary-text';
        summary.textContent = a.summary;
        const since = document.createElement('span');
        since.className = 'muted';
        since.textContent = window.i18n.t('Device.Since', f.time(a.firstSeenAt));
        li.append(sev, ' ', link, ' ', summary, ' ', since);
        return li;
      }));
      document.getElementById('no-alerts').hidden = detail.alerts.length > 0;
    }
    const events = document.querySelector('#device-events tbody');
    events.replaceChildren.apply(events, detail.events.map(function (ev) {
      const tr = document.createElement('tr');
      tr.append(td(f.time(ev.at)), td(ev.kind), td(ev.reason || ''));
      return tr;
    }));
    live.textContent = f.liveUpdated();
  });
  source.onerror = function () { live.textContent = f.liveInterrupted(); };
})();
