/**
 * Per-file conditions reported once when they start and again only after they cleared (a file that stays
 * unreadable or undeliverable for hours raises one event, not one per retry).
 */
export class ReportedOnce {
  private readonly raised = new Set<string>();

  /** True the first time `key` is raised since it was last cleared: report it now. */
  raise(key: string): boolean {
    if (this.raised.has(key)) return false;
    this.raised.add(key);
    return true;
  }

  clear(key: string): void {
    this.raised.delete(key);
  }

  /** Forgets files no longer listed. */
  retain(present: ReadonlySet<string>): void {
    for (const key of this.raised) if (!present.has(key)) this.raised.delete(key);
  }
}
