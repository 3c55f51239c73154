import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { drain, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

// Permissions do not stop root (or Windows ACL-less runs): the case needs an ordinary user.
const ROOT = process.getuid?.() === 0 || process.platform === 'win32';

describe('a file the process may not read', () => {
  beforeEach((context) => {
    if (ROOT) context.skip('running as root (or on Windows): file permissions cannot make a file unreadable here');
  });
  it('raises one event, is skipped and retried later, and --once still ends with the other files delivered', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'locked.csv'), okLines(1, 2));
    await writeLines(join(root, 'Data', 'open.csv'), okLines(10, 11));
    await chmod(join(root, 'Data', 'locked.csv'), 0o000);
    const { source, services } = makeSource(root, join(root, '_state'));
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([10, 11]);
    const events = services.events.list({ code: 'FILE_UNREADABLE' });
    expect(events).toHaveLength(1);
    expect(events[0].message).toMatch(/locked\.csv.*EACCES.*retried/);
    // Readable again: the next run delivers it.
    await chmod(join(root, 'Data', 'locked.csv'), 0o644);
    const again = makeSource(root, join(root, '_state'));
    expect((await drain(again.source)).values).toEqual([1, 2]);
    await again.source.stop();
  });

  it('keeps being retried while it stays unreadable in continuous mode, without an event per retry', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'locked.csv'), okLines(1, 2));
    await chmod(join(root, 'Data', 'locked.csv'), 0o000);
    const { source, services } = makeSource(root, join(root, '_state'), {}, { once: false });
    const controller = new AbortController();
    const reading = drain(source, undefined, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await chmod(join(root, 'Data', 'locked.csv'), 0o644);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await services.metrics.total('files_done_total')) < 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    expect((await reading).values).toEqual([1, 2]);
    await source.stop();
    const events = services.events.list({ code: 'FILE_UNREADABLE' });
    expect(events).toHaveLength(1);
  });
});
