/** Avro schemas for the registry: parsing, canonical text and Confluent's `AvroSchema.isBackwardCompatible`. */
import type { ParsedSchema } from '../parsed-schema.js';
import type { SchemaText } from '../types.js';
import { avroCanonicalText } from './avro-canonical.js';
import { avroIncompatibilities } from './avro-compatibility.js';
import { avroDifferenceText } from './avro-difference.js';
import type { AvroSchema } from './avro-schema.js';
import { parseAvroDocuments } from './parse-avro.js';

export class AvroParsedSchema implements ParsedSchema {
  readonly schemaType = 'AVRO';
  readonly canonical: string;

  constructor(readonly root: AvroSchema, referenceRoots: readonly AvroSchema[]) {
    this.canonical = avroCanonicalText(root, referenceRoots);
  }

  isBackwardCompatible(previous: ParsedSchema): string[] {
    if (!(previous instanceof AvroParsedSchema)) return ['Incompatible because of different schema type'];
    try {
      return avroIncompatibilities(this.root, previous.root).map(avroDifferenceText);
    } catch (e) {
      return [`Unexpected exception during compatibility check: ${(e as Error).message}`];
    }
  }
}

export function parseAvro(s: SchemaText, asNew: boolean): AvroParsedSchema {
  const { root, referenceRoots } = parseAvroDocuments(s.schema, s.resolved?.values() ?? [], asNew);
  return new AvroParsedSchema(root, referenceRoots);
}
