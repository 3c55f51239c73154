import type { Clock, EventLog, Logger, Severity } from '@offloader/core';
import { deliveryCodeOf, type FailureKind, RoutePausedError } from './errors.js';

/** Throttling counts as over once a clean answer arrives this long after the last throttled one. */
export const THROTTLE_QUIET_MS = 1_000;

interface StreamState {
  throttling: boolean;
  lastThrottledAt: number;
  unreachable: boolean;
  pause?: RoutePausedError;
}

const PAUSE_EVENT: Record<string, string> = {
  'stream-not-found': 'STREAM_NOT_FOUND',
  credentials: 'CREDENTIALS_REJECTED',
  'non-retryable': 'SINK_NON_RETRYABLE',
};

/**
 * Per-stream condition (throttled, unreachable, paused) and the edge-triggered events that report it:
 * one event when a condition starts and one when it ends, never one per call.
 */
export class StreamHealth {
  private readonly states = new Map<string, StreamState>();

  constructor(
    private readonly sinkId: string,
    private readonly events: EventLog,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly pauseMs: number,
  ) {}

  /** The error writes to `stream` fail with while it is paused, or undefined. */
  pausedError(stream: string): RoutePausedError | undefined {
    const state = this.states.get(stream);
    if (!state?.pause) return undefined;
    if (this.clock.now() < state.pause.until) return state.pause;
    return undefined;
  }

  /** Stops `stream` for `pauseMs` after a non-retryable failure, with one event naming the reason. */
  pause(stream: string, kind: FailureKind, detail: string): RoutePausedError {
    const state = this.state(stream);
    const active = this.pausedError(stream);
    if (active && active.code === deliveryCodeOf(kind)) return active;
    const code = deliveryCodeOf(kind);
    const until = this.clock.now() + this.pauseMs;
    const reason =
      kind === 'stream-not-found'
        ? `stream ${stream} does not exist (or is not ACTIVE)`
        : kind === 'credentials'
          ? `the credentials were rejected for stream ${stream}`
          : `non-retryable error for stream ${stream}`;
    const message = `${reason}: ${detail}; data is kept, writes to this stream fail until ${new Date(until).toISOString()}`;
    state.pause = new RoutePausedError(code, message, stream, until);
    this.emit('error', PAUSE_EVENT[kind] ?? code, stream, message);
    this.logger.error({ stream, code }, message);
    return state.pause;
  }

  onThrottled(stream: string): void {
    const state = this.state(stream);
    state.lastThrottledAt = this.clock.now();
    if (state.throttling) return;
    state.throttling = true;
    const message = `stream ${stream} is throttling writes (ProvisionedThroughputExceeded); lowering concurrency`;
    this.emit('warning', 'THROTTLING_STARTED', stream, message);
    this.logger.warn({ stream }, message);
  }

  onUnreachable(stream: string, detail: string): void {
    const state = this.state(stream);
    if (state.unreachable) return;
    state.unreachable = true;
    const message = `stream ${stream} is unreachable: ${detail}; retrying`;
    this.emit('error', 'STREAM_UNREACHABLE', stream, message);
    this.logger.error({ stream }, message);
  }

  /** A call to `stream` was answered; `clean` = no record throttled. */
  onAnswered(stream: string, clean: boolean): void {
    const state = this.state(stream);
    const now = this.clock.now();
    if (state.unreachable || (state.pause && now >= state.pause.until)) {
      const was = state.unreachable ? 'unreachable' : `paused (${state.pause?.code})`;
      state.unreachable = false;
      state.pause = undefined;
      const message = `stream ${stream} answers again (was ${was})`;
      this.emit('info', 'STREAM_RECOVERED', stream, message);
      this.logger.info({ stream }, message);
    }
    if (clean && state.throttling && now - state.lastThrottledAt >= THROTTLE_QUIET_MS) {
      state.throttling = false;
      const message = `stream ${stream} accepts writes without throttling again`;
      this.emit('info', 'THROTTLING_ENDED', stream, message);
      this.logger.info({ stream }, message);
    }
  }

  isThrottling(stream: string): boolean {
    return this.states.get(stream)?.throttling ?? false;
  }

  /** One row per stream and condition: repeats fold, but two streams never share a row. */
  private emit(severity: Severity, code: string, stream: string, message: string): void {
    this.events.emit({ severity, source: this.sinkId, code, message }, `${this.sinkId}|${code}|${stream}`);
  }

  private state(stream: string): StreamState {
    let state = this.states.get(stream);
    if (!state) {
      state = { throttling: false, lastThrottledAt: 0, unreachable: false };
      this.states.set(stream, state);
    }
    return state;
  }
}
