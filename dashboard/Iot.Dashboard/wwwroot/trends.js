// Trends page: draws the day/week series from the SVG's data-points (filled by the server) as a line chart and shows the
// value of the point under the pointer. Local file, no library: the page's policy allows only same-origin scripts.
(() => {
    'use strict';
    const svg = document.getElementById('trend-chart');
    const tip = document.getElementById('chart-tip');
    if (!svg || !tip) {
        return;
    }

    const ns = 'http://www.w3.org/2000/svg';
    const points = JSON.parse(svg.dataset.points || '[]');
    const width = 800, height = 260, left = 50, right = 15, top = 15, bottom = 40;
    const values = points.map(p => p.value).filter(v => v !== null);
    const max = values.length ? Math.max(...values) : 0;
    const min = Math.min(0, ...values);
    const span = max - min || 1;
    const x = i => left + (points.length <= 1 ? (width - left - right) / 2 : i * (width - left - right) / (points.length - 1));
    const y = v => top + (height - top - bottom) * (1 - (v - min) / span);

    function add(name, attributes, text) {
        const el = document.createElementNS(ns, name);
        for (const [k, v] of Object.entries(attributes)) {
            el.setAttribute(k, v);
        }
        if (text !== undefined) {
            el.textContent = text;
        }
        svg.appendChild(el);
        return el;
    }

    // Axes with the top and bottom values; labels of the first, middle and last points.
    add('line', { x1: left, y1: y(min), x2: width - right, y2: y(min), class: 'axis' });
    add('line', { x1: left, y1: top, x2: left, y2: y(min), class: 'axis' });
    const maxText = points.find(p => p.value === max);
    add('text', { x: left - 6, y: top + 4, class: 'tick', 'text-anchor': 'end' }, maxText ? maxText.text : '');
    add('text', { x: left - 6, y: y(min) + 4, class: 'tick', 'text-anchor': 'end' }, window.i18n.number(min));
    for (const i of [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])].filter(i => i >= 0)) {
        const anchor = points.length > 1 && i === points.length - 1 ? 'end' : i === 0 && points.length > 1 ? 'start' : 'middle';
        add('text', { x: x(i), y: height - bottom + 18, class: 'tick', 'text-anchor': anchor }, points[i].label.split(' ')[0]);
    }

    // The line breaks where a point has no value (no analysed dialogue that day).
    let path = '';
    points.forEach((p, i) => {
        if (p.value === null) {
            return;
        }
        const prev = i > 0 ? points[i - 1] : null;
        path += `${prev && prev.value !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)} `;
    });
    add('path', { d: path.trim(), class: 'series' });

    const dots = points.map((p, i) => p.value === null ? null
        : add('circle', { cx: x(i), cy: y(p.value), r: 4, class: 'point', 'data-index': i, 'data-label': p.label, 'data-value': p.text }));

    function show(i) {
        const p = points[i];
        dots.forEach((d, k) => d && d.classList.toggle('active', k === i));
        tip.textContent = `${p.label}: ${p.text} (${window.i18n.t('Trends.TipDialogues', window.i18n.number(p.dialogues))})`;
        tip.hidden = false;
        const box = svg.getBoundingClientRect();
        tip.style.left = `${(x(i) / width) * box.width}px`;
        tip.style.top = `${(p.value === null ? y(min) : y(p.value)) / height * box.height}px`;
    }

    // The nearest point to the pointer, so a thin line is easy to read.
    svg.addEventListener('mousemove', e => {
        if (!points.length) {
            return;
        }
        const box = svg.getBoundingClientRect();
        const px = (e.clientX - box.left) / box.width * width;
        let best = 0;
        points.forEach((_, i) => { if (Math.abs(x(i) - px) < Math.abs(x(best) - px)) { best = i; } });
        show(best);
    });
    svg.addEventListener('mouseleave', () => {
        tip.hidden = true;
        dots.forEach(d => d && d.classList.remove('active'));
    });
})();
