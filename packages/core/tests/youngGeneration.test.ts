import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BUSY_ALLOCATION_BYTES_PER_SECOND,
  STEADY_YOUNG_GENERATION_BYTES,
  type YoungGenerationControl,
  YoungGenerationGovernor,
} from '../src/youngGeneration.js';

const MIB = 1024 * 1024;

/** A young generation that doubles when the factor allows, as V8's does at a scavenge. */
function fakeYoungGeneration(startBytes: number) {
  const state = { bytes: startBytes, factor: 2, changes: [] as number[] };
  const control: YoungGenerationControl = {
    size: () => state.bytes,
    setGrowthFactor: (factor) => {
      state.factor = factor;
      state.changes.push(factor);
    },
  };
  /** One scavenge at `at` ms: V8 grows by the factor in force, then the governor looks. */
  const scavenge = (governor: YoungGenerationGovernor, at: number, maxBytes = 32 * MIB) => {
    state.bytes = Math.min(maxBytes, state.bytes * state.factor);
    governor.onScavenge(at);
  };
  return { state, control, scavenge };
}

describe('YoungGenerationGovernor', () => {
  it('holds the young generation at 16 MB while the process allocates at a steady rate', () => {
    // Prepare: 1 MB to start, a scavenge every 200 ms (a semi-space of 8 MB each is 40 MB/s, far below busy).
    const young = fakeYoungGeneration(1 * MIB);
    const governor = new YoungGenerationGovernor(young.control);
    // Act
    for (let i = 1; i <= 50; i++) young.scavenge(governor, i * 200);
    // Assess: it grew up to the steady size and no further.
    expect(young.state.bytes).toBe(STEADY_YOUNG_GENERATION_BYTES);
    expect(governor.growthFactor()).toBe(1);
    expect(governor.allocationRate()).toBeLessThan(BUSY_ALLOCATION_BYTES_PER_SECOND);
  });

  it("lets it grow to V8's maximum through a catch-up, and holds it again once the rate falls", () => {
    // Prepare: a steady start at 16 MB.
    const young = fakeYoungGeneration(16 * MIB);
    const governor = new YoungGenerationGovernor(young.control);
    young.scavenge(governor, 0);
    expect(governor.growthFactor()).toBe(1);
    // Act: a scavenge every 20 ms (about 400 MB/s), then one a second.
    for (let at = 20; at <= 2_000; at += 20) young.scavenge(governor, at);
    const grown = young.state.bytes;
    for (let at = 3_000; at <= 10_000; at += 1_000) young.scavenge(governor, at);
    // Assess: V8 kept what it grew to (it shrinks on its own when allocation nearly stops), and no growth now.
    expect(grown).toBe(32 * MIB);
    expect(young.state.changes).toEqual([1, 2, 1]);
    expect(governor.growthFactor()).toBe(1);
  });

  it('after V8 shrank it to a size that is not a power of two, grows it only while the next step fits', () => {
    // Prepare: V8 shrank the young generation to 7.5 MB during an idle spell.
    const young = fakeYoungGeneration(7.5 * MIB);
    const governor = new YoungGenerationGovernor(young.control);
    // Act
    for (let i = 1; i <= 10; i++) young.scavenge(governor, i * 500);
    // Assess: 7.5 → 15 MB, not on to 30.
    expect(young.state.bytes).toBe(15 * MIB);
  });

  it('governs the real V8 young generation: 16 MB at a steady rate, where V8 alone grows it to 32 MB or more', async () => {
    // Prepare: a child that allocates about 40 MB/s for 4 s, keeping the last 3 MB of objects alive (they
    // survive scavenges, which is what makes V8 grow the young generation), with and without the governor.
    const heapGrowth = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'heapGrowth.js')).href;
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      import { limitHeapGrowth } from ${JSON.stringify(heapGrowth)};
      const stop = process.argv[1] === 'governed' ? limitHeapGrowth() : () => {};
      const youngSize = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      const kept = [];
      let largest = 0;
      for (let tick = 0; tick < 400; tick++) {
        for (let i = 0; i < 4_000; i++) kept.push({ id: tick * 4_000 + i, text: 'row ' + i + ' of tick ' + tick });
        if (kept.length > 40_000) kept.splice(0, kept.length - 40_000);
        largest = Math.max(largest, youngSize());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      stop();
      console.log(JSON.stringify({ largest }));
    `;
    const largestYoung = async (mode: string) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, mode], { timeout: 60_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      await once(child, 'close');
      expect(stderr).toBe('');
      return JSON.parse(stdout).largest as number;
    };
    // Act: both at once (each child paces itself with timers).
    const [alone, governed] = await Promise.all([largestYoung('alone'), largestYoung('governed')]);
    // Assess
    expect(alone).toBeGreaterThanOrEqual(32 * MIB);
    expect(governed).toBeLessThanOrEqual(STEADY_YOUNG_GENERATION_BYTES * 1.1);
  });
});
