import { registerHooks } from 'node:module';

const SCHEME = 'offloader-bundled:';
const SHARED = Symbol.for('offloader.bundledModules');

/**
 * Serves `import` and `require` of the given package names from the modules already in the bundle, so a
 * plugin on disk shares the executable's classes and registry instead of looking for a second copy. Each
 * package is given as a function returning its exports, called (once) when a plugin first imports it.
 */
export function shareBundledModules(loaders) {
  const loaded = new Map();
  const modules = (name) => {
    if (!loaded.has(name)) loaded.set(name, loaders[name]());
    return loaded.get(name);
  };
  globalThis[SHARED] = modules;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (Object.hasOwn(loaders, specifier))
        return { url: `${SCHEME}${specifier}`, format: 'module', shortCircuit: true };
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (!url.startsWith(SCHEME)) return nextLoad(url, context);
      const name = url.slice(SCHEME.length);
      const names = Object.keys(modules(name)).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
      const source =
        `const bundled = globalThis[Symbol.for('offloader.bundledModules')](${JSON.stringify(name)});\n` +
        `export const { ${names.join(', ')} } = bundled;\nexport default bundled;\n`;
      return { format: 'module', source, shortCircuit: true };
    },
  });
}
