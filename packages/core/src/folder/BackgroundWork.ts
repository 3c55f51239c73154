/**
 * Work started and not awaited where it began (so reading goes on), whose first failure still reaches the caller:
 * `rethrow()` throws it at the next point that can fail the source; `settle()` waits for everything started.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();
  private failure?: { error: unknown };

  start(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Throws (once) the first failure so far. */
  rethrow(): void {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure.error;
  }

  /** Waits for all work started, also work started meanwhile (failures are kept for `rethrow`). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
