import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DataminerOptionsError } from './errors.js';

/** Loads the element name → ELEMENT_PROPERTIES map from a JSON or YAML file (by extension; JSON otherwise). */
export async function loadElementProperties(path: string): Promise<Map<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataminerOptionsError(`elementProperties: cannot read ${path}: ${(error as Error).message}`, {
      file: path,
      field: 'elementProperties',
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
    parsed = yaml ? parseYaml(text.replace(/^\uFEFF/, '')) : JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new DataminerOptionsError(`elementProperties: ${path} is not valid: ${(error as Error).message}`, {
      file: path,
      field: 'elementProperties',
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DataminerOptionsError(`elementProperties: ${path} must map element names to objects`, {
      file: path,
      field: 'elementProperties',
    });
  }
  const map = new Map<string, unknown>();
  for (const [element, properties] of Object.entries(parsed)) {
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
      throw new DataminerOptionsError(`elementProperties: the entry of "${element}" in ${path} must be an object`, {
        file: path,
        field: `elementProperties.${element}`,
      });
    }
    map.set(element, properties);
  }
  return map;
}
