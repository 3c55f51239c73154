import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OffloaderError } from './errors.js';
import { isAlive } from './folder/ClaimRegistry.js';

/** Name of the lock file inside a state folder. */
export const STATE_LOCK = '.offloader.lock';

interface LockBody {
  pid: number;
  host: string;
  pipeline: string;
  time: string;
}

/**
 * Takes the state folder for this process: two pipelines sharing one would overwrite each other's checkpoints
 * and events. The lock file holds pid and host; a lock of a process that is gone (same host) is taken over, one
 * of this process is reused. Returns the release function (also run when the process exits).
 */
export function lockStateFolder(stateDir: string, pipeline: string): () => void {
  const path = join(stateDir, STATE_LOCK);
  const host = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const body: LockBody = { pid: process.pid, host, pipeline, time: new Date().toISOString() };
      writeSync(fd, JSON.stringify(body));
      closeSync(fd);
      const release = () => {
        process.off('exit', release);
        try {
          if (readHolder(path)?.pid === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder && holder.host === host && holder.pid === process.pid) return () => {};
    if (holder && (holder.host !== host || isAlive(holder.pid))) {
      throw new OffloaderError(
        'CONFIG_INVALID',
        `state folder ${stateDir} is in use by pipeline "${holder.pipeline}" (pid ${holder.pid} on ${holder.host}, ` +
          `since ${holder.time}); give each pipeline its own \`state:\` folder` +
          (holder.host !== host ? `, or delete ${path} if that process is gone` : ''),
        { file: path },
      );
    }
    // The holder is gone (or the lock is torn): take it over.
    try {
      unlinkSync(path);
    } catch {
      // taken over by someone else meanwhile; try again
    }
  }
  throw new OffloaderError('CONFIG_INVALID', `cannot lock state folder ${stateDir}`, { file: path });
}

function readHolder(path: string): LockBody | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockBody;
  } catch {
    return undefined;
  }
}
