export { DocumentStructureError } from './JsonRecordsScanner.js';
export { type CustomSourceOptions, customSourceOptionsSchema, type DataEncoding, type FileFormat } from './options.js';
export { CUSTOM_ROUTE, customSource, plugins } from './plugin.js';
