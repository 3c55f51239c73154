import { FieldError } from './errors.js';
import type { ParsedTime, TimestampParser } from './timestamps.js';

const TIME_FORMAT = 'expected YYYY-MM-DD HH:mm:ss[.fffffff]';

/**
 * Reads typed values out of a split row: null tokens, optional MySQL backslash escapes, strict integers and
 * date-times. Failures throw {@link FieldError} naming the column.
 */
export class FieldReader {
  private readonly nullTokens: Set<string>;
  /** Longest null token: a longer field is not null without hashing it (most fields, on every row). */
  private readonly longestNull: number;

  constructor(
    nullTokens: readonly string[],
    private readonly backslashEscapes: boolean,
    private readonly timestamps: TimestampParser,
  ) {
    this.nullTokens = new Set(nullTokens);
    this.longestNull = Math.max(-1, ...nullTokens.map((token) => token.length));
  }

  isNull(raw: string): boolean {
    return raw.length <= this.longestNull && this.nullTokens.has(raw);
  }

  /** Text column: null becomes `""`; the text is kept exactly (after unescaping, when enabled). */
  text(raw: string): string {
    if (this.isNull(raw)) return '';
    return this.backslashEscapes && raw.includes('\\') ? unescapeBackslashes(raw) : raw;
  }

  /** Raw text without null handling beyond `""` (e.g. UPLOADED, documented as unused). */
  int(raw: string, column: string): number {
    const value = parseInteger(raw);
    if (value === undefined) {
      throw new FieldError(
        column,
        this.isNull(raw) ? 'is empty (null) but must be an integer' : `"${raw}" is not an integer`,
      );
    }
    return value;
  }

  intOrNull(raw: string, column: string): number | null {
    return this.isNull(raw) ? null : this.int(raw, column);
  }

  time(raw: string, column: string): ParsedTime {
    const parsed = this.timestamps.parse(raw);
    if (parsed === undefined) {
      throw new FieldError(
        column,
        this.isNull(raw) ? `is empty (null) but must be a date-time` : `"${raw}" is not a date-time (${TIME_FORMAT})`,
      );
    }
    return parsed;
  }

  timeOrNull(raw: string, column: string): ParsedTime | null {
    return this.isNull(raw) ? null : this.time(raw, column);
  }
}

/** Strict decimal integer (optional `-`), within the safe integer range; undefined otherwise. */
export function parseInteger(text: string): number | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (length > 0 && text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  if (i === length || length - i > 16) return undefined;
  let value = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (value > Number.MAX_SAFE_INTEGER) return undefined;
  return negative ? -value : value;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\', '0': '\0' };

/** Undoes MySQL `LOAD DATA` escapes; an unknown escape keeps the character after the backslash. */
export function unescapeBackslashes(text: string): string {
  return text.replace(/\\(.)/gs, (_match, char: string) => ESCAPES[char] ?? char);
}
