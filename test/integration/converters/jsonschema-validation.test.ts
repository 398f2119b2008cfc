/**
 * JsonSchemaConverter's payloads checked against the schema it registered by an independent JSON Schema validator
 * (Ajv, draft-07, which Confluent's converter declares): what we write is what the registry says we write.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import {
  BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct, settleLookups,
} from '../../../src/data/index.js';
import { createConverter } from '../../../src/converters/index.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';

let registry: RunningSchemaRegistry;
before(async () => {
  registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'memory' } });
});
after(async () => {
  await registry?.close();
});

const INNER = SchemaBuilder.struct().name('com.example.Inner').optional().field('a', Schema.STRING).field('b', Schema.OPTIONAL_INT32).build();
const SCHEMA = SchemaBuilder.struct().name('com.example.Doc')
  .field('i8', Schema.INT8).field('i16', Schema.INT16).field('i32', Schema.INT32).field('i64', Schema.INT64)
  .field('f32', Schema.FLOAT32).field('f64', Schema.FLOAT64).field('flag', Schema.BOOLEAN).field('text', Schema.OPTIONAL_STRING)
  .field('raw', Schema.BYTES).field('dec', Decimal.schema(2)).field('day', LogicalDate.schema()).field('time', LogicalTime.schema())
  .field('ts', LogicalTimestamp.schema()).field('list', SchemaBuilder.array(Schema.OPTIONAL_STRING).build())
  .field('byName', SchemaBuilder.map(Schema.STRING, Schema.FLOAT64).build())
  .field('byId', SchemaBuilder.map(Schema.INT32, Schema.STRING).build())
  .field('inner', INNER)
  .build();

function value(i: number): Struct {
  return new Struct(SCHEMA)
    .put('i8', -128 + i).put('i16', 32767 - i).put('i32', i * 1000).put('i64', 2n ** 60n + BigInt(i)).put('f32', 0.25 * i).put('f64', 1e300 / (i + 1))
    .put('flag', i % 2 === 0).put('text', i % 3 === 0 ? null : `t${i}`).put('raw', Uint8Array.of(i, 255))
    .put('dec', new BigDecimal(BigInt(-i * 12345), 2)).put('day', new Date(Date.UTC(2020, 0, 1 + i))).put('time', new Date(1000 * i))
    .put('ts', new Date(1_700_000_000_000 + i)).put('list', ['a', null, `x${i}`])
    .put('byName', new Map([['pi', Math.PI], ['e', Math.E]])).put('byId', new Map([[i, 'one'], [i + 1, 'two']]))
    .put('inner', i % 2 ? null : new Struct(INNER).put('a', 'in').put('b', i % 4 ? null : i));
}

describe('JsonSchemaConverter payloads validate against the registered schema (Ajv)', () => {
  for (const config of [{}, { 'object.additional.properties': false }, { 'decimal.format': 'NUMERIC' }, { 'use.optional.for.nonrequired': true }]) {
    test(JSON.stringify(config), async () => {
      const c = createConverter('io.confluent.connect.json.JsonSchemaConverter');
      c.configure({ 'schema.registry.url': registry.url, ...config }, false);
      const topic = `validate-${Object.keys(config).join('-') || 'default'}`;
      const ajv = new Ajv({ strict: false, allErrors: true });
      for (let i = 0; i < 8; i++) {
        const bytes = (await settleLookups(() => c.fromConnectData(topic, SCHEMA, value(i))))!;
        const id = Buffer.from(bytes).readInt32BE(1);
        const { schema } = (await (await fetch(`${registry.url}/schemas/ids/${id}`)).json()) as { schema: string };
        const validate = ajv.getSchema(String(id)) ?? (ajv.addSchema(JSON.parse(schema), String(id)), ajv.getSchema(String(id))!);
        const payload = JSON.parse(Buffer.from(bytes.subarray(5)).toString('utf8'));
        assert.ok(validate(payload), `record ${i}: ${JSON.stringify(validate.errors)}\n${schema}\n${JSON.stringify(payload)}`);
        // And a payload that breaks the schema is caught by the same validator (the check can fail).
        assert.equal(validate({ ...payload, i32: 'not a number' }), false);
      }
    });
  }
});
