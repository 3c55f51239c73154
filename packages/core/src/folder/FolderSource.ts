import { dirname, resolve } from 'node:path';
import { OffloaderError } from '../errors.js';
import { Metric } from '../metrics.js';
import type { Source, SourceBatch } from '../plugin.js';
import type { BatchAck, OffloadRecord } from '../record.js';
import { ClaimRegistry, fileIdentity } from './ClaimRegistry.js';
import { Disposal } from './Disposal.js';
import { type DeliveryStateParts, folderStatus, resetFolder } from './deliveryState.js';
import { FileRun } from './FileRun.js';
import { FolderCheckpoints, MAX_RECORDS_BEHIND } from './FolderCheckpoints.js';
import { FolderScanner, refreshStat } from './FolderScanner.js';
import { FolderWatcher } from './FolderWatcher.js';
import { FileEvents } from './fileEvents.js';
import { moveNoClobber } from './fileMoves.js';
import { InProgressIdentities } from './InProgressIdentities.js';
import { Readiness } from './Readiness.js';
import { RejectedOutput } from './RejectedOutput.js';
import { measureBacklog, ReportedOnce } from './ReportedOnce.js';
import { RootGuard } from './RootGuard.js';
import { StorageGuard } from './StorageGuard.js';
import { FileDecodeError, type FolderFile, type FolderSourceOptions } from './types.js';

/**
 * A source that reads the files of a folder (one sub-folder per kind), oldest first, through a plugin-provided
 * {@link FileDecoder}, and batches the records. A file is archived, deleted or marked done only after every one
 * of its records has an outcome and none failed; rejected rows go to `<quarantine>/<kind>/<file>.rejected.csv`.
 * Progress (the contiguous acknowledged prefix, with byte offsets) is checkpointed so a restart resumes after
 * the last acknowledged row. Files are claimed so two instances never read the same file.
 */
export class FolderSource implements Source {
  readonly id: string;
  private readonly root: string;
  private readonly archivePath?: string;
  private readonly quarantinePath: string;
  private readonly scanner: FolderScanner;
  private readonly readiness: Readiness;
  private readonly claims: ClaimRegistry;
  private readonly checkpoints: FolderCheckpoints;
  private readonly rejected: RejectedOutput;
  private readonly rootGuard: RootGuard;
  private readonly events: FileEvents;
  private readonly watcher?: FolderWatcher;
  private readonly storage: StorageGuard;
  private readonly disposal: Disposal;
  /** Files being read, by identity: one renamed meanwhile is not read again under its new name. */
  private readonly identities: InProgressIdentities;
  private readonly labels: { source: string };
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly maxFileAttempts: number;
  /** Files being read or waiting for acknowledgements. */
  private readonly active = new Map<string, FileRun>();
  /** Files finished in this process that are still in the folder (dry-run, keep, a move that failed). */
  private readonly finished = new Map<string, string>();
  private readonly retryAt = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  /** Once-mode: files whose pass is over (or that another instance holds). */
  private readonly handled = new Set<string>();
  private readonly seen = new Set<string>();
  /** Files that cannot be opened or claimed, and files whose records fail: each reported once per episode. */
  private readonly unreadable = new ReportedOnce();
  private readonly failing = new ReportedOnce();
  private started = false;

  constructor(private readonly options: FolderSourceOptions) {
    const baseDir = options.baseDir ?? process.cwd();
    this.id = options.sourceId;
    this.root = resolve(baseDir, options.root);
    this.archivePath = options.archivePath === undefined ? undefined : resolve(baseDir, options.archivePath);
    this.quarantinePath = resolve(baseDir, options.quarantinePath);
    if (options.afterDelivery === 'archive' && this.archivePath === undefined) {
      throw new OffloaderError('CONFIG_INVALID', `source ${this.id}: afterDelivery "archive" needs archivePath`, {
        field: 'archivePath',
      });
    }
    const { dryRun } = options.mode;
    const { services } = options;
    this.labels = { source: this.id };
    this.batchSize = options.batchSize ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 5000;
    this.maxFileAttempts = options.maxFileAttempts ?? 3;
    this.scanner = new FolderScanner(this.root, options.kinds);
    this.rootGuard = new RootGuard(this.root);
    this.readiness = new Readiness(options.complete);
    this.claims = new ClaimRegistry(this.root, {
      sourceId: this.id,
      staleMs: options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS,
      dryRun,
      now: () => services.clock.now(),
      onRecovered: (recovery) => this.events.claimRecovered(recovery),
    });
    this.rejected = new RejectedOutput(this.quarantinePath, !dryRun, (error) => {
      services.logger.error({ err: error, source: this.id }, 'cannot write rejected rows');
      this.storage.noteFailure('quarantine', this.quarantinePath, error);
    });
    this.checkpoints = new FolderCheckpoints(services.checkpoints, {
      sourceId: this.id,
      intervalMs: options.checkpointIntervalMs ?? 250,
      persist: !dryRun,
      logger: services.logger,
      // A checkpoint says "rows up to line N were rejected" only once those rows are on disk (synced).
      beforeWrite: () => this.rejected.flush(undefined, { durable: true }).catch(() => undefined),
      persisted: (relPath, entry) =>
        this.rejected.hasFailed(relPath)
          ? {
              ...entry,
              rejectedThrough: this.rejected.writtenThrough(relPath) ?? 0,
              rewriteRejected: true,
            }
          : entry,
      onRecovered: (recovery, inProgress) =>
        this.events.checkpointRecovered(recovery, inProgress, MAX_RECORDS_BEHIND + this.batchSize),
      onWriteFailed: (error) =>
        this.storage.noteFailure('state', dirname((error as OffloaderError).file ?? this.root), error),
    });
    this.events = new FileEvents(services.events, this.id);
    if (options.watch) {
      this.watcher = new FolderWatcher(services.clock, (dir, error) =>
        services.logger.warn(
          { source: this.id, dir, err: error.message },
          'cannot watch folder for changes; it is polled every pollIntervalMs',
        ),
      );
    }
    this.storage = new StorageGuard({
      clock: services.clock,
      onBlocked: (area, dir, error) => this.events.storageUnwritable(area, dir, error),
      onResumed: (area, dir, blockedMs) => this.events.storageWritable(area, dir, blockedMs),
    });
    this.disposal = new Disposal({
      afterDelivery: options.afterDelivery,
      dryRun,
      archivePath: this.archivePath,
      quarantinePath: this.quarantinePath,
      checkpoints: this.checkpoints,
      claims: this.claims,
      events: this.events,
      storage: this.storage,
      finished: this.finished,
    });
    this.identities = new InProgressIdentities({
      disposal: this.disposal,
      claims: this.claims,
      checkpoints: this.checkpoints,
      events: this.events,
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.checkpoints.load();
    this.claims.startRefreshing();
  }

  async *read(signal: AbortSignal): AsyncIterable<SourceBatch> {
    await this.start();
    const { clock } = this.options.services;
    let snapshot: Set<string> | undefined;
    while (!signal.aborted) {
      const now = clock.now();
      const files = await this.scanner.scan();
      this.watcher?.watch(this.scanner.folders);
      this.observe(files, now);
      if (this.options.mode.once && !snapshot) snapshot = new Set(files.map((file) => file.relPath));
      let wait = this.options.pollIntervalMs;
      let readAny = false;
      // Every ready file of one scan is read before the folder is scanned again (a backlog of thousands of files
      // must not cost a scan per file); claims keep other instances off the files taken here.
      for (const file of files) {
        if (signal.aborted || !(await this.writable(signal))) break;
        if (await this.identities.isAnotherName(file)) continue;
        if (snapshot && !snapshot.has(file.relPath)) continue;
        const at = clock.now();
        if (!this.isEligible(file, at)) continue;
        // The scan may be seconds old by now (other files were read meanwhile): judge readiness on a fresh stat.
        if (!(await refreshStat(file))) continue;
        const settleIn = this.readiness.waitFor(file, at);
        if (settleIn > 0) {
          wait = Math.min(wait, settleIn);
          continue;
        }
        try {
          if (!(await this.readiness.isReady(file, at))) continue;
          if (!(await this.claims.tryClaim(file))) {
            if (snapshot) this.handled.add(file.relPath);
            continue;
          }
        } catch (error) {
          // A problem of this one file (no permission, its claim cannot be written): skip it, try again later.
          this.skipForNow(file, error);
          continue;
        }
        this.unreadable.clear(file.relPath);
        readAny = true;
        yield* this.readFile(file, signal);
      }
      if (readAny) continue;
      const startSet = snapshot;
      if (startSet && files.every((file) => !startSet.has(file.relPath) || !this.isPending(file, now))) break;
      if (this.watcher) await this.watcher.wait(Math.max(10, wait), signal);
      else await clock.sleep(Math.max(10, wait), signal);
    }
  }

  /** Delivery state read from disk (`offloader status`); call on a source that is not running. */
  status() {
    return folderStatus(this.deliveryStateParts());
  }

  /** Forgets checkpoint and done markers (`offloader reset`); call on a source that is not running. */
  reset() {
    return resetFolder(this.deliveryStateParts());
  }

  private deliveryStateParts(): DeliveryStateParts {
    return {
      sourceId: this.id,
      root: this.root,
      archivePath: this.archivePath,
      quarantinePath: this.quarantinePath,
      scan: () => this.scanner.scan(),
      store: this.options.services.checkpoints,
      staleClaimMs: this.options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS,
    };
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    for (const run of this.active.values()) this.events.report(run);
    await this.rejected.flush().catch(() => undefined);
    await this.checkpoints.flush();
    await this.claims.releaseAll();
  }

  private async *readFile(file: FolderFile, signal: AbortSignal): AsyncGenerator<SourceBatch> {
    const entry = this.checkpoints.get(file);
    // Rejected rows that never reached the quarantine are read again from the start; records already delivered
    // (up to the checkpoint's line) are not sent again.
    const rewrite = this.rejected.retry(file.relPath) || entry?.rewriteRejected === true;
    const resume = entry && !rewrite ? { line: entry.line, offset: entry.offset } : { line: 0, offset: 0 };
    const run = new FileRun(file, resume, entry?.records ?? 0, entry?.rejectedThrough ?? 0);
    this.rejected.startPass(file.relPath, run.rejectedBefore);
    const skipRecordsThrough = rewrite ? (entry?.line ?? 0) : 0;
    if (rewrite && entry) this.checkpoints.update(file, { rewriteRejected: undefined });
    this.active.set(file.relPath, run);
    this.identities.started(file);
    this.retryAt.delete(file.relPath);
    const { metrics } = this.options.services;
    const route = file.kind.route;
    const sourceId = this.id;
    let records: OffloadRecord[] = [];
    let raws: (string | undefined)[] = [];
    let keepRaws = false;
    let index = run.committedRecords;
    let completed = false;
    try {
      const target = await this.rootGuard.outside(file.path);
      if (target !== undefined) throw this.events.outsideRoot(file, target);
      const context = { file, resume, signal, notice: run.notice.bind(run) };
      reading: for await (const items of this.options.decoder.decode(context)) {
        let errors = 0;
        for (let at = 0; at < items.length; at++) {
          const item = items[at];
          run.last = { line: item.endLine ?? item.line, offset: item.offset };
          if (item.kind === 'error') {
            if (item.rawMissing) run.keepWhole = true;
            errors += this.rejected.rejectRow(run, item);
            continue;
          }
          if (item.line <= skipRecordsThrough) continue;
          const record: OffloadRecord = {
            value: item.value,
            route: item.route ?? route,
            origin: { sourceId, file: file.path, line: item.line, index: index++ },
          };
          if (item.data !== undefined) record.data = item.data;
          if (item.partitionKey !== undefined) record.partitionKey = item.partitionKey;
          if (item.explicitHashKey !== undefined) record.explicitHashKey = item.explicitHashKey;
          if (item.stream !== undefined) record.stream = item.stream;
          records.push(record);
          raws.push(item.raw);
          if (item.raw !== undefined) keepRaws = true;
          if (records.length >= this.batchSize) {
            yield this.seal(run, records, keepRaws ? raws : undefined);
            records = [];
            raws = [];
            if (signal.aborted || !(await this.writable(signal))) {
              metrics.add(Metric.rowsRead, this.labels, at + 1);
              metrics.add(Metric.rowsRejected, this.labels, errors);
              break reading;
            }
          }
        }
        metrics.add(Metric.rowsRead, this.labels, items.length);
        metrics.add(Metric.rowsRejected, this.labels, errors);
        if (signal.aborted) break;
      }
      completed = !signal.aborted && !(this.storage.isBlocked && this.options.mode.once);
    } catch (error) {
      run.readStopped = true;
      await this.onFileError(run, error);
      return;
    } finally {
      if (!completed) run.readStopped = true;
      if (this.options.mode.once && !this.retryAt.has(file.relPath)) this.handled.add(file.relPath);
    }
    // Complete before the last batch is handed out, so its acknowledgement can finish the file at once.
    run.readComplete = true;
    if (records.length > 0) yield this.seal(run, records, keepRaws ? raws : undefined);
    else await this.maybeFinish(run);
  }

  private seal(run: FileRun, records: OffloadRecord[], raws: (string | undefined)[] | undefined): SourceBatch {
    const mark = run.addMark(records.length, raws);
    return {
      records,
      ack: (result: BatchAck) => {
        if (mark.acked) {
          this.options.services.logger.warn({ source: this.id, file: run.file.relPath }, 'batch acknowledged twice');
          return;
        }
        mark.acked = true;
        if (result.failed > 0) {
          mark.failed = true;
          run.hadFailure = true;
          run.failedRecords += result.failed;
        }
        if (result.rejected > 0) this.rejected.rejectDelivered(run, records, mark.raws, result);
        const committedBefore = run.committedRecords;
        if (run.advance()) {
          const change = {
            line: run.committed.line,
            offset: run.committed.offset,
            records: run.committedRecords,
            rejectedThrough: run.rejectedThrough,
          };
          this.checkpoints.update(run.file, change, run.committedRecords - committedBefore);
        }
        return this.maybeFinish(run);
      },
    };
  }

  private async maybeFinish(run: FileRun): Promise<void> {
    if (!run.readComplete || run.readStopped || run.finishing || run.outstanding() > 0) return;
    run.finishing = true;
    const { file } = run;
    try {
      let rejectedWritten = true;
      // Synced: the source file may be archived or deleted next, and only then the quarantine has the only copy.
      await this.rejected.flush(file.relPath, { durable: true }).catch((error: Error) => {
        rejectedWritten = false;
        // A full or read-only quarantine already raised its one event.
        if (this.storage.noteFailure('quarantine', this.quarantinePath, error)) return;
        this.events.fileIoFailed(file, `cannot write its rejected rows to quarantine, file kept: ${error.message}`);
      });
      this.events.report(run);
      if (run.hadFailure || !rejectedWritten) return await this.keepForRetry(run, run.hadFailure);
      const staysInPlace = await this.identities.afterDelivery(file, run.keepWhole);
      this.options.services.metrics.add(Metric.filesDone, this.labels);
      this.options.services.logger.info({ source: this.id, file: file.path }, 'file delivered');
      this.attempts.delete(file.relPath);
      this.failing.clear(file.relPath);
      if (staysInPlace) await this.claims.markDone(file);
      else await this.claims.release(file.relPath);
    } finally {
      this.active.delete(file.relPath);
      this.identities.ended(file);
    }
  }

  /**
   * Whether new work may be taken: while a folder the source writes to takes no writes, continuous mode waits
   * (probing with backoff) and then finishes what waited for it; once-mode stops here and leaves the rest.
   */
  private async writable(signal: AbortSignal): Promise<boolean> {
    if (!this.storage.isBlocked) return true;
    if (this.options.mode.once || !(await this.storage.waitUntilWritable(signal))) return false;
    await this.checkpoints.flush();
    await this.disposal.retryPendingMoves();
    return !this.storage.isBlocked || this.writable(signal);
  }

  private async keepForRetry(run: FileRun, recordsFailed = true): Promise<void> {
    const { file } = run;
    if (recordsFailed && this.failing.raise(file.relPath)) this.events.deliveryFailed(run, this.options.mode.once);
    await this.checkpoints.flush();
    if (this.options.mode.once) {
      await this.claims.release(file.relPath);
      return;
    }
    this.retryAt.set(file.relPath, this.options.services.clock.now() + this.retryDelayMs);
  }

  private skipForNow(file: FolderFile, error: unknown): void {
    if (this.unreadable.raise(file.relPath)) this.events.unreadable(file, error, this.retryDelayMs);
    this.retryAt.set(file.relPath, this.options.services.clock.now() + this.retryDelayMs);
    if (this.options.mode.once) this.handled.add(file.relPath);
  }

  private async onFileError(run: FileRun, error: unknown): Promise<void> {
    const { file } = run;
    const code = (error as NodeJS.ErrnoException).code;
    try {
      if (code === 'ENOENT') {
        this.events.vanished(file);
        this.checkpoints.remove(file.relPath);
        return;
      }
      const attempts = (this.attempts.get(file.relPath) ?? 0) + 1;
      this.attempts.set(file.relPath, attempts);
      // A decode error is about the content: reading it again gives the same answer, so quarantine at once.
      const permanent =
        error instanceof FileDecodeError || (error instanceof OffloaderError && error.code === 'FILE_UNPARSABLE');
      if (!permanent && attempts < this.maxFileAttempts) {
        this.events.readRetry(file, error, attempts);
        this.retryAt.set(file.relPath, this.options.services.clock.now() + this.retryDelayMs);
        return;
      }
      await this.quarantine(run, error);
    } finally {
      this.active.delete(file.relPath);
      this.identities.ended(file);
      if (this.options.mode.once || !this.retryAt.has(file.relPath)) await this.claims.release(file.relPath);
    }
  }

  private async quarantine(run: FileRun, error: unknown): Promise<void> {
    const { file } = run;
    let movedTo: string | undefined;
    if (!this.options.mode.dryRun) {
      try {
        movedTo = await moveNoClobber(file.path, this.quarantinePath, file.kindDir, file.name);
        this.checkpoints.remove(file.relPath);
      } catch (moveError) {
        this.events.fileIoFailed(file, `cannot move to quarantine: ${(moveError as Error).message}`);
      }
    }
    if (!movedTo) {
      this.finished.set(file.relPath, identity(file));
      await this.claims.markDone(file);
    }
    this.attempts.delete(file.relPath);
    this.options.services.metrics.add(Metric.filesQuarantined, this.labels);
    this.events.quarantined(run, error, movedTo);
    // The whole file is in quarantine (or still in place), so a failed write of its rejected rows loses nothing.
    await this.rejected.flush(file.relPath).catch(() => this.rejected.retry(file.relPath));
    await this.checkpoints.flush();
  }

  /** Metrics, forgetting vanished files, and pruning checkpoint entries of files that are gone. */
  private observe(files: FolderFile[], now: number): void {
    const { metrics } = this.options.services;
    const present = new Set<string>();
    for (const file of files) {
      present.add(file.relPath);
      if (!this.seen.has(file.relPath)) {
        this.seen.add(file.relPath);
        metrics.add(Metric.filesSeen, this.labels);
      }
    }
    for (const key of this.seen) if (!present.has(key)) this.seen.delete(key);
    this.unreadable.retain(present);
    this.failing.retain(present);
    for (const key of this.finished.keys()) {
      if (present.has(key)) continue;
      this.finished.delete(key);
      void this.claims.forgetDone(key);
    }
    this.readiness.retain(present);
    this.checkpoints.retain(present, new Set(this.active.keys()));
    const backlog = measureBacklog(
      files.filter((file) => !this.isDone(file)),
      now,
    );
    metrics.set(Metric.backlogFiles, this.labels, backlog.files);
    metrics.set(Metric.backlogBytes, this.labels, backlog.bytes);
    metrics.set(Metric.oldestFileAgeSeconds, this.labels, backlog.oldestAgeSeconds);
  }

  private isDone(file: FolderFile): boolean {
    if (this.finished.get(file.relPath) === identity(file)) return true;
    return this.checkpoints.get(file)?.done === true;
  }

  private isEligible(file: FolderFile, now: number): boolean {
    if (this.active.has(file.relPath) || this.handled.has(file.relPath) || this.isDone(file)) return false;
    return (this.retryAt.get(file.relPath) ?? 0) <= now;
  }

  /** Once-mode: the file still needs a pass by this instance. */
  private isPending(file: FolderFile, now: number): boolean {
    if (this.handled.has(file.relPath) || this.isDone(file)) return false;
    if (this.active.has(file.relPath)) return !this.active.get(file.relPath)!.readComplete;
    return this.isEligible(file, now) || this.retryAt.has(file.relPath);
  }
}

const identity = fileIdentity;

/** A claim not touched for this long (10 min) is taken over. */
const DEFAULT_STALE_CLAIM_MS = 600_000;
