import { parseRowId } from './offload.js';

/**
 * Counts how often each row id was read back from the stream, per "epoch" (one epoch per pipeline run between
 * kills), so the duplicates a crash caused can be attributed to it.
 */
export class Ledger {
  constructor() {
    /** id → copies read back */
    this.copies = new Map();
    this.epoch = 0;
    /** per epoch: records read, and records whose id had been read in an earlier epoch or earlier in it */
    this.epochs = [{ records: 0, duplicates: 0 }];
    this.unparsable = 0;
    this.total = 0;
  }

  /** Adds one record read back (its JSON payload); the id is the INDEX field (or `idField`). */
  addPayload(data, idField = 'INDEX') {
    let id;
    try {
      id = JSON.parse(data.toString('utf8'))[idField];
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string') {
      this.unparsable += 1;
      return;
    }
    this.addId(id);
  }

  addId(id) {
    this.total += 1;
    const seen = this.copies.get(id) ?? 0;
    this.copies.set(id, seen + 1);
    const current = this.epochs[this.epoch];
    current.records += 1;
    if (seen > 0) current.duplicates += 1;
  }

  /** Starts a new epoch (call right after a kill, once the stream was drained). */
  nextEpoch() {
    this.epoch += 1;
    this.epochs.push({ records: 0, duplicates: 0 });
  }

  /**
   * Compares with the expected ids: lost (expected, never read), duplicated (extra copies of expected ids),
   * unexpected (ids read that were not expected), per file counts of copies.
   */
  compare(expected) {
    let expectedCount = 0;
    let lost = 0;
    let duplicated = 0;
    let duplicatedIds = 0;
    const lostSamples = [];
    const expectedSet = new Set();
    for (const id of expected) {
      expectedCount += 1;
      expectedSet.add(id);
      const copies = this.copies.get(id) ?? 0;
      if (copies === 0) {
        lost += 1;
        if (lostSamples.length < 10) lostSamples.push(id);
      } else if (copies > 1) {
        duplicated += copies - 1;
        duplicatedIds += 1;
      }
    }
    let unexpected = 0;
    for (const id of this.copies.keys()) if (!expectedSet.has(id)) unexpected += 1;
    return { expected: expectedCount, readBack: this.total, lost, duplicated, duplicatedIds, unexpected, lostSamples };
  }

  /** Largest number of copies any row of each file was read back: 1 = file sent once, 2 = sent twice, … */
  maxCopiesPerFile() {
    const perFile = new Map();
    for (const [id, copies] of this.copies) {
      const parsed = parseRowId(id);
      if (!parsed) continue;
      perFile.set(parsed.file, Math.max(perFile.get(parsed.file) ?? 0, copies));
    }
    return perFile;
  }
}
