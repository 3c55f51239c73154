// Entry of the single executable. Plugins loaded at run time get these very module instances (one registry,
// one set of classes) when they import an @offloader package. Only the CLI is loaded at start: the others,
// and the AWS SDK with the sink, load when a command or a plugin needs them (`--version` and `validate` need
// no SDK; loading every package up front was most of their cold start). The embedded local Kinesis
// (@offloader/sink-kinesis/local) stays lazy and is not offered to plugins.
import * as cli from '@offloader/cli';
import { shareBundledModules } from './bundled-modules.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `require` is esbuild's here: it initialises a bundled module on first use, the same instance the CLI's own
// `import()` gets (module hooks are synchronous, so an `import()` could not serve them).
shareBundledModules({
  '@offloader/cli': () => cli,
  '@offloader/core': () => require('@offloader/core'),
  '@offloader/sink-kinesis': () => require('@offloader/sink-kinesis'),
  '@offloader/source-custom': () => require('@offloader/source-custom'),
  '@offloader/source-dataminer-csv': () => require('@offloader/source-dataminer-csv'),
  '@offloader/status': () => require('@offloader/status'),
});
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
