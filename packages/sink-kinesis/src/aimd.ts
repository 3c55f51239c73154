/**
 * Additive-increase / multiplicative-decrease limit on writes in flight. Throttling halves the limit, at most
 * once per "generation": a throttled answer to a request sent before the last decrease says nothing new (it
 * was sent under the old limit), so a burst of throttled answers lowers the limit once, not to 1 at once.
 * Each clean answer adds 1/limit, i.e. about +1 per round of `limit` requests, up to the configured maximum.
 */
export class AimdConcurrency {
  private limit: number;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly max: number,
    private readonly onChange: (limit: number) => void = () => {},
  ) {
    this.limit = max;
    onChange(this.current());
  }

  /** Writes allowed in flight now. */
  current(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  /** A request sent at `sentAt` was (partly) throttled. */
  onThrottled(sentAt: number, now: number): void {
    if (sentAt < this.lastDecreaseAt) return;
    const before = this.current();
    this.limit = Math.max(1, this.limit / 2);
    this.lastDecreaseAt = now;
    if (this.current() !== before) this.onChange(this.current());
  }

  /** A request was answered without throttling. */
  onSuccess(): void {
    if (this.limit >= this.max) return;
    const before = this.current();
    this.limit = Math.min(this.max, this.limit + 1 / this.limit);
    if (this.current() !== before) this.onChange(this.current());
  }
}
