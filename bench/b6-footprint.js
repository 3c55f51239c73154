// @ts-check
// B6: what Offloader costs a busy DataMiner Agent at a real rate: CPU (% of one core) and memory while 5,000
// rows/s of mixed offload files arrive, beside a naive folder shipper doing the same work and the same shipper
// without the AWS SDK (the floor of a Node.js shipper), and when idle.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropFile, startLive } from './lib/live.js';
import { startKinesisServer } from './lib/server.js';
import { count, fixed, mib } from './lib/stats.js';

const ROWS_PER_SECOND = 5000;
/** Each second: one Data, one DataAvg and one alarm file, 60 / 20 / 20 % of the rows. */
const SHARES = /** @type {const} */ ([
  ['data', 0.6],
  ['dataavg', 0.2],
  ['alarm', 0.2],
]);
/**
 * 5,000 records/s needs at least 5 shards (1,000 records/s each); 8 leave room for uneven partition keys. The
 * sink paces each shard to its limit, as real Kinesis enforces it, so a smaller stream would make Offloader fall
 * behind where the naive shipper (which kinesalite does not throttle) would not.
 */
const SHARDS = 8;
const CPU_TARGET_PCT = 5;
const IDLE_TARGET_PCT = 0.5;
const RSS_TARGET = 120 * 1024 * 1024;

/**
 * @param {{ seconds: number, idleSeconds: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB6(options) {
  // One kinesalite per producer, each in its own process: no server's CPU is counted, nor do they share.
  const servers = [await startKinesisServer(), await startKinesisServer(), await startKinesisServer()];
  const dir = mkdtempSync(join(tmpdir(), 'offloader-bench-b6-'));
  const roots = {
    offloader: join(dir, 'offloader'),
    naive: join(dir, 'naive'),
    raw: join(dir, 'raw'),
    idle: join(dir, 'idle'),
  };
  const busyRoots = [roots.offloader, roots.naive, roots.raw];
  for (const root of Object.values(roots)) mkdirSync(join(root, 'Data'), { recursive: true });
  const streamsOf = (/** @type {string} */ name) => ({ data: name, dataavg: name, alarm: name });
  try {
    await servers[0].createStream('b6-offloader', SHARDS);
    await servers[0].createStream('b6-idle', SHARDS);
    await servers[1].createStream('b6-naive', SHARDS);
    await servers[2].createStream('b6-raw', SHARDS);
    const offloader = await startLive('pipeline-kinesis', {
      root: roots.offloader,
      endpoint: servers[0].kinesisEndpoint,
      streams: streamsOf('b6-offloader'),
    });
    const idle = await startLive('pipeline-kinesis', {
      root: roots.idle,
      endpoint: servers[0].kinesisEndpoint,
      streams: streamsOf('b6-idle'),
    });
    const naive = await startLive('naive-folder-producer', {
      root: roots.naive,
      endpoint: servers[1].kinesisEndpoint,
      streams: streamsOf('b6-naive'),
    });
    const raw = await startLive('raw-folder-producer', {
      root: roots.raw,
      endpoint: servers[2].kinesisEndpoint,
      streams: streamsOf('b6-raw'),
    });
    const before = {
      offloader: await offloader.usage(),
      naive: await naive.usage(),
      raw: await raw.usage(),
      idle: await idle.usage(),
    };
    const started = Date.now();
    let idleAfter;
    let rows = 0;
    for (let second = 0; second < options.seconds; second += 1) {
      const due = started + second * 1000 - Date.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      for (const [index, [kind, share]] of SHARES.entries()) {
        const seq = second * SHARES.length + index;
        for (const root of busyRoots) dropFile(root, kind, seq, ROWS_PER_SECOND * share, 'rename');
        rows += ROWS_PER_SECOND * share;
      }
      if (!idleAfter && Date.now() - started >= options.idleSeconds * 1000) idleAfter = await idle.usage();
    }
    idleAfter ??= await idle.usage();
    const idleWall = Date.now() - started;
    // All must have shipped everything; the window ends when the slowest one is done (bounded).
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && busyRoots.some((root) => pendingFiles(root) > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const wallMs = Date.now() - started;
    const after = { offloader: await offloader.usage(), naive: await naive.usage(), raw: await raw.usage() };
    const left = {
      offloader: pendingFiles(roots.offloader),
      naive: pendingFiles(roots.naive),
      raw: pendingFiles(roots.raw),
    };
    const ends = {
      offloader: await offloader.stop(),
      naive: await naive.stop(),
      raw: await raw.stop(),
      idle: await idle.stop(),
    };
    const cpuPct = (/** @type {'offloader' | 'naive' | 'raw'} */ who) =>
      (100 * (after[who].cpuMs - before[who].cpuMs)) / wallMs;
    const idlePct = (100 * (idleAfter.cpuMs - before.idle.cpuMs)) / idleWall;
    const figures = {
      offloader: { cpu: cpuPct('offloader'), peakRss: after.offloader.peakRss, delivered: ends.offloader?.delivered },
      naive: { cpu: cpuPct('naive'), peakRss: after.naive.peakRss, delivered: ends.naive?.delivered },
      raw: { cpu: cpuPct('raw'), peakRss: after.raw.peakRss, delivered: ends.raw?.delivered },
    };
    options.log(
      `  B6: ${count(rows)} rows in ${fixed(wallMs / 1000, 1)} s; Offloader CPU ${fixed(figures.offloader.cpu)} % ` +
        `peak RSS ${mib(figures.offloader.peakRss)} delivered ${figures.offloader.delivered}; naive CPU ` +
        `${fixed(figures.naive.cpu)} % peak RSS ${mib(figures.naive.peakRss)} delivered ${figures.naive.delivered}; ` +
        `no-SDK floor CPU ${fixed(figures.raw.cpu)} % delivered ${figures.raw.delivered}; idle ${fixed(idlePct, 3)} %; files left ${JSON.stringify(left)}`,
    );
    const allDelivered = figures.offloader.delivered === rows && left.offloader === 0;
    return [
      {
        title: `B6 footprint: ${count(ROWS_PER_SECOND)} rows/s of mixed offload files for ${options.seconds} s → local Kinesis`,
        notes: [
          'Each second one Data, one DataAvg and one alarm file (60/20/20 % of the rows), renamed into place, into ' +
            'three folders: one read by Offloader (shipped defaults, afterDelivery: delete), one by the naive folder ' +
            'shipper (poll every second, read whole file, objects keyed by column name, SDK PutRecords of 500 one at ' +
            'a time, delete), one by the same shipper without the AWS SDK (request body written into one buffer, ' +
            'one SHA-256 of it as signing needs, node:http): the least a Node.js shipper does for this work, with ' +
            'no checkpoints, validation, quarantine or metrics. Each sends to its own kinesalite in its own process ' +
            '(not counted), ' +
            `to a stream of ${SHARDS} shards (5,000 records/s needs at least 5 at 1,000 records/s each). ` +
            'CPU = (user + sys) seconds the producer process reports (process.cpuUsage) over the wall time from the ' +
            'first file until all three folders were empty; % of one core. All run at the same time, so all see the ' +
            'same machine load. RSS = VmHWM (peak) of the producer process. Offloader runs with the process ' +
            'setting of `offloader run` (limitHeapGrowth: old generation ≤ 1.5× its live size; young generation held ' +
            'at 16 MB below 128 MB/s of allocation).',
          `Idle: a third pipeline (same settings) over an empty folder for ${options.idleSeconds} s.`,
        ],
        rows: [
          {
            what: 'Offloader CPU, % of one core (naive shipper as baseline)',
            value: `${fixed(figures.offloader.cpu)} %`,
            baseline: `${fixed(figures.naive.cpu)} % (naive)`,
            ratio: fixed(figures.offloader.cpu / figures.naive.cpu),
            target: `≤ ${CPU_TARGET_PCT} %`,
            pass: figures.offloader.cpu <= CPU_TARGET_PCT,
            key: 'b6.cpu.vs.naive',
            ratioValue: figures.offloader.cpu / figures.naive.cpu,
          },
          {
            what: 'Offloader CPU beside the floor: the naive shipper without the SDK, % of one core',
            value: `${fixed(figures.offloader.cpu)} %`,
            baseline: `${fixed(figures.raw.cpu)} % (no SDK)`,
            ratio: fixed(figures.offloader.cpu / figures.raw.cpu),
            target: 'report',
            pass: null,
          },
          {
            what: 'Offloader peak RSS (naive shipper as baseline)',
            value: mib(figures.offloader.peakRss),
            baseline: `${mib(figures.naive.peakRss)} (naive)`,
            ratio: fixed(figures.offloader.peakRss / figures.naive.peakRss),
            target: '≤ 120 MiB',
            pass: figures.offloader.peakRss <= RSS_TARGET,
            key: 'b6.rss.vs.naive',
            ratioValue: figures.offloader.peakRss / figures.naive.peakRss,
          },
          {
            what: `idle pipeline over an empty folder, CPU % of one core (${options.idleSeconds} s), and its RSS`,
            value: `${fixed(idlePct, 3)} %, RSS ${mib(idleAfter.rss)}`,
            baseline: '–',
            ratio: '–',
            target: `≤ ${IDLE_TARGET_PCT} %`,
            pass: idlePct <= IDLE_TARGET_PCT,
          },
          {
            what: 'rows delivered by Offloader (naive shipper)',
            value: `${count(figures.offloader.delivered ?? 0)} of ${count(rows)}`,
            baseline: `${count(figures.naive.delivered ?? 0)} (naive)`,
            ratio: fixed((figures.offloader.delivered ?? 0) / rows),
            target: 'all',
            pass: allDelivered,
          },
        ],
      },
    ];
  } finally {
    for (const server of servers) await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Offload files still in a root's kind folders (the producers delete what they shipped). @param {string} root */
function pendingFiles(root) {
  let files = 0;
  for (const folder of ['Data', 'Dataavg', '.']) {
    try {
      files += readdirSync(join(root, folder)).filter((name) => name.endsWith('.csv')).length;
    } catch {
      // A kind folder not made yet holds nothing.
    }
  }
  return files;
}
