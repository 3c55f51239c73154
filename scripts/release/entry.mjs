// Entry of the single executable. Plugins loaded at run time get these very module instances (one registry,
// one set of classes) when they import an @offloader package. All of them are loaded by the CLI anyway; the
// embedded local Kinesis (@offloader/sink-kinesis/local) stays lazy and is not offered to plugins.
import * as cli from '@offloader/cli';
import * as core from '@offloader/core';
import * as sinkKinesis from '@offloader/sink-kinesis';
import * as sourceCustom from '@offloader/source-custom';
import * as sourceDataminerCsv from '@offloader/source-dataminer-csv';
import * as status from '@offloader/status';
import { shareBundledModules } from './bundled-modules.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
shareBundledModules({
  '@offloader/cli': cli,
  '@offloader/core': core,
  '@offloader/sink-kinesis': sinkKinesis,
  '@offloader/source-custom': sourceCustom,
  '@offloader/source-dataminer-csv': sourceDataminerCsv,
  '@offloader/status': status,
});
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
