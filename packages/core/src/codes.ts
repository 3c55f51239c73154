/**
 * Every stable code Offloader uses, for errors (`OffloaderError.code`) and events (`OffloadEvent.code`), with
 * what it means. Sorted; never rename or reuse a code: users match on them. `docs/codes.md` is generated from
 * this table (`npm run docs:codes`) and a test fails when it is stale.
 */
export const CODES = {
  ACK_PROTOCOL: { use: 'error', meaning: 'A source acknowledged a batch twice or out of order (a plugin bug).' },
  CHECKPOINT_IO: { use: 'error', meaning: 'A checkpoint file could not be read or written.' },
  CONFIG_ENV_MISSING: { use: 'error', meaning: 'The pipeline file names an environment variable that is not set.' },
  CONFIG_INVALID: { use: 'error', meaning: 'The pipeline file does not match the schema; every problem is listed.' },
  CONFIG_NOT_FOUND: { use: 'error', meaning: 'The pipeline file does not exist or cannot be read.' },
  CONFIG_YAML_SYNTAX: { use: 'error', meaning: 'The pipeline file is not valid YAML.' },
  CREDENTIALS_REJECTED: {
    use: 'event',
    meaning: 'The stream rejected the credentials; writes to it pause and the data is kept.',
  },
  DATA_ENCODING_INVALID: { use: 'error', meaning: "A custom record's Data is not valid for its dataEncoding." },
  FILE_CLAIMED: { use: 'error', meaning: 'Another Offloader instance holds the file; this one leaves it alone.' },
  FILE_DELIVERY_FAILED: {
    use: 'event',
    meaning: "Some of a file's records could not be delivered now; the file stays and is offered again.",
  },
  FILE_EMPTY: { use: 'event', meaning: 'The file holds no records; it is archived or deleted like a delivered one.' },
  FILE_IO: { use: 'error+event', meaning: 'A file could not be read, moved or written (permissions, full disk).' },
  FILE_KEPT: {
    use: 'event',
    meaning:
      'A rejected row was too large to copy to the rejected output, so the file is kept in quarantine instead of deleted.',
  },
  FILE_OUTSIDE_ROOT: {
    use: 'event',
    meaning: 'The file resolves (through a link) outside the watched folder; it is quarantined.',
  },
  FILE_QUARANTINED: { use: 'event', meaning: 'The file was moved to quarantine with a note of why.' },
  FILE_READ_RETRY: { use: 'event', meaning: 'Reading the file failed for a reason that may pass; it is retried.' },
  FILE_UNPARSABLE: { use: 'error', meaning: 'The file as a whole cannot be decoded; it is quarantined at once.' },
  FILE_UNREADABLE: {
    use: 'event',
    meaning: 'A file cannot be opened (no permission); it is skipped and tried again later, reported once.',
  },
  FILE_VANISHED: { use: 'event', meaning: 'The file disappeared while being read (deleted or moved by someone else).' },
  JSON_SYNTAX: { use: 'error', meaning: 'A JSON document or JSON line is not valid JSON.' },
  KPL_INVALID: { use: 'error', meaning: 'A KPL aggregated record is malformed and cannot be read back.' },
  LOCAL_SERVER_FAILED: {
    use: 'error',
    meaning: 'The embedded local Kinesis (endpoint: local) could not start; kinesalite may be missing.',
  },
  PARTITION_KEY_INVALID: {
    use: 'error+event',
    meaning: 'The partition key or explicit hash key breaks a Kinesis limit; the record is rejected.',
  },
  PIPELINE_STARTED: { use: 'event', meaning: 'The pipeline started every part and is reading.' },
  PIPELINE_STOPPED: { use: 'event', meaning: 'The pipeline drained, committed its checkpoints and stopped.' },
  PLUGIN_DUPLICATE: { use: 'error', meaning: 'Two plugins register the same kind and type.' },
  PLUGIN_FAILED: { use: 'error', meaning: 'A plugin threw an error without a code of its own.' },
  PLUGIN_LOAD_FAILED: { use: 'error', meaning: 'A plugin module could not be loaded.' },
  PLUGIN_NOT_STARTED: { use: 'error', meaning: 'A plugin was used before its start() finished (a runner bug).' },
  PLUGIN_OPTIONS_INVALID: { use: 'error', meaning: "A plugin's options do not match its schema or each other." },
  PLUGIN_UNKNOWN: { use: 'error', meaning: 'The pipeline names a plugin type no registered plugin has.' },
  RECORD_INVALID: {
    use: 'error+event',
    meaning:
      'A record does not match its record schema, or the service refuses it (found by splitting the request); it is rejected.',
  },
  RECORD_NOT_DECODABLE: { use: 'error', meaning: 'A record read back from a stream is not in the asked format.' },
  RECORD_REJECTED: { use: 'event', meaning: "The sink rejected some of a file's records; they are quarantined." },
  RECORD_TOO_LARGE: { use: 'error+event', meaning: 'The record is larger than Kinesis accepts; it is rejected.' },
  RESET_BUSY: {
    use: 'error',
    meaning: '`offloader reset` refused: a running instance holds files of that source; stop it first.',
  },
  ROUTE_UNMAPPED: {
    use: 'error+event',
    meaning: "The record's route has no stream and there is no defaultStream; it is rejected.",
  },
  ROW_INVALID: { use: 'error+event', meaning: 'An input row cannot become a record; it is quarantined.' },
  SINK_ABORTED: { use: 'error', meaning: 'A write stopped because the pipeline is stopping; the data is kept.' },
  SINK_CREDENTIALS: { use: 'error', meaning: 'Writes fail because the credentials were rejected; the data is kept.' },
  SINK_NON_RETRYABLE: {
    use: 'error+event',
    meaning: 'The stream answered with an error retrying cannot fix; writes to it pause, the data is kept.',
  },
  SINK_RETRIES_EXHAUSTED: {
    use: 'error+event',
    meaning: 'Records were not written within the retry limits; the source keeps them for later.',
  },
  SINK_UNREACHABLE: { use: 'error', meaning: 'The stream endpoint cannot be reached.' },
  STATE_RECOVERED: {
    use: 'event',
    meaning:
      'A checkpoint, claim or done marker was missing, empty, cut short or unparsable (power cut, disk fault); an earlier state was used and the records after it are sent again, none skipped.',
  },
  STORAGE_UNWRITABLE: {
    use: 'event',
    meaning:
      'The state, archive or quarantine folder takes no writes (disk full, read-only): no new work is taken, everything is kept, and the folder is probed with backoff.',
  },
  STORAGE_WRITABLE: { use: 'event', meaning: 'A folder that took no writes takes them again; reading resumes.' },
  STREAM_NOT_ALLOWED: {
    use: 'error+event',
    meaning: 'A custom file names a stream that is not in allowedStreams; the file is quarantined.',
  },
  STREAM_NOT_FOUND: {
    use: 'error+event',
    meaning: 'The stream does not exist or is not ACTIVE; writes to it pause, the data is kept.',
  },
  STREAM_RECOVERED: { use: 'event', meaning: 'A stream that was unreachable or paused answers again.' },
  STREAM_UNREACHABLE: { use: 'event', meaning: 'The stream endpoint cannot be reached; records are kept and retried.' },
  THROTTLING_ENDED: { use: 'event', meaning: 'A stream accepts writes without throttling again.' },
  THROTTLING_STARTED: {
    use: 'event',
    meaning: 'A stream refuses writes with ProvisionedThroughputExceeded; concurrency is lowered.',
  },
  UNKNOWN_ENUM_ID: {
    use: 'event',
    meaning: 'A DataMiner row holds an enum id the lookup tables do not know; a placeholder text is sent instead.',
  },
  USAGE_INVALID: { use: 'error', meaning: 'The command line asks for something that cannot work (exit code 2).' },
} as const satisfies Record<string, { use: 'error' | 'event' | 'error+event'; meaning: string }>;

/** A stable code of an error or an event. */
export type Code = keyof typeof CODES;

/** Every code, sorted. */
export const ErrorCodes = Object.keys(CODES).sort() as Code[];
