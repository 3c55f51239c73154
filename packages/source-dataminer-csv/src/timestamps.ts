/** A wall time read from a file: ISO text without zone or fraction, and Unix seconds in the source zone. */
export interface ParsedTime {
  iso: string;
  unix: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses `YYYY-MM-DD HH:mm:ss[.f…fffffff]` (a `T` separator is accepted too). The ISO text keeps the wall time
 * with the fraction truncated; `*_UNIX` is the wall time read in `sourceTimeZone` (`UTC`, `local` or IANA).
 * Returns undefined for anything else.
 */
export class TimestampParser {
  private readonly zone: 'utc' | 'local' | Intl.DateTimeFormat;
  /** Zone offset (ms) per wall-clock hour, so an IANA zone costs one Intl call per hour of data. */
  private readonly offsets = new Map<number, number>();

  constructor(sourceTimeZone: string) {
    if (sourceTimeZone.toUpperCase() === 'UTC') this.zone = 'utc';
    else if (sourceTimeZone.toLowerCase() === 'local') this.zone = 'local';
    else {
      // Throws RangeError for an unknown zone: checked once at start-up.
      this.zone = new Intl.DateTimeFormat('en-US', {
        timeZone: sourceTimeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    }
  }

  parse(text: string): ParsedTime | undefined {
    const length = text.length;
    if (length < 19) return undefined;
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    const separator = text.charCodeAt(10);
    if (
      year < 0 ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      hour < 0 ||
      hour > 23 ||
      minute < 0 ||
      minute > 59 ||
      second < 0 ||
      second > 59 ||
      text.charCodeAt(4) !== 45 ||
      text.charCodeAt(7) !== 45 ||
      (separator !== 32 && separator !== 84) ||
      text.charCodeAt(13) !== 58 ||
      text.charCodeAt(16) !== 58
    ) {
      return undefined;
    }
    if (day > DAYS_IN_MONTH[month - 1] && !(month === 2 && day === 29 && isLeap(year))) return undefined;
    if (length > 19) {
      if (text.charCodeAt(19) !== 46 || length === 20 || length > 27 || digits(text, 20, length - 20) < 0)
        return undefined;
    }
    const iso = separator === 84 && length === 19 ? text : `${text.slice(0, 10)}T${text.slice(11, 19)}`;
    return { iso, unix: this.toUnix(year, month, day, hour, minute, second) };
  }

  private toUnix(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    if (this.zone === 'utc') return wall / 1000;
    if (this.zone === 'local') return new Date(year, month - 1, day, hour, minute, second).getTime() / 1000;
    const hourKey = Math.floor(wall / 3_600_000);
    let offset = this.offsets.get(hourKey);
    if (offset === undefined) {
      // Two passes: the offset at the guessed instant, then at the corrected one (differs only around DST).
      const first = this.offsetAt(wall);
      const second = this.offsetAt(wall - first);
      offset = second;
      if (this.offsets.size > 10_000) this.offsets.clear();
      this.offsets.set(hourKey, offset);
    }
    return (wall - offset) / 1000;
  }

  /** Offset of the zone (local minus UTC, ms) at instant `utcMs`. */
  private offsetAt(utcMs: number): number {
    const parts = (this.zone as Intl.DateTimeFormat).formatToParts(new Date(utcMs));
    const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    const local = Date.UTC(
      value('year'),
      value('month') - 1,
      value('day'),
      value('hour'),
      value('minute'),
      value('second'),
    );
    return local - Math.floor(utcMs / 1000) * 1000;
  }
}

/** The decimal number in `text[start, start+count)`, or -1 when a character is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
