// The `_schemas` records in Confluent's exact key/value JSON: what Confluent writes is read, and written back byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordFormatError, decodeKey, decodeRecord, encodeKey, encodeValue } from '../../../src/registry/storage/records.js';

/** Key and value texts as Confluent's registry (Jackson, NON_EMPTY) writes them. */
const CONFLUENT_RECORDS: Array<[string, string | null]> = [
  ['{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}', '{"subject":"orders-value","version":1,"id":1,"schemaType":"AVRO","schema":"\\"string\\"","deleted":false}'],
  [
    '{"keytype":"SCHEMA","subject":"pb-value","version":2,"magic":1}',
    '{"subject":"pb-value","version":2,"id":7,"schemaType":"PROTOBUF","references":[{"name":"other.proto","subject":"other","version":1}],"schema":"syntax = \\"proto3\\";\\nmessage M {\\n  string a = 1;\\n}\\n","deleted":true}',
  ],
  [
    '{"keytype":"SCHEMA","subject":"meta","version":1,"magic":1}',
    '{"subject":"meta","version":1,"id":3,"md5":"q1n8H7bVyYzn3c3qf4Kj6A==","schemaType":"JSON","metadata":{"properties":{"owner":"team-a"}},"schema":"{\\"type\\":\\"object\\"}","deleted":false}',
  ],
  ['{"keytype":"CONFIG","magic":0}', '{"compatibilityLevel":"FULL"}'],
  ['{"keytype":"CONFIG","subject":"orders-value","magic":0}', '{"subject":"orders-value","compatibilityLevel":"NONE"}'],
  ['{"keytype":"CONFIG","subject":"norm","magic":0}', '{"subject":"norm","normalize":true,"compatibilityLevel":"BACKWARD"}'],
  ['{"keytype":"MODE","magic":0}', '{"mode":"READONLY"}'],
  ['{"keytype":"MODE","subject":"orders-value","magic":0}', '{"subject":"orders-value","mode":"IMPORT"}'],
  ['{"keytype":"DELETE_SUBJECT","subject":"orders-value","magic":0}', '{"subject":"orders-value","version":2}'],
  ['{"keytype":"CLEAR_SUBJECT","subject":"orders-value","magic":0}', '{"subject":"orders-value"}'],
  ['{"keytype":"NOOP","magic":0}', null],
  ['{"keytype":"SCHEMA","subject":"orders-value","version":3,"magic":1}', null],
];

test('Confluent\'s records are read and written back byte for byte', () => {
  for (const [key, value] of CONFLUENT_RECORDS) {
    const record = decodeRecord(key, value);
    assert.equal(encodeKey(record.key), key);
    assert.equal(encodeValue(record), value, key);
  }
});

test('what a SCHEMA record holds', () => {
  const r = decodeRecord(CONFLUENT_RECORDS[1]![0], CONFLUENT_RECORDS[1]![1]);
  assert.deepEqual(r.key, { keytype: 'SCHEMA', subject: 'pb-value', version: 2 });
  assert.deepEqual(r.value, {
    subject: 'pb-value',
    version: 2,
    id: 7,
    schemaType: 'PROTOBUF',
    references: [{ name: 'other.proto', subject: 'other', version: 1 }],
    schema: 'syntax = "proto3";\nmessage M {\n  string a = 1;\n}\n',
    deleted: true,
  });
});

test('older forms: a null subject in a key, values without subject or schemaType, offset and ts fields', () => {
  assert.deepEqual(decodeKey('{"magic":0,"keytype":"CONFIG","subject":null}'), { keytype: 'CONFIG', subject: null });
  const legacy = decodeRecord('{"keytype":"CONFIG","subject":"s","magic":0}', '{"compatibilityLevel":"FORWARD"}');
  assert.deepEqual(legacy.value, { subject: 's', compatibilityLevel: 'FORWARD' });
  const preTypes = decodeRecord('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"subject":"s","version":1,"id":4,"schema":"\\"int\\"","deleted":false,"offset":12,"ts":1700000000000}');
  assert.equal((preTypes.value as { schemaType: string }).schemaType, 'AVRO');
  assert.equal(encodeValue(preTypes), '{"subject":"s","version":1,"id":4,"schemaType":"AVRO","schema":"\\"int\\"","deleted":false}');
});

test('keys Sluice does not use are read as other; a SCHEMA key of another magic is refused', () => {
  assert.deepEqual(decodeKey('{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}'), { keytype: 'other', type: 'CONTEXT' });
  assert.deepEqual(decodeRecord('{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}', '{"tenant":"default","context":".ctx"}').value, null);
  assert.throws(() => decodeKey('{"keytype":"SCHEMA","subject":"s","version":1,"magic":0}'), RecordFormatError);
  assert.throws(() => decodeRecord('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"subject":"s"}'), /no integer "id"/);
  assert.throws(() => decodeKey('not json'), RecordFormatError);
});

test('strings are escaped as Jackson escapes them', () => {
  const value = {
    subject: 'é/ü',
    version: 1,
    id: 1,
    schemaType: 'AVRO',
    references: [],
    schema: 'a"b\\c\nd\te\u0001f\u001fg€',
    deleted: false,
  };
  const text = encodeValue({ key: { keytype: 'SCHEMA', subject: 'é/ü', version: 1 }, value });
  assert.equal(text, '{"subject":"é/ü","version":1,"id":1,"schemaType":"AVRO","schema":"a\\"b\\\\c\\nd\\te\\u0001f\\u001Fg€","deleted":false}');
  // A backslash followed by text that looks like an escape stays as it was.
  const tricky = encodeValue({ key: { keytype: 'SCHEMA', subject: 's', version: 1 }, value: { ...value, subject: 's', schema: '\\u001f' } });
  assert.match(tricky!, /"schema":"\\\\u001f"/);
});
