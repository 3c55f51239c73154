import type { Code } from './codes.js';

/** Code of an error: one of {@link CODES}. */
export type ErrorCode = Code;

export interface OffloaderErrorOptions {
  cause?: unknown;
  /** Plugin type that raised the error; the runner fills it when it catches a plugin's error. */
  plugin?: string;
  /** Lifecycle stage ('start', 'read', 'transform', 'write', 'stop', ...), filled by the runner. */
  stage?: string;
  /** File the error concerns, when there is one. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Field (column, YAML path or JSON pointer) the error concerns. */
  field?: string;
}

/** Base class of every error Offloader raises on purpose. `code` is stable; `message` is for people. */
export class OffloaderError extends Error {
  readonly code: ErrorCode;
  plugin?: string;
  stage?: string;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, options: OffloaderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OffloaderError';
    this.code = code;
    this.plugin = options.plugin;
    this.stage = options.stage;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
  }

  /** `file:line field: message`, the form operators grep for. */
  describe(): string {
    const where = [this.file && (this.line ? `${this.file}:${this.line}` : this.file), this.field]
      .filter(Boolean)
      .join(' ');
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** One problem found while loading a pipeline file. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** YAML path such as `sources[0].options.path`. */
  path: string;
  message: string;
}

/** The pipeline file cannot be used; `problems` lists every reason at once. */
export class ConfigError extends OffloaderError {
  readonly problems: ConfigProblem[];

  constructor(code: ErrorCode, problems: ConfigProblem[], options: OffloaderErrorOptions = {}) {
    super(code, problems.map(formatProblem).join('\n'), options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const position = problem.line
    ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ''}`
    : problem.file;
  return `${position} ${problem.path || '(root)'}: ${problem.message}`;
}

/** A plugin type is unknown, duplicated, or failed to load. */
export class PluginError extends OffloaderError {
  constructor(code: ErrorCode, message: string, options: OffloaderErrorOptions = {}) {
    super(code, message, options);
    this.name = 'PluginError';
  }
}

/** One input row could not become a record. The file goes on. */
export class RowError extends OffloaderError {
  constructor(message: string, options: OffloaderErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'ROW_INVALID', message, options);
    this.name = 'RowError';
  }
}

/** A record can never be delivered as it is (too large, bad partition key, stream not allowed). */
export class RecordRejectedError extends OffloaderError {
  constructor(code: ErrorCode, message: string, options: OffloaderErrorOptions = {}) {
    super(code, message, options);
    this.name = 'RecordRejectedError';
  }
}

/** The sink could not deliver now; the data is kept and must be offered again later. */
export class DeliveryError extends OffloaderError {
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: OffloaderErrorOptions & { retryable?: boolean } = {}) {
    super(code, message, options);
    this.name = 'DeliveryError';
    this.retryable = options.retryable ?? true;
  }
}

/** The command line asks for something that cannot work; the CLI exits with 2. */
export class UsageError extends OffloaderError {
  constructor(message: string, options: OffloaderErrorOptions = {}) {
    super('USAGE_INVALID', message, options);
    this.name = 'UsageError';
  }
}

/** Wraps anything thrown by plugin code so the message names the plugin and stage, keeping its code. */
export function attributeError(error: unknown, plugin: string, stage: string): OffloaderError {
  if (error instanceof OffloaderError) {
    error.plugin ??= plugin;
    error.stage ??= stage;
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OffloaderError('PLUGIN_FAILED', `${plugin} (${stage}): ${message}`, { cause: error, plugin, stage });
}
