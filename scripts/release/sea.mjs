// Node single executable applications: one blob from the bundle, injected into each target's Node binary.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { inject } = createRequire(import.meta.url)('postject');

/** The fuse Node looks for to know a blob was injected (from Node's single-executable documentation). */
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Makes a SEA blob with `node`, which must be the same Node version as every binary the blob goes into, and
 * returns its path. Without a code cache the blob is the same for every platform; V8's code cache (a faster
 * start) is only valid on the platform whose Node made it.
 */
export function makeBlob({ node, main, workDir, name, codeCache }) {
  const blob = join(workDir, `${name}.blob`);
  const config = join(workDir, `${name}.sea-config.json`);
  const settings = {
    main,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: codeCache,
    useSnapshot: false,
  };
  writeFileSync(config, JSON.stringify(settings));
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return blob;
}

/** Copies a Node binary to `output` and injects the blob into the copy. */
export async function makeExecutable({ node, blob, output }) {
  copyFileSync(node, output);
  chmodSync(output, 0o755);
  await inject(output, 'NODE_SEA_BLOB', blob, { sentinelFuse: SENTINEL_FUSE });
}

// `node sea.mjs <node binary> <blob> <output>`: one injection per process, so targets are made in parallel.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [node, blob, output] = process.argv.slice(2);
  await makeExecutable({ node, blob: readFileSync(blob), output });
}
