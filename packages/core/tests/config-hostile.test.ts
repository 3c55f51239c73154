import { describe, expect, it } from 'vitest';
import { ConfigError, corePlugins, PluginRegistry, parsePipeline } from '../src/index.js';

describe('a YAML alias bomb', () => {
  it('is a configuration error (exit 2) naming the file and the line, not an unexplained crash', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const text = `bomb:\n${levels.map((line) => `  ${line}`).join('\n')}\nsink:\n  type: stdout\n`;
    const error = await parsePipeline(
      text,
      '/etc/offloader/p.yaml',
      new PluginRegistry().registerAll(corePlugins),
      {},
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problem = (error as ConfigError).problems[0];
    expect(problem.file).toBe('/etc/offloader/p.yaml');
    expect(problem.line).toBe(3);
    expect(problem.message).toMatch(/alias/i);
  });
});
