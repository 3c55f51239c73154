import 'reflect-metadata';
import { resolve } from 'node:path';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { OffloaderError } from '../errors.js';
import { Metric } from '../metrics.js';
import type { Source, SourceBatch } from '../plugin.js';
import type { BatchAck, OffloadRecord } from '../record.js';
import { BackgroundWork } from './BackgroundWork.js';
import { fileIdentity } from './ClaimRegistry.js';
import { type DeliveryStateParts, folderStatus, resetFolder } from './deliveryState.js';
import { FileFailures } from './FileFailures.js';
import { FileGate } from './FileGate.js';
import { FileRun, recordOf } from './FileRun.js';
import { FileSchedule } from './FileSchedule.js';
import { FolderMetrics } from './folderMetrics.js';
import { type FolderParts, resolveFolderParts } from './folderParts.js';
import type { FolderFile, FolderSourceOptions } from './types.js';

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
  /** Collaborators, resolved from this source's own container scope (see folderParts.ts). */
  private readonly parts: FolderParts;
  private readonly labels: { source: string };
  private readonly batchSize: number;
  /** Files being read or waiting for acknowledgements. */
  private readonly active = new Map<string, FileRun>();
  /** Files finished in this process that are still in the folder (dry-run, keep, a move that failed). */
  private readonly finished = new Map<string, string>();
  private readonly schedule: FileSchedule;
  private readonly folderMetrics: FolderMetrics;
  private readonly deliveryState: DeliveryStateParts;
  private readonly gate: FileGate;
  private readonly failures: FileFailures;
  /** Files finished off the reading path. */
  private readonly finishing = new BackgroundWork();
  private started = false;

  /** `container`: the plugin instance's container; the source's collaborators live in a child scope of it. */
  constructor(
    private readonly options: FolderSourceOptions,
    container?: DependencyContainer,
  ) {
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
    this.labels = { source: this.id };
    this.folderMetrics = new FolderMetrics(options.services.metrics, this.labels);
    this.batchSize = options.batchSize ?? 500;
    const retryDelayMs = options.retryDelayMs ?? 5000;
    this.schedule = new FileSchedule(options.mode.once, retryDelayMs, () => options.services.clock.now());
    const layout = {
      options,
      root: this.root,
      archivePath: this.archivePath,
      quarantinePath: this.quarantinePath,
      batchSize: this.batchSize,
      staleClaimMs: options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS,
      finished: this.finished,
    };
    this.parts = resolveFolderParts((container ?? rootContainer).createChildContainer(), layout);
    this.failures = new FileFailures({
      ...this.parts,
      schedule: this.schedule,
      services: options.services,
      labels: this.labels,
      once: options.mode.once,
      retryDelayMs,
      maxFileAttempts: options.maxFileAttempts ?? 3,
      ended: (file) => this.ended(file),
    });
    this.gate = new FileGate({
      ...this.parts,
      schedule: this.schedule,
      now: () => options.services.clock.now(),
      isEligible: (file, now) => this.isEligible(file, now),
      skipForNow: (file, error) => this.failures.skipForNow(file, error),
    });
    this.deliveryState = {
      ...layout,
      sourceId: this.id,
      scan: () => this.parts.scanner.scan(),
      store: options.services.checkpoints,
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.parts.checkpoints.load();
    this.parts.claims.startRefreshing();
  }

  async *read(signal: AbortSignal): AsyncIterable<SourceBatch> {
    await this.start();
    const { clock } = this.options.services;
    let snapshot: Set<string> | undefined;
    while (!signal.aborted) {
      const now = clock.now();
      const files = await this.parts.scanner.scan();
      this.parts.watcher?.watch(this.parts.scanner.folders);
      this.observe(files, now);
      if (this.options.mode.once && !snapshot) snapshot = new Set(files.map((file) => file.relPath));
      let wait = this.options.pollIntervalMs;
      let readAny = false;
      // Every ready file of one scan is read before the folder is scanned again (a backlog of thousands of files
      // must not cost a scan per file); claims keep other instances off the files taken here. Each file's checks
      // run while the file before it is read: DataMiner's small files would otherwise wait for them one by one.
      let ahead = files.length > 0 ? this.gate.ahead(files[0], snapshot) : undefined;
      try {
        for (let index = 0; index < files.length && ahead; index++) {
          const { file, outcome } = ahead;
          const prepared = await outcome;
          // After the checks, which gave the loop a turn: storage that stopped taking writes meanwhile stops new work.
          if (signal.aborted || !(await this.writable(signal))) break;
          ahead = undefined;
          const following = files[index + 1];
          const prepareFollowing = () => {
            if (following && !ahead) ahead = this.gate.ahead(following, snapshot);
          };
          if (prepared !== true) {
            if (typeof prepared === 'number') wait = Math.min(wait, prepared);
            prepareFollowing();
            continue;
          }
          this.schedule.unreadable.clear(file.relPath);
          readAny = true;
          yield* this.readFile(file, signal, prepareFollowing);
          this.finishing.rethrow();
          prepareFollowing();
        }
      } finally {
        // A file claimed ahead but not read (a stop, storage that takes no writes) gives its claim back.
        if (ahead && (await ahead.outcome.catch(() => false)) === true)
          await this.parts.claims.release(ahead.file.relPath);
      }
      if (readAny) continue;
      const startSet = snapshot;
      if (startSet && files.every((file) => !startSet.has(file.relPath) || !this.isPending(file, now))) break;
      if (this.parts.watcher) await this.parts.watcher.wait(Math.max(10, wait), signal);
      else await clock.sleep(Math.max(10, wait), signal);
    }
    await this.finishing.settle();
    this.finishing.rethrow();
  }

  /** Delivery state read from disk (`offloader status`); call on a source that is not running. */
  status() {
    return folderStatus(this.deliveryState);
  }

  /** Forgets checkpoint and done markers (`offloader reset`); call on a source that is not running. */
  reset() {
    return resetFolder(this.deliveryState);
  }

  async stop(): Promise<void> {
    this.parts.watcher?.close();
    await this.finishing.settle();
    for (const run of this.active.values()) this.parts.events.report(run);
    await this.parts.rejected.flush().catch(() => undefined);
    await this.parts.checkpoints.flush();
    await this.parts.claims.releaseAll();
    this.finishing.rethrow();
  }

  /** `onStarted`: called once the file counts as active, so the next file's checks may run beside its reading. */
  private async *readFile(file: FolderFile, signal: AbortSignal, onStarted: () => void): AsyncGenerator<SourceBatch> {
    const entry = this.parts.checkpoints.get(file);
    // Rejected rows that never reached the quarantine are read again from the start; records already delivered
    // (up to the checkpoint's line) are not sent again.
    const rewrite = this.parts.rejected.retry(file.relPath) || entry?.rewriteRejected === true;
    const resume = entry && !rewrite ? { line: entry.line, offset: entry.offset } : { line: 0, offset: 0 };
    const run = new FileRun(file, resume, entry?.records ?? 0, entry?.rejectedThrough ?? 0);
    this.parts.rejected.startPass(file.relPath, run.rejectedBefore);
    const skipRecordsThrough = rewrite ? (entry?.line ?? 0) : 0;
    if (rewrite && entry) this.parts.checkpoints.update(file, { rewriteRejected: undefined });
    this.active.set(file.relPath, run);
    this.parts.identities.started(file);
    this.schedule.started(file.relPath);
    onStarted();
    const { metrics } = this.options.services;
    const route = file.kind.route;
    const sourceId = this.id;
    let records: OffloadRecord[] = [];
    let raws: (string | undefined)[] = [];
    let keepRaws = false;
    let index = run.committedRecords;
    let completed = false;
    try {
      const target = await this.parts.rootGuard.outside(file.path);
      if (target !== undefined) throw this.parts.events.outsideRoot(file, target);
      const context = { file, resume, signal, notice: run.notice.bind(run) };
      // Updated in place for every row (an object per row would only feed the garbage collector); addMark copies it.
      const last = run.last;
      reading: for await (const items of this.options.decoder.decode(context)) {
        let errors = 0;
        for (let at = 0; at < items.length; at++) {
          const item = items[at];
          last.line = item.endLine ?? item.line;
          last.offset = item.offset;
          if (item.kind === 'error') {
            if (item.rawMissing) run.keepWhole = true;
            errors += this.parts.rejected.rejectRow(run, item);
            continue;
          }
          if (item.line <= skipRecordsThrough) continue;
          records.push(recordOf(item, route, { sourceId, file: file.path, line: item.line, index: index++ }));
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
      completed = !signal.aborted && !(this.parts.storage.isBlocked && this.options.mode.once);
    } catch (error) {
      run.readStopped = true;
      await this.failures.onFileError(run, error);
      return;
    } finally {
      if (!completed) run.readStopped = true;
      this.schedule.readEnded(file.relPath);
    }
    // Complete before the last batch is handed out, so its acknowledgement can finish the file at once.
    run.readComplete = true;
    if (records.length > 0) yield this.seal(run, records, keepRaws ? raws : undefined);
    // Every batch may be acknowledged already: finishing (synced writes) then runs beside the next file's reading.
    else this.finishing.start(this.maybeFinish(run));
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
        if (result.rejected > 0) this.parts.rejected.rejectDelivered(run, records, mark.raws, result);
        const committedBefore = run.committedRecords;
        if (run.advance()) {
          const change = {
            line: run.committed.line,
            offset: run.committed.offset,
            records: run.committedRecords,
            rejectedThrough: run.rejectedThrough,
          };
          this.parts.checkpoints.update(run.file, change, run.committedRecords - committedBefore);
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
      await this.parts.rejected.flush(file.relPath, { durable: true }).catch((error: Error) => {
        rejectedWritten = false;
        // A full or read-only quarantine already raised its one event.
        if (this.parts.storage.noteFailure('quarantine', this.quarantinePath, error)) return;
        this.parts.events.fileIoFailed(
          file,
          `cannot write its rejected rows to quarantine, file kept: ${error.message}`,
        );
      });
      this.parts.events.report(run);
      if (run.hadFailure || !rejectedWritten) return await this.failures.keepForRetry(run, run.hadFailure);
      const staysInPlace = await this.parts.identities.afterDelivery(file, run.keepWhole);
      this.options.services.metrics.add(Metric.filesDone, this.labels);
      this.options.services.logger.info({ source: this.id, file: file.path }, 'file delivered');
      this.schedule.settled(file.relPath);
      if (staysInPlace) await this.parts.claims.markDone(file);
      else await this.parts.claims.release(file.relPath);
    } finally {
      this.ended(file);
    }
  }

  /** The file is no longer in progress (finished, or its reading failed). */
  private ended(file: FolderFile): void {
    this.active.delete(file.relPath);
    this.parts.identities.ended(file);
  }

  /**
   * Whether new work may be taken: while a folder the source writes to takes no writes, continuous mode waits
   * (probing with backoff) and then finishes what waited for it; once-mode stops here and leaves the rest.
   */
  private async writable(signal: AbortSignal): Promise<boolean> {
    if (!this.parts.storage.isBlocked) return true;
    if (this.options.mode.once || !(await this.parts.storage.waitUntilWritable(signal))) return false;
    await this.parts.checkpoints.flush();
    await this.parts.disposal.retryPendingMoves();
    return !this.parts.storage.isBlocked || this.writable(signal);
  }

  /** Metrics, forgetting vanished files, and pruning checkpoint entries of files that are gone. */
  private observe(files: FolderFile[], now: number): void {
    const present = new Set(files.map((file) => file.relPath));
    this.folderMetrics.observe(files, present, (file) => this.isDone(file), now);
    this.schedule.retain(present);
    for (const key of this.finished.keys()) {
      if (present.has(key)) continue;
      this.finished.delete(key);
      void this.parts.claims.forgetDone(key);
    }
    this.parts.readiness.retain(present);
    this.parts.checkpoints.retain(present, new Set(this.active.keys()));
  }

  private isDone(file: FolderFile): boolean {
    if (this.finished.get(file.relPath) === fileIdentity(file)) return true;
    return this.parts.checkpoints.get(file)?.done === true;
  }

  private isEligible(file: FolderFile, now: number): boolean {
    return !this.active.has(file.relPath) && !this.isDone(file) && this.schedule.isDue(file.relPath, now);
  }

  /** Once-mode: the file still needs a pass by this instance. */
  private isPending(file: FolderFile, now: number): boolean {
    if (this.schedule.isPassOver(file.relPath) || this.isDone(file)) return false;
    if (this.active.has(file.relPath)) return !this.active.get(file.relPath)!.readComplete;
    return this.isEligible(file, now) || this.schedule.isWaiting(file.relPath);
  }
}

/** A claim not touched for this long (10 min) is taken over. */
const DEFAULT_STALE_CLAIM_MS = 600_000;
