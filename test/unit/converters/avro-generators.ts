/**
 * Arbitrary Connect schemas with values of them, as the Avro format takes them: primitives, logical types, enums,
 * fixed, arrays, maps, structs (with union structs), nested (for the Avro property tests).
 */
import fc from 'fast-check';
import { BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';

export interface Gen { schema: Schema; value: fc.Arbitrary<unknown> }

export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b));
const enumSchema = SchemaBuilder.string().name('gen.Kind').parameter('io.confluent.connect.avro.Enum', 'gen.Kind')
  .parameter('io.confluent.connect.avro.Enum.A', 'A').parameter('io.confluent.connect.avro.Enum.B', 'B').build();
const fixedSchema = SchemaBuilder.bytes().name('gen.Hash').parameter('connect.fixed.size', '3').build();
const fixedDecimal = Decimal.builder(3).parameter('connect.decimal.precision', '9').parameter('connect.fixed.size', '4').build();

export const primitives: Gen[] = [
  { schema: Schema.INT8, value: fc.integer({ min: -128, max: 127 }) },
  { schema: Schema.INT16, value: fc.integer({ min: -32768, max: 32767 }) },
  { schema: Schema.INT32, value: fc.integer({ min: -2147483648, max: 2147483647 }) },
  { schema: Schema.INT64, value: int64 },
  { schema: Schema.FLOAT32, value: fc.float() },
  { schema: Schema.FLOAT64, value: fc.double() },
  { schema: Schema.BOOLEAN, value: fc.boolean() },
  { schema: Schema.STRING, value: fc.string({ unit: 'binary', maxLength: 30 }) },
  { schema: Schema.BYTES, value: fc.uint8Array({ maxLength: 40 }) },
  { schema: Decimal.schema(4), value: fc.bigInt({ min: -(10n ** 35n), max: 10n ** 35n }).map((u) => new BigDecimal(u, 4)) },
  { schema: Decimal.builder(2).parameter('connect.decimal.precision', '12').build(), value: fc.bigInt({ min: -(10n ** 12n) + 1n, max: 10n ** 12n - 1n }).map((u) => new BigDecimal(u, 2)) },
  { schema: fixedDecimal, value: fc.integer({ min: -999_999_999, max: 999_999_999 }).map((u) => new BigDecimal(BigInt(u), 3)) },
  { schema: LogicalDate.schema(), value: fc.integer({ min: -100000, max: 100000 }).map((d) => new Date(d * 86400000)) },
  { schema: LogicalTime.schema(), value: fc.integer({ min: 0, max: 86399999 }).map((ms) => new Date(ms)) },
  { schema: LogicalTimestamp.schema(), value: fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)) },
  { schema: enumSchema, value: fc.constantFrom('A', 'B') },
  { schema: fixedSchema, value: fc.uint8Array({ minLength: 3, maxLength: 3 }) },
];

export function optional(g: Gen): Gen {
  return { schema: SchemaBuilder.from(g.schema).optional().build(), value: fc.option(g.value, { nil: null }) };
}

const fieldName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
let names = 0;

/** A fresh number for a generated name. */
export function nextName(): number {
  return ++names;
}

/**
 * An io.confluent.connect.avro.Union field as AvroData reads one back: branch fields named by the Avro type (a
 * record by its full name with enhanced support, else its simple name), and the field-default flag Confluent adds
 * for the `"default": null` of the record field.
 */
function unionField(enhanced: boolean): fc.Arbitrary<Gen> {
  return fc.constant(null).map((): Gen => {
    const n = ++names;
    const branch = SchemaBuilder.struct().name(`gen.B${n}`).field('x', Schema.INT32).optional().build();
    const branchField = enhanced ? `gen.B${n}` : `B${n}`;
    const schema = SchemaBuilder.struct().name('io.confluent.connect.avro.Union').optional()
      .field('long', Schema.OPTIONAL_INT64).field('string', Schema.OPTIONAL_STRING).field(branchField, branch)
      .parameter('io.confluent.connect.avro.field.default', 'true').build();
    return {
      schema,
      value: fc.oneof(
        int64.map((v) => new Struct(schema).put('long', v)),
        fc.string({ maxLength: 5 }).map((v) => new Struct(schema).put('string', v)),
        fc.integer().map((v) => new Struct(schema).put(branchField, new Struct(branch).put('x', v))),
        fc.constant(null),
      ),
    };
  });
}

/** Arbitrary (schema, value) pairs: primitives, logical types, enums, fixed, arrays, maps, structs (with unions), nesting. */
export function genOf(depth: number, enhanced: boolean): fc.Arbitrary<Gen> {
  const leaf = fc.constantFrom(...primitives, ...primitives.map(optional));
  if (depth <= 0) return leaf;
  const sub = genOf(depth - 1, enhanced);
  const array = sub.map((g): Gen => ({ schema: SchemaBuilder.array(g.schema).build(), value: fc.array(g.value, { maxLength: 4 }) }));
  // Non-string maps are named: unnamed ones all get entry records named MapEntry, and Confluent registers a later
  // one with the same bytes but other Connect types (say int8 and Time values) as a reference to the first.
  const map = fc.tuple(fc.constantFrom(...primitives.slice(0, 9), optional(primitives[7]!)), sub).map(([k, v]): Gen => {
    const b = SchemaBuilder.map(k.schema, v.schema);
    if (k.schema !== Schema.STRING) b.name(`gen.M${++names}`);
    return { schema: b.build(), value: fc.array(fc.tuple(k.value, v.value), { maxLength: 4 }).map((es) => new Map(es)) };
  });
  const fieldGen = fc.oneof({ weight: 4, arbitrary: sub }, { weight: 1, arbitrary: unionField(enhanced) });
  const struct = fc.tuple(fc.boolean(), fc.uniqueArray(fc.tuple(fieldName, fieldGen), { maxLength: 5, selector: ([n]) => n })).chain(([named, fields]) => {
    const b = SchemaBuilder.struct();
    if (named) b.name(`gen.S${++names}`);
    for (const [n, g] of fields) b.field(n, g.schema);
    const schema = b.build();
    const value = fc.tuple(...fields.map(([, g]) => g.value)).map((vals) => {
      const st = new Struct(schema);
      fields.forEach(([n], i) => st.put(n, vals[i]));
      return st;
    });
    return fc.constant<Gen>({ schema, value });
  });
  return fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: array }, { weight: 1, arbitrary: map }, { weight: 2, arbitrary: struct });
}
