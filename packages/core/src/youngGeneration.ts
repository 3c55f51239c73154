import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const MIB = 1024 * 1024;

/**
 * Young generation a pipeline keeps while it allocates at a steady Agent's pace. V8 grows it to 32 MB (64 MB on
 * Node 24) in any long busy process, because growth follows the bytes that ever survived a scavenge, not the
 * rate. At 5,000 rows/s half that size costs no CPU we could measure (bench B6) and gives the Agent 16 MB back.
 */
export const STEADY_YOUNG_GENERATION_BYTES = 16 * MIB;

/**
 * Allocation rate from which the young generation may grow to V8's maximum: a catch-up through a backlog at
 * 50,000 rows/s and more (bench B1 mixed ran 1.7× slower with 16 MB), not an Agent's real rate (20–90 MB/s at
 * 5,000 rows/s, read in bursts each time the folder is polled).
 */
export const BUSY_ALLOCATION_BYTES_PER_SECOND = 128 * MIB;

/** Span over which the allocation rate is measured: a few scavenges at a steady rate. */
const RATE_WINDOW_MS = 2_000;

/** V8's default growth factor of the young generation (each growth doubles it). */
const V8_GROWTH_FACTOR = 2;

/** What the governor reads and changes; the real V8, or a test's stand-in. */
export interface YoungGenerationControl {
  /** Bytes of the young generation now (both semi-spaces). */
  size(): number;
  /** Sets V8's growth factor of the young generation: 1 holds it where it is. V8 reads it at each scavenge. */
  setGrowthFactor(factor: number): void;
}

/**
 * Lets the young generation grow to V8's maximum only while the process allocates fast, and holds it at
 * {@link STEADY_YOUNG_GENERATION_BYTES} otherwise. V8 takes its size limit only at start-up, but reads the growth
 * factor at every scavenge, so the governor sets that factor after each one. Allocation is estimated from the
 * scavenges: each one follows a full semi-space (half the young generation) of new objects.
 */
export class YoungGenerationGovernor {
  private readonly scavenges: { at: number; bytes: number }[] = [];
  private factor = V8_GROWTH_FACTOR;

  constructor(
    private readonly control: YoungGenerationControl,
    private readonly steadyBytes = STEADY_YOUNG_GENERATION_BYTES,
    private readonly busyBytesPerSecond = BUSY_ALLOCATION_BYTES_PER_SECOND,
  ) {}

  /** Called after each scavenge (minor GC), with its time in ms. */
  onScavenge(at: number): void {
    const size = this.control.size();
    this.scavenges.push({ at, bytes: size / 2 });
    while (this.scavenges.length > 0 && this.scavenges[0].at < at - RATE_WINDOW_MS) this.scavenges.shift();
    // V8 sizes are not powers of two after it shrank the young generation: grow only while the next step fits.
    const mayGrow = size * V8_GROWTH_FACTOR <= this.steadyBytes * 1.1;
    const factor = mayGrow || this.allocationRate() >= this.busyBytesPerSecond ? V8_GROWTH_FACTOR : 1;
    if (factor !== this.factor) {
      this.factor = factor;
      this.control.setGrowthFactor(factor);
    }
  }

  /**
   * Bytes allocated per second over the last {@link RATE_WINDOW_MS}. The whole window is the divisor, so two
   * scavenges a few ms apart at the start of a burst do not read as a catch-up.
   */
  allocationRate(): number {
    let bytes = 0;
    for (const scavenge of this.scavenges) bytes += scavenge.bytes;
    return (bytes * 1000) / RATE_WINDOW_MS;
  }

  /** The growth factor in force. */
  growthFactor(): number {
    return this.factor;
  }
}

const v8YoungGeneration: YoungGenerationControl = {
  size: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  setGrowthFactor: (factor) => setFlagsFromString(`--semi-space-growth-factor=${factor}`),
};

/**
 * Starts governing this process's young generation (see {@link YoungGenerationGovernor}); returns the function
 * that stops it and gives V8 back its own growth factor.
 */
export function governYoungGeneration(control: YoungGenerationControl = v8YoungGeneration): () => void {
  const governor = new YoungGenerationGovernor(control);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) governor.onScavenge(entry.startTime + entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    if (governor.growthFactor() !== V8_GROWTH_FACTOR) control.setGrowthFactor(V8_GROWTH_FACTOR);
  };
}
