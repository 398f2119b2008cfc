// schemaType in the API's answers: left out for AVRO, shown for PROTOBUF and JSON (as Confluent). The REST layer is
// tested here with formats that take any text as it is, so it does not depend on the Protobuf/JSON parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaFormats } from '../../../src/registry/index.js';
import { fileRegistry } from './support.js';

const asIs: SchemaFormats = { canonical: (s) => s.schema.trim(), compatibilityErrors: () => [] };

test('PROTOBUF and JSON schemas carry their schemaType; the same text of another type is another schema', async () => {
  const reg = await fileRegistry(undefined, { formats: asIs });
  try {
    const proto = 'syntax = "proto3";\nmessage M { string a = 1; }';
    const { id: pid } = (await reg.call('POST', '/subjects/p-value/versions', { schema: proto, schemaType: 'PROTOBUF' })).body;
    assert.deepEqual((await reg.call('GET', '/subjects/p-value/versions/1')).body, { subject: 'p-value', version: 1, id: pid, schemaType: 'PROTOBUF', schema: proto });
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${pid}`)).body, { schemaType: 'PROTOBUF', schema: proto });
    assert.deepEqual((await reg.call('POST', '/subjects/p-value', { schema: proto, schemaType: 'protobuf' })).body.schemaType, 'PROTOBUF');

    const text = '{"type":"string"}';
    const { id: jid } = (await reg.call('POST', '/subjects/j-value/versions', { schema: text, schemaType: 'JSON' })).body;
    const { id: aid } = (await reg.call('POST', '/subjects/a-value/versions', { schema: text })).body;
    assert.notEqual(jid, aid);
    assert.equal((await reg.call('GET', `/schemas/ids/${jid}`)).body.schemaType, 'JSON');
    assert.equal((await reg.call('GET', `/schemas/ids/${aid}`)).body.schemaType, undefined);
    // Looking a JSON schema up as AVRO does not find it.
    assert.equal((await reg.call('POST', '/subjects/j-value', { schema: text })).body.error_code, 40403);
  } finally {
    await reg.close();
  }
});
