// The parts of Confluent's CompatibilityChecker common to all schema types (which previous schemas a level checks,
// in which order, how messages are filled and closed off), and the Java behaviour the checks depend on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalText, compatibilityErrors, InvalidSchemaError, parseSchema, type SchemaText } from '../../../src/schema-compat/index.js';
import { fillRoles } from '../../../src/schema-compat/java-format.js';
import { JavaHashKeys, javaStringHash } from '../../../src/schema-compat/java-hash-order.js';
import { javaBigDecimalToString, javaDoubleToString } from '../../../src/schema-compat/java-numbers.js';

const avro = (schema: string, version?: number): SchemaText => ({ schemaType: 'AVRO', schema, ...(version === undefined ? {} : { version }) });
const rec = (fields: string) => `{"type":"record","name":"r","fields":[${fields}]}`;
const f = (name: string, extra = '') => `{"name":"${name}","type":"string"${extra}}`;

describe('compatibility checker', () => {
  const a = avro(rec(f('a')), 1);
  const ab = avro(rec(`${f('a')},${f('b')}`), 2);
  const abDefault = avro(rec(`${f('a')},${f('b', ',"default":"x"')}`), 3);

  test('no previous schema: nothing to check', () => {
    for (const level of ['BACKWARD', 'FORWARD_TRANSITIVE', 'FULL'] as const) assert.deepEqual(compatibilityErrors(level, ab, []), []);
  });
  test('NONE checks nothing, not even that the old schemas parse', () => {
    assert.deepEqual(compatibilityErrors('NONE', ab, [avro('{')]), []);
  });
  test('non-transitive levels parse only the latest previous schema', () => {
    assert.deepEqual(compatibilityErrors('BACKWARD', abDefault, [avro('{'), a]), []);
    assert.throws(() => compatibilityErrors('BACKWARD_TRANSITIVE', abDefault, [avro('{'), a]), InvalidSchemaError);
  });
  test('transitive levels report the newest previous schema that fails, and only that one', () => {
    const errors = compatibilityErrors('BACKWARD_TRANSITIVE', ab, [a, a, abDefault]);
    assert.equal(errors.length, 3);
    assert.equal(errors[1], '{oldSchemaVersion: 1}');
  });
  test('a schema of another type is incompatible, with no further detail', () => {
    const j: SchemaText = { schemaType: 'JSON', schema: '{"type":"string"}' };
    assert.deepEqual(compatibilityErrors('BACKWARD', j, [a]), ['Incompatible because of different schema type']);
    assert.deepEqual(compatibilityErrors('FULL_TRANSITIVE', a, [a, j]), ['Incompatible because of different schema type']);
  });
  test('a long old schema is truncated in the message', () => {
    const many = Array.from({ length: 600 }, (_, i) => f(`field${i}`)).join(',');
    const old = avro(rec(many));
    const errors = compatibilityErrors('BACKWARD', avro(rec(`${many},${f('extra')}`)), [old]);
    const last = errors[errors.length - 1]!;
    assert.ok(last.startsWith("{oldSchema: <truncated> '"));
    assert.ok(last.endsWith("...'}"));
    assert.equal(last.length, "{oldSchema: <truncated> '".length + 10 * 1024 + "...'}".length);
  });
  test('role placeholders are filled as String.format fills them', () => {
    assert.equal(fillRoles('The %s schema vs the %s schema, 100%%', 'new', 'old'), 'The new schema vs the old schema, 100%');
    assert.equal(fillRoles('no roles', 'new', 'old'), 'no roles');
  });
  test('an unknown schema type does not parse', () => {
    assert.throws(() => parseSchema({ schemaType: 'XML' as never, schema: '<a/>' }), InvalidSchemaError);
  });
});

describe('Java behaviour the checks rely on', () => {
  test("HashSet iteration order (Java prints [bar, foo, baz] for foo, bar, baz)", () => {
    assert.equal(javaStringHash('foo'), 101574);
    assert.deepEqual([...JavaHashKeys.copyOf(['foo', 'bar', 'baz'])], ['bar', 'foo', 'baz']);
    assert.deepEqual([...JavaHashKeys.copyOf([17, 3, 16, 1])], [16, 17, 1, 3], "17 and 1 share a bucket and keep their order");
    const big = JavaHashKeys.of(Array.from({ length: 40 }, (_, i) => `k${i}`));
    assert.equal(big.size, 40);
    assert.deepEqual(new Set(big), new Set(Array.from({ length: 40 }, (_, i) => `k${i}`)));
  });
  test('Double.toString', () => {
    const cases: [number, string][] = [
      [100, '100.0'], [0.001, '0.001'], [1e-4, '1.0E-4'], [1e7, '1.0E7'], [9999999, '9999999.0'], [123456.789, '123456.789'],
      [1.5e300, '1.5E300'], [-2.5, '-2.5'], [0, '0.0'], [-0, '-0.0'], [NaN, 'NaN'], [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [d, s] of cases) assert.equal(javaDoubleToString(d), s, String(d));
  });
  test('BigDecimal.toString', () => {
    const cases: [string, string][] = [
      ['1e2', '1E+2'], ['1.50', '1.50'], ['0.0000001', '1E-7'], ['0.000001', '0.000001'], ['-0.0', '0.0'], ['123.4e-10', '1.234E-8'],
      ['10e1', '1.0E+2'], ['0e-10', '0E-10'], ['-12.5', '-12.5'], ['5E-3', '0.005'],
    ];
    for (const [literal, s] of cases) assert.equal(javaBigDecimalToString(literal), s, literal);
  });
});

describe('properties', () => {
  const extensionObject = fc.dictionary(fc.string({ maxLength: 6 }).map((k) => `x-${k}`), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
  test('a JSON schema: canonical text ignores formatting, and a schema is compatible with itself at every level', () => {
    fc.assert(
      fc.property(extensionObject, (obj) => {
        const schema = { type: 'object', ...obj };
        const compact: SchemaText = { schemaType: 'JSON', schema: JSON.stringify(schema) };
        const pretty: SchemaText = { schemaType: 'JSON', schema: JSON.stringify(schema, null, 2) };
        assert.equal(canonicalText(pretty), canonicalText(compact));
        assert.equal(canonicalText({ schemaType: 'JSON', schema: canonicalText(compact) }), canonicalText(compact));
        assert.deepEqual(compatibilityErrors('FULL_TRANSITIVE', pretty, [compact, compact]), []);
      }),
      { numRuns: 200 },
    );
  });
  const fieldName = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
  const avroType = fc.constantFrom('"int"', '"long"', '"float"', '"double"', '"string"', '"bytes"', '["null","string"]', '{"type":"array","items":"int"}');
  test('an Avro record: canonical text is a fixpoint, and adding a field with a default is FULL compatible', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fieldName, avroType), { selector: ([n]) => n, maxLength: 6 }), fieldName, (fields, extra) => {
        fc.pre(!fields.some(([n]) => n === extra));
        const body = fields.map(([n, t]) => `{"name":"${n}","type":${t}}`);
        const before = avro(`{"type":"record","name":"R","fields":[${body.join(',')}]}`);
        const after = avro(`{"type":"record","name":"R","fields":[${[...body, `{"name":"${extra}","type":"string","default":""}`].join(',')}]}`);
        assert.equal(canonicalText(avro(canonicalText(before))), canonicalText(before));
        assert.deepEqual(compatibilityErrors('FULL', after, [before]), []);
      }),
      { numRuns: 200 },
    );
  });
});
