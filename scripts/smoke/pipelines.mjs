// Pipelines of the binary smoke test, shared with the Node test that pins the expected dry-run output, so the
// executables and the Node CLI are held to the same bytes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The committed offload folder the smoke test reads (4 files, 39 rows: Data, Dataavg, alarms). */
export const FIXTURE_OFFLOAD = join(here, '..', '..', 'examples', 'quickstart', 'offload');
/** What `run --once --dry-run` prints over it, one JSON record per line. */
export const EXPECTED_DRY_RUN = join(here, 'fixtures', 'quickstart-dry-run.jsonl');

/**
 * Output lines in a fixed order for comparison: rows keep their order within a file, but which file is read
 * first follows the folder scan (modification times, which a checkout or a copy sets anew).
 */
export function sortedLines(text) {
  return text.split('\n').filter(Boolean).sort().join('\n');
}
export const EXPECTED_ROUTES = { data: 19, dataavg: 10, alarm: 10 };

const quoted = (path) => `'${path.replaceAll("'", "''")}'`;

/**
 * The smoke pipeline: the fixture folder into the embedded local Kinesis, files archived after delivery,
 * JSON logs to `log`. Paths are written as given, so a Windows run gets `C:\…` paths.
 */
export function smokePipeline({ offload, archive, state, log }) {
  return `name: smoke
state: ${quoted(state)}
log: { level: info, file: ${quoted(log)} }
sources:
  - type: dataminer-csv
    options:
      path: ${quoted(offload)}
      complete: { mode: stable, settleMs: 0 }
      pollIntervalMs: 500
      afterDelivery: archive
      archivePath: ${quoted(archive)}
sink:
  type: kinesis
  options:
    endpoint: local
    local: { shards: 2 }
    streams: { data: dm-trend, dataavg: dm-avg, alarm: dm-alarm }
    partitionKey: "{DMAID}/{EID}/{PID}"
`;
}

/** A pipeline `validate` must refuse with exit 2 (a misspelt option). */
export function badPipeline({ offload }) {
  return `sources:
  - type: dataminer-csv
    options: { path: ${quoted(offload)}, afterDelivry: archive }
sink: { type: kinesis, options: { endpoint: local, streams: { data: dm-trend } } }
`;
}

/** Plugins by path and by package name (examples/custom-plugin), plus one that throws the core's own error. */
export const CUSTOM_PLUGIN_EXAMPLE = join(here, '..', '..', 'examples', 'custom-plugin');
export const IDENTITY_PLUGIN = join(here, 'fixtures', 'identity-check.mjs');

/** A pipeline whose sink is the identity-check plugin at `plugin` (a path). */
export function identityPipeline({ offload, plugin }) {
  return `name: identity
state: ./state
sources:
  - type: dataminer-csv
    options: { path: ${quoted(offload)}, afterDelivery: keep }
sink:
  type: ${quoted(plugin)}
`;
}
