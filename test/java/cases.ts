/** The compatibility corpus: every type and logical type, in every JsonConverter configuration that matters. */
import { Buffer } from 'node:buffer';
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
} from '../../src/data/index.js';
import type { CompatCase } from './compat.js';

const CONFIGS: Record<string, Record<string, string>> = {
  env: {},
  plain: { 'schemas.enable': 'false' },
  numeric: { 'decimal.format': 'numeric' },
  'plain-numeric': { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' },
  'no-default': { 'replace.null.with.default': 'false' },
};

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

export function buildCases(): CompatCase[] {
  const cases: CompatCase[] = [];
  const add = (id: string, c: Omit<CompatCase, 'id'>): void => {
    cases.push({ id, ...c });
  };
  /** One value under every JsonConverter configuration. */
  const all = (id: string, schema: Schema | null, value: unknown, extra: Partial<CompatCase> = {}): void => {
    for (const [name, config] of Object.entries(CONFIGS)) {
      // Without the envelope a value reads back schemaless (INT64/FLOAT64/MAP…), not as written.
      const lossy = config['schemas.enable'] === 'false' && schema !== null;
      add(`${id} [${name}]`, { schema, value, config, ...extra, ...(lossy ? { roundTrip: false } : {}) });
    }
  };

  // --- primitives --------------------------------------------------------------------------------------------
  for (const v of [-128, 0, 127]) all(`int8 ${v}`, Schema.INT8, v);
  for (const v of [-32768, 1234, 32767]) all(`int16 ${v}`, Schema.INT16, v);
  for (const v of [-2147483648, 42, 2147483647]) all(`int32 ${v}`, Schema.INT32, v);
  for (const v of [0, -1, 9007199254740991, 9007199254740992n, 9007199254740993n, 9223372036854775807n, -9223372036854775808n, 1718000000000]) {
    all(`int64 ${v}`, Schema.INT64, v);
  }
  const doubles = [0.1, 1e21, -0.0, 1.0e-7, 2.0, 0.001, 1e7, 9999999.999, 123456789012345680000, 5e-324, 1.7976931348623157e308,
    Math.PI, -2.5, 100, 1e-3, 9.999999e-4, 0.30000000000000004, 4.35, 1e22, 1e23, 2 ** 53, 2 ** 63, -1e-300];
  for (const d of doubles) all(`float64 ${Object.is(d, -0) ? '-0.0' : d}`, Schema.FLOAT64, d, { roundTrip: !Object.is(d, -0) });
  const floats = [0.1, 1.1, -0.0, 3.4028234663852886e38, 1.401298464324817e-45, 16777216, 1e7, 0.001, 1.0e-5, 2675455.25, 3.14159274, 100.5];
  for (const f of floats) all(`float32 ${Object.is(f, -0) ? '-0.0' : f}`, Schema.FLOAT32, Math.fround(f), { roundTrip: !Object.is(f, -0) });
  for (const v of [true, false]) all(`boolean ${v}`, Schema.BOOLEAN, v);
  for (const s of ['', 'hello', 'quote " backslash \\ slash /', 'tab\tnl\ncr\rbs\bff\f', 'ctl \u0001\u001f\u007f', 'é ü 漢字 😀', 'line\u2028sep', 'lone \ud800 surrogate']) {
    all(`string ${JSON.stringify(s)}`, Schema.STRING, s);
  }
  all('bytes empty', Schema.BYTES, new Uint8Array(0));
  all('bytes 0..255', Schema.BYTES, Uint8Array.from({ length: 256 }, (_, i) => i));

  // --- logical types -------------------------------------------------------------------------------------------
  const dec = (text: string, scale: number): [Schema, BigDecimal] => [Decimal.schema(scale), BigDecimal.parse(text).setScale(scale)];
  for (const [text, scale] of [['12.34', 2], ['-1', 0], ['0', 3], ['-0.01', 2], ['123456789012345678901234567890', 0],
    ['-12345678901234567890.1234567890', 10], ['0.0000001', 7], ['1200', -2], ['255', 0], ['-128', 0], ['128', 0]] as const) {
    const [s, v] = dec(text, scale);
    // Read back without the envelope a NUMERIC decimal beyond INT64 is a plain integer: Kafka silently wraps it
    // to 64 bits, we refuse it (an error beats a wrong number).
    all(`decimal ${text} scale ${scale}`, s, v, text.length > 19 && scale === 0 ? { knownDifference: 'Kafka wraps integers beyond INT64' } : {});
  }
  all('date epoch', LogicalDate.schema(), new Date(0));
  all('date 2024-01-31', LogicalDate.schema(), new Date(Date.UTC(2024, 0, 31)));
  all('date 1900-03-01', LogicalDate.schema(), new Date(Date.UTC(1900, 2, 1)));
  all('time 0', LogicalTime.schema(), new Date(0));
  all('time 12:34:56.789', LogicalTime.schema(), new Date(45296789));
  all('time 23:59:59.999', LogicalTime.schema(), new Date(86399999));
  for (const ms of [0, 1718000000123, -1, -62135596800000, 253402300799999]) all(`timestamp ${ms}`, LogicalTimestamp.schema(), new Date(ms));

  // --- optional, null, defaults ----------------------------------------------------------------------------------
  all('optional int32 null', Schema.OPTIONAL_INT32, null);
  all('optional string null', Schema.OPTIONAL_STRING, null);
  const withDefault = SchemaBuilder.int32().optional().defaultValue(5).build();
  all('optional int32 default 5, null', withDefault, null, { roundTrip: false });
  all('optional int32 default 5, 7', withDefault, 7);
  all('required string default, null', SchemaBuilder.string().defaultValue('dflt').build(), null, { roundTrip: false });
  all('required int32 null (error)', Schema.INT32, null, { roundTrip: false });
  all('decimal default', SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).version(1).parameter('scale', '2').optional()
    .defaultValue(BigDecimal.parse('1.50')).build(), null, { roundTrip: false });
  all('timestamp default', LogicalTimestamp.builder().optional().defaultValue(new Date(1000)).build(), null, { roundTrip: false });
  all('array default', SchemaBuilder.array(Schema.INT32).optional().defaultValue([1, 2]).build(), null, { roundTrip: false });
  all('map default', SchemaBuilder.map(Schema.STRING, Schema.INT64).optional().defaultValue(new Map([['a', 1]])).build(), null, { roundTrip: false });

  // --- named schemas, docs, parameters -----------------------------------------------------------------------
  all('named int64 with doc, version, params', SchemaBuilder.int64().name('com.acme.Id').version(3).doc('the "id"').parameter('p1', 'v1').parameter('p0', 'v0').build(), 7);

  // --- arrays, maps ------------------------------------------------------------------------------------------------
  all('array of int32', SchemaBuilder.array(Schema.INT32).build(), [1, 2, 3]);
  all('empty array', SchemaBuilder.array(Schema.STRING).build(), []);
  all('array of optional strings', SchemaBuilder.array(Schema.OPTIONAL_STRING).build(), ['a', null, 'c']);
  all('array of arrays', SchemaBuilder.array(SchemaBuilder.array(Schema.FLOAT64).build()).build(), [[1.5, 2], [], [0.1]]);
  all('map string→int64', SchemaBuilder.map(Schema.STRING, Schema.INT64).build(), new Map<string, unknown>([['a', 1], ['b', 9223372036854775807n]]));
  all('map string→int64 (plain object)', SchemaBuilder.map(Schema.STRING, Schema.INT64).build(), { x: 1, y: 2 });
  all('map int32→string', SchemaBuilder.map(Schema.INT32, Schema.STRING).build(), new Map([[1, 'x'], [2, 'y']]));
  all('map int64→optional string', SchemaBuilder.map(Schema.INT64, Schema.OPTIONAL_STRING).build(), new Map<unknown, unknown>([[2n ** 60n, 'big'], [-1, null]]));
  all('map bytes→bytes', SchemaBuilder.map(Schema.BYTES, Schema.BYTES).build(), new Map([[Uint8Array.of(1, 2), Uint8Array.of(3)]]));
  all('map date→decimal', SchemaBuilder.map(LogicalDate.schema(), Decimal.schema(2)).build(), new Map([[new Date(86400000), BigDecimal.parse('9.99')]]));
  all('empty map int→int', SchemaBuilder.map(Schema.INT32, Schema.INT32).build(), new Map());
  all('map string→array', SchemaBuilder.map(Schema.STRING, SchemaBuilder.array(Schema.BOOLEAN).build()).build(), new Map([['k', [true, false]]]));

  // --- structs -----------------------------------------------------------------------------------------------
  const address = SchemaBuilder.struct().name('com.acme.Address').field('street', Schema.STRING).field('zip', Schema.OPTIONAL_INT32).build();
  const order = SchemaBuilder.struct().name('com.acme.Order').version(2).doc('an order')
    .field('id', Schema.INT64)
    .field('note', Schema.OPTIONAL_STRING)
    .field('price', Decimal.schema(2))
    .field('ts', LogicalTimestamp.builder().optional().build())
    .field('m', SchemaBuilder.map(Schema.INT32, Schema.STRING).build())
    .field('a', SchemaBuilder.array(Schema.FLOAT64).build())
    .field('ship', address)
    .field('alt', SchemaBuilder.struct().name('com.acme.Address').field('street', Schema.STRING).field('zip', Schema.OPTIONAL_INT32).optional().build())
    .field('lines', SchemaBuilder.array(address).build())
    .field('byName', SchemaBuilder.map(Schema.STRING, address).build())
    .field('qty', SchemaBuilder.int16().defaultValue(1).build())
    .field('flag', SchemaBuilder.bool().optional().defaultValue(true).build())
    .build();
  const addr = (street: string, zip: number | null): Struct => new Struct(address).put('street', street).put('zip', zip);
  const orderValue = new Struct(order)
    .put('id', 42)
    .put('price', BigDecimal.parse('12.34'))
    .put('ts', new Date(1718000000000))
    .put('m', new Map([[1, 'x'], [2, 'y']]))
    .put('a', [1.5, 2.0, 0.1, 1e21])
    .put('ship', addr('Main St "1"', 12345))
    .put('lines', [addr('a', null), addr('b', 2)])
    .put('byName', new Map([['home', addr('h', 1)]]))
    .put('qty', 3);
  all('nested struct', order, orderValue, { roundTrip: false });
  const full = new Struct(order)
    .put('id', 9223372036854775807n).put('note', 'n').put('price', BigDecimal.parse('-0.01')).put('ts', new Date(0))
    .put('m', new Map()).put('a', []).put('ship', addr('s', 0))
    .put('alt', new Struct(order.field('alt')!.schema).put('street', 'alt').put('zip', -1))
    .put('lines', []).put('byName', new Map()).put('qty', -5).put('flag', false);
  all('nested struct, all set', order, full);
  all('empty struct', SchemaBuilder.struct().build(), new Struct(SchemaBuilder.struct().build()));
  all('optional struct null', SchemaBuilder.struct().field('a', Schema.INT32).optional().build(), null);
  all('struct: key converter', address, addr('k', 1), { isKey: true });

  // --- schemaless values -------------------------------------------------------------------------------------
  all('tombstone', null, null);
  const schemaless: [string, unknown, boolean?][] = [
    ['string', 'just text'],
    ['integer', 42],
    ['big integer', 9223372036854775807n],
    ['double', 2.5],
    ['double 1e21', 1e21],
    ['boolean', true],
    ['array', [1, 'two', 3.5, null, true, [], {}]],
    ['object', { a: 1, b: 'x', c: null, d: [1, 2], e: { f: -1.5e-7 } }],
    ['map non-string keys (read back as pairs)', new Map<unknown, unknown>([[1, 'one'], [2, 'two']]), false],
    ['map string keys', new Map([['k', 'v']])],
    ['bytes (read back as a string)', Uint8Array.of(1, 2, 3), false],
    ['nested maps', new Map([['outer', new Map([[true, [1n, 2n]]])]]), false],
  ];
  for (const [name, v, rt] of schemaless) all(`schemaless ${name}`, null, v, { roundTrip: rt });

  // --- random values -----------------------------------------------------------------------------------------
  const rnd = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 300, seed: 42 });
  rnd.forEach((d, i) => add(`random double #${i} ${d}`, { schema: Schema.FLOAT64, value: d, roundTrip: !Object.is(d, -0) }));
  const rndF = fc.sample(fc.float({ noNaN: true, noDefaultInfinity: true }), { numRuns: 300, seed: 43 });
  rndF.forEach((f, i) => add(`random float #${i} ${f}`, { schema: Schema.FLOAT32, value: f, roundTrip: !Object.is(f, -0) }));
  const rndL = fc.sample(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { numRuns: 100, seed: 44 });
  rndL.forEach((l, i) => add(`random int64 #${i}`, { schema: Schema.INT64, value: l >= -(2n ** 53n) && l < 2n ** 53n ? Number(l) : l }));
  const rndS = fc.sample(fc.string({ unit: 'binary' }), { numRuns: 100, seed: 45 });
  rndS.forEach((s, i) => add(`random string #${i}`, { schema: Schema.STRING, value: s }));
  const rndD = fc.sample(fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: -5, max: 20 })), { numRuns: 100, seed: 46 });
  rndD.forEach(([u, s], i) => {
    add(`random decimal #${i} base64`, { schema: Decimal.schema(s), value: new BigDecimal(u, s) });
    add(`random decimal #${i} numeric`, { schema: Decimal.schema(s), value: new BigDecimal(u, s), config: CONFIGS.numeric });
  });

  // --- non-finite doubles: written as Jackson writes them (Kafka reads them back as 0.0; we keep NaN) ------------
  for (const d of [NaN, Infinity, -Infinity]) {
    add(`float64 ${d} (write only)`, { schema: Schema.FLOAT64, value: d, knownDifference: 'Kafka reads "NaN"/"Infinity" back as 0.0' });
    add(`float32 ${d} (write only)`, { schema: Schema.FLOAT32, value: d, knownDifference: 'Kafka reads "NaN"/"Infinity" back as 0.0' });
  }

  // --- read-only: bytes Kafka, or other producers, write ----------------------------------------------------------
  const readOnly = (id: string, text: string | null, config: Record<string, string> = {}): void => {
    add(`read ${id}`, { schema: null, rawBytes: text === null ? null : utf8(text), config });
  };
  const decimalSchema = '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}';
  readOnly('numeric decimal keeps its written scale', `{"schema":${decimalSchema},"payload":12.340}`);
  readOnly('numeric decimal with exponent', `{"schema":${decimalSchema},"payload":1E+3}`);
  readOnly('numeric decimal integer', `{"schema":${decimalSchema},"payload":12}`);
  readOnly('base64 decimal', `{"schema":${decimalSchema},"payload":"BNI="}`);
  readOnly('decimal 30 digits', `{"schema":${decimalSchema},"payload":-123456789012345678901234567890.12}`);
  readOnly('schema without optional key', '{"schema":{"type":"int32"},"payload":5}');
  readOnly('schema optional as a string is not optional', '{"schema":{"type":"int32","optional":"true"},"payload":5}');
  readOnly('schema name/doc/version of wrong types are ignored', '{"schema":{"type":"int32","name":5,"doc":false,"version":"1"},"payload":5}');
  readOnly('pretty printed envelope', '{\n  "schema" : { "type" : "string", "optional" : true },\n  "payload" : "x"\n}\n');
  readOnly('payload before schema', '{"payload":[1,2],"schema":{"type":"array","items":{"type":"int8"}}}');
  readOnly('int64 max', '{"schema":{"type":"int64"},"payload":9223372036854775807}');
  readOnly('int64 min', '{"schema":{"type":"int64"},"payload":-9223372036854775808}');
  readOnly('int64 beyond 2^53 in a struct', '{"schema":{"type":"struct","fields":[{"type":"int64","field":"a"},{"type":"int64","optional":true,"field":"b"}]},"payload":{"a":9007199254740993,"b":-9007199254740993}}');
  readOnly('struct with missing optional field and extra field', '{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"field":"a"},{"type":"string","optional":true,"default":"d","field":"b"}]},"payload":{"z":1}}');
  readOnly('struct field named like Object.prototype members', '{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"field":"toString"},{"type":"string","optional":true,"field":"__proto__"}]},"payload":{"__proto__":"p"}}');
  readOnly('map with int keys', '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}},"payload":[[1,"a"],[2,"b"]]}');
  readOnly('float from text', '{"schema":{"type":"float"},"payload":0.1}');
  readOnly('float from integer', '{"schema":{"type":"float"},"payload":3}');
  readOnly('double from integer', '{"schema":{"type":"double"},"payload":3}');
  readOnly('double -0.0 reads as 0.0', '{"schema":{"type":"double"},"payload":-0.0}');
  readOnly('double 1E+2', '{"schema":{"type":"double"},"payload":1E+2}');
  readOnly('double many digits', '{"schema":{"type":"double"},"payload":0.1000000000000000055511151231257827021181583404541015625}');
  readOnly('float32 many digits', '{"schema":{"type":"float"},"payload":1.00000005960464477539062500000001}');
  readOnly('timestamp', '{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"payload":1718000000000}');
  readOnly('date', '{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":19753}');
  readOnly('unknown logical name is just its type', '{"schema":{"type":"int32","name":"com.acme.Custom"},"payload":1}');
  readOnly('schema default decoded', '{"schema":{"type":"int64","optional":true,"default":9007199254740993},"payload":null}');
  readOnly('schema default not replaced', '{"schema":{"type":"int64","optional":true,"default":7},"payload":null}', { 'replace.null.with.default': 'false' });
  readOnly('schema:null payload', '{"schema":null,"payload":{"a":[1,2.5,"x"],"b":null}}');
  readOnly('bytes', '{"schema":{"type":"bytes"},"payload":"AAEC/w=="}');
  readOnly('unicode escapes', '{"schema":{"type":"string"},"payload":"\\u00e9\\ud83d\\ude00\\n\\/"}');
  readOnly('schemaless integers and doubles', '[1, -0, 1.0, 1e2, -0.0, 9223372036854775807, 0.5, 1E-7]', { 'schemas.enable': 'false' });
  readOnly('schemaless leading zeros (Jackson allows them)', '{"a":007,"b":-01.5}', { 'schemas.enable': 'false' });
  readOnly('schemaless empty input', '', { 'schemas.enable': 'false' });
  readOnly('schemaless whitespace input', '  \n', { 'schemas.enable': 'false' });
  readOnly('schemaless string', '"text"', { 'schemas.enable': 'false' });
  readOnly('schemaless null', 'null', { 'schemas.enable': 'false' });
  readOnly('tombstone', null);
  readOnly('tombstone, schemas off', null, { 'schemas.enable': 'false' });
  // errors both sides must raise
  readOnly('error: plain JSON with schemas on', '{"a":1}');
  readOnly('error: envelope with an extra field', '{"schema":null,"payload":1,"x":2}');
  readOnly('error: envelope is an array', '[1,2]');
  readOnly('error: empty input with schemas on', '');
  readOnly('error: malformed JSON', '{"schema":');
  readOnly('error: unknown schema type', '{"schema":{"type":"nope"},"payload":1}');
  readOnly('error: schema without type', '{"schema":{"optional":true},"payload":1}');
  readOnly('error: non-string parameter', '{"schema":{"type":"string","parameters":{"a":1}},"payload":"x"}');
  readOnly('error: required null', '{"schema":{"type":"string"},"payload":null}');
  readOnly('error: struct fields not an array', '{"schema":{"type":"struct","fields":{}},"payload":{}}');
  readOnly('error: struct payload not an object', '{"schema":{"type":"struct","fields":[]},"payload":[]}');
  readOnly('error: map entry not a pair', '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[[1]]}');
  readOnly('error: string-key map as array', '{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":[]}');
  readOnly('error: bad base64', '{"schema":{"type":"bytes"},"payload":"AQI"}');
  readOnly('error: array without items', '{"schema":{"type":"array"},"payload":[]}');
  readOnly('error: date from a fraction', '{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":1.5}');
  readOnly('error: invalid UTF-8', null);
  cases[cases.length - 1]!.rawBytes = Uint8Array.of(0x22, 0xff, 0x22);
  cases[cases.length - 1]!.config = { 'schemas.enable': 'false' };

  // write errors both sides must raise
  add('write error: struct with another schema', { schema: address, value: new Struct(SchemaBuilder.struct().field('x', Schema.INT32).build()).put('x', 1) });
  add('write error: decimal scale mismatch', { schema: Decimal.schema(2), value: BigDecimal.parse('1.5') });
  add('write error: struct without schema', { schema: null, value: addr('s', 1) });

  // --- SimpleHeaderConverter -------------------------------------------------------------------------------------
  const header = (id: string, schema: Schema | null, value: unknown, roundTrip = false): void =>
    add(`header write ${id}`, { kind: 'header', schema, value, roundTrip });
  header('int8', Schema.INT8, 42, true);
  header('int16', Schema.INT16, 300, true);
  header('int64', Schema.INT64, 9223372036854775807n, true);
  header('float64', Schema.FLOAT64, 2.0);
  header('float64 0.1', Schema.FLOAT64, 0.1);
  header('float32', Schema.FLOAT32, Math.fround(1.1));
  header('boolean', Schema.BOOLEAN, true, true);
  header('string', Schema.STRING, 'hello world', true);
  header('bytes', Schema.BYTES, Uint8Array.of(1, 2, 3));
  header('decimal', Decimal.schema(2), BigDecimal.parse('12.34'));
  header('decimal tiny', Decimal.schema(9), BigDecimal.parse('0.000000001'));
  header('date', LogicalDate.schema(), new Date(Date.UTC(2024, 0, 31)), true);
  header('time', LogicalTime.schema(), new Date(45296789), true);
  header('timestamp', LogicalTimestamp.schema(), new Date(1718000000123), true);
  header('array', SchemaBuilder.array(Schema.INT32).build(), [1, 2, 3]);
  header('array of strings', SchemaBuilder.array(Schema.STRING).build(), ['a "q"', 'b\\c']);
  header('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).build(), new Map([['a', 1], ['b', 2]]));
  header('struct', address, addr('Main "St"', 7));
  const headerRead = (id: string, text: string | null): void =>
    add(`header read ${id}`, { kind: 'header', schema: null, rawBytes: text === null ? null : utf8(text) });
  for (const t of ['42', '-128', '300', '70000', '5000000000', '12345678901234567890', '1.5', '3.14159265358979', '1e400', '1e39',
    '-0', '1.0', '0.5', 'true', 'false', 'TRUE', 'null', '', '   ', 'hello world', '42,43', '2024-01-31', '2024-13-45',
    '12:34:56.789Z', '2024-01-31T12:34:56.789Z', '[1,2,3]', '[1,2.5]', '[1,300,70000]', '[a,b]', '["a","b"]', '[true,false]',
    '{"a":1,"b":2}', '{"a":"x"}', '{1:2}', '{a:1}', '[1,2', '["2024-01-31"]', '["x\\"y"]', '{"k":[1,2]}', '[]', '[null]',
    '[1,null]', '{"a":null}', 'Infinity', '+5', '.5', '1e3']) {
    headerRead(JSON.stringify(t), t);
  }
  headerRead('null bytes', null);
  return cases;
}
