import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import {
  BigDecimal,
  DataException,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  valueEquals,
  type SchemaAndValue,
} from '../../../src/data/index.js';
import { ConverterConfigException, JsonConverter } from '../../../src/converters/index.js';

const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));
const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const json = (config: Record<string, unknown> = {}, isKey = false): JsonConverter => new JsonConverter(config, isKey);
const plain = (config: Record<string, unknown> = {}): JsonConverter => json({ 'schemas.enable': 'false', ...config });

function write(c: JsonConverter, schema: Schema | null, value: unknown): string | null {
  return text(c.fromConnectData('topic', schema, value));
}
function read(c: JsonConverter, s: string | null): SchemaAndValue {
  return c.toConnectData('topic', s === null ? null : bytes(s));
}
function payloadOf(c: JsonConverter, schema: Schema | null, value: unknown): string {
  const out = write(c, schema, value)!;
  return out.slice(out.indexOf(',"payload":') + 11, -1);
}
function throwsData(fn: () => unknown, re: RegExp, topic = 'topic'): DataException {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataException, `expected a DataException, got ${String(caught)}`);
  assert.match(caught.message, re);
  assert.equal(caught.context.topic, topic);
  return caught;
}

describe('JsonConverter: envelope and schema JSON', () => {
  test('primitives are written with Kafka schema JSON, optional always present', () => {
    const c = json();
    assert.equal(write(c, Schema.INT8, 12), '{"schema":{"type":"int8","optional":false},"payload":12}');
    assert.equal(write(c, Schema.INT16, -300), '{"schema":{"type":"int16","optional":false},"payload":-300}');
    assert.equal(write(c, Schema.INT32, 2147483647), '{"schema":{"type":"int32","optional":false},"payload":2147483647}');
    assert.equal(write(c, Schema.INT64, 9223372036854775807n), '{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}');
    assert.equal(write(c, Schema.FLOAT32, Math.fround(1.1)), '{"schema":{"type":"float","optional":false},"payload":1.1}');
    assert.equal(write(c, Schema.FLOAT64, 2), '{"schema":{"type":"double","optional":false},"payload":2.0}');
    assert.equal(write(c, Schema.BOOLEAN, true), '{"schema":{"type":"boolean","optional":false},"payload":true}');
    assert.equal(write(c, Schema.OPTIONAL_STRING, 'x'), '{"schema":{"type":"string","optional":true},"payload":"x"}');
    assert.equal(write(c, Schema.BYTES, Uint8Array.of(1, 2, 255)), '{"schema":{"type":"bytes","optional":false},"payload":"AQL/"}');
  });

  test('the reference struct example, key order included', () => {
    const s = SchemaBuilder.struct().name('com.acme.Order').version(2)
      .field('id', Schema.INT64).field('note', Schema.OPTIONAL_STRING).field('price', Decimal.schema(2))
      .field('ts', LogicalTimestamp.builder().optional().build())
      .field('m', SchemaBuilder.map(Schema.INT32, Schema.STRING).build())
      .field('a', SchemaBuilder.array(Schema.FLOAT64).build()).build();
    const v = new Struct(s).put('id', 42).put('price', BigDecimal.parse('12.34')).put('ts', new Date(1718000000000))
      .put('m', new Map([[1, 'x'], [2, 'y']])).put('a', [1.5, 2.0]);
    assert.equal(write(json(), s, v),
      '{"schema":{"type":"struct","fields":[' +
      '{"type":"int64","optional":false,"field":"id"},' +
      '{"type":"string","optional":true,"field":"note"},' +
      '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},' +
      '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},' +
      '{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":false},"optional":false,"field":"m"},' +
      '{"type":"array","items":{"type":"double","optional":false},"optional":false,"field":"a"}],' +
      '"optional":false,"name":"com.acme.Order","version":2},' +
      '"payload":{"id":42,"note":null,"price":"BNI=","ts":1718000000000,"m":[[1,"x"],[2,"y"]],"a":[1.5,2.0]}}');
    const back = read(json(), write(json(), s, v));
    assert.ok(valueEquals(back.value, v));
  });

  test('name, version, doc, parameters (in insertion order) and default, in that order', () => {
    const s = SchemaBuilder.int32().optional().name('n').version(3).doc('d "q"').parameter('b', '2').parameter('a', '1').defaultValue(7).build();
    assert.equal(json().schemaToJson(s),
      '{"type":"int32","optional":true,"name":"n","version":3,"doc":"d \\"q\\"","parameters":{"b":"2","a":"1"},"default":7}');
    const back = json().schemaFromJson(json().schemaToJson(s))!;
    assert.equal(back.name, 'n');
    assert.equal(back.version, 3);
    assert.equal(back.doc, 'd "q"');
    assert.deepEqual([...back.parameters!], [['b', '2'], ['a', '1']]);
    assert.equal(back.defaultValue, 7);
  });

  test('reading a schema: optional missing or not true means required; wrong-typed name/doc/version are ignored', () => {
    const c = json();
    assert.equal(read(c, '{"schema":{"type":"int32"},"payload":1}').schema!.optional, false);
    assert.equal(read(c, '{"schema":{"type":"int32","optional":"true"},"payload":1}').schema!.optional, false);
    const s = read(c, '{"schema":{"type":"int32","name":5,"doc":false,"version":"1"},"payload":1}').schema!;
    assert.equal(s.name, undefined);
    assert.equal(s.doc, undefined);
    assert.equal(s.version, undefined);
  });

  test('tombstone: null schema and null value write null bytes; null bytes read as (null, null)', () => {
    assert.equal(json().fromConnectData('t', null, null), null);
    assert.equal(plain().fromConnectData('t', null, null), null);
    assert.deepEqual(read(json(), null), { schema: null, value: null });
    assert.deepEqual(read(plain(), null), { schema: null, value: null });
  });

  test('an optional schema with a null value is an envelope with a null payload, not a tombstone', () => {
    assert.equal(write(json(), Schema.OPTIONAL_STRING, null), '{"schema":{"type":"string","optional":true},"payload":null}');
    assert.equal(write(plain(), Schema.OPTIONAL_STRING, null), 'null');
  });

  test('schemaless with the envelope writes "schema":null', () => {
    assert.equal(write(json(), null, { a: 1 }), '{"schema":null,"payload":{"a":1}}');
    const r = read(json(), '{"schema":null,"payload":{"a":[1,2.5,"x",null]}}');
    assert.equal(r.schema, null);
    assert.deepEqual(r.value, { a: [1, 2.5, 'x', null] });
  });

  test('envelope errors tell the user to set schemas.enable=false', () => {
    for (const bad of ['{"a":1}', '{"schema":null,"payload":1,"x":2}', '[1]', '"s"', '{"schema":null}', '', '  ']) {
      const e = throwsData(() => read(json(), bad), /requires "schema" and "payload" fields/);
      assert.match(e.message, /set schemas\.enable=false/);
    }
  });

  test('the envelope may be pretty printed, or have payload before schema', () => {
    assert.equal(read(json(), '{\n "payload" : 5 ,\n "schema" : {"type":"int8"}\n}\n').value, 5);
  });

  test('malformed JSON is a DataException naming the topic and the position', () => {
    throwsData(() => read(json(), '{"schema":'), /malformed JSON.*unexpected end of input/);
    throwsData(() => read(plain(), '{"a":1,}'), /malformed JSON/);
    throwsData(() => read(plain(), '{"a":1} trailing'), /malformed JSON.*after the JSON value/);
    throwsData(() => read(plain(), "{'a':1}"), /malformed JSON/);
    throwsData(() => json().toConnectData('topic', Uint8Array.of(0x22, 0xff, 0x22)), /not valid UTF-8/);
  });

  test('schema errors: unknown type, missing type, non-string parameters, bad struct fields, no items', () => {
    throwsData(() => read(json(), '{"schema":{"type":"nope"},"payload":1}'), /Unknown schema type: nope/);
    throwsData(() => read(json(), '{"schema":{"optional":true},"payload":1}'), /Schema must contain 'type' field/);
    throwsData(() => read(json(), '{"schema":5,"payload":1}'), /Schema must contain 'type' field/);
    throwsData(() => read(json(), '{"schema":{"type":"string","parameters":{"a":1}},"payload":"x"}'), /Schema parameters must have string values/);
    throwsData(() => read(json(), '{"schema":{"type":"struct","fields":{}},"payload":{}}'), /"fields" argument is not an array/);
    throwsData(() => read(json(), '{"schema":{"type":"struct","fields":[{"type":"int8"}]},"payload":{}}'), /field name not specified/);
    throwsData(() => read(json(), '{"schema":{"type":"array"},"payload":[]}'), /did not specify the element type/);
    throwsData(() => read(json(), '{"schema":{"type":"map","values":{"type":"int8"}},"payload":{}}'), /did not specify the key type/);
  });

  test('config: schemas.enable and replace.null.with.default accept booleans and strings; decimal.format is case-insensitive', () => {
    assert.equal(json({ 'schemas.enable': false }).schemasEnabled, false);
    assert.equal(json({ 'schemas.enable': ' FALSE ' }).schemasEnabled, false);
    assert.equal(json({ 'decimal.format': 'numeric' }).decimalFormat, 'NUMERIC');
    assert.equal(json({ 'decimal.format': 'Base64' }).decimalFormat, 'BASE64');
    assert.throws(() => json({ 'decimal.format': 'hex' }), ConverterConfigException);
    assert.throws(() => json({ 'schemas.enable': 'yes' }), /schemas\.enable/);
    assert.throws(() => json({ 'schemas.cache.size': 'many' }), /schemas\.cache\.size/);
    assert.equal(json({}, true).converterType, 'key');
    const h = new JsonConverter();
    h.configure({});
    assert.equal(h.converterType, 'header');
  });

  test('works as a header converter', () => {
    const c = json();
    const b = c.fromConnectHeader('t', 'h', Schema.INT32, 5);
    assert.equal(text(b), '{"schema":{"type":"int32","optional":false},"payload":5}');
    assert.deepEqual(c.toConnectHeader('t', 'h', b).value, 5);
  });
});

describe('JsonConverter: values', () => {
  test('INT64 beyond 2^53 is written and read at full precision (bigint)', () => {
    const c = json();
    for (const v of [9007199254740993n, -9007199254740993n, 9223372036854775807n, -9223372036854775808n]) {
      const out = write(c, Schema.INT64, v)!;
      assert.ok(out.includes(`"payload":${v}}`));
      assert.equal(read(c, out).value, v);
    }
    assert.equal(read(c, '{"schema":{"type":"int64"},"payload":9007199254740991}').value, 9007199254740991);
    assert.equal(read(c, '{"schema":{"type":"int64"},"payload":9007199254740992}').value, 9007199254740992n);
    assert.equal(read(plain(), '[12345678901234567]').value instanceof Array, true);
    assert.deepEqual(read(plain(), '[12345678901234567, 1]').value, [12345678901234567n, 1]);
    assert.deepEqual(read(plain(), '{"a":{"b":[-9223372036854775808]}}').value, { a: { b: [-9223372036854775808n] } });
  });

  test('INT64 values JS cannot hold exactly are refused on write', () => {
    throwsData(() => write(json(), Schema.INT64, 2 ** 60), /bigint/);
    throwsData(() => write(json(), Schema.INT64, 1.5), /INT64/);
    throwsData(() => write(json(), Schema.INT64, 2n ** 63n), /INT64 range/);
  });

  test('integers out of range are refused both ways (Kafka would silently wrap them)', () => {
    throwsData(() => write(json(), Schema.INT8, 128), /INT8/);
    throwsData(() => write(json(), Schema.INT16, 1.5), /INT16/);
    throwsData(() => read(json(), '{"schema":{"type":"int8"},"payload":200}'), /INT8/);
    throwsData(() => read(json(), '{"schema":{"type":"int32"},"payload":1.5}'), /INT32/);
    throwsData(() => read(json(), '{"schema":{"type":"int64"},"payload":9223372036854775808}'), /INT64/);
    throwsData(() => read(plain(), '[99999999999999999999]'), /outside the INT64 range/);
  });

  test('doubles are printed as Java prints them', () => {
    const c = plain();
    const cases: [number, string][] = [[0.1, '0.1'], [1e21, '1.0E21'], [-0, '-0.0'], [1e-7, '1.0E-7'], [2, '2.0'], [1e7, '1.0E7'],
      [9999999, '9999999.0'], [0.001, '0.001'], [0.0001, '1.0E-4'], [123456789.5, '1.234567895E8'], [5e-324, '4.9E-324'],
      [1.7976931348623157e308, '1.7976931348623157E308'], [-2.5, '-2.5'], [100, '100.0']];
    for (const [d, s] of cases) assert.equal(write(c, Schema.FLOAT64, d), s, String(d));
  });

  test('floats are printed as Java prints a float', () => {
    const c = plain();
    const cases: [number, string][] = [[0.1, '0.1'], [1.1, '1.1'], [16777216, '1.6777216E7'], [3.4028234663852886e38, '3.4028235E38'],
      [1.401298464324817e-45, '1.4E-45'], [2675455.25, '2675455.2'], [1e-5, '1.0E-5']];
    for (const [f, s] of cases) assert.equal(write(c, Schema.FLOAT32, Math.fround(f)), s, String(f));
    assert.equal(read(json(), '{"schema":{"type":"float"},"payload":0.1}').value, Math.fround(0.1));
  });

  test('NaN and infinities are written as Jackson writes them (strings) and read back', () => {
    assert.equal(write(plain(), Schema.FLOAT64, NaN), '"NaN"');
    assert.equal(write(plain(), Schema.FLOAT64, -Infinity), '"-Infinity"');
    assert.equal(write(plain(), Schema.FLOAT32, Infinity), '"Infinity"');
    assert.ok(Number.isNaN(read(json(), '{"schema":{"type":"double"},"payload":"NaN"}').value as number));
    assert.equal(read(json(), '{"schema":{"type":"float"},"payload":"-Infinity"}').value, -Infinity);
  });

  test('-0.0 reads as 0.0 (Kafka reads floats through BigDecimal); "-0" is the integer 0', () => {
    assert.ok(Object.is(read(json(), '{"schema":{"type":"double"},"payload":-0.0}').value, 0));
    assert.ok(Object.is(read(json(), '{"schema":{"type":"float"},"payload":-0.0}').value, 0));
    assert.deepEqual(read(plain(), '[-0, -0.0, -0e3]').value, [0, 0, 0]);
    assert.ok((read(plain(), '[-0.0]').value as number[]).every((v) => Object.is(v, 0)));
    assert.ok(Object.is(read(json(), '{"schema":{"type":"int32"},"payload":-0}').value, 0));
  });

  test('strings are escaped exactly as Jackson does', () => {
    const c = plain();
    assert.equal(write(c, Schema.STRING, 'a"b\\c/d'), '"a\\"b\\\\c/d"');
    assert.equal(write(c, Schema.STRING, '\b\t\n\f\r'), '"\\b\\t\\n\\f\\r"');
    assert.equal(write(c, Schema.STRING, '\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001F\u007f"');
    assert.equal(write(c, Schema.STRING, 'é 漢 \u2028'), '"é 漢 \u2028"');
    assert.equal(write(c, Schema.STRING, '😀'), '"\\uD83D\\uDE00"');
    assert.equal(write(c, Schema.STRING, 'x\ud800y'), '"x\\uD800y"');
    for (const s of ['a"b\\c', '\u0000\u001f', '😀 x', 'x\ud800y', '']) {
      assert.equal(read(json(), write(json(), Schema.STRING, s)).value, s);
    }
  });

  test('bytes are base64; reading needs padded base64', () => {
    assert.equal(write(plain(), Schema.BYTES, new Uint8Array(0)), '""');
    assert.deepEqual([...(read(json(), '{"schema":{"type":"bytes"},"payload":"AAEC/w=="}').value as Uint8Array)], [0, 1, 2, 255]);
    throwsData(() => read(json(), '{"schema":{"type":"bytes"},"payload":"AQI"}'), /Invalid bytes field/);
    throwsData(() => read(json(), '{"schema":{"type":"bytes"},"payload":"A!=="}'), /Invalid bytes field/);
    throwsData(() => write(json(), Schema.BYTES, 'abc'), /BYTES/);
  });

  test('Decimal BASE64: unscaled two\'s complement, Java values', () => {
    const c = json();
    const b64 = (v: string, scale: number): string => payloadOf(c, Decimal.schema(scale), BigDecimal.parse(v).setScale(scale));
    assert.equal(b64('12.34', 2), '"BNI="');
    assert.equal(b64('-1', 0), '"/w=="');
    assert.equal(b64('0', 0), '"AA=="');
    assert.equal(b64('128', 0), '"AIA="');
    assert.equal(b64('-128', 0), '"gA=="');
    assert.equal(b64('255', 0), '"AP8="');
    const big = '123456789012345678901234567890';
    for (const v of [big, `-${big}`, '-0.01', `${big}.12`]) {
      const scale = v.includes('.') ? v.split('.')[1]!.length : 0;
      const d = BigDecimal.parse(v);
      const back = read(c, write(c, Decimal.schema(scale), d)).value as BigDecimal;
      assert.ok(back.equals(d), v);
    }
  });

  test('Decimal NUMERIC: written as BigDecimal.toString, read keeping the written scale', () => {
    const c = json({ 'decimal.format': 'NUMERIC' });
    assert.equal(payloadOf(c, Decimal.schema(2), BigDecimal.parse('12.34')), '12.34');
    assert.equal(payloadOf(c, Decimal.schema(2), BigDecimal.parse('-12.30')), '-12.30');
    assert.equal(payloadOf(c, Decimal.schema(7), BigDecimal.parse('0.0000001')), '1E-7');
    assert.equal(payloadOf(c, Decimal.schema(-3), new BigDecimal(1n, -3)), '1E+3');
    const big = BigDecimal.parse('-123456789012345678901234567890.123');
    assert.equal(payloadOf(c, Decimal.schema(3), big), '-123456789012345678901234567890.123');
    assert.ok((read(c, write(c, Decimal.schema(3), big)).value as BigDecimal).equals(big));
    const s = '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}}';
    const d = read(json(), `{"schema":${s},"payload":12.340}`).value as BigDecimal;
    assert.equal(d.scale, 3);
    assert.equal(d.unscaled, 12340n);
    const e = read(json(), `{"schema":${s},"payload":1E+3}`).value as BigDecimal;
    assert.deepEqual([e.unscaled, e.scale], [1n, -3]);
    assert.ok((read(json(), `{"schema":${s},"payload":12}`).value as BigDecimal).equals(new BigDecimal(12n, 0)));
    assert.ok((read(json(), `{"schema":${s},"payload":"BNI="}`).value as BigDecimal).equals(BigDecimal.parse('12.34')));
  });

  test('Decimal errors: wrong scale (BASE64), not a BigDecimal, bad representation', () => {
    throwsData(() => write(json(), Decimal.schema(2), BigDecimal.parse('1.5')), /scale/);
    throwsData(() => write(json(), Decimal.schema(2), 1.5), /BigDecimal/);
    const s = '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}}';
    throwsData(() => read(json(), `{"schema":${s},"payload":true}`), /numeric or bytes but was BOOLEAN/);
    throwsData(() => read(json(), `{"schema":${s},"payload":"%%"}`), /Invalid bytes for Decimal/);
  });

  test('Date, Time, Timestamp', () => {
    const c = json();
    const day = new Date(Date.UTC(2024, 0, 31));
    assert.equal(payloadOf(c, LogicalDate.schema(), day), '19753');
    assert.equal(payloadOf(c, LogicalTime.schema(), new Date(45296789)), '45296789');
    assert.equal(payloadOf(c, LogicalTimestamp.schema(), new Date(-1)), '-1');
    assert.equal((read(c, write(c, LogicalDate.schema(), day)).value as Date).getTime(), day.getTime());
    assert.equal((read(c, write(c, LogicalTime.schema(), new Date(86399999))).value as Date).getTime(), 86399999);
    assert.equal((read(c, write(c, LogicalTimestamp.schema(), new Date(1718000000123))).value as Date).getTime(), 1718000000123);
    throwsData(() => write(c, LogicalDate.schema(), new Date(1)), /Date type should not have any time fields/);
    throwsData(() => write(c, LogicalTime.schema(), new Date(86400000)), /Time type should not have any date fields/);
    throwsData(() => write(c, LogicalTimestamp.schema(), new Date(NaN)), /valid Date/);
    throwsData(() => write(c, LogicalDate.schema(), 5), /valid Date/);
    throwsData(() => read(c, '{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":"x"}'), /should be integer/);
    throwsData(() => read(c, '{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"payload":1.5}'), /should be integral/);
  });

  test('arrays, and maps with string keys (object) and other keys (pairs)', () => {
    const c = json();
    const arr = SchemaBuilder.array(Schema.OPTIONAL_INT32).build();
    assert.equal(payloadOf(c, arr, [1, null, 3]), '[1,null,3]');
    assert.deepEqual(read(c, write(c, arr, [1, null, 3])).value, [1, null, 3]);
    const sm = SchemaBuilder.map(Schema.STRING, Schema.INT64).build();
    assert.equal(payloadOf(c, sm, new Map<string, unknown>([['a', 1], ['b', 2n ** 60n]])), '{"a":1,"b":1152921504606846976}');
    assert.equal(payloadOf(c, sm, { x: 1 }), '{"x":1}');
    const back = read(c, write(c, sm, { x: 1 })).value;
    assert.ok(back instanceof Map);
    assert.deepEqual([...back], [['x', 1]]);
    const im = SchemaBuilder.map(Schema.INT32, Schema.STRING).build();
    assert.equal(payloadOf(c, im, new Map([[1, 'x'], [2, 'y']])), '[[1,"x"],[2,"y"]]');
    assert.deepEqual([...(read(c, write(c, im, new Map([[1, 'x']]))).value as Map<unknown, unknown>)], [[1, 'x']]);
    const sk = SchemaBuilder.struct().field('k', Schema.INT8).build();
    const structKeys = SchemaBuilder.map(sk, Schema.BOOLEAN).build();
    const m = new Map([[new Struct(sk).put('k', 1), true]]);
    assert.equal(payloadOf(c, structKeys, m), '[[{"k":1},true]]');
    assert.ok(valueEquals(read(c, write(c, structKeys, m)).value, m));
    throwsData(() => read(c, '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":{}}'), /JSON array of tuples/);
    throwsData(() => read(c, '{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":[]}'), /encoded as JSON objects/);
    throwsData(() => read(c, '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[[1]]}'), /expected length 2/);
    throwsData(() => read(c, '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[1]}'), /instead of array tuple/);
  });

  test('structs: nested, optional fields, mismatching schemas, error paths name the field', () => {
    const inner = SchemaBuilder.struct().name('Inner').field('x', Schema.INT32).field('y', Schema.OPTIONAL_STRING).build();
    const outer = SchemaBuilder.struct().name('Outer').field('in', inner).field('list', SchemaBuilder.array(inner).build())
      .field('opt', SchemaBuilder.struct().field('z', Schema.BOOLEAN).optional().build()).build();
    const v = new Struct(outer).put('in', new Struct(inner).put('x', 1)).put('list', [new Struct(inner).put('x', 2).put('y', 'b')]);
    const c = json();
    assert.equal(payloadOf(c, outer, v), '{"in":{"x":1,"y":null},"list":[{"x":2,"y":"b"}],"opt":null}');
    assert.ok(valueEquals(read(c, write(c, outer, v)).value, v));
    const other = SchemaBuilder.struct().field('x', Schema.INT32).build();
    throwsData(() => write(c, inner, new Struct(other).put('x', 1)), /Mismatching schema/);
    throwsData(() => write(c, null, new Struct(other).put('x', 1)), /Mismatching schema/);
    const e = throwsData(() => read(c, `{"schema":${c.schemaToJson(outer)},"payload":{"in":{"x":1},"list":[{"x":"no"}],"opt":null}}`), /INT32/);
    assert.equal(e.context.path, 'list[0].x');
    const e2 = throwsData(() => read(c, `{"schema":${c.schemaToJson(outer)},"payload":{"in":{},"list":[]}}`), /required INT32/);
    assert.equal(e2.context.path, 'in.x');
    throwsData(() => read(c, `{"schema":${c.schemaToJson(inner)},"payload":[1]}`), /Structs should be encoded as JSON objects/);
  });

  test('write errors name the field path', () => {
    const s = SchemaBuilder.struct().field('a', SchemaBuilder.array(SchemaBuilder.map(Schema.STRING, Schema.INT8).build()).build()).build();
    const v = new Struct(s);
    // bypass Struct validation with a value that later changes: the converter checks again
    const list: unknown[] = [new Map([['k', 1]])];
    v.put('a', list);
    (list[0] as Map<string, unknown>).set('bad', 'x');
    const e = throwsData(() => write(json(), s, v), /INT8/);
    assert.equal(e.context.path, 'a[0][bad]');
  });

  test('struct fields named like Object.prototype members are read as data', () => {
    const s = SchemaBuilder.struct().field('toString', Schema.OPTIONAL_STRING).field('__proto__', Schema.OPTIONAL_STRING).build();
    const r = read(json(), `{"schema":${json().schemaToJson(s)},"payload":{"__proto__":"p"}}`).value as Struct;
    assert.equal(r.get('toString'), null);
    assert.equal(r.get('__proto__'), 'p');
    const v = read(plain(), '{"__proto__":{"polluted":true}}').value as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.hasOwn(v, '__proto__'));
  });

  test('nulls and defaults: replace.null.with.default (true by default) both ways', () => {
    const s = SchemaBuilder.struct()
      .field('a', SchemaBuilder.int32().optional().defaultValue(5).build())
      .field('b', SchemaBuilder.string().defaultValue('d').build())
      .field('c', Schema.OPTIONAL_INT32).build();
    const v = new Struct(s);
    assert.equal(payloadOf(json(), s, v), '{"a":5,"b":"d","c":null}');
    // without replacement a required field's null is an error, an optional field's null stays null
    throwsData(() => payloadOf(json({ 'replace.null.with.default': false }), s, v), /required/);
    assert.equal(payloadOf(json({ 'replace.null.with.default': false }), s, new Struct(s).put('b', 'x')), '{"a":null,"b":"x","c":null}');
    const env = `{"schema":${json().schemaToJson(s)},"payload":{"a":null,"c":null}}`;
    const replaced = read(json(), env).value as Struct;
    assert.equal(replaced.getWithoutDefault('a'), 5);
    assert.equal(replaced.getWithoutDefault('b'), 'd');
    throwsData(() => read(json({ 'replace.null.with.default': 'false' }), env), /required STRING/);
    const kept = read(json({ 'replace.null.with.default': 'false' }), env.replace('"c":null', '"b":"x","c":null')).value as Struct;
    assert.equal(kept.getWithoutDefault('a'), null);
    assert.equal(kept.get('a'), 5);
    assert.equal(write(json(), SchemaBuilder.int32().optional().defaultValue(5).build(), null), '{"schema":{"type":"int32","optional":true,"default":5},"payload":5}');
    throwsData(() => write(json(), Schema.INT32, null), /null value for field that is required/);
    throwsData(() => read(json(), '{"schema":{"type":"string"},"payload":null}'), /Invalid null value for required STRING field/);
  });

  test('schema defaults of every kind are written with the schema and read back', () => {
    const c = json();
    const schemas = [
      SchemaBuilder.int64().defaultValue(9007199254740993n).build(),
      SchemaBuilder.float64().defaultValue(0.5).build(),
      Decimal.builder(2).optional().defaultValue(BigDecimal.parse('1.50')).build(),
      LogicalTimestamp.builder().defaultValue(new Date(1000)).build(),
      SchemaBuilder.array(Schema.INT32).defaultValue([1, 2]).build(),
      SchemaBuilder.map(Schema.STRING, Schema.BOOLEAN).defaultValue(new Map([['k', true]])).build(),
      SchemaBuilder.bytes().defaultValue(Uint8Array.of(9)).build(),
    ];
    for (const s of schemas) {
      const back = c.schemaFromJson(c.schemaToJson(s))!;
      assert.ok(valueEquals(back.defaultValue, s.defaultValue), c.schemaToJson(s));
    }
    assert.ok(c.schemaToJson(schemas[0]!).endsWith('"default":9007199254740993}'));
    assert.ok(json({ 'decimal.format': 'numeric' }).schemaToJson(schemas[2]!).endsWith('"default":1.50}'));
  });

  test('schemaless write: numbers as Long or Double, maps by key type, bytes as base64, refusals', () => {
    const c = plain();
    assert.equal(write(c, null, 42), '42');
    assert.equal(write(c, null, 2.5), '2.5');
    assert.equal(write(c, null, -0), '-0.0');
    assert.equal(write(c, null, 1e21), '1.0E21');
    assert.equal(write(c, null, 2n ** 62n), '4611686018427387904');
    assert.equal(write(c, null, [1, 'a', null, true, Uint8Array.of(1)]), '[1,"a",null,true,"AQ=="]');
    assert.equal(write(c, null, new Map<unknown, unknown>([['a', 1], ['b', 2]])), '{"a":1,"b":2}');
    assert.equal(write(c, null, new Map<unknown, unknown>([['a', 1], [2, 2]])), '[["a",1],[2,2]]');
    assert.equal(write(c, null, { nested: { deep: [1.5] } }), '{"nested":{"deep":[1.5]}}');
    throwsData(() => write(c, null, BigDecimal.parse('1.5')), /corresponding schema type/);
    throwsData(() => write(c, null, new Date(0)), /corresponding schema type/);
    throwsData(() => write(c, null, new Set([1])), /corresponding schema type/);
  });

  test('schemaless read: objects → plain objects, integers → number/bigint, floats → number; leading zeros allowed', () => {
    const c = plain();
    assert.deepEqual(read(c, '{"a":[1,2.5,"x",true,null,{}],"b":1e2}').value, { a: [1, 2.5, 'x', true, null, {}], b: 100 });
    assert.deepEqual(read(c, '{"a":007,"b":-01.5}').value, { a: 7, b: -1.5 });
    assert.deepEqual(read(c, '').value, null);
    assert.deepEqual(read(c, ' \n').value, null);
    assert.equal(read(c, '"s"').value, 's');
    assert.equal(read(c, 'null').value, null);
    assert.equal(read(c, '{"x":"2024-01-31"}').schema, null);
  });

  test('the fast path for known schemas checks the whole envelope', () => {
    const c = json();
    const s = SchemaBuilder.struct().field('a', Schema.INT32).build();
    const good = write(c, s, new Struct(s).put('a', 1))!;
    assert.equal((read(c, good).value as Struct).get('a'), 1); // first read caches the schema text
    assert.equal((read(c, good).value as Struct).get('a'), 1);
    const schemaText = c.schemaToJson(s);
    throwsData(() => read(c, `{"schema":${schemaText},"payload":{"a":1},"x":1}`), /requires "schema" and "payload"/);
    throwsData(() => read(c, `{"schema":${schemaText},"payload":{"a":1}`), /malformed JSON/);
    throwsData(() => read(c, `{"schema":${schemaText},"payload":{"a":1}}}`), /malformed JSON/);
    assert.equal((read(c, `{"schema":${schemaText},"payload":{"a":1}}\n`).value as Struct).get('a'), 1);
  });

  test('a payload that needs exact number text is re-read exactly (big INT64 in a struct, NUMERIC decimals)', () => {
    const c = json();
    const s = SchemaBuilder.struct().field('id', Schema.INT64).field('d', Decimal.schema(2)).build();
    const env = (id: string, d: string): string => `{"schema":${c.schemaToJson(s)},"payload":{"id":${id},"d":${d}}}`;
    for (let i = 0; i < 3; i++) {
      const v = read(c, env('9007199254740993', '1.50')).value as Struct;
      assert.equal(v.get('id'), 9007199254740993n);
      assert.ok((v.get('d') as BigDecimal).equals(BigDecimal.parse('1.50')));
      assert.equal((read(c, env('5', '"AJY="')).value as Struct).get('id'), 5);
    }
  });

  test('schema cache: bounded by schemas.cache.size, both directions', () => {
    const c = json({ 'schemas.cache.size': 2 });
    for (let i = 0; i < 5; i++) {
      const s = SchemaBuilder.int32().name(`s${i}`).build();
      assert.equal(read(c, write(c, s, i)).value, i);
    }
    assert.ok(c.cacheSizes.fromConnect <= 2);
    assert.ok(c.cacheSizes.toConnect <= 2);
    const s = SchemaBuilder.int32().name('same').build();
    const c2 = json();
    const out = write(c2, s, 1)!;
    const a = read(c2, out).schema;
    const b = read(c2, out).schema;
    assert.equal(a, b, 'the same schema text yields the cached schema object');
    assert.equal(c2.cacheSizes.toConnect, 1);
    const none = json({ 'schemas.cache.size': 0 });
    assert.equal(read(none, write(none, s, 3)).value, 3);
  });

  test('key converter and value converter behave alike', () => {
    const k = json({}, true);
    assert.equal(read(k, write(k, Schema.STRING, 'key')).value, 'key');
  });
});
