import { ConfigError, parsePipeline } from '@offloader/core';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../src/builtins.js';

/**
 * The messages `validate` gives for a pipeline text (file /etc/offloader/p.yaml), or [] when it is valid. The
 * folders do not exist here, so sources say `waitForPath: true` (the existence check has tests of its own).
 */
async function problemsOf(text: string): Promise<string[]> {
  try {
    await parsePipeline(text, '/etc/offloader/p.yaml', createBuiltinRegistry(), {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const kinesis = `sink:
  type: kinesis
  options: { endpoint: local, streams: { data: d, dataavg: d, alarm: d, custom: c } }
`;

describe('validate: folders a source writes to must not be the folder it reads', () => {
  it.each([
    [
      'archivePath equal to path',
      'dataminer-csv',
      '{ waitForPath: true, path: /data/in, archivePath: /data/in }',
      /archivePath/,
    ],
    [
      'archivePath equal to path, written differently',
      'custom',
      '{ waitForPath: true, path: in, archivePath: ./in/ }',
      /archivePath/,
    ],
    [
      'quarantinePath equal to path',
      'custom',
      '{ waitForPath: true, path: /data/in, quarantinePath: /data/in }',
      /quarantinePath/,
    ],
    [
      'archivePath inside a read folder',
      'dataminer-csv',
      '{ waitForPath: true, path: /data/in, archivePath: /data/in/Data }',
      /archivePath/,
    ],
    [
      'quarantinePath inside path (custom reads the root)',
      'custom',
      '{ waitForPath: true, path: in, quarantinePath: in/q }',
      /quarantinePath/,
    ],
  ])('%s is an error', async (_name, type, options, pattern) => {
    const problems = await problemsOf(`sources:\n  - type: ${type}\n    options: ${options}\n${kinesis}`);
    expect(problems.join('\n')).toMatch(pattern);
    expect(problems.join('\n')).toMatch(/inside the watched folder|the watched folder itself/);
  });

  it.each([
    ['the defaults (folders the reader never enters)', 'dataminer-csv', '{ waitForPath: true, path: /data/in }'],
    [
      'folders beside path',
      'custom',
      '{ waitForPath: true, path: /data/in, archivePath: /data/archive, quarantinePath: /data/q }',
    ],
    ['a "_" folder inside path', 'custom', '{ waitForPath: true, path: in, archivePath: in/_done }'],
  ])('%s are fine', async (_name, type, options) => {
    expect(await problemsOf(`sources:\n  - type: ${type}\n    options: ${options}\n${kinesis}`)).toEqual([]);
  });
});

describe('validate: every route a source can produce has a stream, or is dropped on purpose', () => {
  const sink = (options: string) => `sink:\n  type: kinesis\n  options: ${options}\n`;
  const dataminer = (options = '{ waitForPath: true, path: /data/in }') =>
    `sources:\n  - type: dataminer-csv\n    options: ${options}\n`;

  it('all kinds read, only data mapped: dataavg and alarm are errors', async () => {
    const problems = (await problemsOf(dataminer() + sink('{ streams: { data: d } }'))).join('\n');
    expect(problems).toMatch(/sink\.options\.streams.*route "dataavg".*dataminer-csv/);
    expect(problems).toMatch(/route "alarm"/);
    expect(problems).not.toMatch(/route "data"/);
  });

  it('routed information events need their stream too', async () => {
    const source = dataminer('{ waitForPath: true, path: /data/in, kinds: [alarm], alarm: { infoEvents: route } }');
    expect((await problemsOf(source + sink('{ streams: { alarm: a } }'))).join('\n')).toMatch(/route "info"/);
  });

  it('a custom source needs streams.custom (files may name their own stream, but need not)', async () => {
    const source =
      'sources:\n  - type: custom\n    options: { waitForPath: true, path: /data/in, allowedStreams: [x] }\n';
    expect((await problemsOf(source + sink('{ streams: { data: d } }'))).join('\n')).toMatch(/route "custom"/);
  });

  it.each([
    ['every route mapped', '{ streams: { data: d, dataavg: v, alarm: a } }'],
    ['a defaultStream', '{ streams: { data: d }, defaultStream: rest }'],
    ['the others dropped on purpose', '{ streams: { data: d }, drop: [dataavg, alarm] }'],
  ])('%s is valid', async (_name, options) => {
    expect(await problemsOf(dataminer() + sink(options))).toEqual([]);
  });

  it('a route both mapped and dropped is an error', async () => {
    const problems = await problemsOf(
      dataminer() + sink('{ streams: { data: d, dataavg: v, alarm: a }, drop: [alarm] }'),
    );
    expect(problems.join('\n')).toMatch(/sink\.options\.drop.*alarm/);
  });
});
