#!/usr/bin/env node
// The AWS SDK warns on every start under Node 20 about its 2027 support policy; the README states the Node
// support instead, so the warning is silenced unless the user set the variable themselves.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// One file (scripts/bundle-cli.mjs, part of the build): starting from the ~40 separate modules took a fifth longer.
const { main } = await import('../dist/offloader.js');

process.exitCode = await main(process.argv.slice(2));
