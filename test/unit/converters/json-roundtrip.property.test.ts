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
  valueEquals,
} from '../../../src/data/index.js';
import { JsonConverter, javaDoubleToString, javaFloatToString, parseFloat32 } from '../../../src/converters/index.js';

interface Gen { schema: Schema; value: fc.Arbitrary<unknown> }

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b));
const double = fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0)); // -0.0 reads back as 0.0, as in Kafka
const float = fc.float({ noNaN: true }).filter((d) => !Object.is(d, -0));

const primitives: Gen[] = [
  { schema: Schema.INT8, value: fc.integer({ min: -128, max: 127 }) },
  { schema: Schema.INT16, value: fc.integer({ min: -32768, max: 32767 }) },
  { schema: Schema.INT32, value: fc.integer({ min: -2147483648, max: 2147483647 }) },
  { schema: Schema.INT64, value: int64 },
  { schema: Schema.FLOAT32, value: float },
  { schema: Schema.FLOAT64, value: double },
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

const fieldName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);

/** Arbitrary (schema, value) pairs: primitives, logical types, arrays, maps (string and other keys), structs, nesting. */
function genOf(depth: number): fc.Arbitrary<Gen> {
  const leaf = fc.constantFrom(...primitives, ...primitives.map(optional));
  if (depth <= 0) return leaf;
  const sub = genOf(depth - 1);
  const array = sub.map((g): Gen => ({ schema: SchemaBuilder.array(g.schema).build(), value: fc.array(g.value, { maxLength: 4 }) }));
  const map = fc.tuple(fc.constantFrom(...primitives), sub).map(([k, v]): Gen => ({
    schema: SchemaBuilder.map(k.schema, v.schema).build(),
    value: fc.array(fc.tuple(k.value, v.value), { maxLength: 4 }).map((es) => new Map(es)),
  }));
  const struct = fc.uniqueArray(fc.tuple(fieldName, sub), { maxLength: 5, selector: ([n]) => n }).chain((fields) => {
    const b = SchemaBuilder.struct().name('gen.S');
    for (const [n, g] of fields) b.field(n, g.schema);
    const schema = b.build();
    return fc.boolean().map((opt): Gen => {
      const s = opt ? SchemaBuilder.from(schema).optional().build() : schema;
      const values = fc.tuple(...fields.map(([, g]) => g.value)).map((vs) => {
        const st = new Struct(s);
        fields.forEach(([n], i) => st.put(n, vs[i]));
        return st;
      });
      return { schema: s, value: opt ? fc.option(values, { nil: null }) : values };
    });
  });
  return fc.oneof({ weight: 3, arbitrary: leaf }, array, map, struct);
}

const pairs = genOf(3).chain((g) => g.value.map((v) => ({ schema: g.schema, value: v })));

describe('JsonConverter property tests', () => {
  for (const [name, config] of [
    ['schemas.enable=true, BASE64', {}],
    ['schemas.enable=true, NUMERIC', { 'decimal.format': 'NUMERIC' }],
  ] as const) {
    test(`arbitrary schema + value → bytes → equal schema and value (${name})`, () => {
      const c = new JsonConverter(config, false);
      fc.assert(fc.property(pairs, ({ schema, value }) => {
        const bytes = c.fromConnectData('t', schema, value);
        const back = c.toConnectData('t', bytes);
        assert.ok(valueEquals(back.value, value), `value differs for ${schema}`);
        assert.equal(c.schemaToJson(back.schema!), c.schemaToJson(schema));
        // a second read goes through the cached-schema fast path
        assert.ok(valueEquals(c.toConnectData('t', bytes).value, value));
      }), { numRuns: 400 });
    });
  }

  test('schemas.enable=false: values round-trip with the schema known to the reader through a fresh envelope', () => {
    const off = new JsonConverter({ 'schemas.enable': false }, false);
    const on = new JsonConverter({}, false);
    fc.assert(fc.property(pairs, ({ schema, value }) => {
      const payload = off.fromConnectData('t', schema, value);
      const text = payload === null ? 'null' : Buffer.from(payload).toString('utf8');
      const envelope = Buffer.from(`{"schema":${on.schemaToJson(schema)},"payload":${text}}`);
      assert.ok(valueEquals(on.toConnectData('t', envelope).value, value));
    }), { numRuns: 200 });
  });

  test('schemaless JSON values round-trip', () => {
    const c = new JsonConverter({ 'schemas.enable': 'false' }, false);
    const jsonish = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        // non-finite doubles are written as the strings "NaN"/"Infinity" (as Jackson does) and so read back as strings
        fc.constant(null), fc.boolean(), fc.string(), int64,
        double.filter((d) => Number.isFinite(d) && (!Number.isInteger(d) || Number.isSafeInteger(d))),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(fc.property(jsonish, (v) => {
      const back = c.toConnectData('t', c.fromConnectData('t', null, v)).value;
      assert.ok(valueEquals(back, v ?? null), JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));
    }), { numRuns: 400 });
  });

  test('Java double/float text always parses back to the same number', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
      assert.ok(Object.is(Number(javaDoubleToString(d)), d));
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
      assert.ok(Object.is(parseFloat32(javaFloatToString(f)), f));
    }), { numRuns: 2000 });
  });
});
