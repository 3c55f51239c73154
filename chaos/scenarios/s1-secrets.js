import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAKE_CREDENTIALS, kinesisSink, sleep, startCli, waitFor, writePipeline } from '../lib/cli.js';
import { StreamReader, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { expectedIds, writeDataFiles } from '../lib/offload.js';
import { check } from '../lib/report.js';
import { DATA_STREAM, dataminerSource } from './common.js';

/** Folders holding input data or the stream store, not output of the pipeline: not scanned. */
const NOT_OUTPUT = new Set(['in', 'archive', 'archive-custom', 'custom', 'kinesalite']);

/** The texts that must never appear: the fake key id and secret as written, URL-encoded and base64. */
export function secretNeedles() {
  const { accessKeyId, secretAccessKey } = FAKE_CREDENTIALS;
  return [
    accessKeyId,
    secretAccessKey,
    encodeURIComponent(secretAccessKey),
    Buffer.from(secretAccessKey).toString('base64'),
    secretAccessKey.slice(8, 28),
  ];
}

/**
 * Scans every output file below `roots` (logs, events, status pages, checkpoints, claims, quarantine) for the
 * fake credentials; returns {files, bytes, hits: [{file, needle}]}.
 */
export async function scanForSecrets(roots) {
  const needles = secretNeedles();
  const result = { files: 0, bytes: 0, hits: [] };
  const walk = async (dir) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_OUTPUT.has(entry.name)) await walk(path);
        continue;
      }
      if (!entry.isFile() || (await stat(path)).size > 64 * 1024 * 1024) continue;
      const text = (await readFile(path)).toString('latin1');
      result.files += 1;
      result.bytes += text.length;
      for (const needle of needles)
        if (text.includes(needle)) result.hits.push({ file: path, needle: needle.slice(0, 6) });
    }
  };
  for (const root of roots) await walk(root);
  return result;
}

/**
 * S1 secrets: first a run whose endpoint rejects the credentials for a while with a message that echoes the
 * request's Authorization header (as some real errors do), so error texts carry the access key id unless the
 * sink scrubs them; its /metrics, /events, /health are saved. Then every output of the scenarios run so far
 * (`roots`) is scanned for the key id and the secret.
 */
export async function runSecretsScenario({ workDir, roots, rejectMs = 2000 }) {
  const dir = join(workDir, 's1-secrets');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const backend = await startBackend({ streams: [DATA_STREAM] });
  const reader = new StreamReader(backend.local.endpoint, DATA_STREAM);
  const ledger = new Ledger();
  let run;
  try {
    const written = await writeDataFiles(join(dir, 'in'), { files: 2, rowsPerFile: 1000, tag: 's' });
    const pipeline = await writePipeline(dir, {
      name: 'chaos-s1',
      sources: [dataminerSource()],
      sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM }, { pauseOnErrorMs: 300 }),
      http: { port: 0 },
      log: { level: 'debug' },
    });
    backend.proxy.set({ rejectCredentials: true });
    run = startCli(pipeline, { logDir: dir, tag: 'run', args: [] });
    let statusUrl;
    await waitFor(
      async () => {
        const text = await readFile(join(dir, 'run.err.log'), 'utf8').catch(() => '');
        statusUrl = /status: (http:\/\/[^/\s]+)/.exec(text)?.[1];
        return Boolean(statusUrl);
      },
      { timeoutMs: 30_000 },
    );
    await sleep(rejectMs);
    const rejections = backend.proxy.counters.credentialRejections;
    const pages = {};
    for (const page of ['metrics', 'events', 'health'])
      pages[page] = await (await fetch(`${statusUrl}/${page}`)).text();
    backend.proxy.set({ rejectCredentials: false });
    await waitFor(
      async () => {
        await reader.drain((data) => ledger.addPayload(data));
        return ledger.copies.size >= 2000;
      },
      { timeoutMs: 60_000, everyMs: 200 },
    );
    for (const page of ['metrics', 'events', 'health']) {
      await writeFile(join(dir, `status-${page}-during.txt`), pages[page]);
      await writeFile(join(dir, `status-${page}-after.txt`), await (await fetch(`${statusUrl}/${page}`)).text());
    }
    run.child.kill('SIGTERM');
    await run.exited;
    const delivered = ledger.compare(expectedIds('s', written));
    const scan = await scanForSecrets([...roots, dir]);
    // The scanner must be able to fail: a planted copy of the key id is found.
    const canaryDir = join(dir, 'canary');
    await mkdir(canaryDir, { recursive: true });
    await writeFile(join(canaryDir, 'planted.log'), `oops ${FAKE_CREDENTIALS.accessKeyId} leaked`);
    const canary = await scanForSecrets([canaryDir]);
    await rm(canaryDir, { recursive: true, force: true });
    const eventsText = pages.events;
    const credentialEvent = /CREDENTIALS_REJECTED|SINK_CREDENTIALS/.test(eventsText);
    return {
      id: 'S1',
      title: 'secrets: no access key id or secret in any log, event, metric or error text',
      workDir: dir,
      checks: [
        check('credential rejections answered (echoing Authorization)', '> 0', rejections, rejections > 0),
        check('credentials-rejected event shown', 'yes', credentialEvent ? 'yes' : 'no', credentialEvent),
        check('records lost after credentials accepted again', 0, delivered.lost, delivered.lost === 0),
        check('scanner finds a planted key id (self-test)', 1, canary.hits.length, canary.hits.length === 1),
        check('files scanned', '> 0', scan.files, scan.files > 0),
        check('secret hits', 0, scan.hits.length, scan.hits.length === 0),
      ],
      figures: {
        'scanned files / bytes': `${scan.files} / ${scan.bytes.toLocaleString('en')}`,
        'scanned roots': [...roots, dir].join(', '),
        hits: scan.hits.length ? scan.hits.map((hit) => `${hit.file} (${hit.needle}…)`).join('; ') : 'none',
      },
    };
  } finally {
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    reader.close();
    await backend.close();
  }
}
