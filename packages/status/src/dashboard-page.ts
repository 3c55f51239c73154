import { DASHBOARD_CHARTS_SCRIPT } from './dashboard-charts.js';
import { DASHBOARD_APP_SCRIPT } from './dashboard-script.js';

/** The page's only script: chart drawing, then the polling app. Served inline, allowed by its CSP hash. */
export const DASHBOARD_SCRIPT = `\n${DASHBOARD_CHARTS_SCRIPT}\n${DASHBOARD_APP_SCRIPT}\n`;

/** The page's only style sheet. Served inline, allowed by its CSP hash. */
export const DASHBOARD_STYLE = `
:root { --bg:#f4f6f9; --panel:#fff; --ink:#16202c; --muted:#5a6675; --line:#dde3ea; --accent:#1f5fbf;
  --ok:#1b7f3b; --warn:#9a5b00; --bad:#b42318; --crit:#7a0f0f; font-family: system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 14px; color: var(--ink); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
header { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#16202c; color:#fff; }
header h1 { font-size:18px; margin:0; font-weight:600; letter-spacing:.2px; }
header h1 span { color:#9fb3c8; font-weight:400; }
.health { display:flex; align-items:center; gap:8px; margin-left:auto; font-size:13px; }
.pill { display:inline-block; padding:2px 10px; border-radius:999px; font-weight:600; font-size:12px;
  text-transform:uppercase; letter-spacing:.4px; background:#e6e9ee; color:var(--ink); }
.pill.ok { background:#d5f0dd; color:#0d5226; } .pill.degraded { background:#fde9c4; color:#6b3f00; }
.pill.down { background:#fbd5d1; color:#7a140c; }
.health .reasons { color:#d6dee8; max-width:520px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.updated { color:#9fb3c8; font-size:12px; }
main { padding:14px 20px 28px; max-width:1600px; margin:0 auto; }
.tiles { display:grid; grid-template-columns:repeat(6, minmax(0,1fr)); gap:10px; margin-bottom:12px; }
.tile { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:8px 12px; }
.tile h2 { margin:0; font-size:12px; color:var(--muted); font-weight:600; }
.tile .value { font-size:22px; font-weight:650; margin-top:2px; font-variant-numeric: tabular-nums; }
.tile .sub { font-size:12px; color:var(--muted); font-variant-numeric: tabular-nums; }
.charts { display:grid; grid-template-columns:repeat(3, minmax(0,1fr)); gap:10px; }
figure.chart { margin:0; background:var(--panel); border:1px solid var(--line); border-radius:8px;
  padding:8px 10px 6px; min-width:0; }
figure.chart figcaption { font-size:13px; font-weight:600; display:flex; justify-content:space-between; gap:8px; }
figure.chart figcaption .now { font-weight:500; color:var(--muted); font-variant-numeric: tabular-nums; }
figure.chart canvas { display:block; width:100%; height:150px; }
.legend { list-style:none; margin:4px 0 0; padding:0; display:flex; flex-wrap:wrap; gap:2px 12px; font-size:12px;
  color:var(--muted); min-height:16px; }
.legend li { display:flex; align-items:center; gap:5px; max-width:100%; overflow:hidden; white-space:nowrap;
  text-overflow:ellipsis; }
.legend .swatch { width:10px; height:3px; border-radius:2px; flex:none; }
section.panel { background:var(--panel); border:1px solid var(--line); border-radius:8px; margin-top:12px;
  padding:10px 12px; }
section.panel > .bar { display:flex; align-items:center; gap:12px; margin-bottom:6px; }
section.panel h2 { font-size:15px; margin:0; }
section.panel .bar .meta { color:var(--muted); font-size:12px; margin-left:auto; }
label { font-size:13px; color:var(--muted); }
select { font:inherit; padding:2px 6px; border:1px solid var(--line); border-radius:6px; background:#fff; }
select:focus-visible { outline:2px solid var(--accent); outline-offset:1px; }
.table-wrap { max-height:340px; overflow:auto; border-top:1px solid var(--line); }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { position:sticky; top:0; background:#f8fafc; color:var(--muted); font-weight:600; z-index:1; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
td.time { white-space:nowrap; font-variant-numeric: tabular-nums; color:var(--muted); }
td.code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; }
td.where { color:var(--muted); max-width:320px; overflow-wrap:anywhere; }
td.labels { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; color:var(--muted); }
.sev { display:inline-block; min-width:62px; text-align:center; padding:1px 6px; border-radius:4px; font-size:11px;
  font-weight:700; text-transform:uppercase; }
.sev.info { background:#e3ecf8; color:#1d4a86; } .sev.warning { background:#fdefd2; color:#6b3f00; }
.sev.error { background:#fbdcd8; color:#8a1c12; } .sev.critical { background:#7a0f0f; color:#fff; }
.empty { color:var(--muted); padding:10px 8px; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
@media (max-width: 1100px) { .charts { grid-template-columns:repeat(2, minmax(0,1fr)); }
  .tiles { grid-template-columns:repeat(3, minmax(0,1fr)); } }
`;

const CHARTS: ReadonlyArray<{ id: string; title: string }> = [
  { id: 'records-stream', title: 'Records put per second, per stream' },
  { id: 'bytes-stream', title: 'Bytes put per second, per stream' },
  { id: 'latency', title: 'Put latency (p50 / p95)' },
  { id: 'records-shard', title: 'Records put per second, per shard' },
  { id: 'bytes-shard', title: 'Bytes put per second, per shard' },
  { id: 'throttled', title: 'Throttled and refused records per second' },
  { id: 'backlog-files', title: 'Backlog: files waiting' },
  { id: 'backlog-bytes', title: 'Backlog: bytes waiting' },
  { id: 'backlog-age', title: 'Backlog: age of the oldest waiting file' },
];

const TILES: ReadonlyArray<{ id: string; title: string }> = [
  { id: 'records', title: 'Records put / s' },
  { id: 'bytes', title: 'Bytes put / s' },
  { id: 'latency', title: 'Put latency p95' },
  { id: 'throttled', title: 'Throttled / s' },
  { id: 'backlog', title: 'Backlog' },
  { id: 'oldest', title: 'Oldest waiting file' },
];

/** The dashboard: one self-contained HTML document (no external requests), polling the JSON endpoints. */
export function dashboardHtml(title: string): string {
  const name = escapeHtml(title);
  const tiles = TILES.map(
    (tile) =>
      `<div class="tile" data-tile="${tile.id}"><h2>${tile.title}</h2>` +
      `<div class="value" aria-live="off">–</div><div class="sub">&nbsp;</div></div>`,
  ).join('\n      ');
  const charts = CHARTS.map(
    (chart) =>
      `<figure class="chart" data-chart="${chart.id}" data-points="0" data-series="0">` +
      `<figcaption><span id="cap-${chart.id}">${chart.title}</span><span class="now"></span></figcaption>` +
      `<canvas role="img" aria-labelledby="cap-${chart.id}" aria-describedby="desc-${chart.id}"></canvas>` +
      `<p class="visually-hidden" id="desc-${chart.id}">No data yet.</p><ul class="legend"></ul></figure>`,
  ).join('\n      ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name} · Offloader status</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body data-ready="0">
<header>
  <h1>Offloader <span>· ${name}</span></h1>
  <div class="health" role="status" aria-live="polite">
    <span class="pill" id="health-status">…</span><span class="reasons" id="health-reasons"></span>
  </div>
  <span class="updated" id="updated">connecting…</span>
</header>
<main>
  <section aria-label="Key figures" class="tiles">
      ${tiles}
  </section>
  <section aria-label="Charts, last 15 minutes" class="charts">
      ${charts}
  </section>
  <section class="panel" aria-labelledby="events-title">
    <div class="bar"><h2 id="events-title">Events</h2>
      <label for="events-severity">Show</label>
      <select id="events-severity">
        <option value="">all severities</option><option value="warning">warning and worse</option>
        <option value="error">error and worse</option><option value="critical">critical only</option>
      </select>
      <span class="meta" id="events-meta"></span></div>
    <div class="table-wrap" tabindex="0" aria-label="Events table, scrollable">
      <table id="events"><caption class="visually-hidden">Events, newest first</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Severity</th><th scope="col">Source</th>
          <th scope="col">Code</th><th scope="col">Message</th><th scope="col">File / record</th>
          <th scope="col" class="num">Count</th></tr></thead>
        <tbody></tbody></table>
    </div>
  </section>
  <section class="panel" aria-labelledby="stats-title">
    <div class="bar"><h2 id="stats-title">Statistics</h2><span class="meta" id="stats-meta"></span></div>
    <div class="table-wrap" tabindex="0" aria-label="Statistics table, scrollable">
      <table id="statistics"><caption class="visually-hidden">Every counter, gauge and histogram</caption>
        <thead><tr><th scope="col">Statistic</th><th scope="col">Labels</th><th scope="col">Kind</th>
          <th scope="col" class="num">Value</th></tr></thead>
        <tbody></tbody></table>
    </div>
  </section>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
