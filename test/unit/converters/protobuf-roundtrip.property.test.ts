// Round trips of arbitrary Connect structs through the Protobuf format: what is read back is what Confluent's
// ProtobufData predicts (nulls become proto3 defaults unless kept by optional.for.nullables, empty and null
// collections read as empty, unions as `<name>_<index>`), and writing what was read gives the same bytes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct,
} from '../../../src/data/index.js';
import { protobufFormat, type ProtobufFormatReader } from '../../../src/converters/protobuf/index.js';

interface Gen { schema: Schema; value: fc.Arbitrary<unknown> }
type Config = Record<string, unknown>;

const TAG = 'io.confluent.connect.protobuf.Tag';
const ENUM = 'io.confluent.connect.protobuf.Enum';
const MIN_MS = -62135596800000; // 0001-01-01
const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b));
// -0.0 is not written for a proto3 field (protobufjs compares with 0), so it reads back as 0.0.
const double = fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0));
const float = fc.float({ noNaN: true }).filter((d) => !Object.is(d, -0));
const statusSchema = SchemaBuilder.string().name('Status').optional()
  .parameter(ENUM, 'Status').parameter(`${ENUM}.ACTIVE`, '0').parameter(`${ENUM}.INACTIVE`, '1').parameter(`${ENUM}.GONE`, '5').build();

const primitives: Gen[] = [
  { schema: Schema.INT8, value: fc.integer({ min: -128, max: 127 }) },
  { schema: Schema.INT16, value: fc.integer({ min: -32768, max: 32767 }) },
  { schema: Schema.INT32, value: fc.integer({ min: -2147483648, max: 2147483647 }) },
  { schema: Schema.INT64, value: int64 },
  { schema: Schema.FLOAT32, value: float },
  { schema: Schema.FLOAT64, value: double },
  { schema: Schema.BOOLEAN, value: fc.boolean() },
  { schema: Schema.STRING, value: fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\n', 'é', '✓', '😀'), maxLength: 8 }) },
  { schema: Schema.BYTES, value: fc.uint8Array({ maxLength: 12 }) },
];

const logicals: Gen[] = [
  { schema: Decimal.schema(2), value: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((u) => new BigDecimal(u, 2)) },
  { schema: LogicalDate.schema(), value: fc.integer({ min: MIN_MS / 86400000, max: Math.floor(MAX_MS / 86400000) }).map((d) => new Date(d * 86400000)) },
  { schema: LogicalTime.schema(), value: fc.integer({ min: 0, max: 86399999 }).map((ms) => new Date(ms)) },
  { schema: LogicalTimestamp.schema(), value: fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms) => new Date(ms)) },
];

const enumGen: Gen = { schema: statusSchema, value: fc.option(fc.constantFrom('ACTIVE', 'INACTIVE', 'GONE'), { nil: null }) };

function optional(g: Gen): Gen {
  return { schema: SchemaBuilder.from(g.schema).optional().build(), value: fc.option(g.value, { nil: null }) };
}

const leaves: Gen[] = [...primitives, ...logicals];
const leaf = fc.constantFrom(...leaves, ...leaves.map(optional), enumGen);
const names = (prefix: string) => (n: number) => fc.uniqueArray(fc.nat({ max: 5000 }), { minLength: n, maxLength: n })
  .map((ns) => ns.map((i) => `${prefix}${i.toString(36)}${i % 3 === 0 ? '_x' : ''}`));
const fieldNames = names('f');
/** Oneof members are fields of the enclosing message too: another prefix keeps them apart from its fields. */
const memberNames = names('m');

/** A oneof: optional members numbered by Tag parameters from `base`, exactly one set, or the whole union null. */
function unionGen(base: number): fc.Arbitrary<Gen> {
  return fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(memberNames(n), fc.array(fc.constantFrom(...leaves), { minLength: n, maxLength: n }))
    .map(([names, members]) => {
      const b = SchemaBuilder.struct().name(`io.confluent.connect.protobuf.Union.u${base}`).optional();
      members.forEach((m, i) => b.field(names[i]!, SchemaBuilder.from(m.schema).optional().parameter(TAG, String(base + i)).build()));
      const schema = b.build();
      const value = fc.option(fc.integer({ min: 0, max: n - 1 }).chain((i) => members[i]!.value.map((v) => new Struct(schema).put(names[i]!, v))), { nil: null });
      return { schema, value };
    }));
}

function genOf(depth: number): fc.Arbitrary<Gen> {
  if (depth <= 0) return leaf;
  const sub = genOf(depth - 1);
  // Protobuf has no null elements; a null map value reads back as the type's default (a unit test covers it).
  const array = fc.oneof(fc.constantFrom(...leaves), structGen(depth - 1, false)).chain((g) => fc.boolean().map((opt): Gen => {
    const schema = SchemaBuilder.array(g.schema);
    return { schema: (opt ? schema.optional() : schema).build(), value: opt ? fc.option(fc.array(g.value, { maxLength: 3 }), { nil: null }) : fc.array(g.value, { maxLength: 3 }) };
  }));
  const keys = [Schema.INT32, Schema.INT64, Schema.STRING, Schema.BOOLEAN].map((s) => primitives.find((p) => p.schema === s)!);
  const map = fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(...leaves), structGen(depth - 1, false))).map(([k, v]): Gen => ({
    schema: SchemaBuilder.map(k.schema, v.schema).optional().build(),
    value: fc.option(fc.uniqueArray(fc.tuple(k.value, v.value), { maxLength: 3, selector: ([key]) => key, comparator: 'SameValueZero' }).map((es) => new Map(es)), { nil: null }),
  }));
  return fc.oneof(sub, array, map, structGen(depth - 1));
}

function structGen(depth: number, optionalStruct = true): fc.Arbitrary<Gen> {
  return fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(
    fieldNames(n),
    fc.array(fc.oneof({ weight: 4, arbitrary: depth > 0 ? genOf(depth) : leaf }, { weight: 1, arbitrary: unionGen(1000 * (depth + 1)) }), { minLength: n, maxLength: n }),
  ).map(([names, gens]) => {
    // Two unions of one struct would share member numbers: keep the first.
    let unionSeen = false;
    const fields = gens.map((g, i) => [names[i]!, g] as const).filter(([, g]) => {
      const isUnion = g.schema.name?.startsWith('io.confluent.connect.protobuf.Union') ?? false;
      if (isUnion && unionSeen) return false;
      unionSeen ||= isUnion;
      return true;
    });
    const b = SchemaBuilder.struct();
    if (optionalStruct) b.optional();
    for (const [name, g] of fields) b.field(name, g.schema);
    const schema = b.build();
    const struct = fc.tuple(...fields.map(([, g]) => g.value)).map((values) => {
      const s = new Struct(schema);
      fields.forEach(([name], i) => s.put(name, values[i]));
      return s;
    });
    return { schema, value: optionalStruct ? fc.option(struct, { nil: null }) : struct };
  }));
}

/** A comparable form of a Connect value (struct fields by name, map entries sorted). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Struct) return Object.fromEntries(v.schema.fields.map((f) => [f.name, plain(v.get(f))]));
  if (v instanceof Map) return [...v].map(([k, x]) => [plain(k), plain(x)]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (v instanceof BigDecimal) return `dec:${v.unscaled}e${v.scale}`;
  if (v instanceof Date) return `date:${v.getTime()}`;
  if (typeof v === 'bigint') return `${v}n`;
  return v;
}

/** What ProtobufData reads back for `value` of `schema`, in plain form. */
function expected(schema: Schema, value: unknown, config: Config): unknown {
  const keepsNull = (s: Schema) => s.optional && (config['optional.for.nullables'] === true || (config['wrapper.for.nullables'] === true && !s.parameters?.has(ENUM)));
  if (schema.type === 'STRUCT') {
    if (value === null) return null;
    const struct = value as Struct;
    const out: Record<string, unknown> = {};
    let unions = 0;
    for (const f of schema.fields) {
      const v = struct.get(f);
      if (f.schema.name?.startsWith('io.confluent.connect.protobuf.Union')) {
        // The Connect field of a oneof is named after the oneof, which is named after the union schema.
        out[`${f.schema.name!.slice('io.confluent.connect.protobuf.Union.'.length)}_${unions++}`] = v === null ? null
          : Object.fromEntries(f.schema.fields.map((m) => [m.name, (v as Struct).get(m) === null ? null : expected(m.schema, (v as Struct).get(m), config)]));
      } else {
        out[f.name] = expected(f.schema, v, config);
      }
    }
    return out;
  }
  if (schema.type === 'ARRAY') return ((value ?? []) as unknown[]).map((e) => expected(schema.valueSchema!, e, config));
  if (schema.type === 'MAP') {
    const valueSchema = schema.valueSchema!;
    const entries = [...((value ?? new Map()) as Map<unknown, unknown>)].map(([k, v]) => [
      expected(schema.keySchema!, k, config),
      // An entry without its value reads as the value type's default: a struct of defaults.
      expected(valueSchema, v === null && valueSchema.type === 'STRUCT' ? new Struct(valueSchema) : v, config),
    ]);
    return entries.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  if (value !== null) return plain(value);
  if (schema.name !== undefined && schema.name.startsWith('org.apache.kafka.connect.data.')) return null;
  if (keepsNull(schema)) return null;
  if (schema.parameters?.has(ENUM)) return 'ACTIVE';
  switch (schema.type) {
    case 'BOOLEAN': return false;
    case 'STRING': return '';
    case 'BYTES': return 'bytes:';
    default: return 0;
  }
}

function readBack(schema: Schema, value: unknown, config: Config) {
  const writer = protobufFormat(config, false).writerFor(schema);
  const bytes = writer.write(value);
  const read = (protobufFormat(config, false).readerFor(writer.registered, new Map()) as ProtobufFormatReader).readSchemaAndValue(bytes);
  return { text: writer.registered.schema, bytes, schema: read.schema!, value: read.value };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

for (const config of [{}, { 'optional.for.nullables': true }, { 'wrapper.for.nullables': true }] as Config[]) {
  test(`arbitrary structs read back as ProtobufData predicts, and write back the same (${JSON.stringify(config)})`, () => {
    fc.assert(fc.property(structGen(2, false).chain((g) => g.value.map((v) => [g.schema, v] as const)), ([schema, value]) => {
      const first = readBack(schema, value, config);
      assert.deepEqual(plain(first.value), expected(schema, value, config));
      const second = readBack(first.schema, first.value, config);
      assert.deepEqual(plain(second.value), plain(first.value));
      // The text may differ (oneofs read back first, so imports can come in another order; an optional message
      // field reads back optional), but every field keeps its number and wire type. Not with wrapper.for.nullables:
      // array elements read back optional, and optional elements are written as wrapper messages.
      if (config['wrapper.for.nullables'] !== true) assert.equal(hex(second.bytes), hex(first.bytes));
    }), { numRuns: 100 });
  });
}
