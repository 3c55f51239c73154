import type { LookupOptions } from './options.js';

/** DataMiner's `slenumvalues` table (spec §4.1): one table for every alarm id field. */
export const DEFAULT_ENUM: Readonly<Record<number, string>> = {
  1: 'Critical',
  2: 'Major',
  3: 'Minor',
  4: 'Warning',
  5: 'Normal',
  6: 'High',
  7: 'Low',
  8: 'Escalated',
  9: 'Dropped',
  10: 'New Alarm',
  11: 'Cleared',
  12: 'Open',
  13: 'Information',
  14: 'Mobile Gateway',
  15: 'Service Monitor',
  16: 'DataMiner System',
  17: 'Timeout',
  18: 'Not Assigned',
  19: 'Acknowledged',
  20: 'Resolved',
  21: 'Unresolved',
  22: 'Comment Added',
  23: 'Correlation Engine',
  24: 'Error',
  25: 'Mask',
  26: 'Automation Engine',
  27: 'Unmask',
  28: 'Notice',
  29: 'WatchDog',
  30: 'External',
  31: 'Dropped from Critical',
  32: 'Dropped from Major',
  33: 'Dropped from Minor',
  34: 'Dropped from Warning',
  35: 'Escalated from Warning',
  36: 'Escalated from Minor',
  37: 'Escalated from Major',
  38: 'Flipped',
  39: 'System Display',
  40: 'Service impact changed',
  41: 'Value changed',
  42: 'Name changed',
  43: 'RCA-level changed',
  44: 'Element',
  45: 'Service',
  46: 'View',
  47: 'Read-only',
  48: 'Read-write',
  49: 'Alarm',
  50: 'Properties changed',
  51: 'Protocol',
  52: 'Internal',
  53: 'Threshold changed',
  54: 'Clearable',
  55: 'Interface changed',
  56: 'Aggregation',
  57: 'Base alarms changed',
  58: 'DataMiner Analytics',
  59: 'Tickets changed',
  60: 'View info changed',
  61: 'Clustering engine',
  62: 'Suggestion',
  63: 'Suggestion engine',
  64: 'Virtual function impact changed',
};

/** iStatus → ISTATUS_DESC (spec §4.2; only 0 and 5 are confirmed wordings, the rest is ours). */
export const DEFAULT_ISTATUS: Readonly<Record<number, string>> = {
  120: 'AVG Trending point (timewindow last day)',
  60: 'AVG Trending point (timewindow last 60 minutes)',
  5: 'AVG Trending point (timewindow last 5 minutes)',
  0: 'Realtime trending point',
  '-1': 'Element starting up',
  '-2': 'Element paused',
  '-3': 'Element activated',
  '-4': 'Element entering timeout',
  '-5': 'Element leaving timeout',
  '-6': 'Element stopped',
  '-7': 'State with display value received',
  '-8': 'Normal value after state value',
  '-9': 'Trending started',
  '-10': 'Trending stopped',
  '-11': 'Parameter value cleared',
  '-12': 'Value received after clear',
  '-13': 'First value since element start',
  '-14': 'First value since element start (exception value)',
  '-15': 'Table row added',
  '-16': 'Table row deleted',
  '-17': 'Monitoring activated',
  '-18': 'Monitoring deactivated',
};

/** Alarm fields resolved through the enum table. */
export type EnumField = 'SEVERITY' | 'SEVERITY_LEVEL' | 'TYPE' | 'STATUS' | 'SOURCE' | 'USERSTATUS';

/** Receives each id that is missing from its table (the decoder turns them into one event per file). */
export type UnknownIdListener = (field: string, id: number, text: string) => void;

/**
 * Id → text lookups: the shipped tables, user entries merged over them, per-field overrides on top. An unknown
 * id keeps its number and gets the `unknownText` template.
 */
export class Lookups {
  private readonly enumTexts: Map<number, string>;
  private readonly istatusTexts: Map<number, string>;
  private readonly overrides = new Map<string, Map<number, string>>();

  constructor(private readonly options: LookupOptions) {
    this.enumTexts = toMap({ ...DEFAULT_ENUM, ...options.enum });
    this.istatusTexts = toMap({ ...DEFAULT_ISTATUS, ...options.istatus });
    for (const [field, entries] of Object.entries(options.overrides)) this.overrides.set(field, toMap(entries));
  }

  enumText(field: EnumField, id: number, onUnknown: UnknownIdListener): string {
    const text = this.overrides.get(field)?.get(id) ?? this.enumTexts.get(id);
    if (text !== undefined) return text;
    const unknown = this.options.unknownText.replaceAll('{id}', String(id));
    onUnknown(field, id, unknown);
    return unknown;
  }

  istatusText(id: number, onUnknown: UnknownIdListener): string {
    const text = this.istatusTexts.get(id);
    if (text !== undefined) return text;
    const unknown = this.options.unknownIstatusText.replaceAll('{id}', String(id));
    onUnknown('ISTATUS_DESC', id, unknown);
    return unknown;
  }
}

function toMap(entries: Record<string | number, string>): Map<number, string> {
  return new Map(Object.entries(entries).map(([id, text]) => [Number(id), text]));
}
