import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { join, sep } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** How the page test gets its browser, or why it has none. */
export type BrowserLaunch = { ok: true; browser: Browser } | { ok: false; reason: string };

/**
 * Launches a real headless Chromium: `OFFLOADER_CHROMIUM` when set, else the binary shipped inside the
 * `@sparticuz/chromium` npm package (so `npm ci` is all a fresh clone needs: no apt, no download, no root).
 * The package unpacks into `<tmp>/chromium` shared by every user of the machine; it is unpacked here into a
 * folder of this user and version instead, via a staging folder renamed into place, so a half-written
 * binary from an interrupted run is never used.
 */
export async function launchChromium(): Promise<BrowserLaunch> {
  try {
    const given = process.env.OFFLOADER_CHROMIUM;
    const executablePath = given ?? (await unpackedChromium());
    const browser = await chromium.launch({ executablePath, args: sparticuz.args, timeout: 60_000 });
    return { ok: true, browser };
  } catch (error) {
    return { ok: false, reason: `no launchable Chromium: ${(error as Error).message.split('\n')[0]}` };
  }
}

async function unpackedChromium(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const packageRoot = main.slice(0, main.lastIndexOf(`${sep}build${sep}`));
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const home = join(tmpdir(), `offloader-chromium-${userInfo().uid}-${version}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;
  mkdirSync(tmpdir(), { recursive: true });
  const staging = mkdtempSync(`${home}.staging-`);
  const previous = process.env.TMPDIR;
  // The package unpacks into os.tmpdir(), which follows TMPDIR.
  process.env.TMPDIR = staging;
  try {
    await sparticuz.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
  try {
    renameSync(staging, home);
  } catch (error) {
    // Another run won the race: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

/** True on CI (`CI` set to anything but `false`/`0`), where a browser test may not skip. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}
