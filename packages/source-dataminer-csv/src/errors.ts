import { OffloaderError, type OffloaderErrorOptions, RowError } from '@offloader/core';

/** The options of a dataminer-csv source cannot be used (bad column list, zone, properties file...). */
export class DataminerOptionsError extends OffloaderError {
  constructor(message: string, options: OffloaderErrorOptions = {}) {
    super('PLUGIN_OPTIONS_INVALID', message, options);
    this.name = 'DataminerOptionsError';
  }
}

/**
 * One field of a row is unusable. Thrown by the row mappers on the hot path, so it skips the stack trace;
 * the decoder turns it into a {@link RowError} naming file and line.
 */
export class FieldError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}

  toRowError(file: string, line: number): RowError {
    return new RowError(`${this.field}: ${this.reason}`, { file, line, field: this.field });
  }
}
