import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CheckpointStore } from '../checkpoints.js';
import { OffloaderError } from '../errors.js';
import type { SourceReset, SourceStatus } from '../plugin.js';
import { type ClaimBody, claimFileName, fileIdentity, isAlive } from './ClaimRegistry.js';
import { type FileCheckpoint, readFolderCheckpoint, removeFolderCheckpoint } from './FolderCheckpoints.js';
import { CLAIMS_DIR, type FolderFile } from './types.js';

/** What `offloader status` and `offloader reset` need to know about one folder source. */
export interface DeliveryStateParts {
  sourceId: string;
  root: string;
  archivePath?: string;
  quarantinePath: string;
  /** The files a run would consider now (the source's own scan rules). */
  scan(): Promise<FolderFile[]>;
  store: CheckpointStore;
  /** A claim not touched for this long belongs to nobody (the source's `staleClaimMs`). */
  staleClaimMs: number;
}

/** Reads the delivery state of a folder source from disk; changes nothing. */
export async function folderStatus(parts: DeliveryStateParts): Promise<SourceStatus> {
  const pathExists = (await stat(parts.root).catch(() => undefined))?.isDirectory() === true;
  const entries = await readFolderCheckpoint(parts.store, parts.sourceId);
  const claims = await readClaims(parts.root);
  const status: SourceStatus = {
    source: parts.sourceId,
    path: parts.root,
    pathExists,
    pending: 0,
    inProgress: 0,
    delivered: 0,
    archived: 0,
    quarantined: 0,
    rejectedRows: 0,
  };
  for (const file of pathExists ? await parts.scan() : []) {
    const entry: FileCheckpoint | undefined = entries[file.relPath];
    const sameFile = entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs;
    const claim = claims.get(file.relPath);
    if ((sameFile && entry.done) || claim?.done === fileIdentity(file)) status.delivered++;
    else if ((sameFile && entry.line > 0) || (claim && !claim.done && isLive(claim, parts.staleClaimMs))) {
      status.inProgress++;
    } else status.pending++;
  }
  if (parts.archivePath) status.archived = (await filesBelow(parts.archivePath)).length;
  for (const file of await filesBelow(parts.quarantinePath)) {
    if (file.endsWith('.rejected.jsonl')) status.rejectedRows += await countLines(file);
    else if (!file.endsWith('.rejected.csv')) status.quarantined++;
  }
  status.lastCheckpoint = (await parts.store.updatedAt(parts.sourceId))?.toISOString();
  return status;
}

/**
 * Forgets what a folder source delivered: its checkpoint and its done markers, so every file present is sent
 * again. Refuses while a running instance holds a claim of this source (it would send the same files twice).
 */
export async function resetFolder(parts: DeliveryStateParts): Promise<SourceReset> {
  const claims = await readClaims(parts.root);
  const mine = [...claims].filter(([, claim]) => claim.source === parts.sourceId);
  const running = mine.filter(([, claim]) => !claim.done && isLive(claim, parts.staleClaimMs));
  if (running.length > 0) {
    throw new OffloaderError(
      'RESET_BUSY',
      `source ${parts.sourceId}: ${running.length} file(s) are being read by a running offloader ` +
        `(pid ${running[0][1].pid} on ${running[0][1].host}); stop it before resetting`,
    );
  }
  const forgotten = new Set(Object.keys(await readFolderCheckpoint(parts.store, parts.sourceId)));
  for (const [relPath] of mine) {
    await unlink(join(parts.root, CLAIMS_DIR, claimFileName(relPath))).catch(() => undefined);
    forgotten.add(relPath);
  }
  await removeFolderCheckpoint(parts.store, parts.sourceId);
  return { source: parts.sourceId, forgotten: forgotten.size };
}

/** Claims and done markers in `<root>/.offloader-claims`, by the file's path relative to the root. */
async function readClaims(root: string): Promise<Map<string, Partial<ClaimBody> & { mtimeMs: number }>> {
  const dir = join(root, CLAIMS_DIR);
  const claims = new Map<string, Partial<ClaimBody> & { mtimeMs: number }>();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.endsWith('.claim'))) {
    const path = join(dir, name);
    const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => ''), stat(path).catch(() => undefined)]);
    let body: Partial<ClaimBody> = {};
    try {
      body = JSON.parse(text) as Partial<ClaimBody>;
    } catch {
      // A torn claim still marks the file as taken until it goes stale.
    }
    claims.set(decodeURIComponent(name.slice(0, -'.claim'.length)), { ...body, mtimeMs: info?.mtimeMs ?? 0 });
  }
  return claims;
}

function isLive(claim: Partial<ClaimBody> & { mtimeMs: number }, staleMs: number): boolean {
  if (Date.now() - claim.mtimeMs > staleMs) return false;
  return claim.host !== hostname() || typeof claim.pid !== 'number' || isAlive(claim.pid);
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Non-empty lines of a file, streamed (rejected-row files can be large). */
async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() !== '') count++;
  }
  return count;
}
