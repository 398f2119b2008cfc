/** What every schema type provides to the checker: its canonical text and Confluent's backward check. */
import type { SchemaType } from './types.js';

export interface ParsedSchema {
  readonly schemaType: SchemaType;
  /** The text Confluent's registry stores and compares for identity. */
  readonly canonical: string;
  /**
   * Confluent's `ParsedSchema.isBackwardCompatible(previous)`: why this schema cannot read data written with
   * `previous` (same schema type). Messages are templates with two `%s` for the reader's and writer's roles.
   */
  isBackwardCompatible(previous: ParsedSchema): string[];
}
