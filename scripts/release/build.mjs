#!/usr/bin/env node
// `npm run release`: single executables for Linux and Windows (Node 22 LTS + the bundled CLI), packed into
// release/offloader-<version>-linux-x64.tar.gz and release/offloader-<version>-win-x64.zip with SHA256SUMS.
// Network: only the npm registry (`npm pack` of the Node and WinSW packages, cached in release/.cache).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tarGz, zip } from './archive.mjs';
import { bundleCli, bundledPackages, LEVELDOWN_BINDING } from './bundle.mjs';
import { leveldownLicences, thirdPartyLicences } from './licenses.mjs';
import { NODE_VERSION, nodeBinary, TARGETS, WINSW_PACKAGE, winswBinary } from './node-dist.mjs';
import { makeBlob } from './sea.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const out = join(repo, 'release');
const cache = join(out, '.cache');
const work = join(out, 'build');
const started = Date.now();
const step = (label) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${label}`);

const version = JSON.parse(readFileSync(join(repo, 'packages', 'cli', 'package.json'), 'utf8')).version;
const require = createRequire(import.meta.url);
const leveldownFolder = dirname(
  require.resolve('leveldown/package.json', { paths: [join(repo, 'node_modules', 'kinesalite')] }),
);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

step('tsc -b');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], { cwd: repo, stdio: 'inherit' });

step('esbuild bundle');
const main = join(work, 'offloader.cjs');
const metafile = await bundleCli({ outfile: main });

step(`Node ${NODE_VERSION} binaries (npm packages, cached in release/.cache)`);
const nodes = Object.fromEntries(Object.keys(TARGETS).map((target) => [target, nodeBinary(cache, target)]));
const winsw = winswBinary(cache);

step('SEA blobs, made by the Linux Node of the same version (Windows: no code cache, which is platform-bound)');
const blobs = {};
for (const target of Object.keys(TARGETS)) {
  const codeCache = target === 'linux-x64';
  blobs[target] = makeBlob({ node: nodes['linux-x64'].binary, main, workDir: work, name: target, codeCache });
}

step('postject: both executables in parallel');
const executables = {};
await Promise.all(
  Object.entries(TARGETS).map(async ([target, spec]) => {
    const output = join(work, target, spec.exe);
    mkdirSync(dirname(output), { recursive: true });
    // A child process each: injection is CPU-bound, and two run side by side on two cores.
    await promisify(execFile)(process.execPath, [join(here, 'sea.mjs'), nodes[target].binary, blobs[target], output]);
    executables[target] = output;
  }),
);

step('smoke check of the Linux executable');
const reported = execFileSync(executables['linux-x64'], ['--version'], { encoding: 'utf8' }).trim();
if (reported !== version) throw new Error(`the Linux executable reports version "${reported}", expected ${version}`);

step('licences');
const nodeLicence = readFileSync(nodes['linux-x64'].license, 'utf8');
const common = [
  {
    title: `Node.js ${NODE_VERSION} (the runtime inside the executable)`,
    licence: 'MIT and others',
    text: nodeLicence,
  },
  ...leveldownLicences(leveldownFolder),
];
const bundled = bundledPackages(metafile);
const winswLicence = {
  title: `WinSW 1.17 (offloader-service.exe, taken from the npm package ${WINSW_PACKAGE})`,
  licence: 'MIT',
  text:
    'Copyright (c) 2008-2013 Kohsuke Kawaguchi, Sun Microsystems, Inc., CloudBees, Inc. and other contributors\n\n' +
    readFileSync(join(here, 'assets', 'MIT.txt'), 'utf8'),
};
const linuxLicences = thirdPartyLicences(bundled, common);
const windowsLicences = thirdPartyLicences(bundled, [...common, winswLicence]);
if (linuxLicences.missing.length) console.log(`  no licence file in: ${linuxLicences.missing.join(', ')}`);

step('archives');
const mtime = new Date(
  Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: repo, encoding: 'utf8' })) * 1000,
);
const asset = (name) => readFileSync(join(here, 'assets', name), 'utf8');
const readme = (name) => asset(name).replaceAll('{{version}}', version).replaceAll('{{node}}', NODE_VERSION);
const binding = (platform) => join(leveldownFolder, 'prebuilds', platform);
const linuxDir = `offloader-${version}-linux-x64`;
const windowsDir = `offloader-${version}-win-x64`;
const archives = {
  [`${linuxDir}.tar.gz`]: () =>
    tarGz(
      [
        { name: 'offloader', data: readFileSync(executables['linux-x64']), executable: true },
        { name: LEVELDOWN_BINDING, data: readFileSync(join(binding('linux-x64'), 'node.napi.glibc.node')) },
        { name: 'README.txt', data: Buffer.from(readme('README-linux.txt')) },
        { name: 'pipeline.yaml', data: Buffer.from(asset('pipeline-linux.yaml')) },
        { name: 'THIRD-PARTY-LICENSES.txt', data: Buffer.from(linuxLicences.text) },
      ].map((entry) => ({ ...entry, name: `${linuxDir}/${entry.name}` })),
      mtime,
    ),
  [`${windowsDir}.zip`]: () =>
    zip(
      [
        { name: 'offloader.exe', data: readFileSync(executables['win-x64']) },
        { name: LEVELDOWN_BINDING, data: readFileSync(join(binding('win32-x64'), 'node.napi.node')) },
        { name: 'offloader-service.exe', data: readFileSync(winsw) },
        { name: 'offloader-service.xml', data: Buffer.from(asset('offloader-service.xml').replace(/\r?\n/g, '\r\n')) },
        { name: 'README.txt', data: Buffer.from(readme('README-windows.txt').replace(/\r?\n/g, '\r\n')) },
        { name: 'pipeline.yaml', data: Buffer.from(asset('pipeline-windows.yaml').replace(/\r?\n/g, '\r\n')) },
        { name: 'THIRD-PARTY-LICENSES.txt', data: Buffer.from(windowsLicences.text.replace(/\r?\n/g, '\r\n')) },
      ].map((entry) => ({ ...entry, name: `${windowsDir}/${entry.name}` })),
      mtime,
    ),
};
const sums = [];
for (const [name, make] of Object.entries(archives)) {
  const data = make();
  writeFileSync(join(out, name), data);
  sums.push(`${createHash('sha256').update(data).digest('hex')}  ${name}`);
}
writeFileSync(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`);

step('done');
const mib = (file) => `${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`;
console.log(`  bundle                     ${mib(main)}`);
for (const [target, file] of Object.entries(executables))
  console.log(`  ${target.padEnd(26)} ${mib(file)} (executable)`);
for (const name of Object.keys(archives)) console.log(`  ${name.padEnd(26)} ${mib(join(out, name))}`);
console.log(`  SHA256SUMS, built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
