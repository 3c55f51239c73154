import type { RetryOptions } from './options.js';

/** Backoff before retry number `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))] ("full jitter"). */
export function fullJitterDelay(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(Math.random() * (ceiling + 1));
}

/** Whether a write may retry again: `maxAttempts` per record and `maxElapsedMs` per write; 0 = no limit. */
export function retryAllowed(
  options: Pick<RetryOptions, 'maxAttempts' | 'maxElapsedMs'>,
  attemptsMade: number,
  elapsedMs: number,
): boolean {
  if (options.maxAttempts > 0 && attemptsMade >= options.maxAttempts) return false;
  if (options.maxElapsedMs > 0 && elapsedMs >= options.maxElapsedMs) return false;
  return true;
}
