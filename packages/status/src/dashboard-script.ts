/**
 * Browser-side app of the dashboard: polls `/api/stats` (incrementally with `since`), `/events` and
 * `/health`, keeps the history window, and fills the tiles, charts and tables. Text reaches the page only
 * through `textContent`, so event messages and file names cannot inject markup.
 */
export const DASHBOARD_APP_SCRIPT = `
var state = { samples: [], statistics: null, intervalMs: 1000, historySeconds: 900, lastT: null,
  severity: '', failures: 0 };
var MAX_SHARD_LINES = 9;

function getJson(path) {
  return fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } }).then(function (res) {
    if (!res.ok && res.status !== 503) throw new Error(path + ': HTTP ' + res.status);
    return res.json();
  });
}

function sumCounter(name, filter) {
  var total = 0;
  if (!state.statistics) return 0;
  state.statistics.counters.forEach(function (s) {
    if (s.name !== name) return;
    for (var k in filter || {}) if (s.labels[k] !== filter[k]) return;
    total += s.value;
  });
  return total;
}

function keysOf(field) {
  var seen = {};
  state.samples.forEach(function (s) { for (var k in s[field]) seen[k] = (seen[k] || 0) + 1; });
  return Object.keys(seen).sort();
}

function line(name, index, pick) {
  return { name: name, color: PALETTE[index % PALETTE.length], points: state.samples.map(function (s) {
    return [s.t, pick(s)];
  }) };
}

/** Per-shard lines: the busiest shards by name, the rest summed into one line so the chart stays legible. */
function shardLines(field) {
  var keys = keysOf('shards');
  var volume = {};
  keys.forEach(function (k) {
    volume[k] = state.samples.reduce(function (a, s) { return a + (s.shards[k] ? s.shards[k][field] : 0); }, 0);
  });
  var busiest = keys.length <= MAX_SHARD_LINES + 1 ? keys.slice()
    : keys.slice().sort(function (a, b) { return volume[b] - volume[a]; }).slice(0, MAX_SHARD_LINES);
  busiest.sort();
  var manyStreams = keysOf('streams').length > 1;
  var lines = busiest.map(function (k, i) {
    var shard = k.slice(k.indexOf(' ') + 1).replace('shardId-', '');
    var label = manyStreams ? k.slice(0, k.indexOf(' ')) + ' / ' + shard : 'shard ' + shard;
    return line(label, i, function (s) { return s.shards[k] ? s.shards[k][field] : 0; });
  });
  var rest = keys.filter(function (k) { return busiest.indexOf(k) < 0; });
  if (rest.length > 0) {
    lines.push(line(rest.length + ' other shards', busiest.length, function (s) {
      return rest.reduce(function (a, k) { return a + (s.shards[k] ? s.shards[k][field] : 0); }, 0);
    }));
  }
  return lines;
}

function chartSeries() {
  var streams = keysOf('streams');
  var perStream = function (field) {
    return streams.map(function (name, i) {
      return line(name, i, function (s) { return s.streams[name] ? s.streams[name][field] : 0; });
    });
  };
  return {
    'records-stream': [perStream('records'), fmtCount],
    'bytes-stream': [perStream('bytes'), fmtBytes],
    'records-shard': [shardLines('records'), fmtCount],
    'bytes-shard': [shardLines('bytes'), fmtBytes],
    latency: [[line('p50', 0, function (s) { return s.latency.p50; }),
      line('p95', 1, function (s) { return s.latency.p95; })], fmtSeconds],
    throttled: [[line('throttled', 7, function (s) { return s.total.throttled; }),
      line('refused (other errors)', 4, function (s) { return s.total.errors; }),
      line('retried', 5, function (s) { return s.total.retries; })], fmtCount],
    'backlog-files': [[line('files waiting', 0, function (s) { return s.backlog.files; })], fmtCount],
    'backlog-bytes': [[line('bytes waiting', 1, function (s) { return s.backlog.bytes; })], fmtBytes],
    'backlog-age': [[line('oldest file age', 6, function (s) { return s.backlog.oldestAgeSeconds; })], fmtDuration,
      fmtDurationShort],
  };
}

function renderCharts() {
  var to = state.samples.length ? state.samples[state.samples.length - 1].t : Date.now();
  var first = state.samples.length ? state.samples[0].t : to;
  // Short histories fill the chart (at least 20 samples wide) instead of hugging the right edge.
  var span = Math.min(state.historySeconds * 1000, Math.max(20 * state.intervalMs, to - first));
  var all = chartSeries();
  document.querySelectorAll('figure.chart').forEach(function (figure) {
    var def = all[figure.dataset.chart];
    if (!def) return;
    var hover = figure._chart ? figure._chart.opts.hover : null;
    drawChart(figure, def[0], { format: def[1], axisFormat: def[2], from: to - span, to: to, hover: hover });
  });
}

function setTile(id, value, sub) {
  var tile = document.querySelector('[data-tile="' + id + '"]');
  tile.querySelector('.value').textContent = value;
  tile.querySelector('.sub').textContent = sub;
}

function renderTiles() {
  var last = state.samples[state.samples.length - 1];
  var puts = sumCounter('records_put_total');
  setTile('records', last ? fmtCount(last.total.records) : '–', fmtCount(puts) + ' put in total');
  setTile('bytes', last ? fmtBytes(last.total.bytes) + '/s' : '–', fmtBytes(sumCounter('bytes_put_total')) + ' in total');
  setTile('latency', last ? fmtSeconds(last.latency.p95) : '–', 'p50 ' + (last ? fmtSeconds(last.latency.p50) : '–'));
  setTile('throttled', last ? fmtCount(last.total.throttled) : '–',
    fmtCount(sumCounter('records_throttled_total')) + ' throttled, ' + fmtCount(sumCounter('record_errors_total')) +
    ' refused');
  setTile('backlog', last ? fmtCount(last.backlog.files) + ' files' : '–', last ? fmtBytes(last.backlog.bytes) : '');
  setTile('oldest', last ? fmtDuration(last.backlog.oldestAgeSeconds) : '–',
    last ? last.inflight + ' request(s) in flight' : '');
}

function cell(tr, text, className) {
  var td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  tr.appendChild(td);
  return td;
}

function localTime(iso) {
  var d = new Date(iso);
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' +
    pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function renderEvents(rows) {
  var body = document.querySelector('#events tbody');
  body.textContent = '';
  rows.forEach(function (row) {
    var tr = document.createElement('tr');
    tr.dataset.severity = row.severity;
    var time = cell(tr, localTime(row.time), 'time');
    if (row.firstTime) time.title = 'first at ' + localTime(row.firstTime);
    var sev = document.createElement('span');
    sev.className = 'sev ' + row.severity;
    sev.textContent = row.severity;
    cell(tr, '').appendChild(sev);
    cell(tr, row.source);
    cell(tr, row.code, 'code');
    cell(tr, row.message);
    cell(tr, [row.file, row.record].filter(Boolean).join(' · '), 'where');
    cell(tr, fmtCount(row.count), 'num');
    body.appendChild(tr);
  });
  if (rows.length === 0) {
    var tr = document.createElement('tr');
    cell(tr, 'No events.', 'empty').colSpan = 7;
    body.appendChild(tr);
  }
  document.getElementById('events-meta').textContent = rows.length + ' shown, newest first';
}

function quantile(h, q) {
  if (!h.count) return null;
  var rank = q * h.count, below = 0;
  for (var i = 0; i < h.buckets.length; i++) {
    if (h.counts[i] > 0 && below + h.counts[i] >= rank) {
      var lower = i === 0 ? 0 : h.buckets[i - 1];
      return lower + (h.buckets[i] - lower) * ((rank - below) / h.counts[i]);
    }
    below += h.counts[i];
  }
  return h.buckets[h.buckets.length - 1];
}

function renderStatistics() {
  var stats = state.statistics;
  var rows = [];
  var labelText = function (labels) {
    return Object.keys(labels).sort().map(function (k) { return k + '=' + labels[k]; }).join(', ');
  };
  var valueText = function (name, v) {
    if (/bytes/.test(name)) return fmtBytes(v) + (v >= 1024 ? ' (' + v.toLocaleString('en') + ')' : '');
    if (/seconds/.test(name)) return fmtDuration(v);
    return v.toLocaleString('en');
  };
  stats.counters.forEach(function (s) { rows.push([s.name, labelText(s.labels), 'counter', valueText(s.name, s.value)]); });
  stats.gauges.forEach(function (s) { rows.push([s.name, labelText(s.labels), 'gauge', valueText(s.name, s.value)]); });
  stats.histograms.forEach(function (s) {
    var h = s.value;
    rows.push([s.name, labelText(s.labels), 'histogram', h.count.toLocaleString('en') + ' obs., p50 ' +
      fmtSeconds(quantile(h, 0.5)) + ', p95 ' + fmtSeconds(quantile(h, 0.95))]);
  });
  rows.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
  var body = document.querySelector('#statistics tbody');
  body.textContent = '';
  rows.forEach(function (r) {
    var tr = document.createElement('tr');
    cell(tr, r[0], 'code'); cell(tr, r[1], 'labels'); cell(tr, r[2]); cell(tr, r[3], 'num');
    body.appendChild(tr);
  });
  document.getElementById('stats-meta').textContent = rows.length + ' series';
}

function renderHealth(report) {
  var pill = document.getElementById('health-status');
  pill.className = 'pill ' + report.status;
  pill.textContent = report.status;
  var reasons = report.reasons.join('; ');
  var el = document.getElementById('health-reasons');
  el.textContent = reasons;
  el.title = reasons;
}

function poll() {
  var statsPath = '/api/stats' + (state.lastT === null ? '' : '?since=' + state.lastT);
  var eventsPath = '/events?limit=100' + (state.severity ? '&minSeverity=' + state.severity : '');
  return Promise.all([getJson(statsPath), getJson(eventsPath), getJson('/health')]).then(function (r) {
    var stats = r[0];
    state.failures = 0;
    state.intervalMs = stats.intervalMs;
    state.statistics = stats.statistics;
    stats.history.forEach(function (s) { state.samples.push(s); });
    if (state.samples.length) state.lastT = state.samples[state.samples.length - 1].t;
    var keepFrom = (state.lastT || 0) - state.historySeconds * 1000;
    while (state.samples.length && state.samples[0].t <= keepFrom) state.samples.shift();
    renderTiles();
    renderCharts();
    renderEvents(r[1]);
    renderStatistics();
    renderHealth(r[2]);
    document.getElementById('updated').textContent = 'updated ' + new Date(stats.at).toLocaleTimeString('en-GB');
    document.body.dataset.ready = '1';
  }).catch(function (error) {
    state.failures++;
    document.getElementById('updated').textContent = 'cannot reach the pipeline (' + error.message + '), retrying';
    renderHealth({ status: 'down', reasons: ['status server unreachable'] });
  });
}

function loop() {
  poll().then(function () { setTimeout(loop, Math.min(10000, 2000 * Math.pow(2, Math.min(state.failures, 2)))); });
}

document.querySelectorAll('figure.chart').forEach(attachHover);
document.getElementById('events-severity').addEventListener('change', function (e) {
  state.severity = e.target.value;
  poll();
});
var resizeTimer = null;
window.addEventListener('resize', function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(renderCharts, 100);
});
loop();
`;
