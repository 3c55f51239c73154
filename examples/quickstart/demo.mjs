// `npm run demo`: offload the sample DataMiner files to an embedded local Kinesis, then read every stream back.
// Starts from a clean state each time so the demo always shows the whole flow.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'packages', 'cli', 'bin', 'offloader.js');
const pipeline = join(here, 'pipeline.yaml');
const offloader = (...args) => spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' }).status;

rmSync(join(here, 'state'), { recursive: true, force: true });
rmSync(join(here, 'quarantine'), { recursive: true, force: true });
// afterDelivery: keep marks sent files in the folder itself (so no second instance re-sends them): clear that too.
rmSync(join(here, 'offload', '.offloader-claims'), { recursive: true, force: true });
console.log(`\n$ offloader run ${pipeline} --once --log-level warn`);
const status = offloader('run', pipeline, '--once', '--log-level', 'warn');
if (status !== 0) process.exit(status ?? 1);
for (const route of ['data', 'dataavg', 'alarm']) {
  console.log(`\n$ offloader tail ${route} --pipeline ${pipeline} --limit 3`);
  const tailStatus = offloader('tail', route, '--pipeline', pipeline, '--limit', '3');
  if (tailStatus !== 0) process.exit(tailStatus ?? 1);
}
