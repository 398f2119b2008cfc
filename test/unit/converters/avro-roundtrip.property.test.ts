/**
 * Property: any Connect schema and value written by the Avro format reads back equal through the schema text it
 * registers (what a consumer on the other side of the registry gets), with Confluent's defaults and with enhanced
 * schema support; and the registered text is stable (the Connect schema read back registers the same text).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SchemaBuilder, Struct, schemaEquals, valueEquals } from '../../../src/data/index.js';
import { avroFormat } from '../../../src/converters/avro/avro-format.js';
import { genOf, nextName } from './avro-generators.js';

/** Each case as the field of a top-level record (the usual shape of a record value). */
function cases(enhanced: boolean) {
  return genOf(3, enhanced).chain((g) => {
    const schema = SchemaBuilder.struct().name(`gen.Top${nextName()}`).field('v', g.schema).build();
    return g.value.map((v) => ({ schema, value: new Struct(schema).put('v', v) }));
  });
}

describe('Avro format round trip (property)', () => {
  for (const config of [{}, { 'enhanced.avro.schema.support': 'true' }] as Record<string, unknown>[]) {
    test(`Connect → Avro bytes → Connect is the identity ${JSON.stringify(config)}`, () => {
      fc.assert(fc.property(cases(config['enhanced.avro.schema.support'] === 'true'), ({ schema, value }) => {
        const w = avroFormat(config, false).writerFor(schema);
        const payload = w.write(value);
        const reader = avroFormat(config, false).readerFor(w.registered, new Map());
        assert.ok(schemaEquals(reader.schema, schema), `${reader.schema}\n${schema}\n${w.registered.schema}`);
        assert.ok(valueEquals(reader.read(payload), value), w.registered.schema);
        // The schema read back registers the very same text.
        assert.equal(avroFormat(config, false).writerFor(reader.schema).registered.schema, w.registered.schema);
      }), { numRuns: 300 });
    });
  }
});
