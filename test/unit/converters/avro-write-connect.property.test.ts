/**
 * Property: the compiled one-pass writer (write-connect.ts) is the reference pair it stands for (Connect value →
 * datum → bytes, from-connect-datum.ts and write-datum.ts): for any Connect schema, any value (valid, or broken
 * somewhere inside), any AvroData settings and writer schemas other than the derived one (use.latest.version),
 * AvroData.binaryWriter writes the reference's bytes or throws the reference's error; and the compiled writer on
 * its own either completes with those bytes or gives up (never different bytes), completing for every valid value.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BigDecimal, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';
import { AvroData } from '../../../src/data/avro/avro-data.js';
import { ByteWriter } from '../../../src/data/avro/binary.js';
import { parseAvroSchema } from '../../../src/data/avro/parse-schema.js';
import { printSchema } from '../../../src/data/avro/print-schema.js';
import type { AvroNode } from '../../../src/data/avro/schema-node.js';
import { connectWriter } from '../../../src/data/avro/write-connect.js';
import { DatumWriters, writeDatum } from '../../../src/data/avro/write-datum.js';
import { genOf, nextName } from './avro-generators.js';

type Outcome = { bytes: string } | { error: string; message: string; path: unknown };

function outcome(write: () => Uint8Array): Outcome {
  try {
    return { bytes: Buffer.from(write()).toString('hex') };
  } catch (e) {
    const err = e as Error & { context?: { path?: unknown } };
    return { error: err.constructor.name, message: err.message, path: err.context?.path };
  }
}

function referenceWriter(avroData: AvroData, schema: Schema, derived: AvroNode, target: AvroNode): (v: unknown) => Uint8Array {
  const datum = avroData.datumConverter(schema, derived);
  const write = new DatumWriters().writer(datum.shape, target);
  return (v) => writeDatum(write, datum.convert(v));
}

/** The compiled writer alone: its bytes, or undefined when it gives up. */
function fusedOnly(avroData: AvroData, schema: Schema, derived: AvroNode, target: AvroNode, v: unknown): string | undefined {
  const write = connectWriter(schema, derived, target, avroData.settings, new DatumWriters());
  const out = new ByteWriter();
  try {
    write(v, out);
  } catch {
    return undefined;
  }
  return Buffer.from(out.toBytes()).toString('hex');
}

const WRONG: unknown[] = [
  null, undefined, 'x', '', 1.5, Number.NaN, Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 12n, 2n ** 64n, true,
  0.1, new Date(Number.NaN), new Date(86_400_000 * 1.5), new Date(-1), new BigDecimal(5n, 7), new BigDecimal(-(2n ** 80n), 4),
  Uint8Array.of(1, 2), [1], [], ['a', null], new Map([[1, 2]]), new Map([['k', null]]), { a: 1 },
  new Struct(SchemaBuilder.struct().name('gen.Other').field('x', Schema.INT32).build()),
];

/** Every place inside a value another value can be put without Struct.put's checks. */
function slots(v: unknown, into: ((x: unknown) => void)[] = []): ((x: unknown) => void)[] {
  if (v instanceof Struct) {
    const values = v.values() as unknown[];
    values.forEach((x, i) => {
      into.push((y) => (values[i] = y));
      slots(x, into);
    });
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => {
      into.push((y) => (v[i] = y));
      slots(x, into);
    });
  } else if (v instanceof Map) {
    for (const [k, x] of v) {
      into.push((y) => v.set(k, y));
      slots(x, into);
    }
  }
  return into;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const CHANGES = [
  'reverse-fields', 'reverse-unions', 'drop-null', 'add-null', 'widen', 'narrow', 'swap-string-bytes', 'rename-fields', 'drop-last-field',
] as const;
type Change = (typeof CHANGES)[number];

/** The derived schema changed as a registered schema might differ (defaults dropped: only the wire shape counts). */
function changed(derived: AvroNode, change: Change): AvroNode | undefined {
  const walk = (j: Json): Json => {
    if (Array.isArray(j)) {
      const types = j.map(walk);
      if (change === 'drop-null' && types.length > 1) return types.filter((t) => t !== 'null');
      return change === 'reverse-unions' ? types.reverse() : types;
    }
    if (typeof j === 'string') {
      if (change === 'widen') return j === 'int' ? 'long' : j === 'float' ? 'double' : j;
      if (change === 'narrow') return j === 'long' ? 'int' : j === 'double' ? 'float' : j;
      if (change === 'swap-string-bytes') return j === 'string' ? 'bytes' : j === 'bytes' ? 'string' : j;
      return j;
    }
    if (j === null || typeof j !== 'object') return j;
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(j)) {
      if (k === 'default' || k === 'connect.default') continue;
      out[k] = k === 'type' || k === 'items' || k === 'values' ? walk(x) : x;
    }
    if (j.type === 'record' && Array.isArray(j.fields)) {
      let fields = (j.fields as { [k: string]: Json }[]).map((f) => {
        const type = walk(f.type!);
        const g: { [k: string]: Json } = { ...f, type: change === 'add-null' && !Array.isArray(type) ? ['null', type] : type };
        delete g.default;
        if (change === 'rename-fields') g.name = `${String(f.name)}_x`;
        return g;
      });
      if (change === 'reverse-fields') fields = fields.reverse();
      if (change === 'drop-last-field') fields = fields.slice(0, -1);
      out.fields = fields;
    }
    return out;
  };
  try {
    return parseAvroSchema(JSON.stringify(walk(JSON.parse(printSchema(derived)) as Json)));
  } catch {
    return undefined;
  }
}

const settings = fc.record({
  enhancedSchemaSupport: fc.boolean(),
  ignoreDefaultForNullables: fc.boolean(),
  scrubInvalidNames: fc.boolean(),
  connectMetaData: fc.boolean(),
});

const DEFAULTED_INT = SchemaBuilder.int32().optional().defaultValue(7).build();
const DEFAULTED_STRING = SchemaBuilder.string().defaultValue('dflt').build();

/** A generated field in a record with fields whose null reads as their default (Struct.get). */
function cases(depth: number) {
  return fc.boolean().chain((enhanced) => genOf(depth, enhanced).chain((g) => {
    const schema = SchemaBuilder.struct().name(`gen.Top${nextName()}`)
      .field('v', g.schema).field('w', Schema.OPTIONAL_INT64).field('d', DEFAULTED_INT).field('e', DEFAULTED_STRING).build();
    return fc.tuple(
      g.value,
      fc.option(fc.integer({ min: -3, max: 3 })),
      fc.option(fc.string({ maxLength: 3 })),
      settings.map((s) => ({ ...s, enhancedSchemaSupport: enhanced })),
    ).map(([v, d, e, s]) => ({ schema, value: new Struct(schema).put('v', v).put('d', d).put('e', e), s }));
  }));
}

describe('the compiled Avro writer is the reference (property)', () => {
  test('valid values: the same bytes, and the compiled writer completes', () => {
    fc.assert(fc.property(cases(3), ({ schema, value, s }) => {
      // Under ignore.default.for.nullables a null required field is an error, not its default.
      fc.pre(!s.ignoreDefaultForNullables || value.getWithoutDefault('e') !== null);
      const avroData = new AvroData(s);
      const derived = avroData.fromConnectSchema(schema);
      const target = parseAvroSchema(printSchema(derived));
      const expected = outcome(() => referenceWriter(avroData, schema, derived, target)(value));
      assert.deepEqual(outcome(() => avroData.binaryWriter(schema, derived, target)(value)), expected);
      assert.ok('bytes' in expected, JSON.stringify(expected));
      assert.equal(fusedOnly(avroData, schema, derived, target, value), expected.bytes);
    }), { numRuns: 400 });
  });

  test('a wrong value anywhere inside, other writer schemas: the same bytes or the same error', () => {
    const wrongAt = fc.option(fc.tuple(fc.nat(), fc.constantFrom(...WRONG)), { freq: 3 });
    const change = fc.option(fc.constantFrom(...CHANGES), { freq: 3 });
    fc.assert(fc.property(cases(3), wrongAt, change, ({ schema, value, s }, wrong, c) => {
      if (wrong !== null) {
        const places = slots(value);
        places[wrong[0] % places.length]!(wrong[1]);
      }
      const avroData = new AvroData(s);
      const derived = avroData.fromConnectSchema(schema);
      const target = c === null ? derived : changed(derived, c);
      fc.pre(target !== undefined);
      const expected = outcome(() => referenceWriter(avroData, schema, derived, target!)(value));
      assert.deepEqual(outcome(() => avroData.binaryWriter(schema, derived, target)(value)), expected);
      const fused = fusedOnly(avroData, schema, derived, target!, value);
      if (fused !== undefined) assert.deepEqual({ bytes: fused }, expected);
    }), { numRuns: 2000 });
  });

  test('top-level values of every kind, right or wrong', () => {
    const topLevel = fc.boolean().chain((e) => genOf(2, e).chain((g) => fc.tuple(fc.constant(g.schema), fc.constant(e), g.value)));
    fc.assert(fc.property(topLevel, fc.option(fc.constantFrom(...WRONG)), ([schema, e, v], wrong) => {
      const value = wrong === null ? v : wrong;
      const avroData = new AvroData({ enhancedSchemaSupport: e });
      const derived = avroData.fromConnectSchema(schema);
      const expected = outcome(() => referenceWriter(avroData, schema, derived, derived)(value));
      assert.deepEqual(outcome(() => avroData.binaryWriter(schema, derived)(value)), expected);
      const fused = fusedOnly(avroData, schema, derived, derived, value);
      if (fused !== undefined) assert.deepEqual({ bytes: fused }, expected);
    }), { numRuns: 600 });
  });

});
