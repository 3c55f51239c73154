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

/**
 * Bounds how far V8 lets the heap grow before collecting it, for a long-running process sharing a machine (the
 * `offloader run` command calls it at start): the old generation as above, and the young generation as
 * {@link governYoungGeneration} does. V8 reads both settings while it runs, so they take effect when set after
 * start-up; they change when memory is reclaimed, never what a program may use. Returns the function that
 * stops governing the young generation.
 */
export function limitHeapGrowth(percent: number = HEAP_GROWTH_PERCENT): () => void {
  setFlagsFromString(`--heap-growing-percent=${Math.max(1, Math.round(percent))}`);
  return governYoungGeneration();
}
