import { describe, expect, it } from 'vitest';
import { heapGrowthLimiter } from '../src/heapGrowth.js';

/** Stand-ins that record what the limiter asked of V8 and how many governors run. */
function fakeControls() {
  const state = { flags: [] as string[], running: 0, started: 0 };
  const limit = heapGrowthLimiter({
    setFlags: (flags) => state.flags.push(flags),
    governYoungGeneration: () => {
      state.running += 1;
      state.started += 1;
      return () => {
        state.running -= 1;
      };
    },
  });
  return { state, limit };
}

describe('limitHeapGrowth', () => {
  it('runs one young-generation governor however often it is called, and the last percent is in force', () => {
    // Prepare
    const { state, limit } = fakeControls();
    // Act: `offloader run` limits, then an embedded pipeline does so again with its own percent.
    limit();
    limit(80);
    // Assess
    expect(state.running).toBe(1);
    expect(state.started).toBe(1);
    expect(state.flags).toEqual(['--heap-growing-percent=50', '--heap-growing-percent=80']);
  });

  it('stops the governor once every caller has stopped, and a stop function called twice counts once', () => {
    // Prepare
    const { state, limit } = fakeControls();
    const stopFirst = limit();
    const stopSecond = limit();
    // Act + Assess: the first caller stops (twice); the second still holds the governor.
    stopFirst();
    stopFirst();
    expect(state.running).toBe(1);
    stopSecond();
    expect(state.running).toBe(0);
    // A later call starts governing again.
    limit();
    expect(state.running).toBe(1);
    expect(state.started).toBe(2);
  });

  it('keeps the percent a whole number of at least 1, as V8 reads it', () => {
    const { state, limit } = fakeControls();
    limit(0.2);
    limit(33.6);
    expect(state.flags).toEqual(['--heap-growing-percent=1', '--heap-growing-percent=34']);
  });
});
