// Small SVG charts (no chart library): horizontal bars with an optional p90 whisker, stacked columns.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function figure(title, width, height) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title });
  root.append(svg('title', {}, title));
  return root;
}

/**
 * Horizontal bars, one per row: rows [{label, value, high?, color?}]; `high` draws a whisker (e.g. p90).
 * `unit` formats the values shown at the bar ends.
 */
export function barChart(title, rows, { unit = (v) => String(v), width = 420, rowHeight = 26 } = {}) {
  const labelWidth = 150;
  const height = rows.length * rowHeight + 28;
  const max = Math.max(1e-9, ...rows.map((r) => Math.max(r.value, r.high ?? 0)));
  const scale = (v) => ((width - labelWidth - 70) * v) / max;
  const root = figure(title, width, height);
  root.append(svg('text', { x: 0, y: 14, 'font-weight': 600 }, title));
  rows.forEach((r, i) => {
    const y = 24 + i * rowHeight;
    root.append(svg('text', { x: labelWidth - 6, y: y + 15, 'text-anchor': 'end' }, truncate(r.label, 22)));
    root.append(svg('rect', { x: labelWidth, y: y + 3, width: Math.max(1, scale(r.value)), height: rowHeight - 8,
      fill: r.color || '#0b5cad', rx: 2 }));
    let end = labelWidth + scale(r.value);
    if (r.high !== undefined && r.high !== null) {
      const x = labelWidth + scale(r.high);
      const mid = y + rowHeight / 2 - 1;
      root.append(svg('line', { x1: end, x2: x, y1: mid, y2: mid, stroke: '#333', 'stroke-width': 1.5 }));
      root.append(svg('line', { x1: x, x2: x, y1: mid - 6, y2: mid + 6, stroke: '#333', 'stroke-width': 1.5 }));
      end = x;
    }
    const text = r.high !== undefined && r.high !== null ? `${unit(r.value)}–${unit(r.high)}` : unit(r.value);
    root.append(svg('text', { x: end + 4, y: y + 15 }, text));
  });
  return root;
}

function truncate(text, n) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * Stacked columns: one column per category (e.g. month), one coloured part per series (e.g. corridor).
 * rows [{label, parts: {series: value}}]; colors {series: colour}. A legend names the series.
 */
export function stackedColumns(title, rows, colors, { unit = (v) => String(v), width = 640, height = 240 } = {}) {
  const root = figure(title, width, height + 20);
  const bottom = height - 34;
  const top = 24;
  const left = 44;
  const totals = rows.map((r) => Object.values(r.parts).reduce((a, b) => a + b, 0));
  const max = Math.max(1e-9, ...totals);
  const step = (width - left - 8) / Math.max(1, rows.length);
  root.append(svg('text', { x: 0, y: 14, 'font-weight': 600 }, title));
  root.append(svg('line', { x1: left, x2: width - 4, y1: bottom, y2: bottom, stroke: '#999' }));
  root.append(svg('text', { x: left - 4, y: top + 8, 'text-anchor': 'end' }, unit(max)));
  root.append(svg('text', { x: left - 4, y: bottom, 'text-anchor': 'end' }, '0'));
  rows.forEach((r, i) => {
    const barWidth = Math.min(step * 0.7, 48);
    const x = left + i * step + (step - barWidth) / 2;
    let y = bottom;
    for (const [series, value] of Object.entries(r.parts)) {
      const h = ((bottom - top) * value) / max;
      y -= h;
      const bar = svg('rect', { x, y, width: barWidth, height: Math.max(0, h), fill: colors[series] || '#888' });
      bar.append(svg('title', {}, `${r.label}, ${series}: ${unit(value)}`));
      root.append(bar);
    }
    if (rows.length <= 24 || i % Math.ceil(rows.length / 12) === 0) {
      root.append(svg('text', { x: x + barWidth / 2, y: bottom + 14, 'text-anchor': 'middle' }, truncate(r.label, 10)));
    }
  });
  let lx = left;
  for (const [series, color] of Object.entries(colors)) {
    root.append(svg('rect', { x: lx, y: height - 4, width: 12, height: 12, fill: color }));
    root.append(svg('text', { x: lx + 16, y: height + 6 }, series));
    lx += 24 + series.length * 7;
  }
  return root;
}
