import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { kinesisSink, runCli, writePipeline } from '../lib/cli.js';
import { dataRow, rowId } from '../lib/offload.js';
import { dataminerSource, listFiles } from './common.js';

/**
 * R4 cases of hostile endpoints and configuration (issue 13): each runs `offloader run --once` in its own folder
 * and checks that it ends, with the exit code and message it should have.
 */
export const HOSTILE_CONFIG_CASES = [
  {
    tag: 'cfg1',
    what: 'endpoint accepts TCP and never answers: --once ends, file stays',
    expectText: 'exit 1 within 60 s; file stays',
    run: silentEndpoint,
  },
  {
    tag: 'cfg2',
    what: 'YAML alias bomb in the pipeline file',
    expectText: 'exit 2 naming file and line',
    run: aliasBomb,
  },
  {
    tag: 'cfg3',
    what: 'endpoint not on AWS and no region anywhere',
    expectText: 'exit 2 naming region',
    run: noRegion,
  },
];

async function dataFile(caseDir, tag) {
  const input = join(caseDir, 'in', 'Data');
  await mkdir(input, { recursive: true });
  const lines = [0, 1, 2].map((r) => dataRow(rowId(tag, 0, r), 0, r));
  await writeFile(join(input, `${tag}.csv`), `${lines.join('\r\n')}\r\n`);
  return input;
}

async function silentEndpoint(caseDir, spec) {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const input = await dataFile(caseDir, spec.tag);
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    const pipeline = await writePipeline(caseDir, {
      name: `chaos-r4-${spec.tag}`,
      sources: [dataminerSource()],
      sink: kinesisSink(
        endpoint,
        { data: 'never' },
        { requestTimeoutMs: 500, connectTimeoutMs: 500, retry: { maxElapsedMs: 3000 }, shardRate: { enabled: false } },
      ),
    });
    const exit = await runCli(pipeline, { logDir: caseDir, tag: 'run', timeoutMs: 60_000 }).catch((error) => ({
      code: `hung (${error.message})`,
    }));
    const stays = (await listFiles(input)).includes(`${spec.tag}.csv`);
    return { actual: `exit ${exit.code}; ${stays ? 'stays' : 'gone'}`, pass: exit.code === 1 && stays };
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
}

async function aliasBomb(caseDir) {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 9; level++) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  await mkdir(caseDir, { recursive: true });
  const pipeline = join(caseDir, 'pipeline.yaml');
  await writeFile(
    pipeline,
    `bomb:\n${levels.map((line) => `  ${line}`).join('\n')}\nsources: []\nsink: { type: stdout }\n`,
  );
  const exit = await runCli(pipeline, { logDir: caseDir, tag: 'run', timeoutMs: 60_000 });
  const named = exit.stderrTail.includes('pipeline.yaml:3');
  return { actual: `exit ${exit.code}; ${named ? 'names file:line' : 'no location'}`, pass: exit.code === 2 && named };
}

async function noRegion(caseDir, spec) {
  await dataFile(caseDir, spec.tag);
  const sink = kinesisSink('http://127.0.0.1:9', { data: 'never' });
  delete sink.options.region;
  const pipeline = await writePipeline(caseDir, { name: `chaos-r4-${spec.tag}`, sources: [dataminerSource()], sink });
  const env = { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_CONFIG_FILE: '/nonexistent', AWS_PROFILE: 'chaos-none' };
  const exit = await runCli(pipeline, { logDir: caseDir, tag: 'run', timeoutMs: 60_000, env });
  const named = /region/i.test(exit.stderrTail);
  return { actual: `exit ${exit.code}; ${named ? 'names region' : 'no reason'}`, pass: exit.code === 2 && named };
}
