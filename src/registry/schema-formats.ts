/**
 * What the registry needs to know about schema languages: which types it takes, a schema's canonical text (which
 * also proves it parses) and the compatibility errors of a candidate against earlier schemas. `compatFormats`
 * (compat-formats.ts) is the real one, on src/registry/compat; tests may pass their own.
 */
export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/** Confluent's GET /schemas/types order. */
export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

/** A schema with the texts of the schemas its references name (reference name → schema text), transitively. */
export interface SchemaText {
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly resolved?: ReadonlyMap<string, string>;
  /** The registered version of an earlier schema (its compatibility messages name it). */
  readonly version?: number;
}

export interface SchemaFormats {
  /** The canonical text; throws `InvalidSchema` when the schema does not parse. */
  canonical(schema: SchemaText): string;
  /** Why `candidate` is not compatible with `previous` (oldest first) at `level`; empty when it is. */
  compatibilityErrors(level: CompatibilityLevel, candidate: SchemaText, previous: readonly SchemaText[]): string[];
}

/** A schema that does not parse; its message says why. */
export class InvalidSchema extends Error {
  override readonly name = 'InvalidSchema';
}

export function isSchemaType(s: string): s is SchemaType {
  return (SCHEMA_TYPES as readonly string[]).includes(s);
}

/** Confluent's CompatibilityLevel.forName: the names, any case. */
export function compatibilityLevel(s: unknown): CompatibilityLevel | undefined {
  if (typeof s !== 'string') return undefined;
  const upper = s.toUpperCase();
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(upper) ? (upper as CompatibilityLevel) : undefined;
}
