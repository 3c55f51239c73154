import { pipelineSchema, resolveOptions } from '@offloader/core';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '../src/builtins.js';

// The pipeline loader compiles schemas without checking them against the meta-schema first (cold start of
// `offloader validate`), so the shipped ones are checked here, strictly.
describe('shipped JSON Schemas', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });

  it('the pipeline schema is valid JSON Schema', () => {
    expect(ajv.validateSchema(pipelineSchema), ajv.errorsText()).toBe(true);
  });

  it.each(builtinPlugins.map((plugin) => [`${plugin.kind} ${plugin.type}`, plugin] as const))(
    'the %s options schema is valid JSON Schema and compiles in strict mode',
    (_name, plugin) => {
      expect(ajv.validateSchema(plugin.optionsSchema), ajv.errorsText()).toBe(true);
      expect(() =>
        new Ajv({ strict: true, allErrors: true, useDefaults: true }).compile(plugin.optionsSchema),
      ).not.toThrow();
    },
  );

  it('a plugin with a malformed options schema still fails when its options are resolved, with the reason', () => {
    const broken = {
      ...builtinPlugins[0],
      type: 'broken',
      optionsSchema: { type: 'object', properties: { n: { type: 'nmuber' } } },
    };
    expect(() => resolveOptions(broken, { n: 1 })).toThrow(/nmuber/);
  });
});
