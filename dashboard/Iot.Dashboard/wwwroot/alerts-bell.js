// The notification bell in the header: one server-sent event stream per page (/api/alerts/events) keeps the count of
// open alerts nobody acknowledged yet. Each snapshot is passed on as an 'alerts-snapshot' event, so the Alerts screen
// redraws from the same stream instead of opening a second one (browsers allow few connections per host on HTTP/1.1).
(function () {
  'use strict';
  const bell = document.getElementById('alert-bell');
  if (!bell) { return; }
  const count = document.getElementById('alert-count');
  const source = new EventSource('/api/alerts/events');
  source.addEventListener('alerts', function (e) {
    const snapshot = JSON.parse(e.data);
    const c = snapshot.counts;
    count.textContent = String(c.unacknowledged);
    bell.setAttribute('data-count', String(c.unacknowledged));
    bell.classList.toggle('has-alerts', c.unacknowledged > 0);
    bell.classList.toggle('critical', c.unacknowledgedCritical > 0);
    bell.classList.remove('stale');
    bell.title = window.i18n.t('Bell.Title', window.i18n.number(c.unacknowledged), window.i18n.number(c.open));
    document.dispatchEvent(new CustomEvent('alerts-snapshot', { detail: snapshot }));
  });
  source.onerror = function () { bell.classList.add('stale'); };
})();
