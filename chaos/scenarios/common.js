import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const DATA_STREAM = 'chaos-data';

/** `dataminer-csv` source options reading Data files only, fast polling, archive + quarantine in the work dir. */
export function dataminerSource(extra = {}) {
  return {
    type: 'dataminer-csv',
    id: 'dm',
    options: {
      path: './in',
      kinds: ['data'],
      complete: { mode: 'stable', settleMs: 0 },
      pollIntervalMs: 100,
      afterDelivery: 'archive',
      archivePath: './archive',
      quarantinePath: './quarantine',
      ...extra,
    },
  };
}

/** Every file below `dir` (relative paths), skipping the claims folder; [] when `dir` does not exist. */
export async function listFiles(dir) {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return (
      entries
        // Links count too: a quarantined symbolic link is an entry's file.
        .filter(
          (entry) =>
            (entry.isFile() || entry.isSymbolicLink()) &&
            !join(entry.parentPath, entry.name).includes('.offloader-claims'),
        )
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
        .sort()
    );
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
}

/** Events of a pipeline state folder (`state/events.jsonl`), oldest first. */
export async function readEvents(stateDir) {
  const { readFile } = await import('node:fs/promises');
  let text = '';
  try {
    text = await readFile(join(stateDir, 'events.jsonl'), 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const rows = new Map();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line);
      // Folded repeats are re-appended with the same id; the last copy wins.
      if (row && typeof row.id === 'number') rows.set(row.id, row);
    } catch {
      // a torn last line after a SIGKILL: ignored, like the event log itself does
    }
  }
  return [...rows.values()].sort((a, b) => a.id - b.id);
}

/** The seeded generator of the fault proxy (mulberry32): the same seed gives the same choices. */
export { faultSeedFromEnv, seededRandom } from '@offloader/testkit';
