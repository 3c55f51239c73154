#!/usr/bin/env node
// Smoke test of the release archives: unpacks release/offloader-<version>-<target>.* and runs the executable
// the way an operator would. win-x64 runs under Wine (WINEPREFIX from the environment, else release/.wine).
//   node scripts/smoke/binary-smoke.mjs [linux-x64] [win-x64]        (default: both)
// Under Wine, stdout/stderr of a Windows program cannot be a pipe (EBADF): every run writes to files.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readTar } from '../release/node-dist.mjs';
import {
  badPipeline,
  CUSTOM_PLUGIN_EXAMPLE,
  EXPECTED_DRY_RUN,
  EXPECTED_ROUTES,
  FIXTURE_OFFLOAD,
  IDENTITY_PLUGIN,
  identityPipeline,
  smokePipeline,
  sortedLines,
} from './pipelines.mjs';
import { unzip } from './unzip.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const release = join(repo, 'release');
const version = JSON.parse(readFileSync(join(repo, 'packages', 'cli', 'package.json'), 'utf8')).version;
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['linux-x64', 'win-x64'];
let failures = 0;
let passes = 0;

function check(name, condition, detail) {
  if (condition) passes += 1;
  else failures += 1;
  console.log(`  ${condition ? 'ok  ' : 'FAIL'} ${name}${condition || !detail ? '' : `\n       ${detail}`}`);
}

/** A Windows prefix set up once: Node refuses the Windows 7 that a fresh prefix claims to be. */
function winePrefix() {
  const prefix = process.env.WINEPREFIX ?? join(release, '.wine');
  if (!existsSync(join(prefix, '.offloader-win10'))) {
    mkdirSync(prefix, { recursive: true });
    spawnSync('wine', ['winecfg', '/v', 'win10'], { env: wineEnv(prefix), stdio: 'ignore', timeout: 180_000 });
    writeFileSync(join(prefix, '.offloader-win10'), '');
  }
  return prefix;
}

function wineEnv(prefix) {
  return { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
}

/** Where a target's files live, and how a host path is written for the executable. */
function layout(target) {
  if (target === 'win-x64') {
    const prefix = winePrefix();
    const driveC = join(prefix, 'drive_c');
    rmSync(join(driveC, 'ProgramData', 'Offloader'), { recursive: true, force: true });
    return {
      root: join(driveC, 'offloader-smoke'),
      programData: join(driveC, 'ProgramData', 'Offloader'),
      toTarget: (path) => `C:${path.slice(driveC.length).replaceAll('/', '\\')}`,
      command: (exe, args) => ['wine', [exe, ...args]],
      env: wineEnv(prefix),
    };
  }
  const root = join(tmpdir(), 'offloader-smoke-linux');
  return {
    root,
    programData: join(root, 'ProgramData', 'Offloader'),
    toTarget: (path) => path,
    command: (exe, args) => [exe, args],
    env: process.env,
  };
}

function unpack(target, root) {
  const archive = target === 'win-x64' ? `offloader-${version}-win-x64.zip` : `offloader-${version}-linux-x64.tar.gz`;
  const data = readFileSync(join(release, archive));
  const sum = createHash('sha256').update(data).digest('hex');
  check(
    `${archive} matches SHA256SUMS`,
    readFileSync(join(release, 'SHA256SUMS'), 'utf8').includes(`${sum}  ${archive}`),
  );
  const files = target === 'win-x64' ? unzip(data) : readTar(gunzipSync(data), () => true);
  for (const [name, content] of files) {
    const file = join(root, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { mode: name.endsWith('/offloader') ? 0o755 : 0o644 });
  }
  const dir = join(root, archive.replace(/\.(zip|tar\.gz)$/, ''));
  return { dir, names: [...files.keys()].map((name) => name.slice(name.indexOf('/') + 1)) };
}

function smoke(target) {
  console.log(`== ${target}`);
  const place = layout(target);
  rmSync(place.root, { recursive: true, force: true });
  mkdirSync(place.root, { recursive: true });
  const { dir, names } = unpack(target, place.root);
  const exe = join(dir, target === 'win-x64' ? 'offloader.exe' : 'offloader');
  const expectedFiles = ['README.txt', 'pipeline.yaml', 'THIRD-PARTY-LICENSES.txt', 'offloader-leveldown.node'];
  if (target === 'win-x64') expectedFiles.push('offloader-service.exe', 'offloader-service.xml');
  check(
    `archive holds ${expectedFiles.join(', ')}`,
    expectedFiles.every((name) => names.includes(name)),
    names.join(', '),
  );

  let runs = 0;
  const started = Date.now();
  const run = (args) => {
    runs += 1;
    const out = join(place.root, `run-${runs}.out`);
    const err = join(place.root, `run-${runs}.err`);
    const [command, argv] = place.command(exe, args);
    const result = spawnSync(command, argv, {
      cwd: place.root,
      env: place.env,
      stdio: ['ignore', openSync(out, 'w'), openSync(err, 'w')],
      timeout: 120_000,
    });
    return { code: result.status, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  };
  const write = (name, text) => {
    writeFileSync(join(place.root, name), text);
    return place.toTarget(join(place.root, name));
  };

  const offload = join(place.root, 'offload');
  cpSync(FIXTURE_OFFLOAD, offload, { recursive: true });
  const paths = {
    offload: place.toTarget(offload),
    archive: place.toTarget(join(place.root, 'archive')),
    state: place.toTarget(join(place.programData, 'state')),
    log: place.toTarget(join(place.programData, 'logs', 'offloader.log')),
  };
  const pipeline = write('pipeline.yaml', smokePipeline(paths));

  const version_ = run(['--version']);
  check(`--version prints ${version}`, version_.code === 0 && version_.stdout.trim() === version, version_.stderr);
  const help = run(['--help']);
  check(
    '--help lists run, validate, plugins, schema, tail, stop',
    help.code === 0 &&
      ['run', 'validate', 'plugins', 'schema', 'tail', 'stop'].every((c) => help.stdout.includes(`offloader ${c}`)),
    help.stdout + help.stderr,
  );
  const plugins = run(['plugins']);
  check(
    'plugins lists dataminer-csv and kinesis',
    plugins.code === 0 && /dataminer-csv/.test(plugins.stdout) && /kinesis/.test(plugins.stdout),
    plugins.stderr,
  );
  const schema = run(['schema']);
  check(
    'schema prints the pipeline JSON Schema',
    schema.code === 0 && JSON.parse(schema.stdout).title === 'Offloader pipeline',
    schema.stderr,
  );
  const good = run(['validate', pipeline]);
  check(`validate ${pipeline} exits 0`, good.code === 0, good.stderr);
  const shipped = run(['validate', place.toTarget(join(dir, 'pipeline.yaml'))]);
  check('the pipeline.yaml shipped in the archive validates', shipped.code === 0, shipped.stderr);
  const bad = run(['validate', write('bad.yaml', badPipeline(paths))]);
  check(
    'validate of a misspelt option exits 2 naming it',
    bad.code === 2 && bad.stderr.includes('afterDelivry'),
    `${bad.code} ${bad.stderr}`,
  );

  const dry = run(['run', pipeline, '--once', '--dry-run']);
  check(
    'run --once --dry-run prints the expected JSON lines',
    dry.code === 0 &&
      dry.stdout.endsWith('\n') &&
      sortedLines(dry.stdout) === sortedLines(readFileSync(EXPECTED_DRY_RUN, 'utf8')),
    `exit ${dry.code}; ${dry.stderr.slice(0, 400)}`,
  );
  check(
    'the dry run moved no file',
    readdirSync(offload, { recursive: true }).filter((f) => String(f).endsWith('.csv')).length === 4,
  );

  const local = run(['run', pipeline, '--once', '--local']);
  check(
    'run --once --local delivers 39 records',
    local.code === 0 && local.stderr.includes('39 records in, 39 delivered'),
    local.stderr.slice(-600),
  );
  const left = readdirSync(offload, { recursive: true }).filter((f) => String(f).endsWith('.csv'));
  const archived = readdirSync(join(place.root, 'archive'), { recursive: true }).filter((f) =>
    String(f).endsWith('.csv'),
  );
  check(
    'afterDelivery: archive moved the 4 files',
    left.length === 0 && archived.length === 4,
    `left ${left}, archived ${archived}`,
  );
  const logFile = join(place.programData, 'logs', 'offloader.log');
  const logLines = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : [];
  check(
    `JSON log lines in ${paths.log}`,
    logLines.length > 0 && logLines.every((line) => JSON.parse(line).level),
    `${logLines.length} lines`,
  );
  const expectedByRoute = {};
  for (const line of readFileSync(EXPECTED_DRY_RUN, 'utf8').trim().split('\n')) {
    const record = JSON.parse(line);
    expectedByRoute[record.route] = [...(expectedByRoute[record.route] ?? []), JSON.stringify(record.data)];
  }
  for (const [route, count] of Object.entries(EXPECTED_ROUTES)) {
    const tail = run(['tail', route, '--pipeline', pipeline]);
    const records = tail.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.stringify(JSON.parse(line).data));
    check(
      `tail ${route} reads back the ${count} records of the dry run`,
      tail.code === 0 &&
        records.length === count &&
        records.sort().join('\n') === expectedByRoute[route].sort().join('\n'),
      `exit ${tail.code}, ${records.length} records; ${tail.stderr.slice(0, 300)}`,
    );
  }

  // Plugins from disk that import @offloader/core, with no node_modules anywhere near them.
  const plugins_ = join(place.root, 'custom-plugin');
  cpSync(CUSTOM_PLUGIN_EXAMPLE, plugins_, { recursive: true, filter: (src) => !/[\\/](state|out|test)$/.test(src) });
  const custom = run(['run', place.toTarget(join(plugins_, 'pipeline.yaml')), '--once', '--log-level', 'warn']);
  const written = existsSync(join(plugins_, 'out', 'records.jsonl'))
    ? readFileSync(join(plugins_, 'out', 'records.jsonl'), 'utf8')
    : '';
  check(
    'plugins by path and by package name run (examples/custom-plugin)',
    custom.code === 0 && written.includes('Encodeur Québec-01') && written.split('\n').filter(Boolean).length === 2,
    `${custom.code} ${custom.stderr.slice(0, 400)}`,
  );
  cpSync(IDENTITY_PLUGIN, join(place.root, 'identity-check.mjs'));
  const identity = run([
    'run',
    write('identity.yaml', identityPipeline({ offload: paths.offload, plugin: './identity-check.mjs' })),
    '--once',
    '--dry-run',
  ]);
  check(
    "a plugin gets the executable's own @offloader/core (its PluginError is recognised, exit 2)",
    identity.code === 2 && identity.stderr.includes('error PLUGIN_LOAD_FAILED: identity check'),
    `${identity.code} ${identity.stderr.slice(0, 400)}`,
  );

  return { runs, seconds: (Date.now() - started) / 1000, place, exe, pipeline, paths };
}

/** `run` until stopped, then `offloader stop` (what the Windows service does): drains and exits 0. */
async function stopDrains({ place, exe, pipeline }, how) {
  const out = openSync(join(place.root, `service-${how}.out`), 'w');
  const errFile = join(place.root, `service-${how}.err`);
  const [command, argv] = place.command(exe, ['run', pipeline]);
  const child = spawn(command, argv, {
    cwd: place.root,
    env: place.env,
    stdio: ['ignore', out, openSync(errFile, 'w')],
  });
  const exited = new Promise((done) => child.once('exit', (code) => done(code)));
  const logFile = join(place.programData, 'logs', 'offloader.log');
  const before = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  const deadline = Date.now() + 120_000;
  // Started = the embedded Kinesis server has logged its address for this run.
  while (
    Date.now() < deadline &&
    !(existsSync(logFile) && readFileSync(logFile, 'utf8').slice(before).includes('listening on'))
  ) {
    await new Promise((done) => setTimeout(done, 200));
  }
  if (how === 'SIGTERM') child.kill('SIGTERM');
  else {
    const [stopCommand, stopArgv] = place.command(exe, ['stop', pipeline]);
    const stop = spawnSync(stopCommand, stopArgv, {
      cwd: place.root,
      env: place.env,
      stdio: ['ignore', 'ignore', 'ignore'],
      timeout: 120_000,
    });
    check('offloader stop exits 0 (the running pipeline took the request)', stop.status === 0, `exit ${stop.status}`);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await exited;
  clearTimeout(timer);
  const stderr = readFileSync(errFile, 'utf8');
  check(
    `run stopped by ${how} drains and exits 0`,
    code === 0 && /stopping — draining/.test(stderr) && /\(signal\)/.test(stderr),
    `exit ${code}; ${stderr.slice(-400)}`,
  );
}

for (const target of targets) {
  const started = Date.now();
  const done = smoke(target);
  await stopDrains(done, 'offloader stop');
  if (target === 'linux-x64') await stopDrains(done, 'SIGTERM');
  console.log(`  ${target}: ${done.runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`${passes} passed, ${failures} failed`);
process.exitCode = failures ? 1 : 0;
