// The registry's REST API over the file store: Confluent's paths, status codes, error codes and bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { avroRecord, fileRegistry, type TestRegistry } from './support.js';

let reg: TestRegistry;
before(async () => {
  reg = await fileRegistry();
});
after(async () => {
  await reg.close();
});

const V1 = avroRecord('User', 'name:string');
const V2 = avroRecord('User', 'name:string', 'age:int=0');
/** Not backward compatible with V1/V2: a new field without a default. */
const BAD = avroRecord('User', 'name:string', 'email:string');

function assertError(a: { status: number; body: any }, status: number, code: number, message?: string | RegExp): void {
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.equal(a.body.error_code, code, JSON.stringify(a.body));
  if (typeof message === 'string') assert.equal(a.body.message, message);
  else if (message) assert.match(a.body.message, message);
}

describe('root, types and unknown paths', () => {
  test('GET / is {} and GET /schemas/types lists the types in Confluent\'s order', async () => {
    const root = await reg.call('GET', '/');
    assert.equal(root.status, 200);
    assert.deepEqual(root.body, {});
    assert.equal(root.contentType, 'application/vnd.schemaregistry.v1+json');
    assert.deepEqual((await reg.call('GET', '/schemas/types')).body, ['JSON', 'PROTOBUF', 'AVRO']);
  });

  test('an unknown path is 404 and a wrong method 405, in the error shape', async () => {
    assertError(await reg.call('GET', '/nope'), 404, 404, 'HTTP 404 Not Found');
    assertError(await reg.call('PATCH', '/subjects/x/versions'), 405, 405);
    assertError(await reg.call('GET', '/schemas/ids/abc'), 404, 404);
  });

  test('plain application/json is taken and answered when asked for', async () => {
    const a = await reg.call('POST', '/subjects/ct-value/versions', { schema: '"string"' }, { 'Content-Type': 'application/json', Accept: 'application/json' });
    assert.equal(a.status, 200);
    assert.equal(a.contentType, 'application/json');
    assertError(await reg.call('POST', '/subjects/ct-value/versions', { schema: '"string"' }, { 'Content-Type': 'text/plain' }), 415, 415);
    assertError(await reg.call('POST', '/subjects/ct-value/versions', '{"schema": '), 400, 400);
  });
});

describe('register and read', () => {
  test('the same schema again gets the same id and version; reads show it without schemaType for AVRO', async () => {
    const first = await reg.call('POST', '/subjects/users-value/versions', { schema: V1 });
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.body), ['id']);
    const id = first.body.id as number;
    // Whitespace does not make another schema.
    const again = await reg.call('POST', '/subjects/users-value/versions', { schema: JSON.stringify(JSON.parse(V1), null, 2), schemaType: 'AVRO' });
    assert.deepEqual(again.body, { id });
    assert.deepEqual((await reg.call('GET', '/subjects/users-value/versions')).body, [1]);
    const v1 = await reg.call('GET', '/subjects/users-value/versions/1');
    assert.deepEqual(v1.body, { subject: 'users-value', version: 1, id, schema: V1 });
    assert.deepEqual((await reg.call('GET', '/subjects/users-value/versions/latest')).body, v1.body);
    assert.deepEqual((await reg.call('GET', '/subjects/users-value/versions/-1')).body, v1.body);
    const raw = await reg.call('GET', '/subjects/users-value/versions/1/schema');
    assert.equal(raw.text, V1);
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${id}`)).body, { schema: V1 });
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${id}?subject=users-value`)).body, { subject: 'users-value', version: 1, schema: V1 });
    assert.equal((await reg.call('GET', `/schemas/ids/${id}/schema`)).text, V1);
    assert.ok((await reg.call('GET', '/subjects')).body.includes('users-value'));
  });

  test('a schema known under another subject gets its id; a new one gets the highest id + 1', async () => {
    const a = (await reg.call('POST', '/subjects/reuse-a/versions', { schema: avroRecord('Reuse', 'x:int') })).body.id as number;
    const b = await reg.call('POST', '/subjects/reuse-b/versions', { schema: avroRecord('Reuse', 'x:int') });
    assert.deepEqual(b.body, { id: a });
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${a}/subjects`)).body, ['reuse-a', 'reuse-b']);
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${a}/versions`)).body, [
      { subject: 'reuse-a', version: 1 },
      { subject: 'reuse-b', version: 1 },
    ]);
    const next = await reg.call('POST', '/subjects/reuse-a/versions', { schema: avroRecord('Reuse', 'x:int', 'y:int=1') });
    assert.ok(next.body.id > a);
    assert.deepEqual((await reg.call('GET', '/subjects/reuse-a/versions')).body, [1, 2]);
    const third = await reg.call('POST', '/subjects/reuse-c/versions', { schema: avroRecord('Other', 'z:int') });
    assert.equal(third.body.id, next.body.id + 1);
  });

  test('lookup under a subject answers subject, version, id and schema', async () => {
    const { id } = (await reg.call('POST', '/subjects/lookup-value/versions', { schema: V1 })).body;
    const found = await reg.call('POST', '/subjects/lookup-value', { schema: V1 });
    assert.deepEqual(found.body, { subject: 'lookup-value', version: 1, id, schema: V1 });
    assertError(await reg.call('POST', '/subjects/lookup-value', { schema: V2 }), 404, 40403, 'Schema not found');
    assertError(await reg.call('POST', '/subjects/no-such-subject', { schema: V1 }), 404, 40401, "Subject 'no-such-subject' not found.");
    assertError(await reg.call('POST', '/subjects/lookup-value', { schema: '{"type":' }), 422, 42201);
  });

  test('Confluent\'s error codes for what is not there or not valid', async () => {
    await reg.call('POST', '/subjects/err-value/versions', { schema: V1 });
    assertError(await reg.call('GET', '/subjects/none/versions'), 404, 40401, "Subject 'none' not found.");
    assertError(await reg.call('GET', '/subjects/none/versions/1'), 404, 40401);
    assertError(await reg.call('GET', '/subjects/err-value/versions/9'), 404, 40402, 'Version 9 not found.');
    const invalid = `The specified version '0' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`;
    assertError(await reg.call('GET', '/subjects/err-value/versions/0'), 422, 42202, invalid);
    assertError(await reg.call('GET', '/subjects/err-value/versions/abc'), 422, 42202);
    assertError(await reg.call('DELETE', '/subjects/err-value/versions/abc'), 422, 42202);
    assertError(await reg.call('GET', '/schemas/ids/999'), 404, 40403, 'Schema 999 not found');
    assertError(await reg.call('GET', '/schemas/ids/999/schema'), 404, 40403, 'Schema 999 not found');
    assertError(await reg.call('GET', '/schemas/ids/999/versions'), 404, 40403, 'Schema not found');
    assertError(await reg.call('GET', '/schemas/ids/999/subjects'), 404, 40403, 'Schema not found');
    assertError(await reg.call('POST', '/subjects/err-value/versions', { schema: '{"type":"record","name":"X","fields":[{"name":"a"}]}' }), 422, 42201, /^Invalid schema of type AVRO, details: /);
    assertError(await reg.call('POST', '/subjects/err-value/versions', { schema: '' }), 422, 42201, 'Empty schema');
    assertError(await reg.call('POST', '/subjects/err-value/versions', { schema: V1, schemaType: 'XML' }), 422, 42201, 'Invalid schema type XML');
    assertError(await reg.call('POST', '/subjects/bad%01subject/versions', { schema: V1 }), 422, 42208);
  });

  test('an incompatible schema is 409 with Confluent\'s message', async () => {
    await reg.call('POST', '/subjects/compat-value/versions', { schema: V1 });
    const a = await reg.call('POST', '/subjects/compat-value/versions', { schema: BAD });
    assertError(a, 409, 409, /^Schema being registered is incompatible with an earlier schema for subject "compat-value", details: \[/);
    assert.match(a.body.message, /READER_FIELD_MISSING_DEFAULT_VALUE/);
    assert.match(a.body.message, /\{oldSchemaVersion: 1\}/);
    assert.match(a.body.message, /\{validateFields: 'false', compatibility: 'BACKWARD'\}\]$/);
    assert.deepEqual((await reg.call('GET', '/subjects/compat-value/versions')).body, [1]);
    // ?force=true skips the check, as in Confluent.
    assert.equal((await reg.call('POST', '/subjects/compat-value/versions?force=true', { schema: BAD })).status, 200);
  });

  test('a subject with a / in it travels encoded', async () => {
    const { id } = (await reg.call('POST', '/subjects/a%2Fb/versions', { schema: V1 })).body;
    assert.equal((await reg.call('GET', '/subjects/a%2Fb/versions/1')).body.id, id);
    assert.ok((await reg.call('GET', '/subjects')).body.includes('a/b'));
  });
});

describe('deletes', () => {
  test('a version is soft deleted first, then for good', async () => {
    await reg.call('POST', '/subjects/dv-value/versions', { schema: V1 });
    const { id: id2 } = (await reg.call('POST', '/subjects/dv-value/versions', { schema: V2 })).body;
    assertError(
      await reg.call('DELETE', '/subjects/dv-value/versions/2?permanent=true'),
      404,
      40407,
      "Subject 'dv-value' Version 2 was not deleted first before being permanently deleted",
    );
    const soft = await reg.call('DELETE', '/subjects/dv-value/versions/2');
    assert.equal(soft.status, 200);
    assert.equal(soft.body, 2);
    assertError(await reg.call('DELETE', '/subjects/dv-value/versions/2'), 404, 40406, "Subject 'dv-value' Version 2 was soft deleted.Set permanent=true to delete permanently");
    assert.deepEqual((await reg.call('GET', '/subjects/dv-value/versions')).body, [1]);
    assert.deepEqual((await reg.call('GET', '/subjects/dv-value/versions?deleted=true')).body, [1, 2]);
    assert.deepEqual((await reg.call('GET', '/subjects/dv-value/versions?deletedOnly=true')).body, [2]);
    assert.deepEqual((await reg.call('GET', '/subjects/dv-value/versions?deletedAsNegative=true')).body, [1, -2]);
    assertError(await reg.call('GET', '/subjects/dv-value/versions/2'), 404, 40402);
    assert.equal((await reg.call('GET', '/subjects/dv-value/versions/2?deleted=true')).body.id, id2);
    assert.equal((await reg.call('GET', '/subjects/dv-value/versions/latest')).body.version, 1);
    // A soft-deleted schema is still served by id (old records stay readable).
    assert.equal((await reg.call('GET', `/schemas/ids/${id2}`)).status, 200);
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${id2}/versions`)).body, []);
    assert.deepEqual((await reg.call('GET', `/schemas/ids/${id2}/versions?deleted=true`)).body, [{ subject: 'dv-value', version: 2 }]);
    assert.equal((await reg.call('DELETE', '/subjects/dv-value/versions/2?permanent=true')).body, 2);
    assert.deepEqual((await reg.call('GET', '/subjects/dv-value/versions?deleted=true')).body, [1]);
    assertError(await reg.call('GET', `/schemas/ids/${id2}`), 404, 40403);
    assertError(await reg.call('DELETE', '/subjects/dv-value/versions/7'), 404, 40402);
    assertError(await reg.call('DELETE', '/subjects/dv-none/versions/1'), 404, 40401);
  });

  test('a subject is soft deleted first, then for good', async () => {
    const { id } = (await reg.call('POST', '/subjects/ds-value/versions', { schema: V1 })).body;
    await reg.call('POST', '/subjects/ds-value/versions', { schema: V2 });
    assertError(await reg.call('DELETE', '/subjects/ds-value?permanent=true'), 404, 40405, "Subject 'ds-value' was not deleted first before being permanently deleted");
    assert.deepEqual((await reg.call('DELETE', '/subjects/ds-value')).body, [1, 2]);
    assertError(await reg.call('DELETE', '/subjects/ds-value'), 404, 40404, "Subject 'ds-value' was soft deleted.Set permanent=true to delete permanently");
    assert.ok(!(await reg.call('GET', '/subjects')).body.includes('ds-value'));
    assert.ok((await reg.call('GET', '/subjects?deleted=true')).body.includes('ds-value'));
    assert.ok((await reg.call('GET', '/subjects?deletedOnly=true')).body.includes('ds-value'));
    assertError(await reg.call('GET', '/subjects/ds-value/versions'), 404, 40401);
    assert.deepEqual((await reg.call('GET', '/subjects/ds-value/versions?deleted=true')).body, [1, 2]);
    assert.equal((await reg.call('GET', `/schemas/ids/${id}`)).status, 200);
    assert.deepEqual((await reg.call('DELETE', '/subjects/ds-value?permanent=true')).body, [1, 2]);
    assert.ok(!(await reg.call('GET', '/subjects?deleted=true')).body.includes('ds-value'));
    assertError(await reg.call('DELETE', '/subjects/ds-value'), 404, 40401);
  });

  test('a schema registered again after a soft delete keeps its id and takes the next version', async () => {
    const { id } = (await reg.call('POST', '/subjects/again-value/versions', { schema: V1 })).body;
    await reg.call('DELETE', '/subjects/again-value');
    assert.deepEqual((await reg.call('POST', '/subjects/again-value/versions', { schema: V1 })).body, { id });
    // Confluent drops the soft-deleted version holding the same id.
    assert.deepEqual((await reg.call('GET', '/subjects/again-value/versions?deleted=true')).body, [2]);
  });
});

describe('config', () => {
  test('global and per-subject compatibility levels', async () => {
    assert.deepEqual((await reg.call('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    assertError(await reg.call('GET', '/config/cfg-value'), 404, 40408, "Subject 'cfg-value' does not have subject-level compatibility configured");
    assert.deepEqual((await reg.call('GET', '/config/cfg-value?defaultToGlobal=true')).body, { compatibilityLevel: 'BACKWARD' });
    assertError(await reg.call('PUT', '/config', { compatibility: 'SIDEWAYS' }), 422, 42203, /^Invalid compatibility level/);
    assert.deepEqual((await reg.call('PUT', '/config/cfg-value', { compatibility: 'none' })).body, { compatibility: 'NONE' });
    assert.deepEqual((await reg.call('GET', '/config/cfg-value')).body, { compatibilityLevel: 'NONE' });
    // NONE lets an incompatible schema in.
    await reg.call('POST', '/subjects/cfg-value/versions', { schema: V1 });
    assert.equal((await reg.call('POST', '/subjects/cfg-value/versions', { schema: BAD })).status, 200);
    assert.deepEqual((await reg.call('DELETE', '/config/cfg-value')).body, { compatibilityLevel: 'NONE' });
    assertError(await reg.call('DELETE', '/config/cfg-value'), 404, 40401);
    assert.deepEqual((await reg.call('PUT', '/config', { compatibility: 'FULL' })).body, { compatibility: 'FULL' });
    assert.deepEqual((await reg.call('GET', '/config')).body, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await reg.call('GET', '/config/other-value?defaultToGlobal=true')).body, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await reg.call('DELETE', '/config')).body, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await reg.call('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
  });
});

describe('compatibility endpoint', () => {
  test('tests a schema against a version or the subject, with messages when verbose', async () => {
    await reg.call('POST', '/subjects/ct2-value/versions', { schema: V1 });
    assert.deepEqual((await reg.call('POST', '/compatibility/subjects/ct2-value/versions/latest', { schema: V2 })).body, { is_compatible: true });
    assert.deepEqual((await reg.call('POST', '/compatibility/subjects/ct2-value/versions/latest?verbose=true', { schema: V2 })).body, { is_compatible: true, messages: [] });
    assert.deepEqual((await reg.call('POST', '/compatibility/subjects/ct2-value/versions/1', { schema: BAD })).body, { is_compatible: false });
    const verbose = await reg.call('POST', '/compatibility/subjects/ct2-value/versions?verbose=true', { schema: BAD });
    assert.equal(verbose.body.is_compatible, false);
    assert.ok(verbose.body.messages.some((m: string) => m.includes('READER_FIELD_MISSING_DEFAULT_VALUE')));
    assert.equal(verbose.body.messages.at(-1), "{validateFields: 'false', compatibility: 'BACKWARD'}");
    assertError(await reg.call('POST', '/compatibility/subjects/ct2-value/versions/5', { schema: V2 }), 404, 40402, 'Version 5 not found.');
    assertError(await reg.call('POST', '/compatibility/subjects/ct2-value/versions/x', { schema: V2 }), 422, 42202);
    assertError(await reg.call('POST', '/compatibility/subjects/ct2-value/versions/latest', { schema: '{"type":' }), 422, 42201);
    const invalidVerbose = await reg.call('POST', '/compatibility/subjects/ct2-value/versions/latest?verbose=true', { schema: '{"type":' });
    assert.equal(invalidVerbose.body.is_compatible, false);
    assert.equal(invalidVerbose.body.messages.length, 1);
    // Nothing registered yet: compatible.
    assert.deepEqual((await reg.call('POST', '/compatibility/subjects/ct2-none/versions/latest', { schema: V1 })).body, { is_compatible: true });
  });
});

describe('mode', () => {
  test('READONLY refuses writes; IMPORT takes explicit ids and versions', async () => {
    assert.deepEqual((await reg.call('GET', '/mode')).body, { mode: 'READWRITE' });
    const { id } = (await reg.call('POST', '/subjects/ro-value/versions', { schema: V1 })).body;
    assert.deepEqual((await reg.call('PUT', '/mode/ro-value', { mode: 'READONLY' })).body, { mode: 'READONLY' });
    assert.deepEqual((await reg.call('GET', '/mode/ro-value')).body, { mode: 'READONLY' });
    assertError(await reg.call('POST', '/subjects/ro-value/versions', { schema: V2 }), 422, 42205, 'Subject ro-value in context  is in read-only mode');
    // An existing schema is still answered (Confluent looks it up before checking the mode).
    assert.deepEqual((await reg.call('POST', '/subjects/ro-value/versions', { schema: V1 })).body, { id });
    assertError(await reg.call('DELETE', '/subjects/ro-value'), 422, 42205);
    assert.deepEqual((await reg.call('DELETE', '/mode/ro-value')).body, { mode: 'READONLY' });
    assertError(await reg.call('GET', '/mode/ro-value'), 404, 40409, "Subject 'ro-value' does not have subject-level mode configured");
    assert.deepEqual((await reg.call('GET', '/mode/ro-value?defaultToGlobal=true')).body, { mode: 'READWRITE' });
    assertError(await reg.call('PUT', '/mode', { mode: 'SOMETIMES' }), 422, 42204);
    assert.deepEqual((await reg.call('PUT', '/mode', { mode: 'readonly' })).body, { mode: 'readonly' });
    assert.deepEqual((await reg.call('GET', '/mode')).body, { mode: 'READONLY' });
    assertError(await reg.call('PUT', '/config', { compatibility: 'NONE' }), 422, 42205, 'Subject null in context  is in read-only mode');
    assert.deepEqual((await reg.call('DELETE', '/mode')).body, { mode: 'READONLY' });
    assert.deepEqual((await reg.call('DELETE', '/mode')).body, { mode: 'READWRITE' });

    assertError(await reg.call('PUT', '/mode/ro-value', { mode: 'IMPORT' }), 422, 42205, 'Cannot import since found existing subjects');
    assert.deepEqual((await reg.call('PUT', '/mode/imported-value', { mode: 'IMPORT' })).body, { mode: 'IMPORT' });
    assert.deepEqual((await reg.call('POST', '/subjects/imported-value/versions', { schema: V1, id: 5000, version: 7 })).body, { id: 5000 });
    assert.deepEqual((await reg.call('GET', '/subjects/imported-value/versions/7')).body, { subject: 'imported-value', version: 7, id: 5000, schema: V1 });
    assertError(await reg.call('POST', '/subjects/imported-value/versions', { schema: V2 }), 422, 42205, 'Subject imported-value in context  is not in read-write mode');
    assertError(await reg.call('POST', '/subjects/users-other/versions', { schema: V2, id: 5001 }), 422, 42205, 'Subject users-other in context  is not in import mode');
    await reg.call('DELETE', '/mode/imported-value');
    // The next id is past the imported one.
    const next = (await reg.call('POST', '/subjects/after-import/versions', { schema: avroRecord('AfterImport', 'a:int') })).body.id;
    assert.equal(next, 5001);
  });
});

describe('references', () => {
  test('a schema with references; referencedby; a referenced version cannot be deleted', async () => {
    const inner = avroRecord('com.example.Inner', 'v:int');
    const { id: innerId } = (await reg.call('POST', '/subjects/inner/versions', { schema: inner })).body;
    const outer = JSON.stringify({ type: 'record', name: 'Outer', namespace: 'com.example', fields: [{ name: 'inner', type: 'com.example.Inner' }] });
    const refs = [{ name: 'com.example.Inner', subject: 'inner', version: 1 }];
    const a = await reg.call('POST', '/subjects/outer/versions', { schema: outer, references: refs });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.notEqual(a.body.id, innerId);
    assert.deepEqual((await reg.call('GET', '/subjects/outer/versions/1')).body.references, refs);
    assert.deepEqual((await reg.call('GET', '/subjects/inner/versions/1/referencedby')).body, [a.body.id]);
    assert.deepEqual((await reg.call('GET', '/subjects/inner/versions/latest/referencedby')).body, [a.body.id]);
    assertError(await reg.call('DELETE', '/subjects/inner/versions/1'), 422, 42206, 'One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=inner,version=1}.');
    assertError(await reg.call('DELETE', '/subjects/inner'), 422, 42206);
    assertError(await reg.call('POST', '/subjects/outer2/versions', { schema: outer, references: [{ name: 'com.example.Inner', subject: 'inner', version: 9 }] }), 422, 42201);
  });
});
