import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { ConfigError, type ConfigProblem, type ErrorCode, OffloaderError } from './errors.js';
import type { PluginDefinition, PluginKind, RouteOrigin } from './plugin.js';
import { describeAjvErrors, isModuleReference, type PluginRegistry, pointerToPath, validatorOf } from './registry.js';

/** One `sources[]`, `transformers[]` or `sink` entry, with options validated and defaulted. */
export interface PluginUse {
  type: string;
  id: string;
  options: Record<string, unknown>;
}

/** A pipeline as written (YAML file or object for `Pipeline.fromDefinition`), before defaults. */
export interface PipelineInput {
  name?: string;
  state?: string;
  sources: { type: string; id?: string; options?: Record<string, unknown> }[];
  transformers?: { type: string; id?: string; options?: Record<string, unknown> }[];
  sink: { type: string; id?: string; options?: Record<string, unknown> };
  http?: { port: number; host?: string; allowedHosts?: string[] };
  events?: { maxRows?: number; maxAgeHours?: number };
  log?: { level?: 'debug' | 'info' | 'warn' | 'error' | 'silent'; file?: string };
}

/** The pipeline file after loading: substituted, validated, defaulted. */
export interface PipelineDefinition {
  name: string;
  state: string;
  sources: PluginUse[];
  transformers: PluginUse[];
  sink: PluginUse;
  http?: { port: number; host: string; allowedHosts?: string[] };
  events: { maxRows: number; maxAgeHours: number };
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent'; file?: string };
}

export interface LoadedPipeline {
  file: string;
  /** Folder of the pipeline file; relative paths in options resolve against it. */
  baseDir: string;
  /** Absolute state folder. */
  stateDir: string;
  definition: PipelineDefinition;
}

const pluginUseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: {
      type: 'string',
      minLength: 1,
      description: 'Registered plugin type, or a path / package name of a plugin module',
    },
    id: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'Instance id used in events, metrics, state' },
    options: { type: 'object', default: {}, description: "The plugin's own options (see `offloader plugins`)" },
  },
};

/** JSON Schema of the pipeline file's top level (plugin options are checked against each plugin's schema). */
export const pipelineSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Offloader pipeline',
  type: 'object',
  additionalProperties: false,
  required: ['sources', 'sink'],
  properties: {
    name: { type: 'string', description: 'Pipeline name, shown in logs and the dashboard', examples: ['dma-offload'] },
    state: {
      type: 'string',
      default: './state',
      description: 'Folder for checkpoints, claims and the events file (relative to this file)',
    },
    sources: { type: 'array', minItems: 1, items: pluginUseSchema, description: 'One or more sources' },
    transformers: { type: 'array', items: pluginUseSchema, default: [], description: 'Applied in order' },
    sink: pluginUseSchema,
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['port'],
      description: 'Status server: /metrics, /health, /events and the dashboard',
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535, examples: [9464] },
        host: { type: 'string', default: '127.0.0.1' },
        allowedHosts: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description:
            'Host names the status server answers besides loopback names and IP addresses (the Host header is ' +
            'checked so DNS rebinding cannot read /events or /metrics); add the names you browse it by',
          examples: [['offloader.corp.local']],
        },
      },
    },
    events: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Retention of the events table',
      properties: {
        maxRows: { type: 'integer', minimum: 1, default: 1000 },
        maxAgeHours: { type: 'number', exclusiveMinimum: 0, default: 168 },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { enum: ['debug', 'info', 'warn', 'error', 'silent'], default: 'info' },
        file: { type: 'string', description: 'Write JSON logs here instead of stderr' },
      },
    },
  },
} as const;

const ENV_REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` with environment values; `$${` stays a literal `${`.
 * Returns the names that were missing (no value, no default).
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(ENV_REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const found = env[name as string];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    missing.push(name as string);
    return '';
  });
  return { value, missing };
}

type Path = (string | number)[];

/** Key/index path of a node from the visitor's ancestor chain. */
function yamlPath(chain: readonly unknown[]): Path {
  const path: Path = [];
  chain.forEach((node, i) => {
    const child = chain[i + 1];
    if (isPair(node) && isScalar(node.key)) path.push(node.key.value as string);
    else if (isSeq(node) && child !== undefined) path.push(node.items.indexOf(child as never));
  });
  return path;
}

function parsePointer(pointer: string): Path {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function pathText(path: Path): string {
  return pointerToPath(path.length ? `/${path.join('/')}` : '');
}

/** Loads, substitutes, validates and defaults a pipeline file. Throws a ConfigError listing every problem. */
export async function loadPipelineFile(
  file: string,
  registry: PluginRegistry,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedPipeline> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', [
      { file, path: '', message: `cannot read the pipeline file: ${(error as NodeJS.ErrnoException).code ?? error}` },
    ]);
  }
  return parsePipeline(text.replace(/^\uFEFF/, ''), file, registry, env);
}

/** Same as {@link loadPipelineFile} for text already in memory; `file` names it in errors. */
export async function parsePipeline(
  text: string,
  file: string,
  registry: PluginRegistry,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedPipeline> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const at = (offset: number | undefined): { line?: number; col?: number } =>
    offset === undefined ? {} : lineCounter.linePos(offset);
  const fail = (code: ErrorCode): never => {
    throw new ConfigError(code, problems);
  };

  for (const error of doc.errors) {
    const { line, col } = at(error.pos[0]);
    problems.push({ file, line, column: col, path: '', message: error.message.split('\n')[0] });
  }
  if (problems.length) fail('CONFIG_YAML_SYNTAX');

  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const { value, missing } = substituteEnv(node.value, env);
      const path = yamlPath([...ancestors, node]);
      for (const name of missing) {
        problems.push({
          file,
          line: at(node.range?.[0]).line,
          path: pathText(path),
          message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)`,
        });
      }
      node.value = value;
    },
  });
  if (problems.length) fail('CONFIG_ENV_MISSING');

  const nodeLine = (path: Path): number | undefined => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return at(node.range[0]).line;
    }
    return undefined;
  };
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (error) {
    // yaml refuses to expand aliases past its maxAliasCount (a "billion laughs" file): say where they start.
    let line: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        line = at(node.range?.[0]).line;
        return visit.BREAK;
      },
    });
    problems.push({ file, line, path: '', message: `cannot expand the file: ${(error as Error).message}` });
    fail('CONFIG_YAML_SYNTAX');
  }
  return checkPipeline(raw, file, registry, nodeLine);
}

/**
 * Validates a pipeline given as an object (no YAML, no environment substitution) and fills every default,
 * plugin options included. Throws a ConfigError listing every problem; `file` names it in errors.
 */
export function validatePipelineObject(
  input: PipelineInput,
  file: string,
  registry: PluginRegistry,
): Promise<LoadedPipeline> {
  return checkPipeline(structuredClone(input), file, registry, () => undefined);
}

/** The one gate of a pipeline: schema, plugin types, each plugin's options (validated and defaulted once), ids. */
async function checkPipeline(
  raw: unknown,
  file: string,
  registry: PluginRegistry,
  nodeLine: (path: Path) => number | undefined,
): Promise<LoadedPipeline> {
  const problems: ConfigProblem[] = [];
  const fail = (code: ErrorCode): never => {
    throw new ConfigError(code, problems);
  };
  const report = (base: Path, pointer: string, message: string) => {
    const path = [...base, ...parsePointer(pointer)];
    problems.push({ file, line: nodeLine(path), path: pathText(path), message });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ file, line: 1, path: '', message: 'the pipeline must be a mapping' });
    fail('CONFIG_INVALID');
  }
  const validateTop = validatorOf(pipelineSchema);
  if (!validateTop(raw)) {
    for (const problem of describeAjvErrors(validateTop.errors)) report([], problem.pointer, problem.message);
    fail('CONFIG_INVALID');
  }
  const definition = raw as unknown as PipelineDefinition;
  const baseDir = dirname(resolve(file));

  const uses: [PluginKind, PluginUse, Path][] = [
    ...definition.sources.map((use, i): [PluginKind, PluginUse, Path] => ['source', use, ['sources', i]]),
    ...definition.transformers.map((use, i): [PluginKind, PluginUse, Path] => [
      'transformer',
      use,
      ['transformers', i],
    ]),
    ['sink', definition.sink, ['sink']],
  ];
  const ids = new Set<string>();
  const routes: RouteOrigin[] = [];
  let sinkCheck: ((routes: readonly RouteOrigin[]) => { pointer: string; message: string }[]) | undefined;
  for (const [kind, use, path] of uses) {
    const definitionOf = await resolvePluginType(registry, kind, use.type, baseDir).catch((error: unknown) => {
      report([...path, 'type'], '', error instanceof OffloaderError ? error.message : String(error));
      return undefined;
    });
    if (!definitionOf) continue;
    use.type = definitionOf;
    const plugin = registry.get(kind, use.type);
    const result = registry.validateOptions<Record<string, unknown>>(plugin, use.options);
    if (result.ok) {
      use.options = result.options;
      for (const problem of (await plugin.checkOptions?.(result.options, { baseDir })) ?? []) {
        report([...path, 'options'], problem.pointer, problem.message);
      }
    } else for (const problem of result.problems) report([...path, 'options'], problem.pointer, problem.message);
    if (kind !== 'transformer' || use.id) {
      use.id ??= kind === 'sink' ? use.type : defaultId(use.type, definition.sources, use);
      if (ids.has(use.id)) report([...path, 'id'], '', `id "${use.id}" is used twice; give each plugin its own id`);
      ids.add(use.id);
    } else {
      use.id = `${use.type}-${path[1] as number}`;
    }
    if (!result.ok) continue;
    const options = result.options;
    if (kind === 'source') for (const route of plugin.routesOf?.(options) ?? []) routes.push({ route, source: use.id });
    if (kind === 'sink' && plugin.checkRoutes) sinkCheck = (all) => plugin.checkRoutes?.(options, all) ?? [];
  }
  // A transformer may re-route records, so the routes of the sources are known only without transformers.
  if (definition.transformers.length === 0) {
    for (const problem of sinkCheck?.(routes) ?? []) report(['sink', 'options'], problem.pointer, problem.message);
  }
  if (problems.length) fail('CONFIG_INVALID');

  definition.name ??= basename(file).replace(/\.ya?ml$/i, '');
  // Like every relative path in the file, the log file is relative to the pipeline file, not the working folder.
  if (definition.log.file) definition.log.file = resolve(baseDir, definition.log.file);
  return { file, baseDir, stateDir: resolve(baseDir, definition.state), definition };
}

function defaultId(type: string, sources: PluginUse[], use: PluginUse): string {
  const sameType = sources.filter((source) => source.type === type);
  return sameType.length > 1 ? `${type}-${sameType.indexOf(use) + 1}` : type;
}

/** Registered type, or a module reference to load first; returns the type name to use. */
async function resolvePluginType(
  registry: PluginRegistry,
  kind: PluginKind,
  type: string,
  baseDir: string,
): Promise<string> {
  if (registry.has(kind, type)) return type;
  let loaded: PluginDefinition[];
  try {
    loaded = (await registry.load(type, baseDir)).filter((definition) => definition.kind === kind);
  } catch (error) {
    // A bare name that is no installed package is most likely a typo of a registered type: say that instead.
    const cause = (error as OffloaderError).cause as NodeJS.ErrnoException | undefined;
    const notFound =
      (cause?.code === 'MODULE_NOT_FOUND' || cause?.code === 'ERR_MODULE_NOT_FOUND') &&
      cause.message.includes(`'${type}'`);
    if (!isModuleReference(type) && notFound) registry.get(kind, type);
    throw error;
  }
  if (loaded.length !== 1) {
    throw new OffloaderError(
      'PLUGIN_LOAD_FAILED',
      `module "${type}" must export exactly one ${kind} plugin to be used by path (found ${loaded.length}); ` +
        'register it by type name instead',
    );
  }
  return loaded[0].type;
}

/** Full JSON Schema of the pipeline file including each registered plugin's options, for editors. */
export function pipelineJsonSchema(registry: PluginRegistry): Record<string, unknown> {
  const useFor = (kind: PluginKind) => ({
    ...pluginUseSchema,
    allOf: registry.list(kind).map((plugin) => ({
      if: { properties: { type: { const: plugin.type } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { properties: { options: plugin.optionsSchema } },
    })),
    properties: {
      ...pluginUseSchema.properties,
      type: {
        ...pluginUseSchema.properties.type,
        anyOf: [{ enum: registry.list(kind).map((plugin) => plugin.type) }, { pattern: '^(\\.|/|@|[A-Za-z]:)' }],
      },
    },
  });
  const schema = structuredClone(pipelineSchema) as unknown as { properties: Record<string, unknown> };
  schema.properties.sources = { ...(schema.properties.sources as object), items: useFor('source') };
  schema.properties.transformers = { ...(schema.properties.transformers as object), items: useFor('transformer') };
  schema.properties.sink = useFor('sink');
  return schema as unknown as Record<string, unknown>;
}
