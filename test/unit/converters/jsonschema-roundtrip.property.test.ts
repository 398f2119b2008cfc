import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BigDecimal,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
  valueEquals,
} from '../../../src/data/index.js';
import { jsonSchemaFormat } from '../../../src/converters/jsonschema/index.js';
import { hashMapOrder, javaHashCode } from '../../../src/converters/jsonschema/java-hash-order.js';

interface Gen { schema: Schema; value: fc.Arbitrary<unknown> }

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b));

const primitives: Gen[] = [
  { schema: Schema.INT8, value: fc.integer({ min: -128, max: 127 }) },
  { schema: Schema.INT16, value: fc.integer({ min: -32768, max: 32767 }) },
  { schema: Schema.INT32, value: fc.integer({ min: -2147483648, max: 2147483647 }) },
  { schema: Schema.INT64, value: int64 },
  // NaN and ±Infinity travel as the strings Jackson writes; -0.0 keeps its sign
  { schema: Schema.FLOAT32, value: fc.float() },
  { schema: Schema.FLOAT64, value: fc.double() },
  { schema: Schema.BOOLEAN, value: fc.boolean() },
  { schema: Schema.STRING, value: fc.string({ unit: 'binary' }) },
  { schema: Schema.BYTES, value: fc.uint8Array({ maxLength: 40 }) },
  { schema: Decimal.schema(4), value: fc.bigInt({ min: -(10n ** 35n), max: 10n ** 35n }).map((u) => new BigDecimal(u, 4)) },
  { schema: Decimal.schema(0), value: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((u) => new BigDecimal(u, 0)) },
  { schema: LogicalDate.schema(), value: fc.integer({ min: -100000, max: 100000 }).map((d) => new Date(d * 86400000)) },
  { schema: LogicalTime.schema(), value: fc.integer({ min: 0, max: 86399999 }).map((ms) => new Date(ms)) },
  { schema: LogicalTimestamp.schema(), value: fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)) },
];

function optional(g: Gen): Gen {
  return { schema: SchemaBuilder.from(g.schema).optional().build(), value: fc.option(g.value, { nil: null }) };
}

const fieldName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.]{0,8}$/);

/** Arbitrary (schema, value) pairs: primitives, logical types, arrays, maps (string and other keys), structs, nesting, docs. */
function genOf(depth: number): fc.Arbitrary<Gen> {
  const leaf = fc.constantFrom(...primitives, ...primitives.map(optional));
  if (depth <= 0) return leaf;
  const sub = genOf(depth - 1);
  const array = sub.map((g): Gen => ({ schema: SchemaBuilder.array(g.schema).build(), value: fc.array(g.value, { maxLength: 4 }) }));
  const map = fc.tuple(fc.constantFrom(...primitives, optional(primitives[7]!)), sub).map(([k, v]): Gen => ({
    schema: SchemaBuilder.map(k.schema, v.schema).build(),
    value: fc.array(fc.tuple(k.value, v.value), { maxLength: 4 }).map((es) => new Map(es)),
  }));
  const struct = fc.tuple(
    fc.uniqueArray(fc.tuple(fieldName, sub), { maxLength: 6, selector: ([n]) => n }),
    fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    fc.boolean(),
  ).map(([fields, doc, version, opt]): Gen => {
    const b = SchemaBuilder.struct().name('gen.S');
    if (doc !== undefined) b.doc(doc);
    if (version !== undefined) b.version(version);
    for (const [n, g] of fields) b.field(n, g.schema);
    if (opt) b.optional();
    const schema = b.build();
    const values = fc.tuple(...fields.map(([, g]) => g.value)).map((vs) => {
      const st = new Struct(schema);
      fields.forEach(([n], i) => st.put(n, vs[i]));
      return st;
    });
    return { schema, value: opt ? fc.option(values, { nil: null }) : values };
  });
  return fc.oneof({ weight: 3, arbitrary: leaf }, array, map, struct);
}

const pairs = genOf(3).chain((g) => g.value.map((v) => ({ schema: g.schema, value: v })));

describe('JSON Schema format property tests', () => {
  for (const [name, config] of [['BASE64 decimals', {}], ['NUMERIC decimals', { 'decimal.format': 'NUMERIC' }]] as const) {
    test(`schema → registered text → equal schema; value → payload → equal value (${name})`, () => {
      const writing = jsonSchemaFormat(config, false);
      fc.assert(fc.property(pairs, ({ schema, value }) => {
        const w = writing.writerFor(schema);
        const r = jsonSchemaFormat(config, false).readerFor(w.registered, new Map());
        assert.ok(schemaEquals(r.schema, schema), `${r.schema} != ${schema}\n${w.registered.schema}`);
        if (value === null && !schema.optional) return;
        const bytes = w.write(value);
        assert.ok(valueEquals(r.read(bytes), value), `value differs for ${schema}: ${new TextDecoder().decode(bytes)}`);
        // the text is stable, and use.latest.version with the same text writes the same bytes
        assert.equal(jsonSchemaFormat(config, false).writerFor(schema).registered.schema, w.registered.schema);
        assert.deepEqual(writing.writerForRegistered(schema, w.registered, new Map()).write(value), bytes);
      }), { numRuns: 300 });
    });
  }

  test('payloads are JSON that JSON.parse accepts', () => {
    const f = jsonSchemaFormat({}, false);
    fc.assert(fc.property(pairs, ({ schema, value }) => {
      if (value === null && !schema.optional) return;
      JSON.parse(new TextDecoder().decode(f.writerFor(schema).write(value)));
    }), { numRuns: 200 });
  });

  test('the simulated HashMap lists every key once, ordered by bucket', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string(), { maxLength: 40 }), (keys) => {
      const order = hashMapOrder(keys);
      assert.deepEqual([...order].sort(), [...keys].sort());
      let cap = 16;
      while (keys.length > cap * 0.75) cap *= 2;
      const bucket = (k: string) => { const h = javaHashCode(k); return (h ^ (h >>> 16)) & (cap - 1); };
      for (let i = 1; i < order.length; i++) assert.ok(bucket(order[i - 1]!) <= bucket(order[i]!));
    }), { numRuns: 300 });
  });
});
