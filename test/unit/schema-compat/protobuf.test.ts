// Protobuf compatibility as Confluent's registry decides it: cases from Confluent's protobuf SchemaDiffTest resource
// (diff-schema-examples.json; one per distinct outcome, all with references), canonical text as
// ProtobufSchemaUtils.toString writes it (ProtobufSchemaTest), levels, messages and parse errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalText, compatibilityErrors, InvalidSchemaError, parseSchema } from '../../../src/schema-compat/index.js';
import { protoDifferences } from '../../../src/schema-compat/protobuf/proto-diff.js';
import { PROTO_COMPATIBLE_CHANGES } from '../../../src/schema-compat/protobuf/proto-difference.js';
import type { ProtobufParsedSchema } from '../../../src/schema-compat/protobuf/protobuf-provider.js';

const proto = (schema: string, resolved?: [string, string][], version?: number) => ({
  schemaType: 'PROTOBUF' as const,
  schema,
  ...(resolved && resolved.length > 0 ? { resolved: new Map(resolved) } : {}),
  ...(version === undefined ? {} : { version }),
});
const files = (schema: string, resolved: [string, string][]) => (parseSchema(proto(schema, resolved)) as ProtobufParsedSchema).files;

/** [description, original, update, expected differences ("TYPE path"), compatible, original references, update references] */
type DiffCase = [string, string, string, string[], boolean, [string, string][], [string, string][]];
const CONFLUENT_DIFF_CASES: DiffCase[] = [
  ["Allow addition of un-reserved property","syntax = \"proto3\";\npackage foo;\nmessage TestMessage {\n    string test_string = 1;\n    .foo.TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}","syntax = \"proto3\";\npackage foo;\n\nmessage TestMessage {\n  string test_string = 1;\n  .foo.TestMessage.Status test_int = 2;\n  float test_float = 3;\n\n  message Status {\n    string test_string = 1;\n  }\n}\n",["FIELD_ADDED #/TestMessage/3"],true,[],[]],
  ["Detect package change","syntax = \"proto3\";\npackage foo;\nmessage TestMessage {\n    string test_string = 1;\n    .foo.TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}","syntax = \"proto3\";\npackage bar;\nmessage TestMessage {\n    string test_string = 1;\n    .bar.TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}",["PACKAGE_CHANGED #/"],false,[],[]],
  ["Detect change to name qualification","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    .TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}",[],true,[],[]],
  ["Detect added required field","syntax = \"proto2\";\nmessage TestMessage {\n    optional string test_string = 1;\n}","syntax = \"proto2\";\nmessage TestMessage {\n    optional string test_string = 1;\n    required string test_string2 = 2;\n}",["REQUIRED_FIELD_ADDED #/TestMessage/2"],false,[],[]],
  ["Detect removed field","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    string test_string2 = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n}\n",["FIELD_REMOVED #/TestMessage/2"],true,[],[]],
  ["Detect removed required field","syntax = \"proto2\";\nmessage TestMessage {\n    optional string test_string = 1;\n    required string test_string2 = 2;\n}","syntax = \"proto2\";\nmessage TestMessage {\n    optional string test_string = 1;\n}\n",["REQUIRED_FIELD_REMOVED #/TestMessage/2"],false,[],[]],
  ["Detect changed field number","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 2;\n}",["FIELD_REMOVED #/TestMessage/1","FIELD_ADDED #/TestMessage/2"],true,[],[]],
  ["Detect field number type to enum change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    int32 test_int = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    Status test_int = 2;\n}\nenum Status {\n    ACTIVE = 0;\n    INACTIVE = 1;\n}",["ENUM_ADDED #/Status"],true,[],[]],
  ["Detect enum type to field number change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    Status test_int = 2;\n}\nenum Status {\n    ACTIVE = 0;\n    INACTIVE = 1;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    int32 test_int = 2;\n}",["ENUM_REMOVED #/Status"],true,[],[]],
  ["Detect field number type to message with same name as enum","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    int32 test_int = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    .TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}\nenum Status {\n    ACTIVE = 0;\n    INACTIVE = 1;\n}",["FIELD_KIND_CHANGED #/TestMessage/2","MESSAGE_ADDED #/TestMessage/Status","ENUM_ADDED #/Status"],false,[],[]],
  ["Detect message with same name as enum to field number change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    .TestMessage.Status test_int = 2;\n    message Status {\n    string test_string = 1;\n    }\n}\nenum Status {\n    ACTIVE = 0;\n    INACTIVE = 1;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    int32 test_int = 2;\n}",["FIELD_KIND_CHANGED #/TestMessage/2","MESSAGE_REMOVED #/TestMessage/Status","ENUM_REMOVED #/Status"],false,[],[]],
  ["Detect enum const change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    Status test_int = 2;\n}\nenum Status {\n    ACTIVE = 0;\n    INACTIVE = 1;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    Status test_int = 2;\n}\nenum Status {\n    ACTIVE = 0;\n    NOT_ACTIVE = 1;\n}",["ENUM_CONST_CHANGED #/Status/1"],true,[],[]],
  ["Detect compatible field to oneof change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    string test_string2 = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    oneof new_oneof {\n        string test_string2 = 2;\n        int32 other_id = 3;\n}\n}",["ONEOF_ADDED #/TestMessage/new_oneof","ONEOF_FIELD_ADDED #/TestMessage/new_oneof/3"],true,[],[]],
  ["Detect incompatible field to oneof change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    string test_string2 = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof {\n    string test_string = 1;\n    string test_string2 = 2;\n        int32 other_id = 3;\n}\n}",["MULTIPLE_FIELDS_MOVED_TO_ONEOF #/TestMessage/new_oneof","ONEOF_ADDED #/TestMessage/new_oneof","ONEOF_FIELD_ADDED #/TestMessage/new_oneof/3"],false,[],[]],
  ["Detect compatible add field to oneof","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof {\n    string test_string = 1;\n    string test_string2 = 2;\n}\n}","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof {\n    string test_string = 1;\n    string test_string2 = 2;\n        int32 other_id = 3;\n}\n}",["ONEOF_FIELD_ADDED #/TestMessage/new_oneof/3"],true,[],[]],
  ["Detect incompatible remove field from oneof","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof {\n    string test_string = 1;\n    string test_string2 = 2;\n        int32 other_id = 3;\n}\n}","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof {\n    string test_string = 1;\n    string test_string2 = 2;\n}\n}",["ONEOF_FIELD_REMOVED #/TestMessage/new_oneof/3"],false,[],[]],
  ["Detect compatible move field to oneof","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    string test_string2 = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    oneof new_oneof {\n    string test_string2 = 2;\n}\n}",["ONEOF_ADDED #/TestMessage/new_oneof"],true,[],[]],
  ["Detect incompatible move field to oneof","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    oneof new_oneof {\n    string test_string2 = 2;\n    string test_string3 = 3;\n}\n}","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof {\n    string test_string = 1;\n    string test_string2 = 2;\n    string test_string3 = 3;\n}\n}",["FIELD_MOVED_TO_EXISTING_ONEOF #/TestMessage/new_oneof"],false,[],[]],
  ["Detect incompatible move field to renamed oneof","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    oneof new_oneof {\n    string test_string2 = 2;\n    string test_string3 = 3;\n}\n}","syntax = \"proto3\";\nmessage TestMessage {\n    oneof new_oneof_2 {\n    string test_string = 1;\n    string test_string2 = 2;\n    string test_string3 = 3;\n}\n}",["FIELD_MOVED_TO_EXISTING_ONEOF #/TestMessage/new_oneof_2","ONEOF_REMOVED #/TestMessage/new_oneof","ONEOF_ADDED #/TestMessage/new_oneof_2"],false,[],[]],
  ["Detect incompatible field type change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    int32 test_int = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    TestMessage2 test_int = 2;\n}\nmessage TestMessage2 {\n    string s1 = 1;\n}",["MESSAGE_ADDED #/TestMessage2","FIELD_KIND_CHANGED #/TestMessage/2"],false,[],[]],
  ["Detect incompatible field type change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    int32 test_int = 2;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    string test_string2 = 2;\n}",["FIELD_NAME_CHANGED #/TestMessage/2","FIELD_SCALAR_KIND_CHANGED #/TestMessage/2"],false,[],[]],
  ["Detect incompatible field type change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    TestMessage2 test_int = 2;\n}\nmessage TestMessage2 {\n    string s1 = 1;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n    TestMessage3 test_int = 2;\n}\nmessage TestMessage3 {\n    string s1 = 1;\n}",["MESSAGE_REMOVED #/TestMessage2","MESSAGE_ADDED #/TestMessage3","FIELD_NAMED_TYPE_CHANGED #/TestMessage/2"],false,[],[]],
  ["Detect compatible field label change for string","syntax = \"proto3\";\nmessage TestMessage {\n    optional string test_string = 1;\n    Status test_status = 2;\n    message Status {\n    string test_string = 1;\n    }\n}","syntax = \"proto3\";\nmessage TestMessage {\n    repeated string test_string = 1;\n    Status test_status = 2;\n    message Status {\n    string test_string = 1;\n    }\n}",["FIELD_STRING_OR_BYTES_LABEL_CHANGED #/TestMessage/1"],true,[],[]],
  ["Detect incompatible field label change for number","syntax = \"proto3\";\nmessage TestMessage {\n    optional int32 test_int = 1;\n    Status test_status = 2;\n    message Status {\n    string test_string = 1;\n    }\n}","syntax = \"proto3\";\nmessage TestMessage {\n    repeated int32 test_int = 1;\n    Status test_status = 2;\n    message Status {\n    string test_string = 1;\n    }\n}",["FIELD_NUMERIC_LABEL_CHANGED #/TestMessage/1"],false,[],[]],
  ["Detect compatible message addition","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n}","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n}\nmessage TestMessage2 {\n    string test_string = 1;\n}",["MESSAGE_ADDED #/TestMessage2"],true,[],[]],
  ["Detect compatible message index change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n}","syntax = \"proto3\";\nmessage TestMessage2 {\n    string test_string = 1;\n}\nmessage TestMessage {\n    string test_string = 1;\n}",["MESSAGE_ADDED #/TestMessage2","MESSAGE_MOVED #/TestMessage"],true,[],[]],
  ["Detect compatible message index change","syntax = \"proto3\";\nmessage TestMessage {\n    string test_string = 1;\n}\nmessage TestMessage2 {\n    string test_string = 1;\n}","syntax = \"proto3\";\nmessage TestMessage2 {\n    string test_string = 1;\n}\nmessage TestMessage {\n    string test_string = 1;\n}",["MESSAGE_MOVED #/TestMessage2","MESSAGE_MOVED #/TestMessage"],true,[],[]],
  ["Detect incompatible import change","syntax = \"proto3\";\nimport \"google.proto\";\nmessage TestMessage {\n    .io.confluent.cloud.demo.domain.GoogleHome test_string = 1;\n    }","syntax = \"proto3\";\nimport \"google2.proto\";\nmessage TestMessage {\n    .io.confluent.cloud.demo.domain.GoogleHome test_string = 1;\n    }",["FIELD_SCALAR_KIND_CHANGED #/GoogleHome/1","FIELD_NAMED_TYPE_CHANGED #/TestMessage/1"],false,[["google.proto","syntax = \"proto3\";\n\npackage io.confluent.cloud.demo.domain;\n\noption java_outer_classname = \"GoogleImpl\";\n\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}"]],[["google2.proto","syntax = \"proto3\";\n\npackage io.confluent.cloud.demo.domain;\n\noption java_outer_classname = \"GoogleImpl2\";\n\nmessage GoogleHome {\n  string deviceID = 1;\n  bool enabled = 2;\n}"]]],
  ["Detect moving to import","syntax = \"proto3\";\nmessage TestMessage {\n    GoogleHome test_string = 1;\n    }\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}","syntax = \"proto3\";\nimport \"google.proto\";\nmessage TestMessage {\n    .io.confluent.cloud.demo.domain.GoogleHome test_string = 1;\n    }",["MESSAGE_REMOVED #/GoogleHome"],false,[],[["google.proto","syntax = \"proto3\";\n\npackage io.confluent.cloud.demo.domain;\n\noption java_outer_classname = \"GoogleImpl\";\n\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}"]]],
  ["Detect moving from import","syntax = \"proto3\";\nimport \"google.proto\";\nmessage TestMessage {\n    .io.confluent.cloud.demo.domain.GoogleHome test_string = 1;\n    }","syntax = \"proto3\";\nmessage TestMessage {\n    GoogleHome test_string = 1;\n    }\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}",["MESSAGE_ADDED #/GoogleHome"],true,[["google.proto","syntax = \"proto3\";\n\npackage io.confluent.cloud.demo.domain;\n\noption java_outer_classname = \"GoogleImpl\";\n\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}"]],[]],
  ["Detect import change with different remote package name","syntax = \"proto3\";\nimport \"google.proto\";\nmessage TestMessage {\n    .io.confluent.cloud.demo.domain.GoogleHome test_string = 1;\n    }","syntax = \"proto3\";\nimport \"google2.proto\";\nmessage TestMessage {\n    .io.confluent.cloud.demo.domain2.GoogleHome test_string = 1;\n    }",[],true,[["google.proto","syntax = \"proto3\";\n\npackage io.confluent.cloud.demo.domain;\n\noption java_outer_classname = \"GoogleImpl\";\n\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}"]],[["google2.proto","syntax = \"proto3\";\n\npackage io.confluent.cloud.demo.domain2;\n\noption java_outer_classname = \"GoogleImpl2\";\n\nmessage GoogleHome {\n  int32 deviceID = 1;\n  bool enabled = 2;\n}"]]],
  ["Detect incompatible field type change when enclosing oneof is renamed","syntax = \"proto3\";\nmessage Message {\n  oneof oldOneOf {\n    float field_float = 1;\n    int32 field_with_incompatible_type_change = 2;\n  }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof renamedOneOf {\n    float field_float = 1;\n    string field_with_incompatible_type_change = 2;\n  }\n}\n",["ONEOF_REMOVED #/Message/oldOneOf","ONEOF_ADDED #/Message/renamedOneOf","FIELD_SCALAR_KIND_CHANGED #/Message/renamedOneOf/2"],false,[],[]],
  ["Detect incompatible field type change when field is moved out of a removed oneof","syntax = \"proto3\";\nmessage Message {\n  oneof oldOneOf {\n    float field_float = 1;\n    int32 field_with_incompatible_type_change = 2;\n  }\n}\n","syntax = \"proto3\";\nmessage Message {\n  float field_float = 1;\n  sint64 field_with_incompatible_type_change = 2;\n}\n",["ONEOF_REMOVED #/Message/oldOneOf","ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/Message/1","ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/Message/2","FIELD_SCALAR_KIND_CHANGED #/Message/2"],false,[],[]],
  ["Detect incompatible field type change when field is moved into a new oneof","syntax = \"proto3\";\nmessage Message {\n  float field_float = 1;\n  int32 field_with_incompatible_type_change = 2;\n}\n","syntax = \"proto3\";\nmessage Message {\n  float field_float = 1;\n  oneof newOneOf {\n    sint64 field_with_incompatible_type_change = 2;\n  }\n}\n",["ONEOF_ADDED #/Message/newOneOf","FIELD_SCALAR_KIND_CHANGED #/Message/newOneOf/2"],false,[],[]],
  ["Detect compatible oneof rename with identical fields","syntax = \"proto3\";\nmessage Message {\n  oneof oldOneOf {\n    float field_float = 1;\n    int32 field_int = 2;\n  }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof renamedOneOf {\n    float field_float = 1;\n    int32 field_int = 2;\n  }\n}\n",["ONEOF_REMOVED #/Message/oldOneOf","ONEOF_ADDED #/Message/renamedOneOf"],true,[],[]],
  ["Detect incompatible move of a field from a deleted oneof into an existing oneof","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_a { int32 field_a = 1; }\n  oneof oneof_b { int32 field_b = 3; }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_b { int32 field_b = 3; int32 field_a = 1; }\n}\n",["FIELD_MOVED_TO_EXISTING_ONEOF #/Message/oneof_b","ONEOF_REMOVED #/Message/oneof_a"],false,[],[]],
  ["Detect incompatible merge of two oneofs into a new oneof","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_a { int32 field_a = 1; }\n  oneof oneof_b { int32 field_b = 2; }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_c { int32 field_a = 1; int32 field_b = 2; }\n}\n",["FIELD_MOVED_TO_EXISTING_ONEOF #/Message/oneof_c","ONEOF_REMOVED #/Message/oneof_a","ONEOF_REMOVED #/Message/oneof_b","ONEOF_ADDED #/Message/oneof_c"],false,[],[]],
  ["Detect incompatible drop of a oneof member while renaming the oneof","syntax = \"proto3\";\nmessage Message {\n  oneof g { int32 a = 1; int32 b = 2; }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof g2 { int32 a = 1; }\n}\n",["ONEOF_REMOVED #/Message/g","ONEOF_ADDED #/Message/g2","ONEOF_FIELD_REMOVED #/Message/g/2"],false,[],[]],
  ["Detect compatible move field out of a oneof to top level","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_x {\n    int32 field_a = 1;\n    int32 field_b = 2;\n  }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_x {\n    int32 field_a = 1;\n  }\n  int32 field_b = 2;\n}\n",["ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/Message/2"],true,[],[]],
  ["Detect incompatible type change when field moved out of a oneof to top level","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_x {\n    int32 field_a = 1;\n    int32 field_b = 2;\n  }\n}\n","syntax = \"proto3\";\nmessage Message {\n  oneof oneof_x {\n    int32 field_a = 1;\n  }\n  string field_b = 2;\n}\n",["ONEOF_FIELD_MOVED_TO_TOP_LEVEL #/Message/2","FIELD_SCALAR_KIND_CHANGED #/Message/2"],false,[],[]],
];

describe("Confluent's Protobuf diff cases", () => {
  for (const [description, original, update, changes, compatible, originalRefs, updateRefs] of CONFLUENT_DIFF_CASES) {
    test(description, () => {
      const diffs = protoDifferences(files(original, originalRefs), files(update, updateRefs));
      assert.deepEqual(diffs.map((d) => `${d.type} ${d.fullPath}`), changes);
      assert.equal(diffs.every((d) => PROTO_COMPATIBLE_CHANGES.has(d.type)), compatible);
      assert.equal(compatibilityErrors('BACKWARD', proto(update, updateRefs), [proto(original, originalRefs)]).length === 0, compatible);
    });
  }
});

describe('Protobuf compatibility levels and messages', () => {
  const v1 = 'syntax = "proto3";\nmessage M {\n  int32 a = 1;\n}\n';
  const v2 = 'syntax = "proto3";\nmessage M {\n  int32 a = 1;\n  string b = 2;\n}\n';
  const v3 = 'syntax = "proto3";\nmessage M {\n  string a = 1;\n  string b = 2;\n}\n';
  test('adding a field is compatible both ways; changing a scalar kind is not', () => {
    for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'FULL_TRANSITIVE'] as const) assert.deepEqual(compatibilityErrors(level, proto(v2), [proto(v1)]), [], level);
    assert.deepEqual(compatibilityErrors('BACKWARD', proto(v3), [proto(v2, undefined, 2)]), [
      `{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/M/1' in the new schema does not match its kind in the old schema"}`,
      '{oldSchemaVersion: 2}',
      `{oldSchema: '${v2.replace('\nmessage', '\n\nmessage')}'}`,
    ]);
    assert.deepEqual(compatibilityErrors('FORWARD', proto(v3), [proto(v2)]).slice(0, 1), [
      `{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/M/1' in the old schema does not match its kind in the new schema"}`,
    ]);
  });
  test('transitive levels check every earlier schema, newest first', () => {
    const v0 = 'syntax = "proto3";\nmessage M {\n  sint32 a = 1;\n}\n';
    assert.deepEqual(compatibilityErrors('BACKWARD', proto(v2), [proto(v0), proto(v1)]), []);
    assert.equal(compatibilityErrors('BACKWARD_TRANSITIVE', proto(v2), [proto(v0), proto(v1)]).length, 2);
    assert.equal(compatibilityErrors('FORWARD_TRANSITIVE', proto(v2), [proto(v0), proto(v1)]).length, 2);
  });
  test('a removed message and a package change', () => {
    const two = 'syntax = "proto3";\npackage p;\nmessage A {\n  int32 a = 1;\n}\nmessage B {\n  int32 b = 1;\n}\n';
    const one = 'syntax = "proto3";\npackage q;\nmessage A {\n  int32 a = 1;\n}\n';
    assert.deepEqual(compatibilityErrors('BACKWARD', proto(one), [proto(two)]).slice(0, 2), [
      `{errorType:"PACKAGE_CHANGED", description:"The package at '#/' in the new schema does not match the package in the old schema"}`,
      `{errorType:"MESSAGE_REMOVED", description:"The new schema is missing a MESSAGE type at path '#/B' in the old schema"}`,
    ]);
  });
  test('well-known types resolve, however they are written', () => {
    const a = 'syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nmessage M {\n  google.protobuf.Timestamp at = 1;\n}\n';
    const b = 'syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nmessage M {\n  .google.protobuf.Timestamp at = 1;\n}\n';
    const c = 'syntax = "proto3";\nimport "google/protobuf/duration.proto";\nmessage M {\n  google.protobuf.Duration at = 1;\n}\n';
    assert.deepEqual(compatibilityErrors('FULL', proto(b), [proto(a)]), []);
    assert.equal(compatibilityErrors('BACKWARD', proto(c), [proto(a)]).length, 2);
  });
  test('recursive message types terminate', () => {
    const tree = (t: string) => `syntax = "proto3";\nmessage Node {\n  ${t} value = 1;\n  repeated Node children = 2;\n}\n`;
    assert.deepEqual(compatibilityErrors('FULL', proto(tree('int32')), [proto(tree('int64'))]), []);
    assert.equal(compatibilityErrors('BACKWARD', proto(tree('string')), [proto(tree('int64'))]).length, 2);
  });
});

describe('Protobuf canonical text (ProtobufSchemaUtils.toString)', () => {
  test('complex custom options (ProtobufSchemaTest.testComplexCustomOptions)', () => {
    const schema = `syntax = "proto3";

import "common/extensions.proto";
import "confluent/meta.proto";

package com.custom.example.v0;

option go_package = "example/v0;example";
option java_multiple_files = true;
option (com.custom.map).subject = 'user-value';
option (com.custom.map).compatibility_mode = FULL;
option (.confluent.file_meta).doc = "file meta";
option (confluent.file_meta).params = [
      {
        value: "my_value",
        key: "my_key"
      }
    ];
option (confluent.file_meta).tags = ["PII", "PRIVATE"];
message User {
  string first_name = 1;
  string last_name = 2;
}`;
    assert.equal(
      canonicalText(proto(schema)),
      `syntax = "proto3";
package com.custom.example.v0;

import "common/extensions.proto";
import "confluent/meta.proto";

option go_package = "example/v0;example";
option java_multiple_files = true;
option (com.custom.map).subject = "user-value";
option (com.custom.map).compatibility_mode = FULL;
option (.confluent.file_meta).doc = "file meta";
option (confluent.file_meta).params = [{
  value: "my_value",
  key: "my_key"
}];
option (confluent.file_meta).tags = [
  "PII",
  "PRIVATE"
];

message User {
  string first_name = 1;
  string last_name = 2;
}
`,
    );
  });
  test('enum reserved ranges stay as written (ProtobufSchemaTest.testEnumReserved)', () => {
    const schema = `
import "google/protobuf/descriptor.proto";

message FooOptions {
  optional string name = 1;
  optional FooParameterType type = 2;
}
enum FooParameterType {
  reserved 20, 100 to max;
  reserved 10;
  reserved 1 to 3;
  reserved "BAD", "OLD";
  NUMBER = 1;
  STRING = 2;
}
`;
    assert.equal(canonicalText(proto(schema)), schema);
  });
  test('string escapes in options (ProtobufSchemaTest.testOptionEscape)', () => {
    const text = canonicalText(proto('syntax = "proto3";\noption testBackslash = "backslash\\\\backslash";\noption testQuote = "\\"q\\" \\\'s\\\' \\n\\a\\b\\f\\r\\t\\v";\nmessage M {\n  bool b = 1;\n}\n'));
    assert.ok(text.includes('option testBackslash = "backslash\\\\backslash";'));
    assert.ok(text.includes(`option testQuote = "\\"q\\" \\'s\\' \\n\\a\\b\\f\\r\\t\\v";`));
  });
  test('comments go; messages come before enums; sections are separated by blank lines', () => {
    const schema = `// leading comment
syntax = "proto2";
package acme.v1;
import public "other.proto";
import "google/protobuf/timestamp.proto";
option java_package = "com.acme";
option optimize_for = SPEED;
/* block */
message Order {
  option deprecated = true;
  reserved 4, 8 to 10, 20 to max;
  reserved "old";
  required string id = 1 [json_name = "ID"]; // trailing
  optional int32 qty = 2 [default = 5, deprecated = true];
  repeated Line lines = 3;
  map<string, int64> tags = 5;
  optional google.protobuf.Timestamp at = 6;
  oneof pay { string card = 7; bytes token = 11; }
  optional group Extra = 12 { optional int32 x = 13; }
  extensions 100 to 199;
  message Line { optional string sku = 1; enum Kind { A = 0; B = 1 [deprecated = true]; } }
  enum Status { option allow_alias = true; NEW = 0; OPEN = 1; ALIAS = 1; }
}
enum Top { X = 0; }
extend Order { optional string note = 100; }
service Orders {
  option deprecated = false;
  rpc Get (Order) returns (stream Order);
  rpc Put (stream Order) returns (Order) { option deprecated = true; }
}
`;
    assert.equal(
      canonicalText(proto(schema)),
      `syntax = "proto2";
package acme.v1;

import "google/protobuf/timestamp.proto";
import public "other.proto";

option java_package = "com.acme";
option optimize_for = SPEED;

message Order {
  reserved 4, 8 to 10, 20 to max;
  reserved "old";

  option deprecated = true;

  required string id = 1 [json_name = "ID"];
  optional int32 qty = 2 [
    deprecated = true,
    default = 5
  ];
  repeated Line lines = 3;
  map<string, int64> tags = 5;
  optional google.protobuf.Timestamp at = 6;

  oneof pay {
    string card = 7;
    bytes token = 11;
  }

  optional group Extra = 12 {
    optional int32 x = 13;
  }

  extensions 100 to 199;

  message Line {
    optional string sku = 1;
  ${''}
    enum Kind {
      A = 0;
      B = 1 [deprecated = true];
    }
  }
  enum Status {
    option allow_alias = true;
    NEW = 0;
    OPEN = 1;
    ALIAS = 1;
  }
}
enum Top {
  X = 0;
}

extend Order {
  optional string note = 100;
}

service Orders {
  option deprecated = false;

  rpc Get (Order) returns (stream Order);
  rpc Put (stream Order) returns (Order) {
    option deprecated = true;
  };
}
`,
    );
  });
  test('a re-formatted schema has the same canonical text', () => {
    const a = 'syntax = "proto3";\npackage p;\n\nmessage M {\n  int32 a = 1;\n  map<string, M> m = 2;\n}\n';
    const b = 'syntax="proto3"; package p; /* c */ message M { int32 a=1; map < string , M > m = 2 ; }';
    assert.equal(canonicalText(proto(b)), a);
    assert.equal(canonicalText(proto(a)), a);
  });
});

describe('Protobuf schemas that do not parse', () => {
  const invalid: [string, string][] = [
    ['a syntax error', 'syntax = "proto3";\nmessage M { int32 a = ; }'],
    ['a label-less field outside proto3', 'message M { int32 a = 1; }'],
    ['required in proto3', 'syntax = "proto3";\nmessage M { required int32 a = 1; }'],
    ['a duplicate field number', 'syntax = "proto3";\nmessage M { int32 a = 1; int32 b = 1; }'],
    ['a duplicate field name', 'syntax = "proto3";\nmessage M { int32 a = 1; string a = 2; }'],
    ['a duplicate message', 'syntax = "proto3";\nmessage M {}\nmessage M {}'],
    ['an unknown type', 'syntax = "proto3";\nmessage M { Missing a = 1; }'],
    ['syntax not first', 'package p;\nsyntax = "proto3";'],
    ['an unterminated message', 'syntax = "proto3";\nmessage M { int32 a = 1;'],
  ];
  for (const [what, schema] of invalid) test(`${what} does not parse`, () => assert.throws(() => parseSchema(proto(schema)), InvalidSchemaError));
  test('an unknown type from an import that is not given cannot be checked, and is accepted', () => {
    assert.doesNotThrow(() => parseSchema(proto('syntax = "proto3";\nimport "other.proto";\nmessage M { other.T t = 1; }')));
  });
  test('a type from a given reference resolves', () => {
    const ref: [string, string] = ['other.proto', 'syntax = "proto3";\npackage other;\nmessage T { int32 x = 1; }'];
    assert.doesNotThrow(() => parseSchema(proto('syntax = "proto3";\nimport "other.proto";\nmessage M { other.T t = 1; }', [ref])));
  });
});
