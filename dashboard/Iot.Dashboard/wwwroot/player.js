// Plays a dialogue from its one audio stream (the dialogue's chunks joined, /api/dialogues/{id}/audio). Transcript
// times are on the dialogue timeline; segment i maps [offsetMs, offsetMs + lengthMs) of it onto
// [streamMs, streamMs + lengthMs) of the stream. Between segments the stream holds chunk audio outside the dialogue,
// which playback skips.
(function () {
  'use strict';
  const audio = document.getElementById('player');
  const data = document.getElementById('segments');
  if (!audio || !data) { return; }
  const segments = JSON.parse(data.textContent);
  const lines = Array.from(document.querySelectorAll('.utt'));
  if (segments.length === 0) { return; }

  function seekStream(ms, start) {
    const go = function () {
      audio.currentTime = ms / 1000;
      if (start) { audio.play().catch(function () { /* autoplay refused: the user presses play */ }); }
    };
    if (audio.readyState >= 1) { go(); } else { audio.addEventListener('loadedmetadata', go, { once: true }); }
  }

  function seekDialogue(ms, start) {
    let s = segments.find(function (x) { return ms < x.offsetMs + x.lengthMs; });
    if (!s) { s = segments[segments.length - 1]; }
    seekStream(s.streamMs + Math.max(0, ms - s.offsetMs), start);
  }

  audio.addEventListener('timeupdate', function () {
    const t = audio.currentTime * 1000;
    const index = segments.findIndex(function (x) { return t < x.streamMs + x.lengthMs; });
    if (index < 0) { return; }
    const s = segments[index];
    if (t < s.streamMs) {
      // In audio between two segments: on to the next one.
      if (!audio.paused) { seekStream(s.streamMs, true); }
      return;
    }
    const at = s.offsetMs + (t - s.streamMs);
    lines.forEach(function (line) {
      line.classList.toggle('playing', at >= Number(line.dataset.start) && at < Number(line.dataset.end));
    });
  });

  lines.forEach(function (line) {
    line.addEventListener('click', function () { seekDialogue(Number(line.dataset.start), true); });
  });

  window.dialoguePlayer = { seek: seekDialogue };
  audio.src = data.dataset.src;
  audio.load();
  seekDialogue(0, false);
})();
