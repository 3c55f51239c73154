import { UsageError } from '@offloader/core';

/**
 * Seed used when neither the options nor `OFFLOADER_TEST_SEED` give one. Chosen so that at 2 % the HTTP 500
 * rolls hit early (requests 2, 15, 17, 24, …): even a short test run sees one.
 */
export const DEFAULT_FAULT_SEED = 52;

/** The seed a fault proxy uses when none is passed: `OFFLOADER_TEST_SEED`, else {@link DEFAULT_FAULT_SEED}. */
export function faultSeedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.OFFLOADER_TEST_SEED?.trim();
  if (!text) return DEFAULT_FAULT_SEED;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`OFFLOADER_TEST_SEED must be an integer, got "${text}"`);
  return seed;
}

/** mulberry32: a small, fast, seedable generator of floats in [0, 1); plenty for fault rolls. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
