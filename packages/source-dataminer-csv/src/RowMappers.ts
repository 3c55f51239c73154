import { columnIndexes, type DataminerKind } from './columns.js';
import { DataminerOptionsError } from './errors.js';
import type { FieldReader } from './FieldReader.js';
import type { Lookups, UnknownIdListener } from './lookups.js';
import type { AlarmOptions, KindOptions } from './options.js';

/** Shared settings of the row mappers. */
export interface MapperSettings {
  reader: FieldReader;
  lookups: Lookups;
  /** Element name → ELEMENT_PROPERTIES (data and dataavg only). */
  elementProperties?: ReadonlyMap<string, unknown>;
  /** Static fields of every kind, merged under the kind's own. */
  extraFields: Record<string, unknown>;
}

/** Builds the JSON document of one row of a kind, fields in the order of the connector's records. */
export abstract class RowMapper {
  /** Fields a row must have. */
  readonly fieldCount: number;
  /** Route of the last mapped row when it differs from the kind's route (alarm info events). */
  route: string | undefined;
  protected readonly at: Record<string, number>;
  protected readonly documentType: string;
  private readonly extras: [string, unknown][];

  constructor(
    readonly kind: DataminerKind,
    protected readonly options: KindOptions,
    protected readonly settings: MapperSettings,
  ) {
    this.at = columnIndexes(kind, options.columns);
    this.fieldCount = options.columns.length;
    this.documentType = options.documentType;
    this.extras = Object.entries({ ...settings.extraFields, ...options.extraFields });
  }

  /** The record, or undefined when the row is dropped on purpose (info events with `infoEvents: drop`). */
  abstract map(fields: string[], onUnknown: UnknownIdListener): Record<string, unknown> | undefined;

  /** Repairs a row with too many fields, when the kind allows it; undefined otherwise. */
  repair(_fields: string[], _delimiter: string): string[] | undefined {
    return undefined;
  }

  protected finish(record: Record<string, unknown>, withProperties: boolean): Record<string, unknown> {
    const properties = withProperties ? this.settings.elementProperties?.get(record.ELEMENT_NAME as string) : undefined;
    if (properties !== undefined) record.ELEMENT_PROPERTIES = properties;
    for (const [name, value] of this.extras) record[name] = value;
    return record;
  }
}

/**
 * Trend rows: real-time (`data`) and average (`dataavg`) records share every field but the value, which each kind
 * adds in its place so the fields keep the connector's order.
 */
abstract class TrendMapper extends RowMapper {
  protected abstract addValue(record: Record<string, unknown>, f: string[]): void;

  map(f: string[], onUnknown: UnknownIdListener) {
    const { reader, lookups } = this.settings;
    const at = this.at;
    const time = reader.time(f[at.dtFirst], 'dtFirst');
    const status = reader.int(f[at.iStatus], 'iStatus');
    const record: Record<string, unknown> = {
      DOCUMENT_TYPE: this.documentType,
      DMAID: reader.int(f[at.iDmaID], 'iDmaID'),
      EID: reader.int(f[at.iEid], 'iEid'),
      PID: reader.int(f[at.iPid], 'iPid'),
      INDEX: reader.text(f[at.chIndex]),
    };
    this.addValue(record, f);
    record.TIMESTAMP = time.iso;
    record.TIMESTAMP_UNIX = time.unix;
    record.ISTATUS = status;
    record.ISTATUS_DESC = lookups.istatusText(status, onUnknown);
    record.ELEMENT_NAME = reader.text(f[at.elementName]);
    record.PARAMETER_NAME = reader.text(f[at.parameterName]);
    return this.finish(record, true);
  }
}

/** Real-time trend rows (`data` table). */
export class DataMapper extends TrendMapper {
  protected addValue(record: Record<string, unknown>, f: string[]): void {
    record.VALUE = this.settings.reader.text(f[this.at.chValue]);
  }
}

/** Average trend rows (`dataavg` table): the file holds avg, **max**, min. */
export class DataAvgMapper extends TrendMapper {
  protected addValue(record: Record<string, unknown>, f: string[]): void {
    const { reader } = this.settings;
    const at = this.at;
    record.AVGTREND = {
      AVG: reader.text(f[at.avgValue]),
      MIN: reader.text(f[at.minValue]),
      MAX: reader.text(f[at.maxValue]),
    };
  }
}

const INFO_SEVERITY = 13;

/** Alarm rows (`alarm` table, and `info` rows that share its 24 columns). */
export class AlarmMapper extends RowMapper {
  private readonly mergeIndex: number;

  constructor(options: AlarmOptions, settings: MapperSettings) {
    super('alarm', options, settings);
    this.mergeIndex = options.mergeOverflowInto === 'none' ? -1 : (this.at[options.mergeOverflowInto] ?? -2);
    if (this.mergeIndex === -2)
      throw new DataminerOptionsError(
        `alarm.mergeOverflowInto names "${options.mergeOverflowInto}", which is not in alarm.columns`,
      );
  }

  private get alarm(): AlarmOptions {
    return this.options as AlarmOptions;
  }

  override repair(fields: string[], delimiter: string): string[] | undefined {
    const extra = fields.length - this.fieldCount;
    if (this.mergeIndex < 0 || extra <= 0) return undefined;
    const merged = fields.slice(this.mergeIndex, this.mergeIndex + extra + 1).join(delimiter);
    return [...fields.slice(0, this.mergeIndex), merged, ...fields.slice(this.mergeIndex + extra + 1)];
  }

  map(f: string[], onUnknown: UnknownIdListener) {
    const { reader, lookups } = this.settings;
    const options = this.alarm;
    const at = this.at;
    const severity = reader.int(f[at.Severity], 'Severity');
    this.route = undefined;
    let documentType = this.documentType;
    if (severity === INFO_SEVERITY && options.infoEvents !== 'keep') {
      if (options.infoEvents === 'drop') return undefined;
      this.route = options.infoRoute;
      documentType = options.infoDocumentType;
    }
    const level = reader.int(f[at.SeverityLevel], 'SeverityLevel');
    const toa = reader.time(f[at.Toa], 'Toa');
    const type = reader.int(f[at.Type], 'Type');
    const status = reader.int(f[at.Status], 'Status');
    const source = reader.int(f[at.SourceId], 'SourceId');
    const userStatus = reader.int(f[at.UserStatus], 'UserStatus');
    const rcaLevel = reader.intOrNull(f[at.rcaLevel], 'rcaLevel');
    const created =
      reader.timeOrNull(f[at.creationTime], 'creationTime') ?? (options.creationTimeFallback === 'toa' ? toa : null);
    return this.finish(
      {
        DOCUMENT_TYPE: documentType,
        DMAID: reader.int(f[at.DmaId], 'DmaId'),
        EID: reader.int(f[at.EId], 'EId'),
        PID: reader.int(f[at.PId], 'PId'),
        ALARMID: reader.int(f[at.Id], 'Id'),
        PREVKEY: reader.int(f[at.PREVKey], 'PREVKey'),
        VALUE: reader.text(f[at.Value]),
        SEVERITY_ID: severity,
        SEVERITY: lookups.enumText('SEVERITY', severity, onUnknown),
        SEVERITY_LEVEL_ID: level,
        SEVERITY_LEVEL: lookups.enumText('SEVERITY_LEVEL', level, onUnknown),
        TOA: toa.iso,
        TOA_UNIX: toa.unix,
        TYPE_ID: type,
        TYPE: lookups.enumText('TYPE', type, onUnknown),
        OWNER: reader.text(f[at.Owner]),
        STATUS_ID: status,
        STATUS: lookups.enumText('STATUS', status, onUnknown),
        USERCOMMENT: reader.text(f[at.UserComment]),
        UPLOADED: reader.text(f[at.Uploaded]),
        SOURCE_ID: source,
        SOURCE: lookups.enumText('SOURCE', source, onUnknown),
        USERSTATUS_ID: userStatus,
        USERSTATUS: lookups.enumText('USERSTATUS', userStatus, onUnknown),
        ROOTKEY: reader.int(f[at.ROOTKey], 'ROOTKey'),
        INDEX: reader.text(f[at.chIndex]),
        RCALEVEL: rcaLevel ?? options.rcaLevelNull,
        DISPLAY_INDEX: reader.text(f[at.chDisplayIndex]),
        ELEMENT_NAME: reader.text(f[at.chElement]),
        PARAMETER_NAME: reader.text(f[at.chParameter]),
        DISPLAY_VALUE: reader.text(f[at.chDisplayValue]),
        CREATIONTIME: created === null ? '' : created.iso,
        CREATIONTIME_UNIX: created === null ? null : created.unix,
      },
      false,
    );
  }
}

/** The mapper of each kind. */
export function createMapper(
  kind: DataminerKind,
  options: KindOptions | AlarmOptions,
  settings: MapperSettings,
): RowMapper {
  if (kind === 'data') return new DataMapper(kind, options, settings);
  if (kind === 'dataavg') return new DataAvgMapper(kind, options, settings);
  return new AlarmMapper(options as AlarmOptions, settings);
}
