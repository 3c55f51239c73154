// Part of `npm run build`: bundles the `offloader` command's own code and yargs into packages/cli/dist/offloader.js
// (and dist/bundle/ for what it loads on demand), the file bin/offloader.js starts. Node resolved and loaded about
// 40 modules before the first line of output; one file cuts `--version` and `--help` by a fifth (bench B7). The
// workspace packages (@offloader/*) stay imports: plugins and integrators load the same core the command does (one
// DI container, one set of error classes), and the AWS SDK still loads only for the commands that need it.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli');

/**
 * yargs finds its message catalogues (locales/) from its own module's URL. Inside the bundle that URL would be the
 * bundle's, so the shim asks Node where yargs is installed instead, as the unbundled import would have found it.
 */
function yargsShimBesideYargs() {
  return {
    name: 'yargs-shim-beside-yargs',
    setup(b) {
      b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
        // Resolved once, where the shim starts; every use of its module URL reads the constant.
        const prelude =
          "import { createRequire as __yargsRequire } from 'node:module';\n" +
          "import { pathToFileURL as __yargsFileUrl } from 'node:url';\n" +
          "const __yargsShimUrl = new URL('lib/platform-shims/esm.mjs', __yargsFileUrl(__yargsRequire(import.meta.url).resolve('yargs/package.json'))).href;\n";
        const contents = prelude + readFileSync(args.path, 'utf8').replaceAll('import.meta.url', '__yargsShimUrl');
        return { contents, loader: 'js' };
      });
    },
  };
}

// Chunk names carry a content hash: the last build's chunks go, so no stale one is left beside the new ones.
rmSync(join(cli, 'dist', 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: [join(cli, 'dist', 'main.js')],
  // Split, so what main.js imports on demand (commands' plugins, the SDK behind them) stays on demand.
  outdir: join(cli, 'dist'),
  entryNames: 'offloader',
  chunkNames: 'bundle/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@offloader/*'],
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [yargsShimBesideYargs()],
});
