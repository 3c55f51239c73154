import { DataminerOptionsError } from './errors.js';
/** The three kinds of DataMiner central-DB offload files. */
export type DataminerKind = 'data' | 'dataavg' | 'alarm';

export const KINDS: readonly DataminerKind[] = ['data', 'dataavg', 'alarm'];

/**
 * Default column order per kind: the offload DB table columns in table order (spec §3, inferred, so each list
 * can be replaced per kind in YAML). Names not listed in {@link REQUIRED_COLUMNS} are read and dropped.
 */
export const DEFAULT_COLUMNS: Readonly<Record<DataminerKind, readonly string[]>> = {
  data: [
    'iId',
    'iDmaID',
    'iEid',
    'iPid',
    'chValue',
    'dtFirst',
    'iStatus',
    'chOwner',
    'chIndex',
    'elementName',
    'parameterName',
  ],
  dataavg: [
    'iId',
    'iDmaID',
    'iEid',
    'iPid',
    'avgValue',
    'maxValue',
    'minValue',
    'dtFirst',
    'iStatus',
    'chIndex',
    'elementName',
    'parameterName',
  ],
  alarm: [
    'Id',
    'DmaId',
    'EId',
    'PId',
    'PREVKey',
    'Value',
    'Severity',
    'SeverityLevel',
    'Toa',
    'Type',
    'Owner',
    'Status',
    'UserComment',
    'Uploaded',
    'SourceId',
    'UserStatus',
    'ROOTKey',
    'chIndex',
    'rcaLevel',
    'chDisplayIndex',
    'chElement',
    'chParameter',
    'chDisplayValue',
    'creationTime',
  ],
};

/** Columns a record of the kind is built from; a `columns` override must name each of them once. */
export const REQUIRED_COLUMNS: Readonly<Record<DataminerKind, readonly string[]>> = {
  data: DEFAULT_COLUMNS.data.filter((name) => name !== 'iId' && name !== 'chOwner'),
  dataavg: DEFAULT_COLUMNS.dataavg.filter((name) => name !== 'iId'),
  alarm: DEFAULT_COLUMNS.alarm,
};

/** Default sub-folder per kind (spec §1); matched case-insensitively, `.` = the offload root. */
export const DEFAULT_DIRS: Readonly<Record<DataminerKind, string>> = { data: 'Data', dataavg: 'Dataavg', alarm: '.' };

export const DEFAULT_DOCUMENT_TYPES: Readonly<Record<DataminerKind, string>> = {
  data: 'DATA',
  dataavg: 'DATAAVG',
  alarm: 'ALARM',
};

/** Position of each column name in `columns`; throws naming the first required column that is missing. */
export function columnIndexes(kind: DataminerKind, columns: readonly string[]): Record<string, number> {
  const indexes: Record<string, number> = {};
  columns.forEach((name, index) => {
    if (name in indexes) throw new DataminerOptionsError(`${kind}.columns names "${name}" twice`);
    indexes[name] = index;
  });
  for (const name of REQUIRED_COLUMNS[kind]) {
    if (!(name in indexes)) throw new DataminerOptionsError(`${kind}.columns must include "${name}"`);
  }
  return indexes;
}
