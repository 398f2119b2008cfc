// The Protobuf format of Confluent's ProtobufConverter: the .proto text it registers, the bytes it writes (derived by
// hand from the Protobuf encoding spec), message indexes, and reading hand-written schemas as ProtobufData does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct,
  schemaEquals, valueEquals,
} from '../../../src/data/index.js';
import { protobufFormat, type ProtobufFormatReader } from '../../../src/converters/protobuf/index.js';
import type { RegisteredSchema } from '../../../src/converters/schema-registry/format.js';
import { decodeMessageIndexes, encodeMessageIndexes } from '../../../src/converters/protobuf/message-indexes.js';
import { scrubName, toMapEntry, toMapField } from '../../../src/converters/protobuf/names.js';

const TAG = 'io.confluent.connect.protobuf.Tag';
const ENUM = 'io.confluent.connect.protobuf.Enum';
const TYPE = 'io.confluent.connect.protobuf.Type';
const UNION = 'io.confluent.connect.protobuf.Union.';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytesOf = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const proto = (schema: string): RegisteredSchema => ({ schemaType: 'PROTOBUF', schema });
const none = new Map<string, string>();

function tagged(b: SchemaBuilder, tag: number): SchemaBuilder {
  return b.parameter(TAG, String(tag));
}

function statusEnum(b: SchemaBuilder = SchemaBuilder.string()): SchemaBuilder {
  return b.name('Status').optional().parameter(ENUM, 'Status').parameter(`${ENUM}.ACTIVE`, '0').parameter(`${ENUM}.INACTIVE`, '1');
}

/** Writes with a fresh format, reads back with another (as two converters would). */
function roundTrip(schema: Schema, value: unknown, config: Record<string, unknown> = {}): { bytes: Uint8Array; schema: Schema; value: unknown; text: string } {
  const writer = protobufFormat(config, false).writerFor(schema);
  const bytes = writer.write(value);
  const reader = protobufFormat(config, false).readerFor(writer.registered, none) as ProtobufFormatReader;
  const read = reader.readSchemaAndValue(bytes);
  return { bytes, schema: read.schema!, value: read.value, text: writer.registered.schema };
}

/** The schema and value of one payload (its message indexes pick the message). */
function readPayload(text: string, payload: string, config: Record<string, unknown> = {}, version?: number): { schema: Schema; value: Struct } {
  const reader = protobufFormat(config, false).readerFor(proto(text), none, version) as ProtobufFormatReader;
  const read = reader.readSchemaAndValue(bytesOf(payload));
  return { schema: read.schema!, value: read.value as Struct };
}

function assertValue(actual: unknown, expected: unknown): void {
  assert.ok(valueEquals(actual, expected), `expected ${String(expected)}, got ${String(actual)}`);
}

function assertSchema(actual: Schema, expected: Schema): void {
  assert.ok(schemaEquals(actual, expected), `expected\n  ${expected}\ngot\n  ${actual}\n(parameters ${JSON.stringify(paramsDeep(actual))} vs ${JSON.stringify(paramsDeep(expected))})`);
}

function paramsDeep(s: Schema): unknown {
  return {
    p: s.parameters ? Object.fromEntries(s.parameters) : undefined, o: s.optional, v: s.version,
    f: s.fields.map((f) => [f.name, paramsDeep(f.schema)]),
    k: s.keySchema && paramsDeep(s.keySchema), e: s.valueSchema && paramsDeep(s.valueSchema),
  };
}

describe('the .proto text registered for a Connect schema', () => {
  test('matches what Confluent registered for a Debezium value with int16 and Decimal columns', () => {
    // Registered by Confluent's ProtobufConverter (quoted in redpanda-data/console#1184).
    const schema = SchemaBuilder.struct().name('test.db_test.dbo.User_Setup.Value')
      .field('timestamp', Schema.BYTES)
      .field('User_ID', Schema.STRING)
      .field('Allow_Posting_From', Schema.INT64)
      .field('Allow_Posting_To', Schema.INT64)
      .field('Register_Time', Schema.INT16)
      .field('Max_Auto_Value', Decimal.builder(20).parameter('connect.decimal.precision', '38').build())
      .build();
    const writer = protobufFormat({}, false).writerFor(schema);
    assert.equal(writer.registered.schema, `syntax = "proto3";
package test.db_test.dbo.User_Setup;

import "confluent/type/decimal.proto";

message Value {
  bytes timestamp = 1;
  string User_ID = 2;
  int64 Allow_Posting_From = 3;
  int64 Allow_Posting_To = 4;
  int32 Register_Time = 5 [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "int16"
      }
    ]
  }];
  confluent.type.Decimal Max_Auto_Value = 6 [(confluent.field_meta) = {
    params: [
      {
        value: "38",
        key: "precision"
      },
      {
        value: "20",
        key: "scale"
      }
    ]
  }];
}
`);
    assert.equal(writer.registered.schemaType, 'PROTOBUF');
    assert.deepEqual(writer.registered.references, []);
    assert.equal(writer.recordName, 'test.db_test.dbo.User_Setup.Value');
  });

  test('ProtobufDataTest.testFromConnectComplex: ConnectDefault names, entry messages for maps, nested enums', () => {
    const schema = SchemaBuilder.struct()
      .field('int8', SchemaBuilder.int8().defaultValue(2).doc('int8 field').build())
      .field('int16', Schema.INT16)
      .field('int32', Schema.INT32)
      .field('int64', Schema.INT64)
      .field('float32', Schema.FLOAT32)
      .field('float64', Schema.FLOAT64)
      .field('boolean', Schema.BOOLEAN)
      .field('string', Schema.STRING)
      .field('bytes', Schema.BYTES)
      .field('array', SchemaBuilder.array(Schema.STRING).build())
      .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT32).build())
      .field('mapNonStringKeys', SchemaBuilder.map(Schema.INT32, Schema.INT32).build())
      .field('mapNullValues', SchemaBuilder.map(Schema.STRING, Schema.OPTIONAL_STRING).build())
      .field('enum', statusEnum().build())
      .build();
    const meta = (t: string) => ` [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "${t}"
      }
    ]
  }]`;
    const writer = protobufFormat({}, false).writerFor(schema);
    assert.equal(writer.registered.schema, `syntax = "proto3";

message ConnectDefault1 {
  int32 int8 = 1${meta('int8')};
  int32 int16 = 2${meta('int16')};
  int32 int32 = 3;
  int64 int64 = 4;
  float float32 = 5;
  double float64 = 6;
  bool boolean = 7;
  string string = 8;
  bytes bytes = 9;
  repeated string array = 10;
  repeated ConnectDefault2Entry map = 11;
  repeated ConnectDefault3Entry mapNonStringKeys = 12;
  repeated ConnectDefault4Entry mapNullValues = 13;
  Status enum = 14;

  message ConnectDefault2Entry {
    string key = 1;
    int32 value = 2;
  }
  message ConnectDefault3Entry {
    int32 key = 1;
    int32 value = 2;
  }
  message ConnectDefault4Entry {
    string key = 1;
    string value = 2;
  }
  enum Status {
    ACTIVE = 0;
    INACTIVE = 1;
  }
}
`);
    assert.equal(writer.recordName, 'ConnectDefault1');
  });

  test('oneofs, nested messages and a blank line that keeps its indentation, as Wire prints them', () => {
    const union = SchemaBuilder.struct().name(`${UNION}payload`).optional()
      .field('text', tagged(SchemaBuilder.string().optional(), 16).build())
      .field('number', tagged(SchemaBuilder.int64().optional(), 17).build())
      .build();
    const inner = SchemaBuilder.struct().name('com.acme.Inner').optional()
      .field('at', LogicalTimestamp.builder().optional().build())
      .field('payload', union)
      .build();
    const schema = SchemaBuilder.struct().name('com.acme.Outer')
      .field('id', Schema.INT32)
      .field('payload', union)
      .field('inner', inner)
      .field('day', LogicalDate.builder().optional().build())
      .field('time', LogicalTime.builder().optional().build())
      .field('created', LogicalTimestamp.builder().optional().build())
      .build();
    assert.equal(protobufFormat({}, false).writerFor(schema).registered.schema, `syntax = "proto3";
package com.acme;

import "google/protobuf/timestamp.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";

message Outer {
  int32 id = 1;
  Inner inner = 3;
  google.type.Date day = 4;
  google.type.TimeOfDay time = 5;
  google.protobuf.Timestamp created = 6;

  oneof payload {
    string text = 16;
    int64 number = 17;
  }

  message Inner {
    google.protobuf.Timestamp at = 1;
${'  '}
    oneof payload {
      string text = 16;
      int64 number = 17;
    }
  }
}
`);
  });

  test('optional.for.nullables writes proto3 optional; wrapper.for.nullables writes google.protobuf wrappers', () => {
    const schema = SchemaBuilder.struct().name('N')
      .field('a', Schema.OPTIONAL_INT32)
      .field('b', Schema.STRING)
      .field('c', Schema.OPTIONAL_INT16)
      .field('d', SchemaBuilder.int64().optional().parameter(TYPE, 'uint64').build())
      .build();
    assert.equal(protobufFormat({ 'optional.for.nullables': 'true' }, false).writerFor(schema).registered.schema, `syntax = "proto3";

message N {
  optional int32 a = 1;
  string b = 2;
  optional int32 c = 3 [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "int16"
      }
    ]
  }];
  optional uint64 d = 4;
}
`);
    assert.equal(protobufFormat({ 'wrapper.for.nullables': true }, false).writerFor(schema).registered.schema, `syntax = "proto3";

import "google/protobuf/wrappers.proto";

message N {
  google.protobuf.Int32Value a = 1;
  string b = 2;
  google.protobuf.Int32Value c = 3 [(confluent.field_meta) = {
    params: [
      {
        key: "connect.type",
        value: "int16"
      }
    ]
  }];
  google.protobuf.UInt64Value d = 4;
}
`);
  });

  test('field numbers come from the Tag parameter, else from the position; a union uses up a position', () => {
    const schema = SchemaBuilder.struct().name('T')
      .field('a', Schema.STRING)
      .field('u', SchemaBuilder.struct().name(`${UNION}u`).optional()
        .field('x', tagged(SchemaBuilder.string().optional(), 10).build()).build())
      .field('b', tagged(SchemaBuilder.string(), 20).build())
      .field('c', Schema.STRING)
      .build();
    assert.equal(protobufFormat({}, false).writerFor(schema).registered.schema, `syntax = "proto3";

message T {
  string a = 1;
  string b = 20;
  string c = 3;

  oneof u {
    string x = 10;
  }
}
`);
  });

  test('a struct named like its field gets the Message suffix (testFromConnectNameCollision); one import per file', () => {
    const nested = SchemaBuilder.struct().name('nested').field('string', Schema.STRING).build();
    const schema = SchemaBuilder.struct()
      .field('nested', nested)
      .field('createdAt', LogicalTimestamp.schema())
      .field('updatedAt', LogicalTimestamp.schema())
      .build();
    assert.equal(protobufFormat({}, false).writerFor(schema).registered.schema, `syntax = "proto3";

import "google/protobuf/timestamp.proto";

message ConnectDefault1 {
  nestedMessage nested = 1;
  google.protobuf.Timestamp createdAt = 2;
  google.protobuf.Timestamp updatedAt = 3;

  message nestedMessage {
    string string = 1;
  }
}
`);
  });

  test('scrub.invalid.names makes names Protobuf accepts (testFromConnectWithInvalidName)', () => {
    const schema = SchemaBuilder.struct().name('org.acme-corp.invalid record-name').field('invalid field-name', Schema.STRING).build();
    const writer = protobufFormat({ 'scrub.invalid.names': 'true' }, false).writerFor(schema);
    assert.equal(writer.recordName, 'org.acme_corp.invalid_record_name');
    assert.match(writer.registered.schema, /message invalid_record_name \{\n {2}string invalid_field_name = 1;\n\}/);
    assert.equal(hex(writer.write(new Struct(schema).put('invalid field-name', 'foo'))), '000a03666f6f');
    assert.throws(() => protobufFormat({}, false).writerFor(schema), /invalid Protobuf schema.*scrub\.invalid\.names/s);
  });

  test('a primitive at the root registers google/protobuf/wrappers.proto as Confluent does', () => {
    const writer = protobufFormat({}, false).writerFor(Schema.INT32);
    assert.equal(writer.recordName, 'google.protobuf.Int32Value');
    assert.match(writer.registered.schema, /^syntax = "proto3";\npackage google\.protobuf;\n\noption java_package = "com\.google\.protobuf";\n/);
    assert.match(writer.registered.schema, /\nmessage Int32Value \{\n {2}int32 value = 1;\n\}\n/);
    assert.equal(protobufFormat({}, false).writerFor(Schema.BYTES).recordName, 'google.protobuf.BytesValue');
    assert.throws(() => protobufFormat({}, false).writerFor(SchemaBuilder.array(Schema.INT32).build()), DataException);
    assert.throws(() => protobufFormat({}, false).writerFor(LogicalDate.schema()), DataException);
  });

  test('the same Connect schema always gives the same text, and the writer is cached', () => {
    const schema = SchemaBuilder.struct().field('a', Schema.STRING).build();
    const format = protobufFormat({}, false);
    assert.equal(format.writerFor(schema), format.writerFor(schema));
    assert.equal(format.writerFor(schema).registered.schema, protobufFormat({}, false).writerFor(schema).registered.schema);
  });
});

describe('bytes written (expected bytes derived by hand from the Protobuf encoding spec)', () => {
  test('varint, length-delimited and bool fields after the default message index 0x00', () => {
    const schema = SchemaBuilder.struct().name('com.acme.Order').field('id', Schema.INT64).field('name', Schema.STRING).field('ok', Schema.BOOLEAN).build();
    const bytes = protobufFormat({}, false).writerFor(schema).write(new Struct(schema).put('id', 150).put('name', 'testing').put('ok', true));
    // index [0] | field 1 varint 150 | field 2 len 7 "testing" | field 3 varint 1
    assert.equal(hex(bytes), '00' + '089601' + '120774657374696e67' + '1801');
  });

  test('negative int32, sint64, fixed32, double, float and bytes; defaults are not written', () => {
    const schema = SchemaBuilder.struct().name('W')
      .field('a', Schema.INT32)
      .field('b', SchemaBuilder.int64().parameter(TYPE, 'sint64').build())
      .field('c', SchemaBuilder.int64().parameter(TYPE, 'fixed32').build())
      .field('d', Schema.FLOAT64)
      .field('e', Schema.FLOAT32)
      .field('f', Schema.BYTES)
      .field('g', Schema.INT8)
      .field('h', Schema.STRING)
      .build();
    const value = new Struct(schema).put('a', -1).put('b', -2).put('c', 4294967295).put('d', 1.5).put('e', 0.5)
      .put('f', Uint8Array.of(0xde, 0xad)).put('g', 0).put('h', '');
    assert.equal(hex(protobufFormat({}, false).writerFor(schema).write(value)),
      '00'
      + '08ffffffffffffffffff01' // 1: int32 -1 is a 10-byte varint
      + '1003' // 2: sint64 -2 zig-zags to 3
      + '1dffffffff' // 3: fixed32, wire type 5
      + '21000000000000f83f' // 4: double 1.5, wire type 1
      + '2d0000003f' // 5: float 0.5
      + '3202dead'); // 6: bytes
  });

  test('nested message, packed repeated, map entries, enum and Timestamp', () => {
    const inner = SchemaBuilder.struct().name('Inner').field('x', Schema.INT32).build();
    const schema = SchemaBuilder.struct().name('Outer')
      .field('inner', inner)
      .field('list', SchemaBuilder.array(Schema.INT32).build())
      .field('m', SchemaBuilder.map(Schema.STRING, Schema.INT32).build())
      .field('status', statusEnum().build())
      .field('ts', LogicalTimestamp.schema())
      .build();
    const value = new Struct(schema).put('inner', new Struct(inner).put('x', 5)).put('list', [1, 2, 300])
      .put('m', new Map([['a', 1]])).put('status', 'INACTIVE').put('ts', new Date(1500));
    assert.equal(hex(protobufFormat({}, false).writerFor(schema).write(value)),
      '00'
      + '0a020805' // 1: Inner{x: 5}
      + '12040102ac02' // 2: packed [1, 2, 300]
      + '1a050a016110' + '01' // 3: entry {key: "a", value: 1}
      + '2001' // 4: INACTIVE
      + '2a08' + '0801' + '1080cab5ee01'); // 5: Timestamp{seconds: 1, nanos: 500000000}
  });

  test('Decimal, Date and TimeOfDay messages', () => {
    const schema = SchemaBuilder.struct().name('L')
      .field('d', Decimal.schema(2))
      .field('day', LogicalDate.schema())
      .field('t', LogicalTime.schema())
      .build();
    const value = new Struct(schema).put('d', new BigDecimal(-12345n, 2)).put('day', new Date(Date.UTC(2017, 11, 31)))
      .put('t', new Date(((13 * 60 + 5) * 60 + 7) * 1000 + 250));
    assert.equal(hex(protobufFormat({}, false).writerFor(schema).write(value)),
      '00'
      + '0a08' + '0a02cfc7' + '1005' + '1802' // Decimal{value: -12345 two's complement, precision: 5, scale: 2}
      + '1207' + '08e10f' + '100c' + '181f' // Date{year: 2017, month: 12, day: 31}
      + '1a0b' + '080d' + '1005' + '1807' + '2080e59a77'); // TimeOfDay{13, 5, 7, nanos: 250000000}
  });

  test('a primitive at the root is its wrapper message, with the wrapper\'s message indexes', () => {
    // wrappers.proto declares DoubleValue, FloatValue, Int64Value, UInt64Value, Int32Value (index 4), …, StringValue (7)
    assert.equal(hex(protobufFormat({}, false).writerFor(Schema.INT32).write(150)), '0208' + '089601');
    assert.equal(hex(protobufFormat({}, false).writerFor(Schema.STRING).write('hi')), '020e' + '0a026869');
    assert.equal(hex(protobufFormat({}, false).writerFor(Schema.INT8).write(-1)), '0208' + '08ffffffffffffffffff01');
  });

  test('ignore.default.for.nullables (testFromConnectIgnoreDefaultForNullables)', () => {
    const schema = SchemaBuilder.struct().name('KeyValueMessage')
      .field('key', tagged(SchemaBuilder.int32().optional(), 1).build())
      .field('value', tagged(SchemaBuilder.string().optional().defaultValue('string-value'), 2).build())
      .build();
    const value = new Struct(schema).put('key', 123).put('value', null);
    assert.equal(hex(protobufFormat({ 'ignore.default.for.nullables': true }, false).writerFor(schema).write(value)), '00087b');
    assert.equal(hex(protobufFormat({}, false).writerFor(schema).write(value)), '00087b' + '120c' + hex(new TextEncoder().encode('string-value')));
  });
});

describe('message indexes', () => {
  test('zig-zag varint count then indexes; [0] is the single byte 0', () => {
    assert.equal(hex(encodeMessageIndexes([0])), '00');
    assert.equal(hex(encodeMessageIndexes([1])), '0202');
    assert.equal(hex(encodeMessageIndexes([1, 0])), '040200');
    assert.equal(hex(encodeMessageIndexes([0, 64])), '04008001');
    assert.deepEqual(decodeMessageIndexes(bytesOf('00ff')), { indexes: [0], offset: 1 });
    assert.deepEqual(decodeMessageIndexes(bytesOf('0402008001')), { indexes: [1, 0], offset: 3 });
    assert.deepEqual(decodeMessageIndexes(bytesOf('04008001')), { indexes: [0, 64], offset: 4 });
    assert.throws(() => decodeMessageIndexes(bytesOf('04')), DataException);
    assert.throws(() => decodeMessageIndexes(bytesOf('0102')), DataException); // a negative count
    assert.throws(() => decodeMessageIndexes(bytesOf('ffffffffff01')), DataException);
  });

  const nested = `syntax = "proto3";
package pkg;

message A { int32 x = 1; }
enum Kind { K = 0; }
message B {
  message C { string s = 1; }
  enum E { Z = 0; }
  message D { int32 y = 1; }
}
`;

  test('use.latest.version: the registered message named like the Connect schema, at its nested indexes', () => {
    const d = SchemaBuilder.struct().name('pkg.B.D').field('y', Schema.INT32).build();
    const writer = protobufFormat({}, false).writerForRegistered(d, proto(nested), none);
    assert.equal(writer.recordName, 'pkg.B.D');
    assert.equal(writer.registered.schema, nested);
    assert.equal(hex(writer.write(new Struct(d).put('y', 7))), '040202' + '0807'); // indexes [1, 1]
    const unknown = SchemaBuilder.struct().name('Other').field('x', Schema.INT32).build();
    const first = protobufFormat({}, false).writerForRegistered(unknown, proto(nested), none);
    assert.equal(first.recordName, 'pkg.A');
    assert.equal(hex(first.write(new Struct(unknown).put('x', 1))), '00' + '0801');
  });

  test('a reader picks the message each payload\'s indexes name', () => {
    const reader = protobufFormat({}, false).readerFor(proto(nested), none) as ProtobufFormatReader;
    assert.equal(reader.schema.name, 'A');
    const c = reader.readSchemaAndValue(bytesOf('040200' + '0a017a'));
    assert.equal(c.schema!.name, 'C');
    assert.equal((c.value as Struct).get('s'), 'z');
    assert.equal(((reader.read(bytesOf('040202' + '0807')) as Struct).get('y')), 7);
    assert.equal(((reader.read(bytesOf('00' + '0807')) as Struct).get('x')), 7);
    assert.throws(() => reader.read(bytesOf('0206' + '0807')), /Invalid message indexes/);
  });
});

describe('reading a hand-written schema as ProtobufData.toConnectData does', () => {
  const NESTED = `syntax = "proto3";
package io.confluent.test;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

message UserId {
  oneof user_id {
    string kafka_user_id = 1;
    int32 other_user_id = 2;
    MessageId another_id = 3;
  }
}

message MessageId {
  string id = 1;
}

enum Status {
  ACTIVE = 0;
  INACTIVE = 1;
}

message ComplexType {
  oneof some_val {
    string one_id = 1;
    int32 other_id = 2;
  }
  bool is_active = 3;
}

// Complex message using nested protos and repeated fields
message NestedMessage {
  UserId user_id = 1;
  bool is_active = 2;
  repeated string experiments_active = 3;
  google.protobuf.Timestamp updated_at = 4;
  Status status = 5;
  ComplexType complex_type = 6;
  map<string, string> map_type = 7;
  InnerMessage inner = 8;
  google.protobuf.StringValue nickname = 9;

  message InnerMessage {
    string id = 1;
    repeated int32 ids = 2 [packed = true];
  }
}
`;
  // NestedMessage is the 4th top-level message: indexes [3] → 02 06.
  const PAYLOAD = '0206'
    + '0a09' + '0a076d795f75736572' // 1: UserId{kafka_user_id: "my_user"}
    + '1001' // 2: is_active
    + '1a0161' + '1a026263' // 3: ["a", "bc"]
    + '2206' + '088099fccd05' // 4: Timestamp{seconds: 1505692800}
    + '2801' // 5: INACTIVE
    + '3a0e' + '0a0548656c6c6f' + '1205576f726c64' // 7: {"Hello": "World"}
    + '4200'; // 8: InnerMessage{} (set, all defaults)

  function expectedSchema(wrapperForNullables = false): Schema {
    const opt = (b: SchemaBuilder) => (wrapperForNullables ? b : b.optional());
    const messageId = SchemaBuilder.struct().name('MessageId').field('id', tagged(opt(SchemaBuilder.string()), 1).build());
    const union = SchemaBuilder.struct().name(`${UNION}user_id`)
      .field('kafka_user_id', tagged(SchemaBuilder.string().optional(), 1).build())
      .field('other_user_id', tagged(SchemaBuilder.int32().optional(), 2).build())
      .field('another_id', tagged(messageId.optional(), 3).build())
      .optional().build();
    const userId = SchemaBuilder.struct().name('UserId').field('user_id_0', union);
    const complexUnion = SchemaBuilder.struct().name(`${UNION}some_val`)
      .field('one_id', tagged(SchemaBuilder.string().optional(), 1).build())
      .field('other_id', tagged(SchemaBuilder.int32().optional(), 2).build())
      .optional().build();
    const complex = SchemaBuilder.struct().name('ComplexType').field('some_val_0', complexUnion)
      .field('is_active', tagged(opt(SchemaBuilder.bool()), 3).build());
    const inner = SchemaBuilder.struct().name('InnerMessage')
      .field('id', tagged(opt(SchemaBuilder.string()), 1).build())
      .field('ids', tagged(SchemaBuilder.array(Schema.OPTIONAL_INT32).optional(), 2).build());
    const nickname = wrapperForNullables
      ? SchemaBuilder.string().optional()
      : SchemaBuilder.struct().name('StringValue').field('value', tagged(SchemaBuilder.string().optional(), 1).build()).optional();
    return SchemaBuilder.struct().name('NestedMessage')
      .field('user_id', tagged(userId.optional(), 1).build())
      .field('is_active', tagged(opt(SchemaBuilder.bool()), 2).build())
      .field('experiments_active', tagged(SchemaBuilder.array(Schema.OPTIONAL_STRING).optional(), 3).build())
      .field('updated_at', tagged(LogicalTimestamp.builder().optional(), 4).build())
      .field('status', tagged(statusEnum(), 5).build())
      .field('complex_type', tagged(complex.optional(), 6).build())
      .field('map_type', tagged(SchemaBuilder.map(
        tagged(opt(SchemaBuilder.string()), 1).build(),
        tagged(opt(SchemaBuilder.string()), 2).build(),
      ).name('map_type').optional(), 7).build())
      .field('inner', tagged(inner.optional(), 8).build())
      .field('nickname', tagged(nickname, 9).build())
      .version(4)
      .build();
  }

  test('nested messages, oneofs, enums, maps and well-known imports, with the registry version', () => {
    const read = readPayload(NESTED, PAYLOAD, {}, 4);
    const schema = expectedSchema();
    assertSchema(read.schema, schema);
    const value = read.value;
    const userIdSchema = schema.field('user_id')!.schema;
    const expected = new Struct(schema)
      .put('user_id', new Struct(userIdSchema).put('user_id_0', new Struct(userIdSchema.field('user_id_0')!.schema).put('kafka_user_id', 'my_user')))
      .put('is_active', true)
      .put('experiments_active', ['a', 'bc'])
      .put('updated_at', new Date(1505692800000))
      .put('status', 'INACTIVE')
      .put('map_type', new Map([['Hello', 'World']]))
      .put('inner', new Struct(schema.field('inner')!.schema).put('id', '').put('ids', []));
    assertValue(value, expected);
    assert.equal(value.get('complex_type'), null);
    assert.equal(value.get('nickname'), null);
  });

  test('an empty message reads defaults for scalars and repeated fields, null for messages', () => {
    const { value } = readPayload(NESTED, '0206', {}, 4);
    const expected = new Struct(expectedSchema()).put('is_active', false).put('experiments_active', []).put('status', 'ACTIVE').put('map_type', new Map());
    assertValue(value, expected);
  });

  test('wrapper.for.nullables reads a wrapper as its optional primitive and other scalars as required', () => {
    const config = { 'wrapper.for.nullables': 'true' };
    const read = readPayload(NESTED, '0206' + '4a03' + '0a0178', config, 4);
    assertSchema(read.schema, expectedSchema(true));
    assert.equal(read.value.get('nickname'), 'x');
    assert.equal(readPayload(NESTED, '0206' + '4a00', config).value.get('nickname'), '');
  });

  test('int.for.enums, generate.index.for.unions, flatten.unions and generalized.sum.type.support', () => {
    const text = NESTED;
    const complexPayload = '0204' + '0a024944' + '1801'; // ComplexType (index 2): one_id "ID", is_active
    const withIntEnums = protobufFormat({ 'int.for.enums': true }, false).readerFor(proto(text), none);
    const status = (withIntEnums.read(bytesOf('0206' + '2801')) as Struct);
    assert.equal(status.schema.name, 'NestedMessage');
    assert.equal(status.get('status'), 1);
    assert.equal(status.schema.field('status')!.schema.type, 'INT32');

    const noIndex = protobufFormat({ 'generate.index.for.unions': false }, false).readerFor(proto(text), none) as ProtobufFormatReader;
    const c1 = noIndex.readSchemaAndValue(bytesOf(complexPayload)).value as Struct;
    assert.deepEqual(c1.schema.fields.map((f) => f.name), ['some_val', 'is_active']);
    assert.equal((c1.get('some_val') as Struct).get('one_id'), 'ID');

    const flat = protobufFormat({ 'flatten.unions': true }, false).readerFor(proto(text), none) as ProtobufFormatReader;
    const c2 = flat.readSchemaAndValue(bytesOf(complexPayload)).value as Struct;
    assert.deepEqual(c2.schema.fields.map((f) => f.name), ['one_id', 'other_id', 'is_active']);
    assert.equal(c2.get('one_id'), 'ID');
    assert.equal(c2.get('other_id'), null);

    const generalized = protobufFormat({ 'generalized.sum.type.support': true }, false).readerFor(proto(text), none) as ProtobufFormatReader;
    const c3 = generalized.readSchemaAndValue(bytesOf(complexPayload)).value as Struct;
    const unionSchema = c3.schema.field('some_val_0')!.schema;
    assert.equal(unionSchema.name, 'some_val');
    assert.equal(unionSchema.parameters?.get('org.apache.kafka.connect.data.Union'), 'some_val');
    const n3 = generalized.readSchemaAndValue(bytesOf('0206' + '2801')).value as Struct;
    assert.equal(n3.schema.field('status')!.schema.parameters?.get('org.apache.kafka.connect.data.Enum.INACTIVE'), '1');
  });

  test('enhanced.protobuf.schema.support keeps full names (testToConnectFullyQualifiedSchema / MapSchema)', () => {
    const text = `syntax = "proto3";

package foo;

message Event {
  Action action = 1;
  Target target = 2;
  map<string, string> tags = 4;

  message Target {
    oneof payload {
      string payload_id = 1;
      Action action = 2;
    }
    enum Action {
      ON  = 0;
      OFF = 1;
    }
  }

  oneof payload {
    string payload_id = 3;
  }

  enum Action {
    ON  = 0;
    OFF = 1;
  }
}`;
    const schema = protobufFormat({ 'enhanced.protobuf.schema.support': true }, false).readerFor(proto(text), none).schema;
    assert.equal(schema.name, 'foo.Event');
    assert.equal(schema.field('payload_0')!.schema.name, 'io.confluent.connect.protobuf.Union.foo.Event.payload');
    assert.equal(schema.field('action')!.schema.name, 'foo.Event.Action');
    assert.equal(schema.field('tags')!.schema.name, 'foo.Event.tags');
    assert.deepEqual(schema.fields.map((f) => f.name), ['payload_0', 'action', 'target', 'tags']);
  });

  test('proto2 optional fields read as null when unset, unless optional.for.proto2 is false', () => {
    const text = `syntax = "proto2";
message KeyValueMessage2 {
  optional int32 key = 1;
  optional string value = 2 [default = "dflt"];
  required bool flag = 3;
}`;
    const payload = bytesOf('00' + '087b' + '1801');
    const value = protobufFormat({}, false).readerFor(proto(text), none).read(payload) as Struct;
    assert.equal(value.get('key'), 123);
    assert.equal(value.get('value'), null);
    assert.equal(value.get('flag'), true);
    const legacy = protobufFormat({ 'optional.for.proto2': false }, false).readerFor(proto(text), none).read(payload) as Struct;
    assert.equal(legacy.get('value'), 'dflt');
    const optionalSchema = protobufFormat({ 'optional.for.nullables': true }, false).readerFor(proto(text), none).schema;
    assert.equal(optionalSchema.field('key')!.schema.optional, true);
    assert.equal(optionalSchema.field('flag')!.schema.optional, false);
  });

  test('field meta int8/int16, signed and unsigned types, a uint64 above 2^63 as a negative INT64', () => {
    const text = `syntax = "proto3";
message M {
  int32 small = 1 [(confluent.field_meta) = { params: [ { key: "connect.type", value: "int8" } ] }];
  sint32 s32 = 2;
  uint32 u32 = 3;
  fixed64 f64 = 4;
  uint64 u64 = 5;
  int64 big = 6;
}`;
    const reader = protobufFormat({}, false).readerFor(proto(text), none);
    assert.equal(reader.schema.field('small')!.schema.type, 'INT8');
    assert.equal(reader.schema.field('small')!.schema.parameters?.get(TYPE), undefined);
    assert.equal(reader.schema.field('s32')!.schema.parameters?.get(TYPE), 'sint32');
    assert.equal(reader.schema.field('u32')!.schema.type, 'INT64');
    assert.equal(reader.schema.field('u32')!.schema.parameters?.get(TYPE), 'uint32');
    const value = reader.read(bytesOf('00'
      + '08ffffffffffffffffff01' // small: -1
      + '1003' // s32: zig-zag 3 = -2
      + '18ffffffff0f' // u32: 4294967295
      + '21' + '0100000000000000' // f64: 1
      + '28ffffffffffffffffff01' // u64: 2^64 - 1
      + '3080808080808080807f')) as Struct; // big: 2^63 - 2^56... (0x7f00000000000000)
    assert.equal(value.get('small'), -1);
    assert.equal(value.get('s32'), -2);
    assert.equal(value.get('u32'), 4294967295);
    assert.equal(value.get('f64'), 1);
    assert.equal(value.get('u64'), -1);
    assert.equal(value.get('big'), 0x7f00000000000000n);
  });

  test('Decimal precision rounds as Java\'s MathContext; invalid dates and times are errors', () => {
    const text = `syntax = "proto3";
import "confluent/type/decimal.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
message L { confluent.type.Decimal d = 1; google.type.Date day = 2; google.type.TimeOfDay t = 3; }`;
    const reader = protobufFormat({}, false).readerFor(proto(text), none);
    assert.equal(reader.schema.field('d')!.schema.name, Decimal.LOGICAL_NAME);
    // value 12345, precision 3, scale 2: 123.45 rounded to 3 digits is 123
    assertValue((reader.read(bytesOf('00' + '0a08' + '0a023039' + '1003' + '1802')) as Struct).get('d'), new BigDecimal(123n, 0));
    assert.throws(() => reader.read(bytesOf('00' + '1207' + '08e10f' + '100d' + '1801')), /invalid google\.type\.Date/); // month 13
    assert.throws(() => reader.read(bytesOf('00' + '1202' + '1818')), /TimeOfDay|Date/);
    assert.throws(() => reader.read(bytesOf('00' + '1a02' + '0818')), (e: unknown) => e instanceof DataException && e.context.path === 't'); // 24:00
    assert.throws(() => reader.read(bytesOf('00' + '0a00')), /no value bytes/);
  });

  test('a top-level …Entry message used as a repeated field reads as a map (testToConnectMultipleMapReferences)', () => {
    const text = `syntax = "proto3";
message AttributeFieldEntry { string key = 1; string value = 2; }
message MapReferencesMessage {
  repeated AttributeFieldEntry map1 = 1;
  AttributeFieldEntry notAMap1 = 3;
}`;
    const reader = protobufFormat({}, false).readerFor(proto(text), none) as ProtobufFormatReader;
    const { schema, value } = reader.readSchemaAndValue(bytesOf('0202' + '0a0a' + '0a046b657931' + '120276' + '31' + '1a050a036b6b33'));
    assert.equal(schema!.field('map1')!.schema.type, 'MAP');
    assert.equal(schema!.field('map1')!.schema.name, 'attribute_field');
    assert.equal(schema!.field('notAMap1')!.schema.type, 'STRUCT');
    assertValue((value as Struct).get('map1'), new Map([['key1', 'v1']]));
    assert.equal(((value as Struct).get('notAMap1') as Struct).get('key'), 'kk3');
  });

  test('a message type used singly and then repeated keeps Confluent\'s shared Tag on the element schema', () => {
    const text = `syntax = "proto3";
message Inner { int32 x = 1; }
message M { Inner one = 1; repeated Inner many = 2; }`;
    const schema = protobufFormat({}, false).readerFor(proto(text), none).schema;
    assert.equal(schema.name, 'Inner');
    const m = (protobufFormat({}, false).readerFor(proto(text), none) as ProtobufFormatReader).readSchemaAndValue(bytesOf('0202')).schema!;
    assert.equal(m.field('one')!.schema.parameters?.get(TAG), '1');
    assert.equal(m.field('many')!.schema.parameters?.get(TAG), '2');
    assert.equal(m.field('many')!.schema.valueSchema!.parameters?.get(TAG), '1');
  });

  test('wrapper.for.raw.primitives: a root wrapper reads as its primitive, or as a struct when off', () => {
    const writer = protobufFormat({}, false).writerFor(Schema.INT64);
    const bytes = writer.write(-5);
    const reader = protobufFormat({}, false).readerFor(writer.registered, none, 2) as ProtobufFormatReader;
    const read = reader.readSchemaAndValue(bytes);
    assertSchema(read.schema!, SchemaBuilder.int64().version(2).build());
    assert.equal(read.value, -5);
    assert.equal(reader.read(bytes), -5);
    const structReader = protobufFormat({ 'wrapper.for.raw.primitives': false }, false).readerFor(writer.registered, none);
    assert.equal(structReader.schema.name, 'DoubleValue'); // the first message of the file: [0] until a payload says otherwise
    const value = (structReader as ProtobufFormatReader).readSchemaAndValue(bytes);
    assert.equal(value.schema!.name, 'Int64Value');
    assert.equal((value.value as Struct).get('value'), -5);
  });

  test('imports: references from `resolved`, well-known files built in, anything else an error', () => {
    const common = `syntax = "proto3";
package common;
message Money { string currency = 1; int64 units = 2; }`;
    const text = `syntax = "proto3";
import "common/money.proto";
import "google/type/latlng.proto";
message Payment { common.Money amount = 1; google.type.LatLng where = 2; }`;
    const reader = protobufFormat({}, false).readerFor({ schemaType: 'PROTOBUF', schema: text, references: [{ name: 'common/money.proto', subject: 'money', version: 1 }] }, new Map([['common/money.proto', common]]));
    assert.equal(reader.schema.field('amount')!.schema.name, 'Money');
    assert.equal(reader.schema.field('where')!.schema.field('latitude')!.schema.type, 'FLOAT64');
    const value = reader.read(bytesOf('00' + '0a07' + '0a03455552' + '1007')) as Struct;
    assert.equal((value.get('amount') as Struct).get('units'), 7);
    assert.throws(() => protobufFormat({}, false).readerFor(proto(text), none), /common\/money\.proto/);
  });

  test('generate.struct.for.nulls reads unset message fields as structs of defaults', () => {
    const { value } = readPayload(NESTED, '0206', { 'generate.struct.for.nulls': true });
    assert.equal((value.get('user_id') as Struct).get('user_id_0'), null);
    assert.equal((value.get('updated_at') as Date).getTime(), 0);
    assert.equal((value.get('complex_type') as Struct).get('is_active'), false);
    assert.equal((value.get('complex_type') as Struct).get('some_val_0'), null);
    assertValue((value.get('inner') as Struct).get('ids'), []);
    assert.equal((value.get('nickname') as Struct).get('value'), '');
  });

  test('an enum number without a symbol reads with the name Java gives it', () => {
    assert.equal(readPayload(NESTED, '0206' + '2807').value.get('status'), 'UNKNOWN_ENUM_VALUE_Status_7');
  });

  test('map<> fields with int64, bool and enum keys and values; written back the same through use.latest.version', () => {
    const text = `syntax = "proto3";
message Maps {
  map<int64, string> longs = 1;
  map<bool, int32> flags = 2;
  map<sint32, Color> colors = 3;
  enum Color { RED = 0; BLUE = 1; }
}`;
    const payload = '00'
      + '0a0e' + '08ffffffffffffffffff01' + '120161' // longs: {-1: "a"}
      + '1204' + '0801' + '1007' // flags: {true: 7}
      + '1a04' + '0803' + '1001'; // colors: {-2 (zig-zag 3): BLUE}
    const reader = protobufFormat({}, false).readerFor(proto(text), none);
    const value = reader.read(bytesOf(payload)) as Struct;
    assert.equal(reader.schema.field('longs')!.schema.name, 'longs');
    assertValue(value.get('longs'), new Map([[-1, 'a']]));
    assertValue(value.get('flags'), new Map([[true, 7]]));
    assertValue(value.get('colors'), new Map([[-2, 'BLUE']]));
    const writer = protobufFormat({}, false).writerForRegistered(reader.schema, proto(text), none);
    assert.equal(hex(writer.write(value)), payload);
  });

  test('a map entry without its value reads as the value type\'s default, a struct of defaults for a message', () => {
    const inner = SchemaBuilder.struct().name('Inner').optional().field('x', Schema.INT32).field('s', Schema.OPTIONAL_STRING).build();
    const schema = SchemaBuilder.struct().name('M').field('m', SchemaBuilder.map(Schema.STRING, inner).build()).build();
    const rt = roundTrip(schema, new Struct(schema).put('m', new Map([['k', null]])));
    assert.equal(hex(rt.bytes), '00' + '0a03' + '0a016b'); // the entry has its key only
    const entry = ((rt.value as Struct).get('m') as Map<string, Struct>).get('k')!;
    assert.equal(entry.get('x'), 0);
    assert.equal(entry.get('s'), '');
  });

  test('a recursive message is refused with a clear error', () => {
    const text = `syntax = "proto3";
message Node { int32 v = 1; Node next = 2; }`;
    assert.throws(() => protobufFormat({}, false).readerFor(proto(text), none), /Node contains itself/);
  });
});

describe('round trips through the registered text', () => {
  const cases: [string, Schema, unknown][] = [
    ['INT8', Schema.INT8, -7],
    ['INT16', Schema.INT16, -300],
    ['INT32', Schema.INT32, -2147483648],
    ['INT64 beyond 2^53', Schema.INT64, -(2n ** 63n)],
    ['INT64 safe', Schema.INT64, 123456789],
    ['FLOAT32', Schema.FLOAT32, 1.25],
    ['FLOAT64', Schema.FLOAT64, -1e300],
    ['BOOLEAN', Schema.BOOLEAN, true],
    ['STRING', Schema.STRING, 'héllo ✓'],
    ['BYTES', Schema.BYTES, Uint8Array.of(0, 1, 255)],
    ['Decimal', Decimal.schema(3), new BigDecimal(-123456789012345678901234567890n, 3)],
    ['Date', LogicalDate.schema(), new Date(Date.UTC(1970, 0, 1) - 86400000 * 365)],
    ['Time', LogicalTime.schema(), new Date(86399999)],
    ['Timestamp', LogicalTimestamp.schema(), new Date(-1)],
    ['ARRAY', SchemaBuilder.array(Schema.STRING).build(), ['a', '', 'c']],
    ['MAP string keys', SchemaBuilder.map(Schema.STRING, Schema.FLOAT64).build(), new Map([['x', 1.5], ['y', -2]])],
    ['MAP int64 keys', SchemaBuilder.map(Schema.INT64, Schema.BOOLEAN).build(), new Map<unknown, unknown>([[2n ** 62n, true], [-1, false]])],
    ['MAP of structs', SchemaBuilder.map(Schema.INT32, SchemaBuilder.struct().name('V').field('s', Schema.STRING).build()).build(), undefined],
    ['enum', statusEnum().build(), 'INACTIVE'],
  ];
  for (const [name, fieldSchema, fieldValue] of cases) {
    test(name, () => {
      const schema = SchemaBuilder.struct().name(`Rt${name.replace(/\W/g, '')}`).field('f', fieldSchema).field('n', Schema.OPTIONAL_STRING).build();
      const v = fieldValue === undefined
        ? new Map([[1, new Struct(fieldSchema.valueSchema!).put('s', 'one')]])
        : fieldValue;
      const rt = roundTrip(schema, new Struct(schema).put('f', v));
      const read = rt.value as Struct;
      assert.equal(read.schema.field('f')!.schema.type, fieldSchema.type);
      assert.equal(read.schema.field('f')!.schema.name, fieldSchema.type === 'MAP' ? read.schema.field('f')!.schema.name : fieldSchema.name);
      if (fieldSchema.type === 'MAP' && fieldSchema.valueSchema!.type === 'STRUCT') {
        const inner = (read.get('f') as Map<unknown, Struct>).get(1)!;
        assert.equal(inner.get('s'), 'one');
      } else {
        assertValue(read.get('f'), v);
      }
      // A null string reads back as proto3's default, as in Confluent.
      assert.equal(read.get('n'), '');
      // Reading back and writing again gives the same text and bytes.
      const again = roundTrip(read.schema, read);
      assert.equal(hex(again.bytes), hex(rt.bytes));
      assert.equal(again.text, rt.text);
    });
  }

  test('a root primitive for each Connect type reads back as the wrapper\'s primitive', () => {
    const primitives: [Schema, unknown, Schema][] = [
      [Schema.INT8, 5, Schema.INT32], [Schema.INT16, -5, Schema.INT32], [Schema.INT32, 7, Schema.INT32],
      [Schema.INT64, 2n ** 60n, Schema.INT64], [Schema.FLOAT32, 0.5, Schema.FLOAT32], [Schema.FLOAT64, 2.5, Schema.FLOAT64],
      [Schema.BOOLEAN, true, Schema.BOOLEAN], [Schema.STRING, 's', Schema.STRING], [Schema.BYTES, Uint8Array.of(9), Schema.BYTES],
    ];
    for (const [schema, value, readAs] of primitives) {
      const rt = roundTrip(schema, value);
      assertSchema(rt.schema, readAs);
      assertValue(rt.value, value);
    }
  });

  test('unions (with Tag parameters), nested structs and nulls', () => {
    const union = SchemaBuilder.struct().name(`${UNION}choice`).optional()
      .field('text', tagged(SchemaBuilder.string().optional(), 5).build())
      .field('num', tagged(SchemaBuilder.int64().optional(), 6).build())
      .build();
    const inner = SchemaBuilder.struct().name('Inner').optional().field('x', Schema.OPTIONAL_INT32).build();
    const schema = SchemaBuilder.struct().name('U').field('choice', union).field('inner', inner).field('other', inner).build();
    const rt = roundTrip(schema, new Struct(schema).put('choice', new Struct(union).put('num', 0)).put('inner', new Struct(inner).put('x', 3)));
    const read = rt.value as Struct;
    assert.deepEqual(read.schema.fields.map((f) => f.name), ['choice_0', 'inner', 'other']);
    assert.equal((read.get('choice_0') as Struct).get('num'), 0);
    assert.equal((read.get('choice_0') as Struct).get('text'), null);
    assert.equal((read.get('inner') as Struct).get('x'), 3);
    assert.equal(read.get('other'), null);
    // inner (field 2; the union used up number 1), then num 0 (field 6): a set oneof member is written even when 0
    assert.equal(hex(rt.bytes), '00' + '12020803' + '3000');
    const again = roundTrip(read.schema, read);
    assert.equal(hex(again.bytes), hex(rt.bytes));
  });

  test('optional.for.nullables and wrapper.for.nullables keep nulls and zeros apart', () => {
    const schema = SchemaBuilder.struct().name('N').field('a', Schema.OPTIONAL_INT32).field('b', Schema.OPTIONAL_STRING).field('c', Schema.OPTIONAL_INT8).build();
    for (const config of [{ 'optional.for.nullables': true }, { 'wrapper.for.nullables': true }]) {
      const rt = roundTrip(schema, new Struct(schema).put('a', 0).put('c', -1), config);
      const read = rt.value as Struct;
      assert.equal(read.get('a'), 0, JSON.stringify(config));
      assert.equal(read.get('b'), null, JSON.stringify(config));
      assert.equal(read.get('c'), -1, JSON.stringify(config));
      // A wrapper field reads as its wrapper's type: the int8 meta is only read from int32 fields.
      assert.equal(read.schema.field('c')!.schema.type, 'optional.for.nullables' in config ? 'INT8' : 'INT32');
      assert.equal(read.schema.field('a')!.schema.optional, true);
    }
  });

  test('int.for.enums reads numbers and writes them back to the same bytes', () => {
    const schema = SchemaBuilder.struct().name('E').field('status', statusEnum().build()).build();
    const rt = roundTrip(schema, new Struct(schema).put('status', 'INACTIVE'), { 'int.for.enums': true });
    assert.equal((rt.value as Struct).get('status'), 1);
    assert.equal(hex(roundTrip(rt.schema, rt.value, { 'int.for.enums': true }).bytes), hex(rt.bytes));
  });

  test('enhanced.protobuf.schema.support keeps the package through a round trip', () => {
    const schema = SchemaBuilder.struct().name('com.acme.Order').field('id', Schema.INT32).build();
    const rt = roundTrip(schema, new Struct(schema).put('id', 1), { 'enhanced.protobuf.schema.support': true });
    assert.equal(rt.schema.name, 'com.acme.Order');
    assert.equal(roundTrip(schema, new Struct(schema).put('id', 1)).schema.name, 'Order');
  });

  test('use.latest.version maps fields by name onto the registered numbers', () => {
    const registered = proto(`syntax = "proto3";
package pkg;
message Order {
  string name = 7;
  int64 id = 3;
  repeated int32 extra = 9;
  Kind kind = 10;
  enum Kind { A = 0; B = 1; }
}`);
    const schema = SchemaBuilder.struct().name('pkg.Order').field('id', Schema.INT32).field('name', Schema.STRING).field('kind', Schema.STRING).build();
    const writer = protobufFormat({}, false).writerForRegistered(schema, registered, none);
    assert.equal(hex(writer.write(new Struct(schema).put('id', 42).put('name', 'x').put('kind', 'B'))), '00' + '182a' + '3a0178' + '5001');
    assert.throws(() => writer.write(new Struct(schema).put('id', 42).put('name', 'x').put('kind', 'C')), /'C' is not a symbol/);
    const extra = SchemaBuilder.struct().name('pkg.Order').field('missing', Schema.OPTIONAL_STRING).build();
    const lenient = protobufFormat({}, false).writerForRegistered(extra, registered, none);
    assert.equal(hex(lenient.write(new Struct(extra))), '00');
    assert.throws(() => lenient.write(new Struct(extra).put('missing', 'x')), /Cannot find field with name missing/);
    const wrongType = SchemaBuilder.struct().name('pkg.Order').field('name', Schema.INT32).build();
    assert.throws(() => protobufFormat({}, false).writerForRegistered(wrongType, registered, none), DataException);
  });
});

describe('errors name the field', () => {
  test('a Date with a time of day', () => {
    const inner = SchemaBuilder.struct().name('Inner').field('day', LogicalDate.schema()).build();
    const schema = SchemaBuilder.struct().name('O').field('inner', inner).build();
    const writer = protobufFormat({}, false).writerFor(schema);
    assert.throws(
      () => writer.write(new Struct(schema).put('inner', new Struct(inner).put('day', new Date(1000)))),
      (e: unknown) => e instanceof DataException && e.context.path === 'inner.day' && /time fields/.test(e.message),
    );
  });

  test('a null array element, a mismatching struct schema, a union without a Tag parameter', () => {
    const schema = SchemaBuilder.struct().name('A').field('xs', SchemaBuilder.array(Schema.OPTIONAL_STRING).build()).build();
    assert.throws(() => protobufFormat({}, false).writerFor(schema).write(new Struct(schema).put('xs', ['a', null])),
      (e: unknown) => e instanceof DataException && e.context.path === 'xs[1]');
    const other = SchemaBuilder.struct().name('B').field('xs', Schema.STRING).build();
    assert.throws(() => protobufFormat({}, false).writerFor(schema).write(new Struct(other).put('xs', 'a')), /Mismatching struct schema/);
    const union = SchemaBuilder.struct().name(`${UNION}u`).optional().field('a', Schema.OPTIONAL_STRING).build();
    assert.throws(() => protobufFormat({}, false).writerFor(SchemaBuilder.struct().field('u', union).build()), /has no io\.confluent\.connect\.protobuf\.Tag/);
  });

  test('a nested array, an unknown Type parameter and invalid configuration', () => {
    assert.throws(() => protobufFormat({}, false).writerFor(SchemaBuilder.struct().field('a', SchemaBuilder.array(SchemaBuilder.array(Schema.INT32).build()).build()).build()), /Array cannot be nested/);
    assert.throws(() => protobufFormat({}, false).writerFor(SchemaBuilder.struct().field('a', SchemaBuilder.int64().parameter(TYPE, 'float').build()).build()), /not a Protobuf type/);
    assert.throws(() => protobufFormat({ 'int.for.enums': 'yes' }, false), /Expected value to be either true or false/);
  });

  test('a truncated payload', () => {
    const schema = SchemaBuilder.struct().name('S').field('s', Schema.STRING).build();
    const reader = protobufFormat({}, false).readerFor(protobufFormat({}, false).writerFor(schema).registered, none);
    assert.throws(() => reader.read(bytesOf('00' + '0a05' + '6869')), DataException);
  });
});

describe('names', () => {
  test('ProtobufDataTest.testNameScrubbing', () => {
    assert.equal(scrubName(''), '');
    assert.equal(scrubName('abc_DEF_123'), 'abc_DEF_123');
    assert.equal(scrubName('abc+-.*_'), 'abc_2B____');
    assert.equal(scrubName('abc-def'), 'abc_def');
    assert.equal(scrubName('abc+def'), 'abc_2Bdef');
    assert.equal(scrubName('abc  def'), 'abc__def');
    assert.equal(scrubName('abc.def'), 'abc_def');
    assert.equal(scrubName('0abc.def'), 'x0abc_def');
    assert.equal(scrubName('_abc.def'), 'x_abc_def');
    assert.equal(scrubName('0abc'), 'x0abc');
    assert.equal(scrubName('_abc'), 'x_abc');
    assert.equal(scrubName('é'), '_C3_A9');
  });

  test('map entry names as protoc and Guava make them', () => {
    assert.equal(toMapEntry('my_map'), 'MyMapEntry');
    assert.equal(toMapEntry('tags'), 'tagsEntry');
    assert.equal(toMapField('MyMapEntry'), 'my_map');
    assert.equal(toMapField('pkg.Msg.ConnectDefault2Entry'), 'pkg.Msg.connect_default2');
    assert.equal(toMapField('AttributeFieldEntry'), 'attribute_field');
    assert.equal(toMapField('NotAMap'), 'NotAMap');
  });
});

describe('well-known imports read from protobufjs', () => {
  test('custom options over google/protobuf/descriptor.proto, and confluent/meta.proto', () => {
    const text = `syntax = "proto3";
import "google/protobuf/descriptor.proto";
import "confluent/meta.proto";
extend google.protobuf.FieldOptions { string pii = 50001; }
message User {
  string email = 1 [(pii) = "yes", (confluent.field_meta).doc = "mail"];
  int64 ttl = 2;
}`;
    const reader = protobufFormat({}, false).readerFor(proto(text), none);
    assert.deepEqual(reader.schema.fields.map((f) => f.name), ['email', 'ttl']);
    assert.equal((reader.read(bytesOf('00' + '0a0178' + '1005')) as Struct).get('email'), 'x');
  });
});
