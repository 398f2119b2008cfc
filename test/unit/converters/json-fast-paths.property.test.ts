/**
 * JsonConverter's fast paths give exactly what the ordinary paths give: the byte reader (an envelope whose head is
 * the last schema's, read from its bytes) against a converter reading the same bytes the ordinary way, on
 * canonical records and on mutated ones (whitespace, escapes, reordered text, bad UTF-8, big or odd numbers),
 * values and error messages alike.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import {
  BigDecimal, bigintToTwosComplement, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct, validateValue, valueEquals,
} from '../../../src/data/index.js';
import { JsonConverter } from '../../../src/converters/index.js';
import { byteReading } from '../../../src/converters/json/fast-decode.js';
import { ORDERS } from '../../../src/connectors/datagen/index.js';
import { Rng, seed32 } from '../../../src/connectors/datagen/rng.js';

interface Gen { schema: Schema; value: fc.Arbitrary<unknown> }

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b));
const smallUnscaled = fc.oneof(fc.bigInt({ min: -(2n ** 47n), max: 2n ** 47n - 1n }), fc.bigInt({ min: -300n, max: 300n }));

const primitives: Gen[] = [
  { schema: Schema.INT8, value: fc.integer({ min: -128, max: 127 }) },
  { schema: Schema.INT16, value: fc.integer({ min: -32768, max: 32767 }) },
  { schema: Schema.INT32, value: fc.integer({ min: -2147483648, max: 2147483647 }) },
  { schema: Schema.INT64, value: int64 },
  { schema: Schema.FLOAT32, value: fc.float() },
  { schema: Schema.FLOAT64, value: fc.double() },
  { schema: Schema.BOOLEAN, value: fc.boolean() },
  { schema: Schema.STRING, value: fc.oneof(fc.string({ unit: 'binary' }), fc.string()) },
  { schema: Schema.BYTES, value: fc.uint8Array({ maxLength: 12 }) },
  { schema: Decimal.schema(2), value: smallUnscaled.map((u) => new BigDecimal(u, 2)) },
  { schema: Decimal.schema(4), value: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((u) => new BigDecimal(u, 4)) },
  { schema: LogicalDate.schema(), value: fc.integer({ min: -100000, max: 100000 }).map((d) => new Date(d * 86400000)) },
  { schema: LogicalTime.schema(), value: fc.integer({ min: 0, max: 86399999 }).map((ms) => new Date(ms)) },
  { schema: LogicalTimestamp.schema(), value: fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)) },
  { schema: SchemaBuilder.int32().optional().defaultValue(7).build(), value: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }) },
  { schema: SchemaBuilder.string().optional().defaultValue('dflt').build(), value: fc.option(fc.string(), { nil: null }) },
];

function optional(g: Gen): Gen {
  return { schema: SchemaBuilder.from(g.schema).optional().build(), value: fc.option(g.value, { nil: null }) };
}

const fieldName = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,6}$/), fc.constantFrom('é', 'a"b', 'toString', '__proto__', 'x\\y'));

function genOf(depth: number): fc.Arbitrary<Gen> {
  const leaf = fc.constantFrom(...primitives, ...primitives.map(optional));
  if (depth <= 0) return leaf;
  const sub = genOf(depth - 1);
  const array = sub.map((g): Gen => ({ schema: SchemaBuilder.array(g.schema).build(), value: fc.array(g.value, { maxLength: 4 }) }));
  const map = fc.tuple(fc.constantFrom(primitives[2]!, primitives[7]!), sub).map(([k, v]): Gen => ({
    schema: SchemaBuilder.map(k.schema, v.schema).build(),
    value: fc.array(fc.tuple(k.value, v.value), { maxLength: 3 }).map((es) => new Map(es)),
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
  return fc.oneof({ weight: 3, arbitrary: leaf }, array, map, struct, struct);
}

const pairs = genOf(3).chain((g) => g.value.map((v) => ({ schema: g.schema, value: v })));

/** One way a record's payload text can differ from the canonical one. */
const mutation = fc.record({
  kind: fc.constantFrom('none', 'none', 'insert', 'replace', 'delete', 'badUtf8', 'trailing'),
  at: fc.nat(),
  text: fc.constantFrom(' ', '\n', '0', '00', '-', '.5', 'e3', '1e400', '12345678901234567', '"', '\\n', '\\u00e9',
    '}', ']', ',', '{', '[', 'null', 'true', 'é', '😀', '"a":1,', 'x'),
});

type Outcome = { ok: string } | { err: string };

/**
 * What `put` would have checked, all the way down: the readers build structs from values they checked themselves
 * (Struct.ofCheckedValues), so every value read must still pass the data model's own validation.
 */
function assertValid(schema: Schema, value: unknown, path = 'value'): void {
  try {
    validateValue(schema, value, path);
  } catch (e) {
    assert.fail(`${path}: read a value its schema does not allow: ${(e as Error).message}`);
  }
  if (value instanceof Struct) {
    assert.equal(value.schema, schema, `${path}: a struct of another schema`);
    schema.fields.forEach((f, i) => assertValid(f.schema, value.values()[i], `${path}.${f.name}`));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertValid(schema.valueSchema!, v, `${path}[${i}]`));
  } else if (value instanceof Map) {
    for (const [k, v] of value) assertValid(schema.valueSchema!, v, `${path}[${String(k)}]`);
  }
}

function outcome(read: () => { schema: Schema | null; value: unknown }, writer: JsonConverter): Outcome {
  try {
    const { schema, value } = read();
    if (schema) assertValid(schema, value);
    const bytes = writer.fromConnectData('t', schema, value);
    return { ok: bytes === null ? 'null' : Buffer.from(bytes).toString('latin1') };
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return { err: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

function mutate(canonical: Buffer, headLength: number, m: { kind: string; at: number; text: string }): Buffer {
  const payloadLength = canonical.length - headLength - 1;
  const at = headLength + (payloadLength > 0 ? m.at % payloadLength : 0);
  switch (m.kind) {
    case 'insert': return Buffer.concat([canonical.subarray(0, at), Buffer.from(m.text), canonical.subarray(at)]);
    case 'replace': return Buffer.concat([canonical.subarray(0, at), Buffer.from(m.text), canonical.subarray(at + 1)]);
    case 'delete': return Buffer.concat([canonical.subarray(0, at), canonical.subarray(at + 1)]);
    case 'badUtf8': return Buffer.concat([canonical.subarray(0, at), Buffer.from([0xff]), canonical.subarray(at)]);
    case 'trailing': return Buffer.concat([canonical, Buffer.from(m.text)]);
    default: return canonical;
  }
}

describe('JsonConverter fast paths = ordinary paths', () => {
  for (const [name, config] of [
    ['BASE64', {}],
    ['NUMERIC', { 'decimal.format': 'NUMERIC' }],
    ['replace.null.with.default=false', { 'replace.null.with.default': 'false' }],
  ] as const) {
    test(`the byte reader reads what the text path reads, errors included (${name})`, () => {
      const writer = new JsonConverter(config, false);
      fc.assert(fc.property(pairs, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ schema, value }, ms) => {
        const canonical = Buffer.from(writer.fromConnectData('t', schema, value)!);
        const headLength = Buffer.byteLength(`{"schema":${writer.schemaToJson(schema)},"payload":`);
        assert.equal(canonical.subarray(0, headLength).toString(), `{"schema":${writer.schemaToJson(schema)},"payload":`);
        for (const m of ms) {
          const bytes = mutate(canonical, headLength, m);
          const fast = new JsonConverter(config, false);
          fast.toConnectData('t', canonical); // learns the schema text
          fast.toConnectData('t', canonical); // takes it as the last schema: the next record may be read from bytes
          const got = outcome(() => fast.toConnectData('t', bytes), writer);
          // the same converter, the same records, with the byte reader off
          const ordinary = new JsonConverter(config, false);
          byteReading.enabled = false;
          try {
            ordinary.toConnectData('t', canonical);
            ordinary.toConnectData('t', canonical);
            const want = outcome(() => ordinary.toConnectData('t', bytes), writer);
            assert.deepEqual(got, want, `${m.kind} ${JSON.stringify(m.text)} at ${m.at}: ${bytes.toString()}`);
          } finally {
            byteReading.enabled = true;
          }
        }
      }), { numRuns: 400 });
    });
  }

  for (const [name, config] of [
    ['schemas on', {}],
    ['schemas off', { 'schemas.enable': 'false' }],
    ['NUMERIC, no default replacement', { 'decimal.format': 'NUMERIC', 'replace.null.with.default': 'false' }],
  ] as const) {
    test(`the byte writer writes what the string encoders write, errors included, for fitting and misfitting values (${name})`, () => {
      const c = new JsonConverter(config, false);
      const wrote = (f: () => Uint8Array | string | null): Outcome => {
        try {
          const r = f();
          return { ok: r === null ? 'null' : typeof r === 'string' ? r : Buffer.from(r).toString('utf8') };
        } catch (e) {
          // fromConnectData adds the topic to the context; the reason and the field path are the encoder's.
          const d = e as DataException;
          return { err: `${d.constructor.name}: ${d.reason ?? d.message} at ${d.context?.path ?? ''}` };
        }
      };
      // A value of its own schema, or of another (misfits: wrong types, other struct schemas).
      const cases = fc.oneof(pairs, fc.tuple(pairs, pairs).map(([a, b]) => ({ schema: a.schema, value: b.value })));
      fc.assert(fc.property(cases, ({ schema, value }) => {
        const bytes = wrote(() => c.fromConnectData('t', schema, value));
        const text = wrote(() => c.toJsonText(schema, value));
        assert.deepEqual(bytes, text);
      }), { numRuns: 600 });
    });
  }

  test('decimals (BASE64): the Buffer-free base64 of small unscaled values is Buffer\'s base64 of toByteArray()', () => {
    const c = new JsonConverter({ 'schemas.enable': 'false' }, false);
    const on = new JsonConverter({}, false);
    const schema = Decimal.schema(3);
    const edges = [0n, -1n, 127n, 128n, -128n, -129n, 2n ** 47n - 1n, -(2n ** 47n), 2n ** 47n, -(2n ** 47n) - 1n];
    fc.assert(fc.property(fc.oneof(smallUnscaled, fc.constantFrom(...edges), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n })), (u) => {
      const got = Buffer.from(c.fromConnectData('t', schema, new BigDecimal(u, 3))!).toString();
      assert.equal(got, `"${Buffer.from(bigintToTwosComplement(u)).toString('base64')}"`);
      assert.ok(valueEquals(on.toConnectData('t', Buffer.from(`{"schema":${on.schemaToJson(schema)},"payload":${got}}`)).value, new BigDecimal(u, 3)));
    }), { numRuns: 2000 });
  });

  test('datagen orders: the byte reader gives the written values', () => {
    const c = new JsonConverter({}, false);
    const rng = new Rng();
    for (let id = 0; id < 2000; id++) {
      const order = ORDERS.make(id, rng.reset(seed32(7), id));
      const bytes = c.fromConnectData('t', ORDERS.schema, order)!;
      const back = c.toConnectData('t', bytes);
      assert.equal(back.schema, c.toConnectData('t', bytes).schema);
      assert.ok(valueEquals(back.value, order), `order ${id}`);
    }
  });
});
