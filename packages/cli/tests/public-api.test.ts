import { describe, expect, it } from 'vitest';

/**
 * The runtime names each published package exports. A new export is a decision, not an accident: change this
 * table in the same commit, and say why in the message.
 */
const PUBLIC_API: Record<string, string[]> = {
  '@offloader/core': [
    'CODES',
    'ConfigError',
    'DeliveryError',
    'ErrorCodes',
    'EventLog',
    'FileDecodeError',
    'Metric',
    'NullSink',
    'OffloaderError',
    'Pipeline',
    'PipelineRunner',
    'PluginError',
    'PluginRegistry',
    'PromMetrics',
    'RecordRejectedError',
    'RowError',
    'SEVERITY_RANK',
    'SHARD_METRICS',
    'Tokens',
    'UNKNOWN_SHARD',
    'UsageError',
    'asBuffer',
    'corePlugins',
    'coreServices',
    'createFolderSource',
    'createLogger',
    'createPipelineContainer',
    'createPluginContext',
    'definePlugin',
    'folderOptionsProperties',
    'folderPathProperty',
    'folderPathProblems',
    'folderSettingsFrom',
    'inject',
    'injectable',
    'instanceCachingFactory',
    'limitHeapGrowth',
    'loadPipelineFile',
    'parsePipeline',
    'payloadOf',
    'pipelineJsonSchema',
    'pipelineSchema',
    'renderCodesMarkdown',
    'resolveOptions',
    'silentLogger',
    'summariseOutcomes',
    'systemClock',
    'pipelineStatus',
    'readLineBytes',
    'readLines',
    'readUtf8Chunks',
    'resetPipeline',
    'sniffText',
    'validatePipelineObject',
  ],
  '@offloader/status': ['ProgressReporter', 'StatsHistory', 'formatRunSummary', 'startStatusServer'],
  '@offloader/sink-kinesis': [
    'KinesisLimits',
    'KinesisSink',
    'KinesisTokens',
    'LocalServerError',
    'RoutePausedError',
    'USER_RECORDS_PUT',
    'createKinesisClient',
    'deaggregate',
    'kinesisSink',
    'kinesisSinkOptionsSchema',
    'plugins',
    'tailStream',
  ],
  '@offloader/sink-kinesis/local': ['LOCAL_CREDENTIALS', 'LOCAL_REGION', 'startLocalKinesis'],
  // The definition alone, without the sink and the AWS SDK: what `offloader validate` loads.
  '@offloader/sink-kinesis/plugin': ['kinesisSink', 'plugins', 'routeProblems'],
  '@offloader/source-dataminer-csv': [
    'DataminerOptionsError',
    'KINDS',
    'dataminerCsvSource',
    'optionsSchema',
    'plugins',
  ],
  '@offloader/source-custom': [
    'CUSTOM_ROUTE',
    'DocumentStructureError',
    'customSource',
    'customSourceOptionsSchema',
    'plugins',
  ],
  '@offloader/cli': ['ExitCode', 'builtinPlugins', 'createBuiltinRegistry', 'main', 'reportError'],
};

describe('public API', () => {
  it.each(Object.entries(PUBLIC_API))('%s exports exactly the names in the table', async (name, expected) => {
    const module = (await import(name)) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toEqual([...expected].sort());
  });
});
