// Live Fleet table: the server pushes the whole device list when it changes; rows update in place.
(function () {
  'use strict';
  const live = document.getElementById('live');
  const source = new EventSource('/api/devices/events');
  source.addEventListener('fleet', function (e) {
    JSON.parse(e.data).forEach(function (d) {
      const row = document.querySelector('tr[data-device="' + CSS.escape(d.deviceId) + '"]');
      if (!row) { return; }
      const status = row.querySelector('.status');
      status.textContent = d.status;
      status.className = 'status ' + d.status;
      row.querySelector('.last-seen').textContent = d.lastSeenAt ? d.lastSeenAt.replace('T', ' ').substring(0, 19) : 'never';
    });
    live.textContent = 'Live: updated ' + new Date().toLocaleTimeString();
  });
  source.onerror = function () { live.textContent = 'Live updates interrupted; retrying…'; };
})();
