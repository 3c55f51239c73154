import { describe, expect, it } from 'vitest';
import { isCi, launchChromium } from './browser.js';

describe('page-test browser', () => {
  it('a Chromium that cannot launch gives a reason (for the skip note, or the CI failure)', async () => {
    const previous = process.env.OFFLOADER_CHROMIUM;
    process.env.OFFLOADER_CHROMIUM = '/nonexistent/chromium';
    try {
      const launch = await launchChromium();
      expect(launch).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^no launchable Chromium: .*nonexistent/),
      });
    } finally {
      if (previous === undefined) delete process.env.OFFLOADER_CHROMIUM;
      else process.env.OFFLOADER_CHROMIUM = previous;
    }
  });

  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'false' }, false],
    [{}, false],
  ])('CI %j → may not skip: %s', (env, expected) => {
    expect(isCi(env)).toBe(expected);
  });
});
