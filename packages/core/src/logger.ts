import { pino } from 'pino';

/** The logging surface plugins may rely on (a subset of pino's). */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** File to append JSON lines to; stderr when absent. */
  file?: string;
}

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.*.accessKeyId',
  '*.*.secretAccessKey',
  '*.*.sessionToken',
  'credentials',
  '*.credentials',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
];

/** Structured JSON logs (pino) to stderr or a file, with credentials redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination(2);
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that drops everything; handy in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
