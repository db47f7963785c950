// Empty inputs would arrive as "from=" and fail validation; drop them. "To" is a whole day, the API's "to" is
// exclusive, so it becomes the next day. (A file, not an inline script: the Content-Security-Policy allows only 'self'.)
(function () {
  'use strict';
  document.getElementById('report').addEventListener('formdata', function (e) {
    for (const [k, v] of Array.from(e.formData.entries())) {
      if (v === '') { e.formData.delete(k); continue; }
      if (k === 'to') {
        const next = new Date(v + 'T00:00:00Z');
        next.setUTCDate(next.getUTCDate() + 1);
        e.formData.set('to', next.toISOString().slice(0, 10));
      }
    }
  });
})();
