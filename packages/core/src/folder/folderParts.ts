import 'reflect-metadata';
import { dirname } from 'node:path';
import { type DependencyContainer, instanceCachingFactory } from 'tsyringe';
import type { OffloaderError } from '../errors.js';
import { ClaimRegistry } from './ClaimRegistry.js';
import { Disposal } from './Disposal.js';
import { FolderCheckpoints, MAX_RECORDS_BEHIND } from './FolderCheckpoints.js';
import { FolderScanner } from './FolderScanner.js';
import { FolderWatcher } from './FolderWatcher.js';
import { FileEvents } from './fileEvents.js';
import { InProgressIdentities } from './InProgressIdentities.js';
import { Readiness } from './Readiness.js';
import { RejectedOutput } from './RejectedOutput.js';
import { RootGuard } from './RootGuard.js';
import { StorageGuard } from './StorageGuard.js';
import type { FolderSourceOptions } from './types.js';

/** A folder source's settings with every path resolved (against the pipeline file's folder). */
export interface FolderLayout {
  options: FolderSourceOptions;
  root: string;
  archivePath?: string;
  quarantinePath: string;
  batchSize: number;
  staleClaimMs: number;
  /** Files finished in this process that are still in the folder (dry-run, keep, a move that failed). */
  finished: Map<string, string>;
}

/** Tokens of values (not classes) in a folder source's scope. */
export const FolderTokens = {
  Layout: Symbol.for('offloader.folder.Layout'),
  Watcher: Symbol.for('offloader.folder.Watcher'),
} as const;

/** The collaborators a folder source works with, resolved from its scope. */
export interface FolderParts {
  scanner: FolderScanner;
  rootGuard: RootGuard;
  readiness: Readiness;
  claims: ClaimRegistry;
  rejected: RejectedOutput;
  checkpoints: FolderCheckpoints;
  events: FileEvents;
  watcher?: FolderWatcher;
  storage: StorageGuard;
  disposal: Disposal;
  identities: InProgressIdentities;
}

/**
 * Registers the collaborators of one folder source in `scope` (a child of its plugin container), each built
 * once on first resolve from the layout and the others, then resolves them. Their callbacks reach each other
 * through the scope, so none of them is wired by hand in the source.
 */
export function resolveFolderParts(scope: DependencyContainer, layout: FolderLayout): FolderParts {
  const { options, root, quarantinePath } = layout;
  const { services, mode } = options;
  const id = options.sourceId;
  const once = <T>(token: abstract new (...args: never[]) => T, make: (c: DependencyContainer) => T) =>
    scope.register(token as never, { useFactory: instanceCachingFactory(make) });
  scope.register(FolderTokens.Layout, { useValue: layout });
  once(FolderScanner, () => new FolderScanner(root, options.kinds));
  once(RootGuard, () => new RootGuard(root));
  once(Readiness, () => new Readiness(options.complete));
  once(FileEvents, () => new FileEvents(services.events, id));
  once(StorageGuard, (c) => {
    const events = c.resolve(FileEvents);
    return new StorageGuard({
      clock: services.clock,
      onBlocked: (area, dir, error) => events.storageUnwritable(area, dir, error),
      onResumed: (area, dir, blockedMs) => events.storageWritable(area, dir, blockedMs),
    });
  });
  once(ClaimRegistry, (c) => {
    const events = c.resolve(FileEvents);
    return new ClaimRegistry(root, {
      sourceId: id,
      staleMs: layout.staleClaimMs,
      dryRun: mode.dryRun,
      now: () => services.clock.now(),
      onRecovered: (recovery) => events.claimRecovered(recovery),
    });
  });
  once(RejectedOutput, (c) => {
    const storage = c.resolve(StorageGuard);
    return new RejectedOutput(quarantinePath, !mode.dryRun, (error) => {
      services.logger.error({ err: error, source: id }, 'cannot write rejected rows');
      storage.noteFailure('quarantine', quarantinePath, error);
    });
  });
  once(FolderCheckpoints, (c) => {
    const rejected = c.resolve(RejectedOutput);
    const events = c.resolve(FileEvents);
    const storage = c.resolve(StorageGuard);
    return new FolderCheckpoints(services.checkpoints, {
      sourceId: id,
      intervalMs: options.checkpointIntervalMs ?? 250,
      persist: !mode.dryRun,
      logger: services.logger,
      // A checkpoint says "rows up to line N were rejected" only once those rows are on disk (synced).
      beforeWrite: () => rejected.flush(undefined, { durable: true }).catch(() => undefined),
      persisted: (relPath, entry) =>
        rejected.hasFailed(relPath)
          ? { ...entry, rejectedThrough: rejected.writtenThrough(relPath) ?? 0, rewriteRejected: true }
          : entry,
      onRecovered: (recovery, inProgress, part) =>
        part === 'done'
          ? events.doneListRecovered(recovery)
          : events.checkpointRecovered(recovery, inProgress, MAX_RECORDS_BEHIND + layout.batchSize),
      onWriteFailed: (error) => storage.noteFailure('state', dirname((error as OffloaderError).file ?? root), error),
    });
  });
  once(Disposal, (c) => {
    return new Disposal({
      afterDelivery: options.afterDelivery,
      dryRun: mode.dryRun,
      archivePath: layout.archivePath,
      quarantinePath,
      checkpoints: c.resolve(FolderCheckpoints),
      claims: c.resolve(ClaimRegistry),
      events: c.resolve(FileEvents),
      storage: c.resolve(StorageGuard),
      finished: layout.finished,
    });
  });
  once(InProgressIdentities, (c) => {
    return new InProgressIdentities({
      disposal: c.resolve(Disposal),
      claims: c.resolve(ClaimRegistry),
      checkpoints: c.resolve(FolderCheckpoints),
      events: c.resolve(FileEvents),
    });
  });
  scope.register(FolderTokens.Watcher, {
    useFactory: instanceCachingFactory(() =>
      options.watch
        ? new FolderWatcher(services.clock, (dir, error) =>
            services.logger.warn(
              { source: id, dir, err: error.message },
              'cannot watch folder for changes; it is polled every pollIntervalMs',
            ),
          )
        : undefined,
    ),
  });
  return {
    scanner: scope.resolve(FolderScanner),
    rootGuard: scope.resolve(RootGuard),
    readiness: scope.resolve(Readiness),
    claims: scope.resolve(ClaimRegistry),
    rejected: scope.resolve(RejectedOutput),
    checkpoints: scope.resolve(FolderCheckpoints),
    events: scope.resolve(FileEvents),
    watcher: scope.resolve<FolderWatcher | undefined>(FolderTokens.Watcher),
    storage: scope.resolve(StorageGuard),
    disposal: scope.resolve(Disposal),
    identities: scope.resolve(InProgressIdentities),
  };
}
