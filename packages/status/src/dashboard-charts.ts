/**
 * Browser-side chart drawing for the dashboard (plain ES2020, no libraries, no network): line charts on a
 * <canvas>, a legend, a text description for screen readers, and `data-points` / `data-series` attributes
 * that tell tests (and curious operators) what is drawn. Kept as a string: the page has no build step.
 */
export const DASHBOARD_CHARTS_SCRIPT = `
var PALETTE = ['#1f5fbf', '#d4621a', '#198754', '#c2185b', '#6f42c1', '#0e7c86', '#8a6d00', '#b42318', '#4b5563',
  '#2f9e44', '#e8590c', '#1098ad'];

function fmtCount(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  var a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
  if (a >= 1e3) return (v / 1e3).toFixed(1) + 'k';
  if (a >= 10 || v === Math.round(v)) return String(Math.round(v));
  return v.toFixed(a >= 1 ? 1 : 2);
}
function fmtBytes(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  var i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 || Math.abs(v) >= 100 ? Math.round(v) : v.toFixed(1)) + ' ' + units[i];
}
function fmtSeconds(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  if (v < 1) return Math.round(v * 1000) + ' ms';
  return v.toFixed(v < 10 ? 2 : 1) + ' s';
}
function fmtDuration(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  v = Math.max(0, Math.round(v));
  if (v < 60) return v + ' s';
  if (v < 3600) return Math.floor(v / 60) + ' min ' + (v % 60) + ' s';
  if (v < 86400) return Math.floor(v / 3600) + ' h ' + Math.floor((v % 3600) / 60) + ' min';
  return Math.floor(v / 86400) + ' d ' + Math.floor((v % 86400) / 3600) + ' h';
}

function fmtDurationShort(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  v = Math.max(0, Math.round(v));
  if (v < 120) return v + 's';
  if (v < 7200) return Math.floor(v / 60) + 'm' + (v % 60 ? (v % 60) + 's' : '');
  return Math.floor(v / 3600) + 'h' + (Math.floor((v % 3600) / 60) ? Math.floor((v % 3600) / 60) + 'm' : '');
}

/** Smallest "round" number ≥ v: 1, 2, 2.5 or 5 times a power of ten (of 1024 for bytes). */
function niceCeil(v, binary) {
  if (!(v > 0)) return 1;
  if (binary && v >= 1024) {
    var unit = Math.pow(1024, Math.floor(Math.log(v) / Math.log(1024)));
    return niceCeil(v / unit, false) * unit;
  }
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  var steps = [1, 2, 2.5, 5, 10];
  for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
  return 10 * p;
}

function relTime(ms) {
  var s = Math.round(ms / 1000);
  if (s <= 0) return 'now';
  if (s < 120) return '-' + s + 's';
  return '-' + Math.round(s / 60) + 'm';
}

/**
 * Draws series [{name, color, points: [[t, value|null], ...]}] into a chart figure. opts: {format,
 * axisFormat, from, to, hover (time or null)}. Remembers what it drew on the figure so hovering can redraw with a cursor.
 */
function drawChart(figure, series, opts) {
  figure._chart = { series: series, opts: opts };
  var canvas = figure.querySelector('canvas');
  var dpr = window.devicePixelRatio || 1;
  var cssW = canvas.clientWidth || 300;
  var cssH = canvas.clientHeight || 150;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
  }
  var ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  var fmt = opts.format || fmtCount;
  var axisFmt = opts.axisFormat || fmt;
  var points = 0;
  var max = 0;
  series.forEach(function (s) {
    var n = 0;
    s.points.forEach(function (p) { if (p[1] !== null && isFinite(p[1])) { n++; if (p[1] > max) max = p[1]; } });
    if (n > points) points = n;
  });
  figure.dataset.points = String(points);
  figure.dataset.series = String(series.length);
  var left = 58, right = 8, top = 8, bottom = 18;
  var w = cssW - left - right, h = cssH - top - bottom;
  var yMax = niceCeil(max * 1.08, fmt === fmtBytes);
  var from = opts.from, to = Math.max(opts.to, opts.from + 1000);
  var x = function (t) { return left + ((t - from) / (to - from)) * w; };
  var y = function (v) { return top + h - (v / yMax) * h; };

  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (var g = 0; g <= 4; g++) {
    var gv = (yMax * g) / 4;
    var gy = Math.round(y(gv)) + 0.5;
    ctx.strokeStyle = g === 0 ? '#b8c2cf' : '#e8edf2';
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(left, gy); ctx.lineTo(left + w, gy); ctx.stroke();
    ctx.fillStyle = '#5a6675';
    ctx.textAlign = 'right';
    ctx.fillText(axisFmt(gv), left - 6, gy);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  for (var k = 0; k <= 4; k++) {
    var tx = from + ((to - from) * k) / 4;
    ctx.fillStyle = '#5a6675';
    ctx.textAlign = k === 0 ? 'left' : k === 4 ? 'right' : 'center';
    ctx.fillText(relTime(to - tx), x(tx), cssH - 4);
  }
  if (points === 0) {
    ctx.fillStyle = '#8a96a3';
    ctx.textAlign = 'center';
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillText('waiting for data…', left + w / 2, top + h / 2);
  }
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top - 2, w + 2, h + 4); ctx.clip();
  series.forEach(function (s) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.75;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    var open = false, drawn = 0, last = null;
    s.points.forEach(function (p) {
      if (p[1] === null || !isFinite(p[1]) || p[0] < from) { open = false; return; }
      if (open) ctx.lineTo(x(p[0]), y(p[1])); else ctx.moveTo(x(p[0]), y(p[1]));
      open = true; drawn++; last = p;
    });
    ctx.stroke();
    if (drawn === 1 && last) { ctx.beginPath(); ctx.arc(x(last[0]), y(last[1]), 2.5, 0, Math.PI * 2); ctx.fill(); }
  });
  ctx.restore();

  var at = opts.hover;
  var now = figure.querySelector('.now');
  var pick = function (s) {
    var best = null;
    s.points.forEach(function (p) {
      if (p[1] !== null && (at === null || at === undefined ? true : p[0] <= at)) best = p;
    });
    return best;
  };
  if (at !== null && at !== undefined) {
    ctx.strokeStyle = 'rgba(22,32,44,.45)';
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(Math.round(x(at)) + 0.5, top); ctx.lineTo(Math.round(x(at)) + 0.5, top + h); ctx.stroke();
  }
  var summary = series.map(function (s) {
    var p = pick(s);
    return s.name + ' ' + (p ? fmt(p[1]) : '–');
  });
  now.textContent = at !== null && at !== undefined ? relTime(opts.to - at) + ': ' + summary.slice(0, 3).join(', ')
    : series.length === 1 ? summary[0].slice(series[0].name.length + 1) : '';
  figure.querySelector('.visually-hidden').textContent = points === 0 ? 'No data yet.'
    : 'Latest values: ' + summary.join('; ') + '. Highest in view: ' + fmt(max) + '.';

  var legend = figure.querySelector('.legend');
  var keys = series.map(function (s) { return s.name + '|' + s.color; }).join(',');
  if (legend.dataset.keys !== keys) {
    legend.dataset.keys = keys;
    legend.textContent = '';
    series.forEach(function (s) {
      var li = document.createElement('li');
      var sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = s.color;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(s.name));
      li.title = s.name;
      legend.appendChild(li);
    });
  }
}

function attachHover(figure) {
  var canvas = figure.querySelector('canvas');
  canvas.addEventListener('mousemove', function (e) {
    var c = figure._chart;
    if (!c) return;
    var r = canvas.getBoundingClientRect();
    var frac = (e.clientX - r.left - 58) / Math.max(1, r.width - 66);
    if (frac < 0 || frac > 1) return;
    c.opts.hover = c.opts.from + frac * (c.opts.to - c.opts.from);
    drawChart(figure, c.series, c.opts);
  });
  canvas.addEventListener('mouseleave', function () {
    var c = figure._chart;
    if (!c) return;
    c.opts.hover = null;
    drawChart(figure, c.series, c.opts);
  });
}
`;
