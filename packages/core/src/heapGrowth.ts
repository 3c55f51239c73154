import { setFlagsFromString } from 'node:v8';
import { governYoungGeneration } from './youngGeneration.js';

/**
 * Old-generation growth allowed between two full garbage collections, in % of what survived the last one.
 * V8's own factor goes up to 4× on a machine with memory to spare: at a steady few thousand rows/s every record
 * waits for Kinesis long enough to be promoted, and the promoted garbage then piled up to ~75 MB before V8
 * collected it (peak RSS 187 MiB in bench B6). At 50 % the heap stays near 1.5× its live size; the price is
 * more frequent full collections, each costing about the live size (tens of MB), not the garbage.
 */
const HEAP_GROWTH_PERCENT = 50;

/** What {@link heapGrowthLimiter} changes: V8's flags and the young-generation governor, or a test's stand-ins. */
export interface HeapGrowthControls {
  setFlags(flags: string): void;
  /** Starts governing the young generation; returns the function that stops it. */
  governYoungGeneration(): () => void;
}

/**
 * The `limitHeapGrowth` function over `controls`. The process has one heap, so however many parts of a program
 * call it (`offloader run`, then an embedded pipeline, or a plugin), one governor runs; the last call's percent
 * is in force. Each call returns its own stop function, and the governor stops when every caller has stopped.
 */
export function heapGrowthLimiter(controls: HeapGrowthControls): (percent?: number) => () => void {
  let holders = 0;
  let stopGoverning: (() => void) | undefined;
  return (percent = HEAP_GROWTH_PERCENT) => {
    controls.setFlags(`--heap-growing-percent=${Math.max(1, Math.round(percent))}`);
    holders += 1;
    stopGoverning ??= controls.governYoungGeneration();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      holders -= 1;
      if (holders === 0) {
        stopGoverning?.();
        stopGoverning = undefined;
      }
    };
  };
}

/**
 * Bounds how far V8 lets the heap grow before collecting it, for a long-running process sharing a machine (the
 * `offloader run` command calls it at start): the old generation as above, and the young generation as
 * {@link governYoungGeneration} does. V8 reads both settings while it runs, so they take effect when set after
 * start-up; they change when memory is reclaimed, never what a program may use. Returns the function that
 * stops governing the young generation (once every caller has called its own).
 */
export const limitHeapGrowth: (percent?: number) => () => void = heapGrowthLimiter({
  setFlags: setFlagsFromString,
  governYoungGeneration,
});
