#!/usr/bin/env node
import { statSync } from 'node:fs';

// The AWS SDK warns on every start under Node 20 about its 2027 support policy; the README states the Node
// support instead, so the warning is silenced unless the user set the variable themselves.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// One file (scripts/bundle-cli.mjs, part of the build): starting from the ~40 separate modules took a fifth longer.
// `tsc -b` alone compiles the modules but leaves the bundle as it was, which would then run older code than the
// sources: a bundle older than this package's last TypeScript build gives way to the modules. npm packs every file
// with one date, so an installed package starts the bundle.
const modifiedAt = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? 0;
const entry = modifiedAt('../dist/.tsbuildinfo') > modifiedAt('../dist/offloader.js') ? 'main' : 'offloader';
const { main } = await import(`../dist/${entry}.js`);

process.exitCode = await main(process.argv.slice(2));
