import 'reflect-metadata';

// Plugin contract
/** Derives a plugin's options type from its `as const` JSON Schema: what the registry hands `create()`. */
export type { FromSchema } from 'json-schema-to-ts';
/** Re-exported so plugin classes get tsyringe's decorators after the metadata polyfill is loaded. */
export { type DependencyContainer, inject, injectable, instanceCachingFactory } from 'tsyringe';
// Pipeline API
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
// Errors and codes
export type { Code } from './codes.js';
export { CODES, ErrorCodes } from './codes.js';
export { renderCodesMarkdown } from './codesDoc.js';
export type { LoadedPipeline, PipelineDefinition, PipelineInput, PluginUse } from './config.js';
export {
  loadPipelineFile,
  parsePipeline,
  pipelineJsonSchema,
  pipelineSchema,
  validatePipelineObject,
} from './config.js';
export type { PipelineServices, RunMode } from './container.js';
export { coreServices, createPipelineContainer, createPluginContext } from './container.js';
export { pipelineStatus, resetPipeline } from './deliveryState.js';
export type { ConfigProblem, ErrorCode, OffloaderErrorOptions } from './errors.js';
export {
  ConfigError,
  DeliveryError,
  OffloaderError,
  PluginError,
  RecordRejectedError,
  RowError,
  UsageError,
} from './errors.js';
export type { EventFilter, EventInput, OffloadEvent, Severity } from './events.js';
export { EventLog, SEVERITY_RANK } from './events.js';
// Folder framework for file sources
export type {
  AfterDelivery,
  CompleteRule,
  DecodeContext,
  DecodedItem,
  DecodedRecord,
  DecodedRowError,
  DecodeNotice,
  FileDecoder,
  FolderFile,
  FolderKind,
  FolderOptionDefaults,
  FolderPluginOptions,
  LineChunk,
  LineReadOptions,
  ResumePoint,
  TextEncoding,
  TextLayout,
} from './folder/index.js';
export {
  asBuffer,
  createFolderSource,
  FileDecodeError,
  folderOptionsProperties,
  folderPathProblems,
  folderPathProperty,
  folderSettingsFrom,
  readLineBytes,
  readLines,
  readUtf8Chunks,
  sniffText,
} from './folder/index.js';
export type { HealthCondition, HealthReport, HealthStatus } from './health.js';
export { limitHeapGrowth } from './heapGrowth.js';
export type { Logger, LoggerOptions } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
// Metrics
export type { HistogramValue, Labels, MetricDefinition, Metrics, MetricsSnapshot, Series } from './metrics.js';
export { Metric, PromMetrics, SHARD_METRICS, UNKNOWN_SHARD } from './metrics.js';
export type { PipelineOptions } from './pipeline.js';
export { corePlugins, Pipeline } from './pipeline.js';
export type {
  BatchingPolicy,
  PluginContext,
  PluginDefinition,
  PluginInstance,
  PluginKind,
  RouteOrigin,
  Sink,
  Source,
  SourceBatch,
  SourceReset,
  SourceStatus,
  Transformer,
} from './plugin.js';
export { definePlugin } from './plugin.js';
export type { BatchAck, OffloadRecord, RecordOrigin, RecordOutcome } from './record.js';
export { payloadOf, summariseOutcomes } from './record.js';
export type { OptionsProblem } from './registry.js';
export { PluginRegistry, resolveOptions } from './registry.js';
export type { QueueState, RunnerOptions } from './runner.js';
export { PipelineRunner } from './runner.js';
export type { RunSummary, SourceSummary } from './runSummary.js';
export { NullSink } from './sinks/stdout.js';
export { Tokens } from './tokens.js';
