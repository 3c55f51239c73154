// esbuild bundle of the CLI for a Node single executable (SEA). Every quirk of running bundled lives here, as
// an esbuild plugin, so the packages' sources stay plain Node ESM.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The name of the native LevelDB binding shipped beside the executable (kinesalite's persistent store). */
export const LEVELDOWN_BINDING = 'offloader-leveldown.node';

/**
 * `readFileSync(new URL('../x/y.json', import.meta.url), 'utf8')` in our own packages reads a file shipped
 * beside `dist/`: the bundle has no such file, so the text is inlined. A template path with one `${expr}`
 * becomes a lookup in the files of that folder with the same prefix and suffix.
 */
const READ_BESIDE = /readFileSync\(\s*new URL\(\s*(['`])([^'`]+)\1\s*,\s*import\.meta\.url\s*\)\s*,\s*'utf8'\s*\)/g;

function inlineFilesReadBesideTheModule() {
  return {
    name: 'inline-files-read-beside-the-module',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
        if (!args.path.startsWith(join(repo, 'packages'))) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const contents = source.replace(READ_BESIDE, (_all, _quote, path) => {
          const template = /^(.*)\$\{([^}]+)\}(.*)$/.exec(path);
          if (!template) return JSON.stringify(readFileSync(resolve(dirname(args.path), path), 'utf8'));
          const [, prefix, expression, suffix] = template;
          const folder = resolve(dirname(args.path), dirname(`${prefix}x`));
          const start = prefix.slice(prefix.lastIndexOf('/') + 1);
          const texts = Object.fromEntries(
            readdirSync(folder)
              .filter((name) => name.startsWith(start) && name.endsWith(suffix))
              .map((name) => [
                name.slice(start.length, name.length - suffix.length),
                readFileSync(join(folder, name), 'utf8'),
              ]),
          );
          return `${JSON.stringify(texts)}[${expression}]`;
        });
        if (contents.includes('import.meta.url')) {
          throw new Error(`${relative(repo, args.path)}: import.meta.url left that the bundle cannot serve`);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}

/** leveldown finds its binary with node-gyp-build beside its own files; in the binary it sits beside the exe. */
function leveldownBesideTheExecutable() {
  return {
    name: 'leveldown-beside-the-executable',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]leveldown[\\/]binding\.js$/ }, () => ({
        loader: 'js',
        contents: `const { dirname, join } = require('node:path');
const { createRequire } = require('node:module');
module.exports = createRequire(process.execPath)(join(dirname(process.execPath), ${JSON.stringify(LEVELDOWN_BINDING)}));`,
      }));
    },
  };
}

/**
 * kinesalite requires `'./actions/' + action` without an extension; esbuild bundles such a require as a map of
 * the folder's files keyed by their full names, so the extension is added to the request.
 */
function kinesaliteActionsWithExtension() {
  return {
    name: 'kinesalite-actions-with-extension',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]kinesalite[\\/]index\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const contents = source.replace(
          /require\('\.\/(actions|validations)\/' \+ action\)/g,
          "require('./$1/' + action + '.js')",
        );
        if ((contents.match(/action \+ '\.js'/g) ?? []).length !== 2) {
          throw new Error('kinesalite/index.js no longer requires its actions as expected: update the release bundle');
        }
        return { contents, loader: 'js' };
      });
    },
  };
}

/** Optional dependencies that are absent on purpose: an empty module instead of a failing require. */
function absentOptionalModules(names) {
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'absent-optional-modules',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent' }));
      b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/** Bundles the binary's entry into one CommonJS file (a SEA main script must be CommonJS on Node 22). */
export async function bundleCli({ outfile }) {
  const result = await build({
    entryPoints: [join(repo, 'scripts', 'release', 'entry.mjs')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // Dependencies written as ESM (yargs) read import.meta.url; in the binary that is the executable itself.
    define: { 'import.meta.url': '__offloaderExecutableUrl' },
    banner: { js: 'var __offloaderExecutableUrl = require("node:url").pathToFileURL(process.execPath).href;' },
    mainFields: ['module', 'main'],
    legalComments: 'none',
    minifyWhitespace: true,
    keepNames: true,
    logLevel: 'warning',
    metafile: true,
    plugins: [
      inlineFilesReadBesideTheModule(),
      leveldownBesideTheExecutable(),
      kinesaliteActionsWithExtension(),
      absentOptionalModules(['supports-color']),
    ],
  });
  return result.metafile;
}

/** Packages whose code is inside the bundle (name → folder), for the third-party licence file. */
export function bundledPackages(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules[\\/])((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(input);
    if (match) packages.set(match[2].replace(/\\/g, '/'), resolve(repo, match[1], match[2]));
  }
  return packages;
}
