/** JSON Schemas for the registry: parsing, canonical text and Confluent's `JsonSchema.isBackwardCompatible`. */
import type { ParsedSchema } from '../parsed-schema.js';
import { InvalidSchemaError, type SchemaText } from '../types.js';
import { parseJsonText, writeJsonText, type JsonValue } from '../json-text.js';
import { jacksonBigDecimalNumber } from '../java-numbers.js';
import { isCompatibleChange } from './json-diff-context.js';
import { jsonDifferenceText } from './json-difference.js';
import type { JsonSchemaNode } from './json-schema-model.js';
import { jsonSchemaDifferences } from './json-schema-diff.js';
import { loadJsonSchema } from './load-json-schema.js';

export class JsonParsedSchema implements ParsedSchema {
  readonly schemaType = 'JSON';
  /** Compact JSON as Confluent's Jackson mapper writes it (member order kept, decimals as BigDecimal). */
  readonly canonical: string;

  constructor(json: JsonValue, readonly root: JsonSchemaNode) {
    this.canonical = writeJsonText(json, jacksonBigDecimalNumber);
  }

  isBackwardCompatible(previous: ParsedSchema): string[] {
    if (!(previous instanceof JsonParsedSchema)) return ['Incompatible because of different schema type'];
    return jsonSchemaDifferences(previous.root, this.root)
      .filter((d) => !isCompatibleChange(d.type))
      .map(jsonDifferenceText);
  }
}

function readJson(text: string, what: string): JsonValue {
  try {
    return parseJsonText(text, true);
  } catch (e) {
    throw new InvalidSchemaError(`Invalid JSON ${what}: ${(e as Error).message}`);
  }
}

export function parseJsonSchema(s: SchemaText): JsonParsedSchema {
  const json = readJson(s.schema, 'schema');
  const references = new Map<string, JsonValue>();
  for (const [name, text] of s.resolved ?? []) references.set(name, readJson(text, `reference ${name}`));
  return new JsonParsedSchema(json, loadJsonSchema(json, references));
}
