// @ts-check
// Column names and folders of the DataMiner offload kinds, for the baselines that parse files without Offloader.
export { DEFAULT_COLUMNS as COLUMNS } from '@offloader/source-dataminer-csv';

export const FOLDERS = { data: 'Data', dataavg: 'Dataavg', alarm: '.' };
