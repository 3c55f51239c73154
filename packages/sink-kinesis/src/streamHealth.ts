import {
  type Clock,
  type Code,
  type EventLog,
  type HealthCondition,
  inject,
  injectable,
  type Logger,
  type Severity,
  Tokens,
} from '@offloader/core';
import { deliveryCodeOf, type FailureKind, RoutePausedError } from './errors.js';
import { KinesisTokens } from './tokens.js';

/** Throttling counts as over once a clean answer arrives this long after the last throttled one. */
export const THROTTLE_QUIET_MS = 1_000;

interface StreamState {
  throttling: boolean;
  throttlingSince: number;
  lastThrottledAt: number;
  unreachable: boolean;
  unreachableSince: number;
  unreachableDetail: string;
  pause?: RoutePausedError;
  pausedSince: number;
}

const PAUSE_EVENT: Record<string, Code> = {
  'stream-not-found': 'STREAM_NOT_FOUND',
  credentials: 'CREDENTIALS_REJECTED',
  'non-retryable': 'SINK_NON_RETRYABLE',
};

/**
 * Per-stream condition (throttled, unreachable, paused) and the edge-triggered events that report it:
 * one event when a condition starts and one when it ends, never one per call.
 */
@injectable()
export class StreamHealth {
  private readonly states = new Map<string, StreamState>();

  constructor(
    @inject(Tokens.PluginId) private readonly sinkId: string,
    @inject(Tokens.Events) private readonly events: EventLog,
    @inject(Tokens.PluginLogger) private readonly logger: Logger,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(KinesisTokens.PauseOnErrorMs) private readonly pauseMs: number,
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
    state.pausedSince = this.clock.now();
    this.emit('error', PAUSE_EVENT[kind] ?? code, stream, message);
    this.logger.error({ stream, code }, message);
    return state.pause;
  }

  onThrottled(stream: string): void {
    const state = this.state(stream);
    state.lastThrottledAt = this.clock.now();
    if (state.throttling) return;
    state.throttling = true;
    state.throttlingSince = state.lastThrottledAt;
    const message = `stream ${stream} is throttling writes (ProvisionedThroughputExceeded); lowering concurrency`;
    this.emit('warning', 'THROTTLING_STARTED', stream, message);
    this.logger.warn({ stream }, message);
  }

  onUnreachable(stream: string, detail: string): void {
    const state = this.state(stream);
    if (state.unreachable) return;
    state.unreachable = true;
    state.unreachableSince = this.clock.now();
    state.unreachableDetail = detail;
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

  /** Every stream's current condition: unreachable and paused block delivery, throttling does not. */
  conditions(): HealthCondition[] {
    const conditions: HealthCondition[] = [];
    const at = (time: number) => new Date(time).toISOString();
    for (const [stream, state] of this.states) {
      if (state.unreachable) {
        conditions.push({
          code: 'STREAM_UNREACHABLE',
          subject: stream,
          since: at(state.unreachableSince),
          blocking: true,
          message: `stream ${stream} unreachable (${state.unreachableDetail}); records kept and retried`,
        });
      }
      const pause = this.pausedError(stream);
      if (pause) {
        conditions.push({
          code: pause.code,
          subject: stream,
          since: at(state.pausedSince),
          blocking: true,
          message: pause.message,
        });
      }
      if (state.throttling) {
        conditions.push({
          code: 'THROTTLING_STARTED',
          subject: stream,
          since: at(state.throttlingSince),
          blocking: false,
          message: `stream ${stream} is throttling writes`,
        });
      }
    }
    return conditions;
  }

  isThrottling(stream: string): boolean {
    return this.states.get(stream)?.throttling ?? false;
  }

  /** One row per stream and condition: repeats fold, but two streams never share a row. */
  private emit(severity: Severity, code: Code, stream: string, message: string): void {
    this.events.emit({ severity, source: this.sinkId, code, message }, `${this.sinkId}|${code}|${stream}`);
  }

  private state(stream: string): StreamState {
    let state = this.states.get(stream);
    if (!state) {
      state = {
        throttling: false,
        throttlingSince: 0,
        lastThrottledAt: 0,
        unreachable: false,
        unreachableSince: 0,
        unreachableDetail: '',
        pausedSince: 0,
      };
      this.states.set(stream, state);
    }
    return state;
  }
}
