import { describe, expect, it } from 'vitest';
import { EventLog, PipelineRunner, PromMetrics, RecordRejectedError, silentLogger, systemClock } from '../src/index.js';
import { type OffloadRecord, type RecordOutcome } from '../src/record.js';
import { ControlledSink, ListSource, tick } from './helpers.js';

function services() {
  return {
    logger: silentLogger(),
    metrics: new PromMetrics(),
    events: new EventLog({ maxRows: 100, maxAgeHours: 1 }, systemClock),
  };
}

describe('PipelineRunner', () => {
  it('bounds buffered records when the sink is slow (backpressure)', async () => {
    // Prepare: 100 batches of 10 records, a sink that never finishes until released.
    const source = new ListSource('s', 100, 10);
    const sink = new ControlledSink(2);
    const runner = new PipelineRunner(
      't',
      {
        sources: [{ id: 's', type: 'list', instance: source }],
        transformers: [],
        sink: { id: 'k', type: 'controlled', instance: sink },
      },
      services(),
      { maxBufferedRecords: 50 },
    );
    // Act
    const run = runner.run();
    await tick(50);
    // Assess: the source is held back; at most 50 records are unsettled, at most 2 writes in flight.
    expect(runner.queue.buffered).toBeLessThanOrEqual(50);
    expect(runner.queue.peakBuffered).toBe(50);
    expect(sink.writes.length).toBe(2);
    expect(source.yielded).toBeLessThan(10);
    sink.autoRelease = true;
    sink.releaseAll();
    const summary = await run;
    expect(runner.queue.peakBuffered).toBeLessThanOrEqual(50);
    expect(runner.queue.peakInFlight).toBeLessThanOrEqual(2);
    expect(summary.ok).toBe(true);
    expect(summary.sources.s).toEqual({ recordsIn: 1000, delivered: 1000, filtered: 0, rejected: 0, failed: 0 });
    expect(sink.written.map((r) => (r.value as { n: number }).n).sort((a, b) => a - b)).toEqual([
      ...Array(1000).keys(),
    ]);
  });

  it('acknowledges a batch only after all its records settled, in completion order', async () => {
    const source = new ListSource('s', 2, 10);
    const sink = new ControlledSink(4);
    const runner = new PipelineRunner(
      't',
      {
        sources: [{ id: 's', type: 'list', instance: source }],
        transformers: [],
        sink: { id: 'k', type: 'c', instance: sink },
      },
      services(),
    );
    const run = runner.run();
    await tick(30);
    expect(sink.writes.length).toBe(2);
    // Finish the second batch first: only batch 1 is acknowledged.
    sink.writes[1].release();
    await tick(5);
    expect(source.acks.map((a) => a.batch)).toEqual([1]);
    sink.writes[0].release();
    await run;
    expect(source.acks.map((a) => a.batch)).toEqual([1, 0]);
    expect(source.acks[1].ack.delivered).toBe(10);
  });

  it('reports per-record outcomes to the source in the order it yielded them', async () => {
    const source = new ListSource('s', 1, 4);
    const sink = new ControlledSink(1);
    const runner = new PipelineRunner(
      't',
      {
        sources: [{ id: 's', type: 'list', instance: source }],
        transformers: [
          {
            id: 'drop-odd',
            type: 'drop',
            instance: { transform: (r) => ((r.value as { n: number }).n === 1 ? null : r) },
          },
        ],
        sink: {
          id: 'k',
          type: 'c',
          instance: Object.assign(sink, {
            prepare: (r: OffloadRecord) => {
              if ((r.value as { n: number }).n === 2) throw new RecordRejectedError('RECORD_TOO_LARGE', 'too big');
            },
          }),
        },
      },
      services(),
    );
    const run = runner.run();
    await tick(20);
    sink.writes[0].release([
      { status: 'delivered' },
      { status: 'failed', error: new Error('outage') },
    ] as RecordOutcome[]);
    const summary = await run;
    const statuses = source.acks[0].ack.outcomes.map((o) => o.status);
    expect(statuses).toEqual(['delivered', 'filtered', 'rejected', 'failed']);
    expect(summary.ok).toBe(false);
  });

  it('on a stop signal, stops reading, drains in-flight writes, then stops the source', async () => {
    const source = new ListSource('s', 3, 10, { waitForSignal: true });
    const sink = new ControlledSink(4);
    const runner = new PipelineRunner(
      't',
      {
        sources: [{ id: 's', type: 'list', instance: source }],
        transformers: [],
        sink: { id: 'k', type: 'c', instance: sink },
      },
      services(),
    );
    const controller = new AbortController();
    const run = runner.run(controller.signal);
    await tick(30);
    expect(sink.writes.length).toBe(3);
    controller.abort();
    await tick(10);
    // Draining: the source is not stopped while writes are in flight.
    expect(source.stopped).toBe(false);
    sink.releaseAll();
    const summary = await run;
    expect(summary.stoppedBy).toBe('signal');
    expect(source.stopped).toBe(true);
    expect(source.acks).toHaveLength(3);
    expect(summary.sources.s.delivered).toBe(30);
  });

  it('turns a crashing write into failed outcomes, never delivered', async () => {
    const source = new ListSource('s', 1, 3);
    const sink = new ControlledSink(1);
    sink.write = async () => {
      throw new Error('socket hang up');
    };
    const runner = new PipelineRunner(
      't',
      {
        sources: [{ id: 's', type: 'list', instance: source }],
        transformers: [],
        sink: { id: 'k', type: 'c', instance: sink },
      },
      services(),
    );
    const summary = await runner.run();
    expect(source.acks[0].ack.failed).toBe(3);
    expect(summary.sources.s.delivered).toBe(0);
    expect(summary.ok).toBe(false);
  });

  it('groups records per route into separate writes', async () => {
    const source = new ListSource('s', 1, 6, { route: (n) => (n % 2 ? 'alarm' : 'data') });
    const sink = new ControlledSink(4);
    sink.autoRelease = true;
    const routesPerWrite: string[][] = [];
    const write = sink.write.bind(sink);
    sink.write = (records) => {
      routesPerWrite.push([...new Set(records.map((r) => r.route))]);
      return write(records);
    };
    const runner = new PipelineRunner(
      't',
      {
        sources: [{ id: 's', type: 'list', instance: source }],
        transformers: [],
        sink: { id: 'k', type: 'c', instance: sink },
      },
      services(),
    );
    await runner.run();
    expect(routesPerWrite.map((routes) => routes.join()).sort()).toEqual(['alarm', 'data']);
  });

  it("lets go of each record's JSON value once its bytes are made when the sink writes data only", async () => {
    // Prepare: the same records through a sink that reads only data, and through one that may read value.
    const runWith = async (writesDataOnly: boolean) => {
      const sink = Object.assign(new ControlledSink(2), { writesDataOnly, autoRelease: true });
      const runner = new PipelineRunner(
        't',
        {
          sources: [{ id: 's', type: 'list', instance: new ListSource('s', 2, 3) }],
          transformers: [],
          sink: { id: 'k', type: 'controlled', instance: sink },
        },
        services(),
      );
      // Act
      const summary = await runner.run();
      expect(summary.ok).toBe(true);
      return sink.written;
    };
    const dataOnly = await runWith(true);
    const withValue = await runWith(false);
    // Assess: the bytes are the JSON either way; only the data-only sink's records dropped the value.
    expect(dataOnly.map((record) => new TextDecoder().decode(record.data))).toEqual(
      withValue.map((record) => JSON.stringify(record.value)),
    );
    expect(dataOnly.every((record) => record.value === undefined)).toBe(true);
    expect(withValue.map((record) => record.value)).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
  });
});
