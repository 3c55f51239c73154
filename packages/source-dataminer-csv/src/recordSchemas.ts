import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DataminerKind } from './columns.js';
import type { AlarmOptions } from './options.js';

/** The corrected record schema of a kind, as published in the package's `schemas/` folder. */
export function recordSchema(kind: DataminerKind): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/${kind}.schema.json`, import.meta.url), 'utf8'));
}

/**
 * Compiles the record validator of a kind once. Options that knowingly emit nulls (`rcaLevelNull: null`,
 * `creationTimeFallback: null`) widen exactly those fields; everything else is the published schema.
 */
export function compileRecordValidator(kind: DataminerKind, alarm?: AlarmOptions): ValidateFunction {
  const schema = recordSchema(kind) as { properties: Record<string, Record<string, unknown>> };
  if (kind === 'alarm' && alarm) {
    const properties = schema.properties;
    if (alarm.rcaLevelNull === null) properties.RCALEVEL.type = ['integer', 'null'];
    if (alarm.creationTimeFallback === 'null') {
      properties.CREATIONTIME_UNIX.type = ['integer', 'null'];
      properties.CREATIONTIME.pattern = `(${properties.CREATIONTIME.pattern})|^$`;
    }
  }
  return new Ajv({ allErrors: false, strict: false }).compile(schema);
}

/** `field` and reason of the first schema error, for the row error. */
export function describeSchemaError(errors: ErrorObject[] | null | undefined): { field: string; reason: string } {
  const error = errors?.[0];
  if (!error) return { field: '(record)', reason: 'does not match the record schema' };
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const field = missing ?? (error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(record)');
  return { field, reason: `record schema: ${field} ${error.message ?? 'is invalid'}` };
}
