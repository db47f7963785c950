// Plays a dialogue made of stretches of chunk files. Transcript times are on the dialogue timeline; each segment maps
// [offsetMs, offsetMs + (endMs - startMs)) of it onto [startMs, endMs) of one chunk file.
(function () {
  'use strict';
  const audio = document.getElementById('player');
  const data = document.getElementById('segments');
  if (!audio || !data) { return; }
  const segments = JSON.parse(data.textContent);
  const lines = Array.from(document.querySelectorAll('.utt'));
  let current = -1;

  function play(index, chunkMs, start) {
    const s = segments[index];
    const seek = function () {
      audio.currentTime = chunkMs / 1000;
      if (start) { audio.play().catch(function () { /* autoplay refused: the user presses play */ }); }
    };
    if (index !== current) {
      current = index;
      audio.src = s.audioUrl;
      audio.addEventListener('loadedmetadata', seek, { once: true });
      audio.load();
    } else if (audio.readyState >= 1) {
      seek();
    } else {
      audio.addEventListener('loadedmetadata', seek, { once: true });
    }
  }

  function seekDialogue(ms, start) {
    let index = segments.findIndex(function (s) { return ms < s.offsetMs + (s.endMs - s.startMs); });
    if (index < 0) { index = segments.length - 1; }
    const s = segments[index];
    play(index, s.startMs + Math.max(0, ms - s.offsetMs), start);
  }

  audio.addEventListener('timeupdate', function () {
    const s = segments[current];
    if (!s) { return; }
    const chunkMs = audio.currentTime * 1000;
    if (chunkMs >= s.endMs && current + 1 < segments.length) {
      play(current + 1, segments[current + 1].startMs, true);
      return;
    }
    const at = s.offsetMs + (chunkMs - s.startMs);
    lines.forEach(function (line) {
      line.classList.toggle('playing', at >= Number(line.dataset.start) && at < Number(line.dataset.end));
    });
  });

  lines.forEach(function (line) {
    line.addEventListener('click', function () { seekDialogue(Number(line.dataset.start), true); });
  });

  window.dialoguePlayer = { seek: seekDialogue };
  seekDialogue(0, false);
})();
