// JSON Schema compatibility as Confluent's registry decides it: cases from Confluent's SchemaDiffTest resources
// (diff-schema-examples.json, diff-combined-schema-examples.json; one per distinct outcome), recursive schemas,
// references, the levels, messages, canonical text and parse errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalText, compatibilityErrors, InvalidSchemaError, parseSchema } from '../../../src/schema-compat/index.js';
import { jsonSchemaDifferences } from '../../../src/schema-compat/json/json-schema-diff.js';
import { JSON_COMPATIBLE_CHANGES } from '../../../src/schema-compat/json/json-difference.js';
import type { JsonParsedSchema } from '../../../src/schema-compat/json/json-provider.js';

const json = (schema: unknown, version?: number) => ({
  schemaType: 'JSON' as const,
  schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
  ...(version === undefined ? {} : { version }),
});
const root = (schema: unknown) => (parseSchema(json(schema)) as JsonParsedSchema).root;
const differences = (original: unknown, update: unknown) => jsonSchemaDifferences(root(original), root(update));

/** [description, original, update, expected differences ("TYPE path"), compatible] */
type DiffCase = [string, unknown, unknown, string[], boolean];
const CONFLUENT_DIFF_CASES: DiffCase[] = [
  ["Anything can change to empty schema",{"properties":{}},{},[],true],
  ["Detect changes to id",{"$id":"something"},{"$id":"something_else"},["ID_CHANGED #/"],true],
  ["Detect changes to title",{"title":"something"},{"title":"something_else"},["TITLE_CHANGED #/"],true],
  ["Detect changes to description",{"description":"something"},{"description":"something_else"},["DESCRIPTION_CHANGED #/"],true],
  ["Detect changes to simple schema type",{"type":"object"},{"type":"array"},["TYPE_CHANGED #/"],false],
  ["Detect increased minLength string schema",{"type":"string","minLength":10},{"type":"string","minLength":11},["MIN_LENGTH_INCREASED #/minLength"],false],
  ["Detect decreased minLength string schema",{"type":"string","minLength":11},{"type":"string","minLength":10},["MIN_LENGTH_DECREASED #/minLength"],true],
  ["Detect increased maxLength string schema",{"type":"string","maxLength":10},{"type":"string","maxLength":12},["MAX_LENGTH_INCREASED #/maxLength"],true],
  ["Detect decreased maxLength string schema",{"type":"string","maxLength":12},{"type":"string","maxLength":10},["MAX_LENGTH_DECREASED #/maxLength"],false],
  ["Detect removed pattern from string schema",{"type":"string","pattern":"uuid"},{"type":"string"},["PATTERN_REMOVED #/pattern"],true],
  ["Detect changes to pattern string schema",{"type":"string","pattern":"date-time"},{"type":"string","pattern":"uuid"},["PATTERN_CHANGED #/pattern"],false],
  ["Detect removed maximum number schema",{"type":"number","maximum":10},{"type":"number"},["MAXIMUM_REMOVED #/maximum"],true],
  ["Detect increased maximum number schema",{"type":"number","maximum":10},{"type":"number","maximum":11},["MAXIMUM_INCREASED #/maximum"],true],
  ["Detect decreased maximum number schema",{"type":"number","maximum":11},{"type":"number","maximum":10},["MAXIMUM_DECREASED #/maximum"],false],
  ["Detect removed minimum number schema",{"type":"number","minimum":10},{"type":"number"},["MINIMUM_REMOVED #/minimum"],true],
  ["Detect increased minimum number schema",{"type":"number","minimum":10},{"type":"number","minimum":11},["MINIMUM_INCREASED #/minimum"],false],
  ["Detect decreased minimum number schema",{"type":"number","minimum":11},{"type":"number","minimum":10},["MINIMUM_DECREASED #/minimum"],true],
  ["Detect removed multipleOf number schema",{"type":"number","multipleOf":10},{"type":"number"},["MULTIPLE_OF_REMOVED #/multipleOf"],true],
  ["Detect reduced multipleOf number schema",{"type":"number","multipleOf":10},{"type":"number","multipleOf":2},["MULTIPLE_OF_REDUCED #/multipleOf"],true],
  ["Detect changes to multipleOf number schema",{"type":"number","multipleOf":10},{"type":"number","multipleOf":11},["MULTIPLE_OF_CHANGED #/multipleOf"],false],
  ["Detect narrowed change to number schema",{"type":"number"},{"type":"integer"},["TYPE_NARROWED #/"],false],
  ["Detect extended change to number schema",{"type":"integer"},{"type":"number"},["TYPE_EXTENDED #/"],true],
  ["Detect compatible change to not schema",{"not":{"type":"number"}},{"not":{"type":"integer"}},["NOT_TYPE_NARROWED #/not"],true],
  ["Detect incompatible change to not schema",{"not":{"type":"integer"}},{"not":{"type":"number"}},["NOT_TYPE_EXTENDED #/not"],false],
  ["Detect removed enum",{"type":"string","enum":["red"]},{"type":"string"},["PRODUCT_TYPE_NARROWED #/"],true],
  ["Detect incompatible changes to const schema",{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"foo":{"const":"red"}}},{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"foo":{"const":"blue"}}},["ENUM_ARRAY_CHANGED #/properties/foo/const"],false],
  ["Detect incompatible changes to enum schema",{"allOf":[{"type":"string"},{"enum":["red"]}]},{"allOf":[{"type":"string"},{"enum":["blue"]}]},["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"],false],
  ["Detect compatible changes to enum schema",{"allOf":[{"type":"string"},{"enum":["red"]}]},{"allOf":[{"enum":["red","blue"]},{"type":"string"}]},["ENUM_ARRAY_EXTENDED #/allOf/1/enum"],true],
  ["Detect changes to type array",{"type":["object"]},{"type":["object","array"]},["SUM_TYPE_EXTENDED #/"],true],
  ["Detect changes to remove properties",{"properties":{"foo":{"type":"string"}}},{"properties":{"bar":{"type":"string"}}},["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar","PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo"],false],
  ["Detect optional property added to closed content model",{"properties":{"foo":{"type":"string"}},"additionalProperties":false},{"properties":{"foo":{"type":"string"},"bar":{"type":"number"}},"additionalProperties":false},["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar"],true],
  ["Detect property added to partially open content model 1",{"properties":{"foo":{"type":"string"}},"additionalProperties":false,"patternProperties":{"^S_":{"type":"string"},"^I_":{"type":"integer"}}},{"properties":{"foo":{"type":"string"},"I_123":{"type":"number"}},"additionalProperties":false,"patternProperties":{"^S_":{"type":"string"},"^I_":{"type":"integer"}}},["TYPE_EXTENDED #/properties/I_123","PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/I_123","OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/I_123"],true],
  ["Detect property added to partially open content model 2",{"properties":{"foo":{"type":"string"}},"additionalProperties":{"type":"string"}},{"properties":{"foo":{"type":"string"},"bar":{"type":"string"}},"additionalProperties":{"type":"string"}},["PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar","OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar"],true],
  ["Detect property added to partially open content model 3",{"properties":{"foo":{"type":"string"}},"additionalProperties":{"type":"string"}},{"properties":{"foo":{"type":"string"},"bar":{"type":"number"}},"additionalProperties":{"type":"string"}},["TYPE_CHANGED #/properties/bar","PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar","OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar"],false],
  ["Detect property added to partially open content model 4",{"properties":{"foo":{"type":"string"}},"additionalProperties":{"type":"string"}},{"properties":{"foo":{"type":"string"},"bar":{"type":"string"}},"required":["bar"],"additionalProperties":{"type":"string"}},["PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar","REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar"],false],
  ["Detect property removed from partially open content model 1",{"properties":{"foo":{"type":"string"},"I_123":{"type":"integer"}},"additionalProperties":false},{"properties":{"foo":{"type":"string"}},"additionalProperties":false,"patternProperties":{"^S_":{"type":"string"},"^I_":{"type":"number"}}},["TYPE_EXTENDED #/properties/I_123","PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/I_123"],true],
  ["Detect property removed from partially open content model 2",{"properties":{"foo":{"type":"string"},"bar":{"type":"string"}},"additionalProperties":false},{"properties":{"foo":{"type":"string"}},"additionalProperties":{"type":"string"}},["PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar","ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"],true],
  ["Detect property removed from partially open content model 3",{"properties":{"foo":{"type":"string"},"bar":{"type":"number"}},"additionalProperties":false},{"properties":{"foo":{"type":"string"}},"additionalProperties":{"type":"string"}},["TYPE_CHANGED #/properties/bar","PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar","ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"],false],
  ["Detect property removed from partially open content model 5",{"properties":{"foo":{"type":"string"},"bar":{"type":"string"}},"additionalProperties":false},{"properties":{"foo":{"type":"string"}},"additionalProperties":{"oneOf":[{"type":"null"},{"type":"string"}]}},["SUM_TYPE_EXTENDED #/properties/bar","PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar","ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"],true],
  ["Detect property added to open content model",{"properties":{"foo":{"type":"string"}}},{"properties":{"foo":{"type":"string"},"bar":{"type":"number"}}},["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar"],false],
  ["Detect changes to validation criteria in composed schema type for singleton",{"oneOf":[{"type":"string"}]},{"allOf":[{"type":"string"}]},["COMBINED_TYPE_EXTENDED #/"],true],
  ["Detect changes to validation criteria in composed schema type",{"oneOf":[{"type":"string"},{"type":"integer"}]},{"allOf":[{"type":"string"}]},["COMBINED_TYPE_CHANGED #/"],false],
  ["Detect changes to dependencies as array",{"properties":{"foo":{"type":"number"},"bar":{"type":"string"}},"dependencies":{"foo":["bar"]}},{"properties":{"foo":{"type":"number"},"bar":{"type":"string"}},"dependencies":{"bar":["foo"]}},["DEPENDENCY_ARRAY_ADDED #/dependencies/bar","DEPENDENCY_ARRAY_REMOVED #/dependencies/foo"],false],
  ["Detect compatible changes to dependencies schemas",{"dependencies":{"foo":{"type":"string"},"bar":{"type":"string"}}},{"dependencies":{"foo":{"type":"string"}}},["DEPENDENCY_SCHEMA_REMOVED #/dependencies/bar"],true],
  ["Detect changes to dependencies properties",{"dependencies":{"foo":{"type":"string"}}},{"dependencies":{"bar":{"type":"string"}}},["DEPENDENCY_SCHEMA_ADDED #/dependencies/bar","DEPENDENCY_SCHEMA_REMOVED #/dependencies/foo"],false],
  ["Detect required array to be removed",{"properties":{"foo":{"type":"string"}},"required":["foo"]},{"properties":{"foo":{"type":"string"}}},["REQUIRED_ATTRIBUTE_REMOVED #/required/foo"],true],
  ["Detect required array to be added",{"properties":{"foo":{"type":"string"}}},{"properties":{"foo":{"type":"string"}},"required":["foo"]},["REQUIRED_ATTRIBUTE_ADDED #/required/foo"],false],
  ["Detect removed maxProperties",{"properties":{},"maxProperties":1},{"properties":{}},["MAX_PROPERTIES_REMOVED #/maxProperties"],true],
  ["Detect increased maxProperties",{"maxProperties":1},{"maxProperties":2},["MAX_PROPERTIES_INCREASED #/maxProperties"],true],
  ["Detect decreased maxProperties",{"maxProperties":2},{"maxProperties":1},["MAX_PROPERTIES_DECREASED #/maxProperties"],false],
  ["Detect removed minProperties",{"properties":{},"minProperties":2},{"properties":{}},["MIN_PROPERTIES_REMOVED #/minProperties"],true],
  ["Detect increased minProperties",{"minProperties":1},{"minProperties":2},["MIN_PROPERTIES_INCREASED #/minProperties"],false],
  ["Detect decreased minProperties",{"minProperties":2},{"minProperties":1},["MIN_PROPERTIES_DECREASED #/minProperties"],true],
  ["Detect changes to all items schema",{"type":"array"},{"type":"array","items":{"type":"string"}},["SCHEMA_ADDED #/items"],false],
  ["Detect changes to all items schema",{"type":"array","items":{"type":"string"}},{"type":"array"},["SCHEMA_REMOVED #/items"],true],
  ["Detect changes to items schema list",{"type":"array","items":[{"type":"string"},{"type":"number"}]},{"type":"array"},["ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/0","ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/1"],true],
  ["Detect item added to partially open content model 1",{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"string"}},{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"string"}],"additionalItems":{"type":"string"}},["ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/2"],true],
  ["Detect item added to partially open content model 2",{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"string"}},{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"number"}],"additionalItems":{"type":"string"}},["TYPE_CHANGED #/items/2","ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/2"],false],
  ["Detect item removed from partially open content model 1",{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"string"}],"additionalItems":{"type":"string"}},{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"string"}},["ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/2"],true],
  ["Detect item removed from partially open content model 3",{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"number"}],"additionalItems":{"type":"string"}},{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"string"}},["TYPE_CHANGED #/items/2","ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/2"],false],
  ["Detect decreased maxItems",{"type":"array","maxItems":2},{"type":"array","maxItems":1},["MAX_ITEMS_DECREASED #/maxItems"],false],
  ["Detect removed minItems",{"type":"array","minItems":1},{"type":"array"},["MIN_ITEMS_REMOVED #/minItems"],true],
  ["Detect increased minItems",{"type":"array","minItems":1},{"type":"array","minItems":2},["MIN_ITEMS_INCREASED #/minItems"],false],
  ["Detect decreased minItems",{"type":"array","minItems":2},{"type":"array","minItems":1},["MIN_ITEMS_DECREASED #/minItems"],true],
  ["Detect unique items removed",{"type":"array","uniqueItems":true},{"type":"array"},["UNIQUE_ITEMS_REMOVED #/uniqueItems"],true],
  ["Detect added boolean additional properties",{"properties":{},"additionalProperties":false},{"properties":{}},["ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"],true],
  ["Detect removed boolean additional properties",{"additionalProperties":true},{"additionalProperties":false},["ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties"],false],
  ["Detect narrowing changes to additional properties schema",{"additionalProperties":true},{"additionalProperties":{"type":"number"}},["ADDITIONAL_PROPERTIES_NARROWED #/additionalProperties"],false],
  ["Detect adding empty schema to open content model",{"additionalProperties":true},{"additionalProperties":true,"properties":{"foo":true}},["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/properties/foo"],true],
  ["Detect removing empty schema from open content model",{"additionalProperties":true,"properties":{"foo":true}},{"additionalProperties":true},["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo"],true],
  ["Detect removing false from closed content model",{"additionalProperties":false,"properties":{"foo":false}},{"additionalProperties":false},["PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/foo"],true],
  ["Detect removed boolean additional items",{"additionalItems":true},{"additionalItems":false},["ADDITIONAL_ITEMS_REMOVED #/additionalItems"],false],
  ["Detect adding empty schema to open content model for array",{"type":"array","additionalItems":true,"items":[{"type":"number"}]},{"type":"array","additionalItems":true,"items":[{"type":"number"},true]},["ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/items/1"],true],
  ["Detect removing empty schema from open content model for array",{"type":"array","additionalItems":true,"items":[{"type":"number"},true]},{"type":"array","additionalItems":true,"items":[{"type":"number"}]},["ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/1"],true],
  ["Detect adding false to closed content model for array",{"type":"array","additionalItems":false,"items":[{"type":"number"}]},{"type":"array","additionalItems":false,"items":[{"type":"number"},false]},["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1"],true],
  ["Detect removing false from closed content model for array",{"type":"array","additionalItems":false,"items":[{"type":"number"},false]},{"type":"array","additionalItems":false,"items":[{"type":"number"}]},["ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"],true],
  ["Detect adding to closed content model for array",{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":false},{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"boolean"}],"additionalItems":true},["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/2","ADDITIONAL_ITEMS_ADDED #/additionalItems"],true],
  ["Detect removing from closed content model for array",{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"boolean"}],"additionalItems":false},{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":true},["ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/2","ADDITIONAL_ITEMS_ADDED #/additionalItems"],true],
  ["Detect removing number from closed content model for array",{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":false},{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}},["ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1","ADDITIONAL_ITEMS_ADDED #/additionalItems"],true],
  ["Detect adding number to partially open content model for array",{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}},{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":true},["ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1","ADDITIONAL_ITEMS_EXTENDED #/additionalItems"],true],
  ["Detect change to oneOf schema",{"type":"string","maxLength":3},{"oneOf":[{"type":"number"},{"type":"string"}]},["MAX_LENGTH_REMOVED #/maxLength","SUM_TYPE_EXTENDED #/"],true],
  ["Detect compatible change to oneOf schema with more properties",{"type":"object","properties":{"prop1":{"oneOf":[{"type":"string","maxLength":5}]}}},{"type":"object","properties":{"prop1":{"oneOf":[{"type":"boolean"},{"type":"number"},{"title":"my string","type":"string","maxLength":8}]}}},["SUM_TYPE_EXTENDED #/properties/prop1","TITLE_CHANGED #/properties/prop1/oneOf/0","MAX_LENGTH_INCREASED #/properties/prop1/oneOf/0/maxLength"],true],
  ["Detect incompatible change to oneOf schema",{"type":"object","properties":{"prop1":{"oneOf":[{"type":"number"},{"type":"string"}]}}},{"type":"object","properties":{"prop1":{"oneOf":[{"type":"string"}]}}},["SUM_TYPE_NARROWED #/properties/prop1"],false],
  ["Detect incompatible change to allOf schema",{"type":"object","properties":{"prop1":{"allOf":[{"type":"string"}]}}},{"type":"object","properties":{"prop1":{"allOf":[{"enum":["one","two","three"]},{"type":"string"}]}}},["PRODUCT_TYPE_EXTENDED #/properties/prop1"],false],
  ["Detect compatible change from oneOf to anyOf schema with more properties",{"type":"object","properties":{"prop1":{"oneOf":[{"type":"string"}]}}},{"type":"object","properties":{"prop1":{"anyOf":[{"type":"number"},{"type":"string"}]}}},["COMBINED_TYPE_EXTENDED #/properties/prop1","SUM_TYPE_EXTENDED #/properties/prop1"],true],
  ["Detect incompatible change from oneOf to anyOf schema with fewer properties",{"type":"object","properties":{"prop1":{"oneOf":[{"type":"number"},{"type":"string"}]}}},{"type":"object","properties":{"prop1":{"anyOf":[{"type":"string"}]}}},["COMBINED_TYPE_EXTENDED #/properties/prop1","SUM_TYPE_NARROWED #/properties/prop1"],false],
  ["Detect compatible change from allOf to anyOf schema with fewer properties",{"type":"object","properties":{"prop1":{"allOf":[{"type":"number"},{"type":"string"}]}}},{"type":"object","properties":{"prop1":{"anyOf":[{"type":"string"}]}}},["COMBINED_TYPE_EXTENDED #/properties/prop1","PRODUCT_TYPE_NARROWED #/properties/prop1"],true],
];

describe("Confluent's JSON Schema diff cases", () => {
  for (const [description, original, update, changes, compatible] of CONFLUENT_DIFF_CASES) {
    test(description, () => {
      const diffs = differences(original, update);
      assert.deepEqual(diffs.map((d) => `${d.type} ${d.jsonPath}`), changes);
      assert.equal(diffs.every((d) => JSON_COMPATIBLE_CHANGES.has(d.type)), compatible);
      // The registry's answer agrees: BACKWARD reads old data with the new schema.
      assert.equal(compatibilityErrors('BACKWARD', json(update), [json(original)]).length === 0, compatible);
    });
  }
});

describe('JSON Schema compatibility levels and messages', () => {
  const v1 = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
  const v2 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, additionalProperties: false };
  const v3 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['b'], additionalProperties: false };

  test('adding an optional property to a closed model is backward but not forward compatible', () => {
    assert.deepEqual(compatibilityErrors('BACKWARD', json(v2), [json(v1)]), []);
    assert.deepEqual(compatibilityErrors('FORWARD', json(v2), [json(v1, 1)]), [
      `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed content model and is missing a property or item present at path '#/properties/b' in the new schema'}`,
      '{oldSchemaVersion: 1}',
      `{oldSchema: '${JSON.stringify(v1)}'}`,
    ]);
  });
  test('a property becoming required is incompatible; transitive levels look further back', () => {
    assert.deepEqual(compatibilityErrors('BACKWARD', json(v3), [json(v2)]), [
      `{errorType:"REQUIRED_ATTRIBUTE_ADDED", description:"The keyword at path '#/required/b' in the new schema is not present in the old schema'}`,
      `{oldSchema: '${JSON.stringify(v2)}'}`,
    ]);
    assert.equal(compatibilityErrors('BACKWARD', json(v3), [json(v1), json({ ...v3 })]).length, 0, 'only the latest is checked');
    assert.equal(compatibilityErrors('BACKWARD_TRANSITIVE', json(v3), [json(v1), json({ ...v3 })]).length, 2, 'v1 cannot be read');
  });
  test('FULL reports the forward messages first, without the old schema, then the backward ones with it', () => {
    const errors = compatibilityErrors('FULL', json({ type: 'string' }), [json({ type: 'number' })]);
    assert.deepEqual(errors, [
      `{errorType:"TYPE_CHANGED", description:"A type at path '#/' is different between the old schema and the new schema'}`,
      `{errorType:"TYPE_CHANGED", description:"A type at path '#/' is different between the new schema and the old schema'}`,
      `{oldSchema: '{"type":"number"}'}`,
    ]);
  });
  test('Connect decimals written as bytes may change JSON type', () => {
    const first = '{"type":"string","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2"}}';
    const second = '{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"2"}}';
    assert.deepEqual(differences(first, second), []);
  });
  test('an empty schema made an object schema is a type change', () => {
    assert.equal(differences({}, { properties: {} }).length, 1);
  });
  test('multipleOf compares exactly, whatever the scale', () => {
    assert.deepEqual(differences({ type: 'number', multipleOf: 0.5 }, { type: 'number', multipleOf: 10 }).map((d) => d.type), ['MULTIPLE_OF_EXPANDED']);
    assert.deepEqual(differences('{"type":"number","multipleOf":0.5}', '{"type":"number","multipleOf":0.50}'), []);
  });
});

describe('recursive JSON Schemas', () => {
  const recursiveObject = (idType: string, ref: string) => ({
    type: 'object',
    additionalProperties: true,
    properties: { id: { type: idType }, ref: { oneOf: [{ $ref: `#/definitions/${ref}` }] } },
  });
  // Confluent's memoization reproducer: the changes to T0.id and T1.id sit behind a recursive oneOf cycle.
  const masking = (t0: string, t1: string) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    definitions: { T0: recursiveObject(t0, 'T2'), T1: recursiveObject(t1, 'T2'), T2: recursiveObject('integer', 'T0') },
    properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } },
  });
  test('a recursive oneOf incompatibility is not masked by memoization', () => {
    const diffs = differences(masking('integer', 'boolean'), masking('boolean', 'number'));
    assert.ok(diffs.some((d) => !JSON_COMPATIBLE_CHANGES.has(d.type)));
  });
  const types = ['Asset', 'Basket', 'Swap', 'Bond', 'Option', 'Future', 'Forward', 'Loan', 'Repo', 'Equity', 'Index', 'CommodityLeg'];
  const union = () => ({ oneOf: types.map((t) => ({ $ref: `#/definitions/${t}` })) });
  const trade = (assetId = 'string') => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Trade',
    type: 'object',
    additionalProperties: true,
    definitions: Object.fromEntries(
      types.map((t) => [t, { type: 'object', properties: { id: { type: t === 'Asset' ? assetId : 'string' }, underlying: union(), referenceProduct: union() } }]),
    ),
    properties: { tradeId: { type: 'string' }, product: union() },
  });
  test('a densely recursive union compares in reasonable time, and a deep change is found', () => {
    assert.deepEqual(differences(trade(), trade()), []);
    assert.ok(differences(trade(), trade('number')).some((d) => !JSON_COMPATIBLE_CHANGES.has(d.type)));
  });
  test('a self-referencing tree', () => {
    const tree = (valueType: string) => ({
      definitions: { node: { type: 'object', properties: { value: { type: valueType }, children: { type: 'array', items: { $ref: '#/definitions/node' } } } } },
      $ref: '#/definitions/node',
    });
    assert.deepEqual(differences(tree('string'), tree('string')), []);
    assert.deepEqual(differences(tree('integer'), tree('number')).map((d) => `${d.type} ${d.jsonPath}`), ['TYPE_EXTENDED #/properties/value']);
  });
});

describe('JSON Schema references', () => {
  const referrer = { $id: 'https://acme.com/referrer.json', type: 'object', properties: { address: { $ref: 'address.json' } } };
  const address = (zip: string) => JSON.stringify({ $id: 'https://acme.com/address.json', type: 'object', properties: { zip: { type: zip } } });
  const withRef = (zip: string) => ({ ...json(referrer), resolved: new Map([['address.json', address(zip)]]) });
  test('a $ref into a referenced schema is followed', () => {
    assert.deepEqual(compatibilityErrors('BACKWARD', withRef('string'), [withRef('string')]), []);
    assert.equal(compatibilityErrors('BACKWARD', withRef('number'), [withRef('string')]).length, 2);
  });
  test('an unresolved $ref does not parse', () => {
    assert.throws(() => parseSchema(json(referrer)), InvalidSchemaError);
    assert.throws(() => parseSchema(json({ properties: { a: { $ref: '#/definitions/missing' } } })), InvalidSchemaError);
  });
  test('$defs and definitions stand in for each other', () => {
    assert.doesNotThrow(() => parseSchema(json({ definitions: { a: { type: 'string' } }, properties: { a: { $ref: '#/$defs/a' } } })));
  });
});

describe('JSON Schema canonical text and parse errors', () => {
  test('compact JSON in the given member order, decimals as Java BigDecimal prints them', () => {
    assert.equal(
      canonicalText(json('{ "type" : "object",\n "properties" : { "b" : {"type":"number","maximum":1.50,"minimum":1e2, "multipleOf": 0.000001} , "a":{"const":-0}} }')),
      '{"type":"object","properties":{"b":{"type":"number","maximum":1.50,"minimum":1E+2,"multipleOf":0.000001},"a":{"const":0}}}',
    );
    assert.equal(canonicalText(json('{"description":"tab\\there \\u0001 é"}')), '{"description":"tab\\there \\u0001 é"}');
    assert.equal(canonicalText(json('true')), 'true');
  });
  const invalid: [string, unknown][] = [
    ['not JSON', '{"type":'],
    ['a number at the root', '42'],
    ['an unknown type', { type: 'strnig' }],
    ['a non-integer minLength', { type: 'string', minLength: 'x' }],
    ['properties that are not an object', { properties: [] }],
    ['a zero multipleOf', { type: 'number', multipleOf: 0 }],
    ['required that is not an array', { required: 'a' }],
  ];
  for (const [what, schema] of invalid) test(`${what} does not parse`, () => assert.throws(() => parseSchema(json(schema)), InvalidSchemaError));
  test('2020-12 keywords: prefixItems are the tuple, a boolean items closes it', () => {
    const s = (items: unknown) => ({ $schema: 'https://json-schema.org/draft/2020-12/schema', prefixItems: [{ type: 'string' }], items });
    assert.deepEqual(differences(s(true), s(false)).map((d) => `${d.type} ${d.jsonPath}`), ['ADDITIONAL_ITEMS_REMOVED #/additionalItems']);
    const u = (unevaluated: unknown) => ({ $schema: 'https://json-schema.org/draft/2020-12/schema', properties: { a: { type: 'string' } }, unevaluatedProperties: unevaluated });
    assert.deepEqual(differences(u(true), u(false)).map((d) => `${d.type} ${d.jsonPath}`), ['UNEVALUATED_PROPERTIES_REMOVED #/unevaluatedProperties']);
  });
});
