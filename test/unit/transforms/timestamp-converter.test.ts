import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DataException, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct, type Schema as S } from '../../../src/data/index.js';
import { ConfigException } from '../../../src/connectors/api/config-def.js';
import { run, sourceRecord, xform } from './support.js';

const FMT = 'yyyy MM dd HH mm ss SSS z';
const DATE_PLUS_TIME = new Date(Date.UTC(2017, 0, 1, 4, 5, 6, 789));
const DATE = new Date(Date.UTC(2017, 0, 1));
const TIME = new Date(Date.UTC(1970, 0, 1, 4, 5, 6, 789));
const EPOCH = new Date(0);

type Kind = 'Timestamp' | 'Date' | 'Time' | 'unix' | 'string';
const SCHEMA: Record<Kind, S> = {
  Timestamp: LogicalTimestamp.schema(),
  Date: LogicalDate.schema(),
  Time: LogicalTime.schema(),
  unix: Schema.INT64,
  string: Schema.STRING,
};
/** Each source kind and the instant it holds. */
const SOURCES: [Kind, unknown, Date][] = [
  ['Timestamp', DATE_PLUS_TIME, DATE_PLUS_TIME],
  ['unix', DATE_PLUS_TIME.getTime(), DATE_PLUS_TIME],
  ['string', '2017 01 01 04 05 06 789 UTC', DATE_PLUS_TIME],
  ['Date', DATE, DATE],
  ['Time', TIME, TIME],
];

function expected(target: Kind, instant: Date): unknown {
  const ms = instant.getTime();
  switch (target) {
    case 'Timestamp': return instant;
    case 'Date': return new Date(Math.floor(ms / 86_400_000) * 86_400_000);
    case 'Time': return new Date(((ms % 86_400_000) + 86_400_000) % 86_400_000);
    case 'unix': return ms;
    case 'string': {
      const d = new Date(ms);
      const p = (n: number, w = 2) => String(n).padStart(w, '0');
      return `${d.getUTCFullYear()} ${p(d.getUTCMonth() + 1)} ${p(d.getUTCDate())} ${p(d.getUTCHours())} ${p(d.getUTCMinutes())} ${p(d.getUTCSeconds())} ${p(d.getUTCMilliseconds(), 3)} UTC`;
    }
  }
}

describe('TimestampConverter between every pair of types', () => {
  for (const [from, input, instant] of SOURCES) {
    for (const target of Object.keys(SCHEMA) as Kind[]) {
      test(`${from} → ${target}, whole value with a schema, and as a struct field`, () => {
        const t = xform('TimestampConverter$Value', { 'target.type': target, format: FMT });
        const out = run(t, sourceRecord({ valueSchema: SCHEMA[from], value: input }));
        assert.equal(out.valueSchema!.type, SCHEMA[target].type);
        assert.equal(out.valueSchema!.name, SCHEMA[target].name);
        assert.deepEqual(out.value, expected(target, instant));

        const struct = SchemaBuilder.struct().field('ts', SCHEMA[from]).field('other', Schema.STRING).build();
        const tf = xform('TimestampConverter$Value', { 'target.type': target, format: FMT, field: 'ts' });
        const outField = run(tf, sourceRecord({ valueSchema: struct, value: new Struct(struct).put('ts', input).put('other', 'o') }));
        assert.equal(outField.valueSchema!.field('ts')!.schema.name, SCHEMA[target].name);
        assert.equal(outField.valueSchema!.field('other')!.schema, Schema.STRING);
        assert.deepEqual((outField.value as Struct).get('ts'), expected(target, instant));
        assert.equal((outField.value as Struct).get('other'), 'o');
      });
      if (from === 'Date' || from === 'Time') continue; // schemaless values cannot be told apart from Timestamps
      test(`${from} → ${target}, schemaless, whole value and map field`, () => {
        const t = xform('TimestampConverter$Value', { 'target.type': target, format: FMT });
        assert.deepEqual(run(t, sourceRecord({ value: input })).value, expected(target, instant));
        const tf = xform('TimestampConverter$Value', { 'target.type': target, format: FMT, field: 'ts' });
        assert.deepEqual(run(tf, sourceRecord({ value: { ts: input, other: 1 } })).value, { ts: expected(target, instant), other: 1 });
      });
    }
  }
});

describe('TimestampConverter details', () => {
  test('unix.precision on input and output (TimeUnit truncation towards zero)', () => {
    const ms = DATE_PLUS_TIME.getTime();
    const toUnix = (precision: string) => run(xform('TimestampConverter$Value', { 'target.type': 'unix', 'unix.precision': precision }),
      sourceRecord({ valueSchema: LogicalTimestamp.schema(), value: DATE_PLUS_TIME })).value;
    assert.equal(toUnix('seconds'), Math.trunc(ms / 1000));
    assert.equal(toUnix('milliseconds'), ms);
    assert.equal(toUnix('microseconds'), ms * 1000);
    assert.equal(toUnix('nanoseconds'), BigInt(ms) * 1_000_000n);
    const fromUnix = (precision: string, v: number | bigint) => (run(xform('TimestampConverter$Value', { 'target.type': 'Timestamp', 'unix.precision': precision }),
      sourceRecord({ valueSchema: Schema.INT64, value: v })).value as Date).getTime();
    assert.equal(fromUnix('seconds', 1483243506), 1483243506000);
    assert.equal(fromUnix('microseconds', 1483243506789123), 1483243506789);
    assert.equal(fromUnix('nanoseconds', 1483243506789123456n), 1483243506789);
    assert.equal(fromUnix('microseconds', -1500), -1, 'truncation, not floor');
    const negSeconds = run(xform('TimestampConverter$Value', { 'target.type': 'unix', 'unix.precision': 'seconds' }),
      sourceRecord({ valueSchema: LogicalTimestamp.schema(), value: new Date(-1500) })).value;
    assert.equal(negSeconds, -1);
  });

  test('optional schemas stay optional; null values stay null', () => {
    const opt = LogicalTimestamp.builder().optional().build();
    const out = run(xform('TimestampConverter$Value', { 'target.type': 'unix' }), sourceRecord({ valueSchema: opt, value: null }));
    assert.equal(out.valueSchema, Schema.OPTIONAL_INT64);
    assert.equal(out.value, null);
    const struct = SchemaBuilder.struct().field('ts', opt).build();
    const outField = run(xform('TimestampConverter$Value', { 'target.type': 'Date', field: 'ts' }), sourceRecord({ valueSchema: struct, value: new Struct(struct) }));
    assert.equal(outField.valueSchema!.field('ts')!.schema.optional, true);
    assert.equal((outField.value as Struct).get('ts'), null);
    const nullStruct = run(xform('TimestampConverter$Value', { 'target.type': 'Date', field: 'ts' }),
      sourceRecord({ valueSchema: SchemaBuilder.struct().optional().field('ts', opt).build(), value: null }));
    assert.equal(nullStruct.value, null);
    assert.deepEqual(run(xform('TimestampConverter$Value', { 'target.type': 'Date' }), sourceRecord({ value: null })).value, null);
  });

  test('replace.null.with.default applies to the converted field', () => {
    const withDefault = LogicalTimestamp.builder().optional().defaultValue(new Date(86_400_000 + 5)).build();
    const struct = SchemaBuilder.struct().field('ts', withDefault).build();
    const r = sourceRecord({ valueSchema: struct, value: new Struct(struct) });
    assert.equal(run(xform('TimestampConverter$Value', { 'target.type': 'unix', field: 'ts' }), r).value instanceof Struct, true);
    assert.equal((run(xform('TimestampConverter$Value', { 'target.type': 'unix', field: 'ts' }), r).value as Struct).get('ts'), 86_400_005);
    assert.equal((run(xform('TimestampConverter$Value', { 'target.type': 'unix', field: 'ts', 'replace.null.with.default': false }), r).value as Struct).get('ts'), null);
  });

  test('config errors', () => {
    assert.throws(() => xform('TimestampConverter$Value', {}), ConfigException);
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'timestamp' }), /String must be one of/);
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'string' }), /requires format option/);
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'string', format: 'bad-format-q' }), /SimpleDateFormat-compatible/);
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'unix', 'unix.precision': 'minutes' }), ConfigException);
  });

  test('data errors name the field', () => {
    const struct = SchemaBuilder.struct().field('ts', Schema.STRING).build();
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'unix', field: 'ts', format: 'yyyy-MM-dd' })
      .apply(sourceRecord({ valueSchema: struct, value: new Struct(struct).put('ts', 'not a date') })),
    (e: unknown) => e instanceof DataException && /does not match pattern \(yyyy-MM-dd\)/.test(e.message) && e.context.path === 'ts');
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'unix' }).apply(sourceRecord({ valueSchema: Schema.INT32, value: 1 })),
      /does not correspond to a known timestamp type format/);
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'unix' }).apply(sourceRecord({ value: 1.5 })),
      /does not support java.lang.Double objects as timestamps/);
    assert.throws(() => xform('TimestampConverter$Value', { 'target.type': 'unix' }).apply(sourceRecord({ value: 'x' })),
      /needs the format option/);
  });

  test('string parsing is lenient like SimpleDateFormat: overflow rolls over, trailing text is ignored', () => {
    const parse = (format: string, text: string) =>
      (run(xform('TimestampConverter$Value', { 'target.type': 'Timestamp', format }), sourceRecord({ valueSchema: Schema.STRING, value: text })).value as Date).toISOString();
    assert.equal(parse('yyyy-MM-dd', '2017-13-01'), '2018-01-01T00:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd', '2017-02-30 extra'), '2017-03-02T00:00:00.000Z');
    assert.equal(parse("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2024-01-31T10:00:00.000+02:00'), '2024-01-31T08:00:00.000Z');
    assert.equal(parse("yyyy-MM-dd'T'HH:mm:ssZ", '2024-01-31T10:00:00-0130'), '2024-01-31T11:30:00.000Z');
    assert.equal(parse('yyyyMMddHHmmss', '20240131235959'), '2024-01-31T23:59:59.000Z');
    assert.equal(parse('dd/MMM/yyyy:HH:mm:ss Z', '10/Oct/2000:13:55:36 -0700'), '2000-10-10T20:55:36.000Z');
    assert.equal(parse('hh:mm a, EEE d MMMM yyyy', '03:15 PM, Wed 31 January 2024'), '2024-01-31T15:15:00.000Z');
  });

  test('property: unix → string → unix round-trips with a full pattern', () => {
    const toString = xform('TimestampConverter$Value', { 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSSX" });
    const toUnix = xform('TimestampConverter$Value', { 'target.type': 'unix', format: "yyyy-MM-dd'T'HH:mm:ss.SSSX" });
    fc.assert(fc.property(fc.integer({ min: -30_000_000_000_000, max: 200_000_000_000_000 }), (ms) => {
      const s = run(toString, sourceRecord({ valueSchema: Schema.INT64, value: ms }));
      assert.equal(run(toUnix, s).value, ms);
    }));
  });

  test('the derived struct schema is cached per input schema', () => {
    const struct = SchemaBuilder.struct().field('ts', Schema.INT64).build();
    const t = xform('TimestampConverter$Value', { 'target.type': 'Date', field: 'ts' });
    const a = run(t, sourceRecord({ valueSchema: struct, value: new Struct(struct).put('ts', 0) }));
    const b = run(t, sourceRecord({ valueSchema: struct, value: new Struct(struct).put('ts', 1) }));
    assert.equal(a.valueSchema, b.valueSchema);
    assert.deepEqual((b.value as Struct).get('ts'), EPOCH);
  });
});
