export { ClaimRegistry } from './ClaimRegistry.js';
export { createFolderSource, type FolderSourceSettings } from './createFolderSource.js';
export { type DeliveryStateParts, folderStatus, resetFolder } from './deliveryState.js';
export {
  type FileCheckpoint,
  type FolderCheckpointDocument,
  FolderCheckpoints,
  MAX_RECORDS_BEHIND,
} from './FolderCheckpoints.js';
export { byAge, FolderScanner } from './FolderScanner.js';
export { FolderSource } from './FolderSource.js';
export { FolderWatcher, WATCH_MIN_GAP_MS } from './FolderWatcher.js';
export { FolderEventCodes } from './fileEvents.js';
export { moveNoClobber } from './fileMoves.js';
export {
  type FolderOptionDefaults,
  type FolderPluginOptions,
  folderOptionsProperties,
  folderPathProblems,
  folderPathProperty,
  folderSettingsFrom,
} from './options.js';
export { isForbiddenFolder, NamePatterns } from './patterns.js';
export { Readiness } from './Readiness.js';
export { RejectedOutput, type RejectedRow } from './RejectedOutput.js';
export { asBuffer, sniffText, type TextEncoding, type TextLayout } from './text/encodings.js';
export { type LineChunk, type LineReadOptions, readLineBytes, readLines } from './text/LineReader.js';
export { readUtf8Chunks } from './text/readUtf8Chunks.js';
export {
  type AfterDelivery,
  CLAIMS_DIR,
  type CompleteRule,
  DEFAULT_IGNORE,
  DEFAULT_INCLUDE,
  type DecodeContext,
  type DecodedItem,
  type DecodedRecord,
  type DecodedRowError,
  type DecodeNotice,
  FileDecodeError,
  type FileDecoder,
  type FolderFile,
  type FolderKind,
  type FolderServices,
  type FolderSourceOptions,
  type ResumePoint,
} from './types.js';
