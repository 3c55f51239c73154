import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { PluginError } from './errors.js';
import type { PluginDefinition, PluginKind } from './plugin.js';

/** One option problem, with a JSON pointer relative to the plugin's `options`. */
export interface OptionsProblem {
  pointer: string;
  message: string;
}

export type OptionsResult<O> = { ok: true; options: O } | { ok: false; problems: OptionsProblem[] };

/** `/a/b` → `a.b`, `/items/0` → `items[0]`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** Turns ajv errors into one readable sentence each. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): OptionsProblem[] {
  return (errors ?? []).map((error) => {
    let pointer = error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      pointer = `${pointer}/${extra}`;
      message = 'is not a known option (check the spelling)';
    } else if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      pointer = `${pointer}/${missing}`;
      message = 'is required';
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return { pointer, message };
  });
}

/**
 * One Ajv for the pipeline schema and every plugin's options, compiled for a single use each: checking every
 * schema against the JSON Schema meta-schema first (compiling that) and optimising the generated code were a
 * third of `offloader validate`'s cold start. A malformed schema still fails to compile (an unknown type, a
 * bad pattern); the built-in plugins' schemas are checked against the meta-schema by their tests.
 */
const schemaAjv = new Ajv({
  allErrors: true,
  useDefaults: true,
  strict: false,
  validateSchema: false,
  code: { optimize: false },
});
const validators = new WeakMap<object, ValidateFunction>();

/** The validator of `schema` (all errors, defaults filled in), compiled once per process. */
export function validatorOf(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = schemaAjv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/**
 * The one options gate: validates `input` against the plugin's schema and fills every default (on a copy). The
 * registry runs it for each plugin of a pipeline; plugins receive its result and never validate again.
 */
export function validateAndDefault<O>(definition: PluginDefinition, input: unknown): OptionsResult<O> {
  const validate = validatorOf(definition.optionsSchema);
  const copy = structuredClone(input ?? {});
  return validate(copy)
    ? { ok: true, options: copy as O }
    : { ok: false, problems: describeAjvErrors(validate.errors) };
}

/**
 * The complete options of a plugin, as `create()` receives them from a pipeline: for calling a definition
 * directly (tests, embedding). Throws PLUGIN_OPTIONS_INVALID naming every problem.
 */
export function resolveOptions<K extends PluginKind, O>(definition: PluginDefinition<K, O>, input: unknown): O {
  const result = validateAndDefault<O>(definition as PluginDefinition, input);
  if (result.ok) return result.options;
  const problems = result.problems.map(
    (problem) => `${pointerToPath(problem.pointer) || '(options)'} ${problem.message}`,
  );
  throw new PluginError('PLUGIN_OPTIONS_INVALID', `invalid ${definition.type} options: ${problems.join('; ')}`);
}

/** Resolves a package name from the first folder (walking up to its node_modules) that has it. */
function resolvePackage(name: string, fromDirs: string[]): string {
  let lastError: unknown;
  for (const dir of fromDirs) {
    try {
      return createRequire(resolve(dir, 'package.json')).resolve(name);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

const DEFINITION_KINDS: PluginKind[] = ['source', 'transformer', 'sink'];

function isDefinition(value: unknown): value is PluginDefinition {
  const candidate = value as PluginDefinition | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    DEFINITION_KINDS.includes(candidate.kind) &&
    typeof candidate.type === 'string' &&
    typeof candidate.create === 'function' &&
    typeof candidate.optionsSchema === 'object'
  );
}

/** A `type:` that names a module rather than a registered plugin: a path or an npm package name. */
export function isModuleReference(type: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/]|@)/.test(type) || /\.(m?js|cjs|ts)$/.test(type);
}

/**
 * Maps YAML `type:` names to plugin definitions. An instance, never a global: tests and embedded pipelines
 * each build their own. Duplicate types are refused unless `override` is set.
 */
export class PluginRegistry {
  private readonly definitions = new Map<string, PluginDefinition>();

  register(definition: PluginDefinition, options: { override?: boolean } = {}): this {
    if (!isDefinition(definition)) {
      throw new PluginError(
        'PLUGIN_LOAD_FAILED',
        'not a plugin definition: needs kind, type, optionsSchema and create()',
      );
    }
    const key = `${definition.kind}:${definition.type}`;
    if (this.definitions.has(key) && !options.override) {
      throw new PluginError(
        'PLUGIN_DUPLICATE',
        `a ${definition.kind} plugin named "${definition.type}" is already registered (pass override to replace it)`,
      );
    }
    this.definitions.set(key, definition);
    return this;
  }

  registerAll(definitions: Iterable<PluginDefinition>, options: { override?: boolean } = {}): this {
    for (const definition of definitions) this.register(definition, options);
    return this;
  }

  has(kind: PluginKind, type: string): boolean {
    return this.definitions.has(`${kind}:${type}`);
  }

  get<K extends PluginKind>(kind: K, type: string): PluginDefinition<K> {
    const definition = this.definitions.get(`${kind}:${type}`);
    if (!definition) {
      const known = this.list(kind).map((d) => d.type);
      throw new PluginError(
        'PLUGIN_UNKNOWN',
        `unknown ${kind} type "${type}"; known ${kind} types: ${known.length ? known.join(', ') : '(none)'}` +
          ' — or give a path (./my-plugin.js) or a package name (@scope/name) to load one',
      );
    }
    return definition as PluginDefinition<K>;
  }

  list(kind?: PluginKind): PluginDefinition[] {
    return [...this.definitions.values()]
      .filter((definition) => !kind || definition.kind === kind)
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.type.localeCompare(b.type));
  }

  /** Validates options against the plugin's schema and fills defaults (on a copy). */
  validateOptions<O>(definition: PluginDefinition, options: unknown): OptionsResult<O> {
    return validateAndDefault<O>(definition, options);
  }

  /**
   * Loads a third-party plugin module (file path relative to `baseDir`, or package name resolved from `baseDir`)
   * and registers every definition it exports (`default`, `plugins`, or named exports). Returns them.
   */
  async load(reference: string, baseDir: string): Promise<PluginDefinition[]> {
    let module: Record<string, unknown>;
    try {
      const isPath = /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(reference);
      const url = isPath
        ? pathToFileURL(isAbsolute(reference) ? reference : resolve(baseDir, reference)).href
        : pathToFileURL(resolvePackage(reference, [baseDir, process.cwd()])).href;
      module = (await import(url)) as Record<string, unknown>;
    } catch (error) {
      throw new PluginError(
        'PLUGIN_LOAD_FAILED',
        `cannot load plugin module "${reference}": ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const found = new Set<PluginDefinition>();
    for (const value of Object.values(module)) {
      if (isDefinition(value)) found.add(value);
      else if (Array.isArray(value)) for (const item of value) if (isDefinition(item)) found.add(item);
    }
    if (found.size === 0) {
      throw new PluginError(
        'PLUGIN_LOAD_FAILED',
        `module "${reference}" exports no plugin definition (export one made with definePlugin(), or a "plugins" array)`,
      );
    }
    for (const definition of found) {
      if (this.definitions.get(`${definition.kind}:${definition.type}`) !== definition) this.register(definition);
    }
    return [...found];
  }

  /** A copy with the same definitions, to extend without touching this one. */
  clone(): PluginRegistry {
    return new PluginRegistry().registerAll(this.definitions.values());
  }
}
