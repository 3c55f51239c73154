import type { ClaimRegistry } from './ClaimRegistry.js';
import type { FileSchedule } from './FileSchedule.js';
import { refreshStat } from './FolderScanner.js';
import type { InProgressIdentities } from './InProgressIdentities.js';
import type { Readiness } from './Readiness.js';
import type { FolderFile } from './types.js';

/** What the checks before reading a file decided: true = ready and claimed; a number = may be ready in that many ms. */
export type GateOutcome = boolean | number;

/** The checks of one file, started ahead of its turn. */
export interface FileAhead {
  file: FolderFile;
  outcome: Promise<GateOutcome>;
}

/**
 * The checks a file passes before it is read: not another name of a file in progress, due, settled, openable and
 * claimed. They cost a dozen file-system round trips, slow while a synced write is on its way, so the folder source
 * runs them for the next file while the current one is read.
 */
export class FileGate {
  constructor(
    private readonly deps: {
      identities: InProgressIdentities;
      readiness: Readiness;
      claims: ClaimRegistry;
      schedule: FileSchedule;
      now: () => number;
      isEligible: (file: FolderFile, now: number) => boolean;
      /** A problem of this one file (no permission, its claim cannot be written): skip it, try again later. */
      skipForNow: (file: FolderFile, error: unknown) => void;
    },
  ) {}

  /**
   * Starts the checks of `file`. The outcome is handled at once, so a failure of checks whose outcome is never
   * awaited (the loop stopped) is no unhandled rejection; awaiting `outcome` still throws it.
   */
  ahead(file: FolderFile, snapshot: ReadonlySet<string> | undefined): FileAhead {
    const outcome = this.check(file, snapshot);
    outcome.catch(() => undefined);
    return { file, outcome };
  }

  private async check(file: FolderFile, snapshot: ReadonlySet<string> | undefined): Promise<GateOutcome> {
    const { identities, readiness, claims, schedule } = this.deps;
    if (await identities.isAnotherName(file)) return false;
    if (snapshot && !snapshot.has(file.relPath)) return false;
    const at = this.deps.now();
    if (!this.deps.isEligible(file, at)) return false;
    // The scan may be seconds old by now (other files were read meanwhile): judge readiness on a fresh stat.
    if (!(await refreshStat(file))) return false;
    const settleIn = readiness.waitFor(file, at);
    if (settleIn > 0) return settleIn;
    try {
      if (!(await readiness.isReady(file, at))) return false;
      if (await claims.tryClaim(file)) return true;
      if (snapshot) schedule.passOver(file.relPath);
    } catch (error) {
      this.deps.skipForNow(file, error);
    }
    return false;
  }
}
