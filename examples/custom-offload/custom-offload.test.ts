import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('../../packages/cli/bin/offloader.js', import.meta.url));
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** `{partitionKey, data}` of every record of the sample input, `data` as the base64 the producer wrote. */
async function sampleEntries(dir: string): Promise<string[]> {
  const document = JSON.parse(await readFile(join(dir, 'input/orders.json'), 'utf8')) as {
    Records: { Data: string; PartitionKey: string }[];
  };
  const lines = (await readFile(join(dir, 'input/metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { Data: string; PartitionKey: string });
  return [...document.Records, ...lines].map((entry) => `${entry.PartitionKey} ${entry.Data}`).sort();
}

describe('examples/custom-offload', () => {
  const work = mkdtemp(join(tmpdir(), 'offloader-custom-example-'));
  afterAll(async () => rm(await work, { recursive: true, force: true }));

  it('offloads the sample files to the local Kinesis and tail shows the payloads byte-identical', async () => {
    const dir = await work;
    await cp(here, dir, {
      recursive: true,
      filter: (path) => !path.includes(`${join(here, 'state')}`) && !path.includes('.offloader-claims'),
    });
    const pipeline = join(dir, 'pipeline.yaml');
    await run(process.execPath, [cli, 'run', pipeline, '--once'], { env, cwd: dir });
    const tail = await run(
      process.execPath,
      [cli, 'tail', 'custom-events', '--pipeline', pipeline, '--data', 'base64'],
      {
        env,
        cwd: dir,
      },
    );
    const read = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stream: string; partitionKey: string; data: string });
    expect(read.every((record) => record.stream === 'custom-events')).toBe(true);
    expect(read.map((record) => `${record.partitionKey} ${record.data}`).sort()).toEqual(await sampleEntries(dir));
  });
});
