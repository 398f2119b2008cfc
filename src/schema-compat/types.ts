export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface SchemaText {
  schemaType: SchemaType;
  schema: string;
  /** Referenced schemas' text by reference name (Avro: any name; Protobuf: the import path; JSON: the $ref URL). */
  resolved?: ReadonlyMap<string, string>;
  /** The registered version, when known: Confluent appends `{oldSchemaVersion: N}` to messages about an old schema. */
  version?: number;
}

export interface ParseOptions {
  /**
   * Check as a schema being registered (the default), or as one already stored: Confluent then skips Avro's
   * default-value validation and accepts Unicode letters in names.
   */
  asNew?: boolean;
}

/** A schema that does not parse; the registry answers 42201 with its message. */
export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
}
