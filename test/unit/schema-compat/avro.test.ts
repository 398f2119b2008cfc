// Avro compatibility as Confluent's registry decides it: Avro's own SchemaCompatibility cases (TestSchemaCompatibility
// and its per-error classes), Confluent's AvroCompatibilityTest at every level, canonical text and parse errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalText, compatibilityErrors, InvalidSchemaError, parseSchema, type CompatibilityLevel } from '../../../src/schema-compat/index.js';
import { avroIncompatibilities } from '../../../src/schema-compat/avro/avro-compatibility.js';
import type { AvroParsedSchema } from '../../../src/schema-compat/avro/avro-provider.js';

const avro = (schema: string, version?: number) => ({ schemaType: 'AVRO' as const, schema, ...(version === undefined ? {} : { version }) });
const root = (schema: string) => (parseSchema(avro(schema)) as AvroParsedSchema).root;
/** Avro's checkReaderWriterCompatibility, as [type, message, location] triples. */
const incompatibilities = (reader: string, writer: string) =>
  avroIncompatibilities(root(reader), root(writer)).map((i) => [i.type, i.message, i.location]);

// Avro's TestSchemas, as JSON.
const enumOf = (name: string, symbols: string[], extra = '') => `{"type":"enum","name":"${name}","symbols":${JSON.stringify(symbols)}${extra}}`;
const record = (name: string, fields: string) => `{"type":"record","name":"${name}","fields":[${fields}]}`;
const field = (name: string, type: string, dflt?: string) => `{"name":"${name}","type":${type}${dflt === undefined ? '' : `,"default":${dflt}`}}`;
const S = {
  NULL: '"null"', BOOLEAN: '"boolean"', INT: '"int"', LONG: '"long"', FLOAT: '"float"', DOUBLE: '"double"', STRING: '"string"', BYTES: '"bytes"',
  INT_ARRAY: '{"type":"array","items":"int"}', LONG_ARRAY: '{"type":"array","items":"long"}',
  INT_MAP: '{"type":"map","values":"int"}', LONG_MAP: '{"type":"map","values":"long"}',
  ENUM1_AB: enumOf('Enum1', ['A', 'B']), ENUM1_AB_DEFAULT: enumOf('Enum1', ['A', 'B'], ',"default":"A"'),
  ENUM1_AB_NS1: enumOf('Enum1', ['A', 'B'], ',"namespace":"namespace1"'), ENUM1_AB_NS2: enumOf('Enum1', ['A', 'B'], ',"namespace":"namespace2"'),
  ENUM1_ABC: enumOf('Enum1', ['A', 'B', 'C']), ENUM1_BC: enumOf('Enum1', ['B', 'C']), ENUM2_AB: enumOf('Enum2', ['A', 'B']),
  ENUM_ABC_ENUM_DEFAULT_A_RECORD: record('Record', field('Field', enumOf('Schema', ['A', 'B', 'C'], ',"default":"A"'))),
  ENUM_AB_ENUM_DEFAULT_A_RECORD: record('Record', field('Field', enumOf('Schema', ['A', 'B'], ',"default":"A"'))),
  ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD: record('Record', field('Field', enumOf('Schema', ['A', 'B', 'C'], ',"default":"A"'), '"B"')),
  ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD: record('Record', field('Field', enumOf('Schema', ['A', 'B'], ',"default":"B"'), '"A"')),
  EMPTY_UNION: '[]', NULL_UNION: '["null"]', INT_UNION: '["int"]', LONG_UNION: '["long"]', FLOAT_UNION: '["float"]', DOUBLE_UNION: '["double"]',
  STRING_UNION: '["string"]', BYTES_UNION: '["bytes"]', INT_STRING_UNION: '["int","string"]', STRING_INT_UNION: '["string","int"]',
  INT_FLOAT_UNION: '["int","float"]', INT_LONG_UNION: '["int","long"]', INT_LONG_FLOAT_DOUBLE_UNION: '["int","long","float","double"]',
  EMPTY_RECORD1: record('Record1', ''), EMPTY_RECORD2: record('Record2', ''),
  A_INT_RECORD1: record('Record1', field('a', '"int"')), A_LONG_RECORD1: record('Record1', field('a', '"long"')),
  A_INT_B_INT_RECORD1: record('Record1', `${field('a', '"int"')},${field('b', '"int"')}`),
  A_DINT_RECORD1: record('Record1', field('a', '"int"', '0')),
  A_INT_B_DINT_RECORD1: record('Record1', `${field('a', '"int"')},${field('b', '"int"', '0')}`),
  A_DINT_B_DINT_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', '"int"', '0')}`),
  A_DINT_B_DFIXED_4_BYTES_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', '{"type":"fixed","name":"Fixed","size":4}')}`),
  A_DINT_B_DFIXED_8_BYTES_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', '{"type":"fixed","name":"Fixed","size":8}')}`),
  A_DINT_B_DINT_STRING_UNION_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', '["int","string"]', '0')}`),
  A_DINT_B_DINT_UNION_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', '["int"]', '0')}`),
  A_DINT_B_DENUM_1_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', enumOf('Enum1', ['A', 'B']))}`),
  A_DINT_B_DENUM_2_RECORD1: record('Record1', `${field('a', '"int"', '0')},${field('b', enumOf('Enum2', ['A', 'B']))}`),
  FIXED_4_BYTES: '{"type":"fixed","name":"Fixed","size":4}', FIXED_8_BYTES: '{"type":"fixed","name":"Fixed","size":8}',
  NS_RECORD1: record('Record1', field('f1', `["null",{"type":"array","items":${record('InnerRecord1', field('a', '"int"')).replace('"name":"InnerRecord1"', '"name":"InnerRecord1","namespace":"ns1"')}}]`)),
  NS_RECORD2: record('Record1', field('f1', `["null",{"type":"array","items":${record('InnerRecord1', field('a', '"int"')).replace('"name":"InnerRecord1"', '"name":"InnerRecord1","namespace":"ns2"')}}]`)),
  WITHOUT_NS: record('Record', field('f1', '"int"')), WITH_NS: record('ns.Record', field('f1', '"int"')),
  INT_LIST_RECORD: record('List', `${field('head', '"int"')},${field('tail', '"List"')}`),
  LONG_LIST_RECORD: record('List', `${field('head', '"long"')},${field('tail', '"List"')}`),
};
type Name = keyof typeof S;

describe('Avro reader/writer compatibility (Avro TestSchemaCompatibility)', () => {
  const compatible: [Name, Name][] = [
    ['BOOLEAN', 'BOOLEAN'], ['INT', 'INT'], ['LONG', 'INT'], ['LONG', 'LONG'], ['FLOAT', 'INT'], ['FLOAT', 'LONG'], ['DOUBLE', 'LONG'],
    ['DOUBLE', 'INT'], ['DOUBLE', 'FLOAT'], ['STRING', 'STRING'], ['BYTES', 'BYTES'], ['INT_ARRAY', 'INT_ARRAY'], ['LONG_ARRAY', 'INT_ARRAY'],
    ['INT_MAP', 'INT_MAP'], ['LONG_MAP', 'INT_MAP'], ['ENUM1_AB', 'ENUM1_AB'], ['ENUM1_ABC', 'ENUM1_AB'], ['ENUM1_AB_DEFAULT', 'ENUM1_ABC'],
    ['ENUM1_AB', 'ENUM1_AB_NS1'], ['ENUM1_AB_NS1', 'ENUM1_AB'], ['ENUM1_AB_NS1', 'ENUM1_AB_NS2'], ['STRING', 'BYTES'], ['BYTES', 'STRING'],
    ['EMPTY_UNION', 'EMPTY_UNION'], ['FLOAT_UNION', 'EMPTY_UNION'], ['FLOAT_UNION', 'INT_UNION'], ['FLOAT_UNION', 'LONG_UNION'],
    ['FLOAT_UNION', 'INT_LONG_UNION'], ['INT_UNION', 'INT_UNION'], ['INT_STRING_UNION', 'STRING_INT_UNION'], ['INT_UNION', 'EMPTY_UNION'],
    ['LONG_UNION', 'EMPTY_UNION'], ['LONG_UNION', 'INT_UNION'], ['DOUBLE_UNION', 'INT_UNION'], ['DOUBLE_UNION', 'LONG_UNION'],
    ['DOUBLE_UNION', 'FLOAT_UNION'], ['STRING_UNION', 'EMPTY_UNION'], ['STRING_UNION', 'BYTES_UNION'], ['BYTES_UNION', 'EMPTY_UNION'],
    ['BYTES_UNION', 'STRING_UNION'], ['DOUBLE_UNION', 'INT_FLOAT_UNION'], ['FLOAT', 'INT_FLOAT_UNION'], ['LONG', 'INT_LONG_UNION'],
    ['DOUBLE', 'INT_FLOAT_UNION'], ['DOUBLE', 'INT_LONG_FLOAT_DOUBLE_UNION'], ['FLOAT', 'FLOAT_UNION'], ['INT_UNION', 'INT'], ['INT', 'INT_UNION'],
    ['FIXED_4_BYTES', 'FIXED_4_BYTES'], ['EMPTY_RECORD1', 'EMPTY_RECORD1'], ['EMPTY_RECORD1', 'A_INT_RECORD1'], ['A_INT_RECORD1', 'A_INT_RECORD1'],
    ['A_DINT_RECORD1', 'A_INT_RECORD1'], ['A_DINT_RECORD1', 'A_DINT_RECORD1'], ['A_INT_RECORD1', 'A_DINT_RECORD1'], ['A_LONG_RECORD1', 'A_INT_RECORD1'],
    ['A_INT_RECORD1', 'A_INT_B_INT_RECORD1'], ['A_DINT_RECORD1', 'A_INT_B_INT_RECORD1'], ['A_INT_B_DINT_RECORD1', 'A_INT_RECORD1'],
    ['A_DINT_B_DINT_RECORD1', 'EMPTY_RECORD1'], ['A_DINT_B_DINT_RECORD1', 'A_INT_RECORD1'], ['A_INT_B_INT_RECORD1', 'A_DINT_B_DINT_RECORD1'],
    ['INT_LIST_RECORD', 'INT_LIST_RECORD'], ['LONG_LIST_RECORD', 'LONG_LIST_RECORD'], ['LONG_LIST_RECORD', 'INT_LIST_RECORD'], ['NULL', 'NULL'],
    ['ENUM_AB_ENUM_DEFAULT_A_RECORD', 'ENUM_ABC_ENUM_DEFAULT_A_RECORD'],
    ['ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD', 'ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD'],
    ['NS_RECORD1', 'NS_RECORD2'], ['WITHOUT_NS', 'WITH_NS'],
  ];
  test('every compatible reader/writer pair is compatible', () => {
    for (const [reader, writer] of compatible) assert.deepEqual(incompatibilities(S[reader], S[writer]), [], `${reader} reading ${writer}`);
  });

  const incompatible: [Name, Name, string, string, string][] = [
    // TestSchemaCompatibilityTypeMismatch
    ['NULL', 'INT', 'TYPE_MISMATCH', 'reader type: NULL not compatible with writer type: INT', '/'],
    ['BOOLEAN', 'INT', 'TYPE_MISMATCH', 'reader type: BOOLEAN not compatible with writer type: INT', '/'],
    ['INT', 'LONG', 'TYPE_MISMATCH', 'reader type: INT not compatible with writer type: LONG', '/'],
    ['INT', 'FLOAT', 'TYPE_MISMATCH', 'reader type: INT not compatible with writer type: FLOAT', '/'],
    ['LONG', 'DOUBLE', 'TYPE_MISMATCH', 'reader type: LONG not compatible with writer type: DOUBLE', '/'],
    ['FLOAT', 'DOUBLE', 'TYPE_MISMATCH', 'reader type: FLOAT not compatible with writer type: DOUBLE', '/'],
    ['DOUBLE', 'STRING', 'TYPE_MISMATCH', 'reader type: DOUBLE not compatible with writer type: STRING', '/'],
    ['FIXED_4_BYTES', 'STRING', 'TYPE_MISMATCH', 'reader type: FIXED not compatible with writer type: STRING', '/'],
    ['BYTES', 'NULL', 'TYPE_MISMATCH', 'reader type: BYTES not compatible with writer type: NULL', '/'],
    ['A_INT_RECORD1', 'INT', 'TYPE_MISMATCH', 'reader type: RECORD not compatible with writer type: INT', '/'],
    ['INT_ARRAY', 'LONG_ARRAY', 'TYPE_MISMATCH', 'reader type: INT not compatible with writer type: LONG', '/items'],
    ['INT_MAP', 'INT_ARRAY', 'TYPE_MISMATCH', 'reader type: MAP not compatible with writer type: ARRAY', '/'],
    ['INT_MAP', 'LONG_MAP', 'TYPE_MISMATCH', 'reader type: INT not compatible with writer type: LONG', '/values'],
    ['ENUM2_AB', 'INT', 'TYPE_MISMATCH', 'reader type: ENUM not compatible with writer type: INT', '/'],
    ['FLOAT', 'INT_LONG_FLOAT_DOUBLE_UNION', 'TYPE_MISMATCH', 'reader type: FLOAT not compatible with writer type: DOUBLE', '/3'],
    ['LONG', 'INT_FLOAT_UNION', 'TYPE_MISMATCH', 'reader type: LONG not compatible with writer type: FLOAT', '/1'],
    ['INT_LIST_RECORD', 'LONG_LIST_RECORD', 'TYPE_MISMATCH', 'reader type: INT not compatible with writer type: LONG', '/fields/0/type'],
    // TestSchemaCompatibilityNameMismatch
    ['ENUM1_AB', 'ENUM2_AB', 'NAME_MISMATCH', 'expected: Enum2', '/name'],
    ['EMPTY_RECORD2', 'EMPTY_RECORD1', 'NAME_MISMATCH', 'expected: Record1', '/name'],
    ['A_DINT_B_DENUM_1_RECORD1', 'A_DINT_B_DENUM_2_RECORD1', 'NAME_MISMATCH', 'expected: Enum2', '/fields/1/type/name'],
    // TestSchemaCompatibilityFixedSizeMismatch
    ['FIXED_4_BYTES', 'FIXED_8_BYTES', 'FIXED_SIZE_MISMATCH', 'expected: 8, found: 4', '/size'],
    ['A_DINT_B_DFIXED_8_BYTES_RECORD1', 'A_DINT_B_DFIXED_4_BYTES_RECORD1', 'FIXED_SIZE_MISMATCH', 'expected: 4, found: 8', '/fields/1/type/size'],
    // TestSchemaCompatibilityMissingEnumSymbols
    ['ENUM1_AB', 'ENUM1_ABC', 'MISSING_ENUM_SYMBOLS', '[C]', '/symbols'],
    ['ENUM1_BC', 'ENUM1_ABC', 'MISSING_ENUM_SYMBOLS', '[A]', '/symbols'],
    // TestSchemaCompatibilityReaderFieldMissingDefaultValue
    ['A_INT_RECORD1', 'EMPTY_RECORD1', 'READER_FIELD_MISSING_DEFAULT_VALUE', 'a', '/fields/0'],
    ['A_INT_B_DINT_RECORD1', 'EMPTY_RECORD1', 'READER_FIELD_MISSING_DEFAULT_VALUE', 'a', '/fields/0'],
    // TestSchemaCompatibilityMissingUnionBranch
    ['INT_UNION', 'INT_STRING_UNION', 'MISSING_UNION_BRANCH', 'reader union lacking writer type: STRING', '/1'],
    ['STRING_UNION', 'INT_STRING_UNION', 'MISSING_UNION_BRANCH', 'reader union lacking writer type: INT', '/0'],
    ['INT_UNION', 'LONG_UNION', 'MISSING_UNION_BRANCH', 'reader union lacking writer type: LONG', '/0'],
    ['A_DINT_B_DINT_UNION_RECORD1', 'A_DINT_B_DINT_STRING_UNION_RECORD1', 'MISSING_UNION_BRANCH', 'reader union lacking writer type: STRING', '/fields/1/type/1'],
  ];
  test('each incompatible pair reports the type, message and location Avro does', () => {
    for (const [reader, writer, type, message, location] of incompatible) {
      assert.deepEqual(incompatibilities(S[reader], S[writer]), [[type, message, location]], `${reader} reading ${writer}`);
    }
  });

  test('a reader union missing several writer branches reports each (INT_UNION reading INT_LONG_FLOAT_DOUBLE)', () => {
    assert.deepEqual(incompatibilities(S.INT_UNION, S.INT_LONG_FLOAT_DOUBLE_UNION), [
      ['MISSING_UNION_BRANCH', 'reader union lacking writer type: LONG', '/1'],
      ['MISSING_UNION_BRANCH', 'reader union lacking writer type: FLOAT', '/2'],
      ['MISSING_UNION_BRANCH', 'reader union lacking writer type: DOUBLE', '/3'],
    ]);
  });

  test('several incompatibilities in one record, in Avro order (TestSchemaCompatibilityMultiple)', () => {
    const sub = (fields: string, ns: string) =>
      `{"type":"record","name":"sub_record_type","fields":[${fields.replace('NS', ns)}]}`;
    const reader = record('base', [
      field('check_enum_symbols_field', enumOf('check_enum_symbols_type', ['A', 'C'])),
      field('check_enum_name_field', enumOf('check_enum_name_type', ['A', 'B', 'C', 'D'])),
      field('type_mismatch_field', '"string"'),
      field('sub_record', sub([
        field('identical_1_field', '"long"', '42'),
        field('extra_no_default_field', '"long"'),
        field('fixed_length_mismatch_field', '{"type":"fixed","name":"fixed_length_mismatch_type","size":4}'),
        field('union_missing_branches_field', '["boolean"]'),
        field('reader_union_does_not_support_type_field', '["boolean"]'),
        field('record_fqn_mismatch_field', `{"type":"record","name":"recordA","namespace":"NS","fields":[${field('A_field_0', '"boolean"', 'true')},${field('array_type_mismatch_field', '{"type":"array","items":"string"}')}]}`),
      ].join(','), 'not_nsA')),
    ].join(','));
    const writer = record('base', [
      field('check_enum_symbols_field', enumOf('check_enum_symbols_type', ['A', 'B', 'C', 'D'])),
      field('check_enum_name_field', enumOf('check_enum_name_type_ERR', ['A', 'B', 'C', 'D'])),
      field('type_mismatch_field', '"long"'),
      field('sub_record', sub([
        field('identical_1_field', '"long"', '42'),
        field('fixed_length_mismatch_field', '{"type":"fixed","name":"fixed_length_mismatch_type","size":8}'),
        field('union_missing_branches_field', '["boolean","double","string"]'),
        field('reader_union_does_not_support_type_field', '"long"'),
        field('record_fqn_mismatch_field', `{"type":"record","name":"recordA","namespace":"NS","fields":[${field('A_field_0', '"boolean"', 'true')},${field('array_type_mismatch_field', '{"type":"array","items":"boolean"}')}]}`),
      ].join(','), 'nsA')),
    ].join(','));
    assert.deepEqual(incompatibilities(reader, writer), [
      ['MISSING_ENUM_SYMBOLS', '[B, D]', '/fields/0/type/symbols'],
      ['NAME_MISMATCH', 'expected: check_enum_name_type_ERR', '/fields/1/type/name'],
      ['TYPE_MISMATCH', 'reader type: STRING not compatible with writer type: LONG', '/fields/2/type'],
      ['READER_FIELD_MISSING_DEFAULT_VALUE', 'extra_no_default_field', '/fields/3/type/fields/1'],
      ['FIXED_SIZE_MISMATCH', 'expected: 8, found: 4', '/fields/3/type/fields/2/type/size'],
      ['MISSING_UNION_BRANCH', 'reader union lacking writer type: DOUBLE', '/fields/3/type/fields/3/type/1'],
      ['MISSING_UNION_BRANCH', 'reader union lacking writer type: STRING', '/fields/3/type/fields/3/type/2'],
      ['MISSING_UNION_BRANCH', 'reader union lacking writer type: LONG', '/fields/3/type/fields/4/type'],
      ['TYPE_MISMATCH', 'reader type: STRING not compatible with writer type: BOOLEAN', '/fields/3/type/fields/5/type/fields/1/type/items'],
    ]);
  });

  test('aliases: a renamed field or type is found through the reader aliases', () => {
    const writer = record('Old', field('f1', '"string"'));
    assert.deepEqual(incompatibilities(`{"type":"record","name":"New","aliases":["Old"],"fields":[{"name":"f2","type":"string","aliases":["f1"]}]}`, writer), []);
    assert.deepEqual(incompatibilities(record('New', field('f1', '"string"')), writer), [['NAME_MISMATCH', 'expected: Old', '/name']]);
  });
});

describe("Confluent's AvroCompatibilityTest", () => {
  const s1 = avro('{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}');
  const s2 = avro('{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}]}');
  const s3 = avro('{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2"}]}');
  const s4 = avro('{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1_new", "aliases": ["f1"]}]}');
  const s6 = avro('{"type":"record","name":"myrecord","fields":[{"type":["null", "string"],"name":"f1", "doc":"doc of f1"}]}');
  const s7 = avro('{"type":"record","name":"myrecord","fields":[{"type":["null", "string", "int"],"name":"f1", "doc":"doc of f1"}]}');
  const s8 = avro('{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}, {"type":"string","name":"f3", "default": "bar"}]}');
  const ok = (level: CompatibilityLevel, candidate: typeof s1, previous: (typeof s1)[]) => compatibilityErrors(level, candidate, previous).length === 0;

  test('BACKWARD', () => {
    assert.ok(ok('BACKWARD', s2, [s1]), 'adding a field with default');
    assert.ok(!ok('BACKWARD', s3, [s1]), 'adding a field w/o default');
    assert.ok(ok('BACKWARD', s4, [s1]), 'changing field name with alias');
    assert.ok(ok('BACKWARD', s6, [s1]), 'evolving a field type to a union');
    assert.ok(!ok('BACKWARD', s1, [s6]), 'removing a type from a union');
    assert.ok(ok('BACKWARD', s7, [s6]), 'adding a new type in union');
    assert.ok(!ok('BACKWARD', s6, [s7]), 'removing a type from a union');
    assert.ok(ok('BACKWARD', s3, [s1, s2]), 'only the latest schema is checked');
  });
  test('BACKWARD_TRANSITIVE', () => {
    assert.ok(ok('BACKWARD_TRANSITIVE', s8, [s1, s2]));
    assert.ok(ok('BACKWARD_TRANSITIVE', s2, [s1]));
    assert.ok(ok('BACKWARD_TRANSITIVE', s3, [s2]));
    assert.ok(!ok('BACKWARD_TRANSITIVE', s3, [s2, s1]));
  });
  test('FORWARD', () => {
    assert.ok(ok('FORWARD', s2, [s1]));
    assert.ok(ok('FORWARD', s3, [s1]));
    assert.ok(ok('FORWARD', s3, [s2]));
    assert.ok(ok('FORWARD', s2, [s3]));
    assert.ok(ok('FORWARD', s1, [s3, s2]), 'only the latest schema is checked');
  });
  test('FORWARD_TRANSITIVE', () => {
    assert.ok(ok('FORWARD_TRANSITIVE', s1, [s8, s2]));
    assert.ok(ok('FORWARD_TRANSITIVE', s2, [s3]));
    assert.ok(ok('FORWARD_TRANSITIVE', s1, [s2]));
    assert.ok(!ok('FORWARD_TRANSITIVE', s1, [s2, s3]));
  });
  test('FULL', () => {
    assert.ok(ok('FULL', s2, [s1]));
    assert.ok(ok('FULL', s3, [s1, s2]), 'only the latest schema is checked');
    assert.ok(ok('FULL', s1, [s3, s2]), 'only the latest schema is checked');
  });
  test('FULL_TRANSITIVE', () => {
    assert.ok(ok('FULL_TRANSITIVE', s8, [s1, s2]));
    assert.ok(ok('FULL_TRANSITIVE', s1, [s8, s2]));
    assert.ok(ok('FULL_TRANSITIVE', s2, [s3]));
    assert.ok(ok('FULL_TRANSITIVE', s1, [s2]));
    assert.ok(ok('FULL_TRANSITIVE', s2, [s1]));
    assert.ok(ok('FULL_TRANSITIVE', s3, [s2]));
    assert.ok(!ok('FULL_TRANSITIVE', s3, [s2, s1]));
    assert.ok(!ok('FULL_TRANSITIVE', s1, [s2, s3]));
  });
  test('NONE accepts anything', () => {
    assert.deepEqual(compatibilityErrors('NONE', s3, [s1, s8]), []);
  });

  test('messages are worded as Confluent words them, with the old schema appended', () => {
    assert.deepEqual(compatibilityErrors('BACKWARD', s3, [{ ...s1, version: 1 }]), [
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
      '{oldSchemaVersion: 1}',
      `{oldSchema: '{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}'}`,
    ]);
    assert.deepEqual(compatibilityErrors('FORWARD', s1, [s3]), [
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}",
      `{oldSchema: '{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string"}]}'}`,
    ]);
    const e = avro('{"type":"enum","name":"E","symbols":["A","B","C"]}');
    assert.deepEqual(compatibilityErrors('FORWARD', e, [avro('{"type":"enum","name":"E","symbols":["A"]}')]).slice(0, 1), [
      "{errorType:'MISSING_ENUM_SYMBOLS', description:'The old schema is missing enum symbols '[B, C]' at path '/symbols' in the new schema', additionalInfo:'[B, C]'}",
    ]);
    assert.deepEqual(compatibilityErrors('BACKWARD', avro('"int"'), [avro('"long"')]).slice(0, 1), [
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}",
    ]);
  });
});

describe('Avro canonical text (Java Avro Schema.toString)', () => {
  test('compact JSON in Java property order, namespaces written only where they change', () => {
    assert.equal(
      canonicalText(avro(`{
        "fields": [
          {"default": "A", "type": {"symbols": ["A", "B"], "name": "E", "type": "enum", "default": "A"}, "name": "x", "foo": 1.50},
          {"name": "y", "type": ["null", "E", {"size": 4, "type": "fixed", "name": "c.F"}], "default": null, "order": "descending"},
          {"name": "z", "type": {"type": "map", "values": "c.F"}, "doc": "zed", "aliases": ["zz"]},
          {"name": "d", "type": {"type": "int", "logicalType": "date"}, "default": 0},
          {"name": "g", "type": "double", "default": 1e2}
        ],
        "doc": "d", "custom": {"a": [1, 2.0]}, "aliases": ["Q"], "type": "record", "name": "R", "namespace": "a.b"
      }`)),
      '{"type":"record","name":"R","namespace":"a.b","doc":"d","fields":[' +
        '{"name":"x","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"},"default":"A","foo":1.5},' +
        '{"name":"y","type":["null","E",{"type":"fixed","name":"F","namespace":"c","size":4}],"default":null,"order":"descending"},' +
        '{"name":"z","type":{"type":"map","values":"c.F"},"doc":"zed","aliases":["zz"]},' +
        '{"name":"d","type":{"type":"int","logicalType":"date"},"default":0},{"name":"g","type":"double","default":100.0}' +
        '],"custom":{"a":[1,2.0]},"aliases":["Q"]}',
    );
  });
  test('a re-formatted schema has the same canonical text', () => {
    const compact = '{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}';
    assert.equal(canonicalText(avro(' {\n "name" : "myrecord", "type":"record",\n "fields":[ {"type":"string","name":"f1"} ] }')), compact);
    assert.equal(canonicalText(avro('"string"')), '"string"');
    assert.equal(canonicalText(avro('{"type":"string"}')), '"string"');
  });
  test('a nested type without namespace under a namespaced one is written with an empty namespace', () => {
    assert.equal(
      canonicalText(avro('{"type":"record","name":"a.R","fields":[{"name":"f","type":{"type":"record","name":"S","namespace":"","fields":[]}}]}')),
      '{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":{"type":"record","name":"S","namespace":"","fields":[]}}]}',
    );
  });
  test('types of referenced schemas are written by name', () => {
    const resolved = new Map([['com.acme.Address', '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}']]);
    const s = { schemaType: 'AVRO' as const, schema: '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"}]}', resolved };
    assert.equal(canonicalText(s), '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"}]}');
    const evolved = { ...s, resolved: new Map([['com.acme.Address', '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"zip","type":"string"}]}']]) };
    assert.equal(compatibilityErrors('BACKWARD', evolved, [s]).length, 2, 'a field added without default in the referenced record');
  });
  test('recursive types print by name after their first appearance', () => {
    assert.equal(canonicalText(avro(S.INT_LIST_RECORD)), '{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":"List"}]}');
  });
});

describe('Avro schemas that do not parse', () => {
  const invalid: [string, RegExp][] = [
    ['{"type":"record","name":"r","fields":[{"name":"f","type":"nosuch"}]}', /Undefined name: "nosuch"/],
    ['{"type":"record","name":"r"}', /Record has no fields/],
    ['{"type":"record","name":"1r","fields":[]}', /Illegal initial character: 1r/],
    ['{"type":"record","name":"r","fields":[{"name":"f","type":"int","default":"x"}]}', /Invalid default for field f: "x" not a "int"/],
    ['{"type":"record","name":"r","fields":[{"name":"f","type":"int"},{"name":"f","type":"int"}]}', /Duplicate field f in record r/],
    ['{"type":"enum","name":"e","symbols":["A","A"]}', /Duplicate enum symbol: A/],
    ['{"type":"enum","name":"e","symbols":["A"],"default":"B"}', /The Enum Default: B is not in the enum symbol set: \[A\]/],
    ['{"type":"fixed","name":"f"}', /Invalid or no size/],
    ['["int","int"]', /Duplicate in union/],
    ['[["int"]]', /Nested union/],
    ['{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"b","type":{"type":"enum","name":"E","symbols":["B"]}}]}', /Can't redefine: E/],
    ['{"type":"record",', /Invalid schema/],
    ['{"type":"array"}', /Array has no items type/],
  ];
  for (const [schema, message] of invalid) {
    test(schema, () => assert.throws(() => parseSchema(avro(schema)), (e: unknown) => e instanceof InvalidSchemaError && message.test(e.message)));
  }
  test('a union default may match any branch; null defaults are kept', () => {
    assert.doesNotThrow(() => parseSchema(avro('{"type":"record","name":"r","fields":[{"name":"f","type":["null","int"],"default":1}]}')));
    assert.equal(
      canonicalText(avro('{"type":"record","name":"r","fields":[{"name":"f","type":["null","int"],"default":null}]}')),
      '{"type":"record","name":"r","fields":[{"name":"f","type":["null","int"],"default":null}]}',
    );
  });
  test('stored schemas are checked as Confluent checks them: defaults unchecked, Unicode names allowed', () => {
    const bad = avro('{"type":"record","name":"rëc","fields":[{"name":"f","type":"int","default":"x"}]}');
    assert.throws(() => parseSchema(bad), InvalidSchemaError);
    assert.doesNotThrow(() => parseSchema(bad, { asNew: false }));
    const next = avro('{"type":"record","name":"rëc","fields":[{"name":"f","type":"int","default":"x"},{"name":"g","type":"int","default":0}]}');
    assert.throws(() => compatibilityErrors('BACKWARD', next, [bad]), InvalidSchemaError, 'the candidate is a new schema');
    const fixed = avro('{"type":"record","name":"rec","fields":[{"name":"f","type":"int","default":1}]}');
    assert.equal(compatibilityErrors('BACKWARD', fixed, [bad]).length, 2, 'the old one is read; only the name differs');
  });
  test('a name used before its definition resolves (Avro 1.12 forward references)', () => {
    assert.doesNotThrow(() => parseSchema(avro('{"type":"record","name":"r","fields":[{"name":"a","type":["null","T"]},{"name":"b","type":{"type":"fixed","name":"T","size":2}}]}')));
  });
});
