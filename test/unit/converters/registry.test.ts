import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { Schema } from '../../../src/data/index.js';
import {
  ByteArrayConverter,
  JsonConverter,
  SimpleHeaderConverter,
  StringConverter,
  UnknownConverterError,
  configureConverter,
  configureHeaderConverter,
  createConverter,
  createHeaderConverter,
  knownConverterNames,
  settingsWithPrefix,
} from '../../../src/converters/index.js';

describe('converter registry', () => {
  test('Java class names and short names give fresh instances', () => {
    const pairs: [string, string][] = [
      ['org.apache.kafka.connect.json.JsonConverter', 'json'],
      ['org.apache.kafka.connect.storage.StringConverter', 'string'],
      ['org.apache.kafka.connect.converters.ByteArrayConverter', 'bytes'],
      ['org.apache.kafka.connect.converters.ShortConverter', 'short'],
      ['org.apache.kafka.connect.converters.IntegerConverter', 'integer'],
      ['org.apache.kafka.connect.converters.LongConverter', 'long'],
      ['org.apache.kafka.connect.converters.FloatConverter', 'float'],
      ['org.apache.kafka.connect.converters.DoubleConverter', 'double'],
      ['org.apache.kafka.connect.converters.BooleanConverter', 'boolean'],
    ];
    for (const [cls, short] of pairs) {
      const a = createConverter(cls);
      const b = createConverter(short);
      assert.equal(a.constructor, b.constructor, cls);
      assert.notEqual(a, b);
      assert.equal(typeof (a as unknown as { fromConnectHeader: unknown }).fromConnectHeader, 'function', `${cls} is also a header converter`);
    }
    assert.ok(createConverter('JSON') instanceof JsonConverter);
    assert.ok(createHeaderConverter('org.apache.kafka.connect.storage.SimpleHeaderConverter') instanceof SimpleHeaderConverter);
    assert.ok(createHeaderConverter('json') instanceof JsonConverter);
  });

  test('unknown names list the known ones', () => {
    assert.throws(() => createConverter('com.example.Nope'), (e: unknown) =>
      e instanceof UnknownConverterError && e.message.includes('org.apache.kafka.connect.json.JsonConverter') && e.message.includes('json'));
    assert.throws(() => createConverter('simple'), UnknownConverterError, 'SimpleHeaderConverter is a header converter only');
    assert.ok(knownConverterNames('header').includes('org.apache.kafka.connect.storage.SimpleHeaderConverter'));
    assert.ok(!knownConverterNames('converter').includes('org.apache.kafka.connect.storage.SimpleHeaderConverter'));
  });

  test('configure from a flat worker/connector config with a prefix', () => {
    const config = {
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'key.converter.converter.encoding': 'UTF-16LE',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'value.converter.decimal.format': 'numeric',
      'value.converterx.ignored': 'x',
    };
    assert.deepEqual(settingsWithPrefix(config, 'value.converter'), { 'schemas.enable': 'false', 'decimal.format': 'numeric' });
    const key = configureConverter(config, 'key.converter');
    assert.ok(key instanceof StringConverter);
    assert.equal(key.encoding, 'UTF-16LE');
    const value = configureConverter(config, 'value.converter');
    assert.ok(value instanceof JsonConverter);
    assert.equal(value.schemasEnabled, false);
    assert.equal(value.decimalFormat, 'NUMERIC');
    assert.equal(value.converterType, 'value');
    assert.equal(Buffer.from(value.fromConnectData('t', Schema.INT8, 1)!).toString(), '1');
    const header = configureHeaderConverter(config);
    assert.ok(header instanceof SimpleHeaderConverter, 'SimpleHeaderConverter by default');
    const jsonHeader = configureHeaderConverter({ 'header.converter': 'json', 'header.converter.schemas.enable': 'false' });
    assert.ok(jsonHeader instanceof JsonConverter);
    assert.equal(jsonHeader.converterType, 'header');
    assert.equal(jsonHeader.schemasEnabled, false);
    assert.ok(configureConverter({}, 'value.converter', { defaultClass: 'bytes' }) instanceof ByteArrayConverter);
    assert.throws(() => configureConverter({}, 'value.converter'), /no value\.converter set/);
  });
});
