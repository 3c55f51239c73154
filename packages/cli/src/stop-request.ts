import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Signals that mean "stop and drain". SIGBREAK is Ctrl+Break on Windows; SIGHUP there is the console window
 * closing (Windows ends the process about 10 s later, so the drain is best effort).
 */
export const STOP_SIGNALS: NodeJS.Signals[] = [
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  ...(process.platform === 'win32' ? (['SIGHUP'] as const) : []),
];

/**
 * A stop request is a file in the pipeline's state folder. Windows services cannot reliably deliver Ctrl+C to
 * a console process (the wrapper must attach to its console), so `offloader stop` writes this file instead and
 * the running pipeline, which polls for it, drains exactly as on SIGINT.
 */
export function stopRequestFile(stateDir: string): string {
  return join(stateDir, 'stop-request');
}

/** Calls `onStop` once when a stop request appears; a request left from before this start is dropped. */
export function watchStopRequest(stateDir: string, onStop: () => void, intervalMs = 250): () => void {
  const file = stopRequestFile(stateDir);
  rmSync(file, { force: true });
  const timer = setInterval(() => {
    if (!existsSync(file)) return;
    clearInterval(timer);
    // Removing the file is the acknowledgement `offloader stop` waits for.
    rmSync(file, { force: true });
    onStop();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Writes a stop request and waits until a running pipeline takes it; false (request withdrawn) after `waitMs`. */
export async function requestStop(stateDir: string, waitMs: number): Promise<boolean> {
  const file = stopRequestFile(stateDir);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, at: new Date().toISOString() })}\n`);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!existsSync(file)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Nobody took it: withdraw it, or the next start would stop at once.
  rmSync(file, { force: true });
  return false;
}
