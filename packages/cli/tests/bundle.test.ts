import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bin, offloader, repo } from './helpers.js';

/**
 * Runs the command with a module hook that prints every module Node loads to stderr (one `loaded <url>` line each),
 * so a test can tell what a command pulled in.
 */
function loadedModules(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-bundle-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    'export async function load(url, context, next) { process._rawDebug(`loaded ${url}`); return next(url, context); }\n',
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
  expect(result.status).toBe(0);
  return result.stderr
    .split('\n')
    .filter((line) => line.startsWith('loaded '))
    .map((line) => line.slice('loaded '.length));
}

describe('the bundled command (dist/offloader.js)', () => {
  it('starts `--version` from one file of its own, without yargs modules, plugins or the AWS SDK', () => {
    const loaded = loadedModules(['--version']).filter((url) => url.startsWith('file:'));
    expect(loaded.some((url) => url.endsWith('/packages/cli/dist/offloader.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/node_modules/yargs'))).toEqual([]);
    expect(loaded.filter((url) => /@aws-sdk|sink-kinesis|source-dataminer-csv|source-custom/.test(url))).toEqual([]);
  });

  it('still loads the plugins when a command needs them', () => {
    const loaded = loadedModules(['validate', join(repo, 'examples', 'quickstart', 'pipeline.yaml')]);
    expect(loaded.some((url) => url.includes('source-dataminer-csv'))).toBe(true);
  });

  it("speaks the user's language where yargs does (its catalogues found beside the installed yargs)", () => {
    const german = offloader(['--help'], { env: { LANG: 'de_DE.UTF-8', LC_ALL: '' } });
    expect(german.code).toBe(0);
    expect(german.stdout).toMatch(/^Kommandos:/m);
    const english = offloader(['--help'], { env: { LANG: 'C', LC_ALL: '' } });
    expect(english.stdout).toMatch(/^Commands:/m);
  });

  it('starts the separate modules when the bundle is older than the last TypeScript build (`tsc -b` alone)', () => {
    // Prepare: bin/offloader.js in a package of stand-ins, each entry saying which one ran.
    const dir = mkdtempSync(join(tmpdir(), 'offloader-stale-bundle-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    copyFileSync(bin, join(dir, 'bin', 'offloader.js'));
    for (const entry of ['offloader', 'main']) {
      writeFileSync(
        join(dir, 'dist', `${entry}.js`),
        `export async function main() { process.stdout.write('${entry}'); return 0; }\n`,
      );
    }
    // An ES module package, as packages/cli is, so nothing depends on Node detecting the module syntax.
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'dist', '.tsbuildinfo'), '{}');
    const started = (bundleAt: number, buildAt: number) => {
      utimesSync(join(dir, 'dist', 'offloader.js'), bundleAt, bundleAt);
      utimesSync(join(dir, 'dist', '.tsbuildinfo'), buildAt, buildAt);
      const result = spawnSync(process.execPath, [join(dir, 'bin', 'offloader.js')], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout;
    };
    // Act + Assess: times in seconds since 1970; npm packs every file with the same date.
    expect(started(2_000, 1_000)).toBe('offloader');
    expect(started(1_000, 2_000)).toBe('main');
    expect(started(499_162_400, 499_162_400)).toBe('offloader');
  });
});
