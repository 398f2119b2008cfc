/**
 * Schema compatibility for Sluice's registry, as Confluent Schema Registry decides it: parsing (with the error the
 * registry answers 42201 with), the canonical text a schema is stored and looked up by, and the messages explaining
 * why a schema is incompatible at a compatibility level.
 */
import { parseAvro } from './avro/avro-provider.js';
import { checkCompatibility } from './compatibility-checker.js';
import { parseJsonSchema } from './json/json-provider.js';
import type { ParsedSchema } from './parsed-schema.js';
import { parseProtobuf } from './protobuf/protobuf-provider.js';
import { InvalidSchemaError, type CompatibilityLevel, type ParseOptions, type SchemaText } from './types.js';

export type { CompatibilityLevel, ParseOptions, SchemaText, SchemaType } from './types.js';
export type { ParsedSchema } from './parsed-schema.js';
export { InvalidSchemaError } from './types.js';

const CACHE_LIMIT = 2000;
const cache = new Map<string, ParsedSchema>();

function cacheKey(s: SchemaText, asNew: boolean): string {
  const refs = s.resolved ? [...s.resolved].map(([k, v]) => `${k.length}:${k}${v.length}:${v}`).join('') : '';
  return `${s.schemaType}\u0000${asNew ? 'new' : 'stored'}\u0000${refs}\u0000${s.schema}`;
}

/**
 * Parses a schema (cached); a schema that does not parse throws InvalidSchemaError. By default it is checked as a
 * schema being registered; `{ asNew: false }` checks it as Confluent checks stored ones (laxer for Avro).
 */
export function parseSchema(s: SchemaText, options: ParseOptions = {}): ParsedSchema {
  const asNew = options.asNew ?? true;
  const key = cacheKey(s, asNew);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let parsed: ParsedSchema;
  try {
    switch (s.schemaType) {
      case 'AVRO':
        parsed = parseAvro(s, asNew);
        break;
      case 'JSON':
        parsed = parseJsonSchema(s);
        break;
      case 'PROTOBUF':
        parsed = parseProtobuf(s);
        break;
      default:
        throw new InvalidSchemaError(`Invalid schema type ${String(s.schemaType)}`);
    }
  } catch (e) {
    if (e instanceof InvalidSchemaError) throw e;
    throw new InvalidSchemaError((e as Error).message);
  }
  cache.set(key, parsed);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return parsed;
}

/** The canonical text Confluent's registry stores and compares for identity. */
export function canonicalText(s: SchemaText, options: ParseOptions = {}): string {
  return parseSchema(s, options).canonical;
}

/**
 * Messages explaining each incompatibility (empty = compatible), as Confluent's CompatibilityChecker: `previous` is
 * oldest first; non-transitive levels check only the latest. The candidate is parsed as a new schema, the previous
 * ones as stored schemas; either may throw InvalidSchemaError.
 */
export function compatibilityErrors(level: CompatibilityLevel, candidate: SchemaText, previous: readonly SchemaText[]): string[] {
  if (level === 'NONE') return [];
  const checked = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  return checkCompatibility(
    level,
    parseSchema(candidate),
    checked.map((p) => ({ parsed: parseSchema(p, { asNew: false }), version: p.version })),
  );
}
