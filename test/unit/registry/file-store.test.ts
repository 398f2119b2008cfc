// The file store: JSON lines of Confluent's key/value pairs, read back at start (same ids, same state).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore, type RegistryRecord } from '../../../src/registry/index.js';
import { avroRecord, fileRegistry, tempDir } from './support.js';

test('a restarted registry reads its file back: same ids, versions, deletes and configs; new ids go on from the highest', async () => {
  const path = join(tempDir(), 'schemas.jsonl');
  let reg = await fileRegistry(path);
  const a = (await reg.call('POST', '/subjects/a/versions', { schema: avroRecord('A', 'x:int') })).body.id;
  const b = (await reg.call('POST', '/subjects/b/versions', { schema: avroRecord('B', 'x:int') })).body.id;
  await reg.call('POST', '/subjects/b2/versions', { schema: avroRecord('B', 'x:int') });
  await reg.call('DELETE', '/subjects/b2');
  await reg.call('PUT', '/config/a', { compatibility: 'FULL' });
  await reg.close();

  reg = await fileRegistry(path);
  try {
    assert.deepEqual((await reg.call('POST', '/subjects/a/versions', { schema: avroRecord('A', 'x:int') })).body, { id: a });
    assert.deepEqual((await reg.call('GET', '/subjects')).body, ['a', 'b']);
    assert.deepEqual((await reg.call('GET', '/subjects?deleted=true')).body, ['a', 'b', 'b2']);
    assert.deepEqual((await reg.call('GET', '/config/a')).body, { compatibilityLevel: 'FULL' });
    assert.equal((await reg.call('GET', '/subjects/b/versions/1')).body.id, b);
    const c = (await reg.call('POST', '/subjects/c/versions', { schema: avroRecord('C', 'x:int') })).body.id;
    assert.equal(c, Math.max(a, b) + 1);
  } finally {
    await reg.close();
  }
});

test('each line holds the key and value exactly as in Confluent\'s topic', async () => {
  const reg = await fileRegistry();
  await reg.call('POST', '/subjects/s/versions', { schema: '"string"' });
  await reg.call('PUT', '/config/s', { compatibility: 'NONE' });
  await reg.call('DELETE', '/subjects/s');
  await reg.call('DELETE', '/subjects/s?permanent=true');
  await reg.close();
  assert.deepEqual(readFileSync(reg.path, 'utf8').split('\n'), [
    '{"key":{"keytype":"SCHEMA","subject":"s","version":1,"magic":1},"value":{"subject":"s","version":1,"id":1,"schemaType":"AVRO","schema":"\\"string\\"","deleted":false}}',
    '{"key":{"keytype":"CONFIG","subject":"s","magic":0},"value":{"subject":"s","compatibilityLevel":"NONE"}}',
    '{"key":{"keytype":"DELETE_SUBJECT","subject":"s","magic":0},"value":{"subject":"s","version":1}}',
    '{"key":{"keytype":"SCHEMA","subject":"s","version":1,"magic":1},"value":null}',
    '{"key":{"keytype":"CONFIG","subject":"s","magic":0},"value":null}',
    '',
  ]);
});

test('a file of hand-written Confluent records is read', async () => {
  const path = join(tempDir(), 'confluent.jsonl');
  writeFileSync(
    path,
    [
      '{"key":{"keytype":"SCHEMA","subject":"t-value","version":1,"magic":1},"value":{"subject":"t-value","version":1,"id":21,"schemaType":"AVRO","schema":"\\"long\\"","deleted":false}}',
      '{"key":{"keytype":"NOOP","magic":0},"value":null}',
      '{"key":{"keytype":"MODE","magic":0},"value":{"mode":"READWRITE"}}',
      '',
    ].join('\n'),
  );
  const reg = await fileRegistry(path);
  try {
    assert.deepEqual((await reg.call('GET', '/schemas/ids/21')).body, { schema: '"long"' });
    assert.deepEqual((await reg.call('POST', '/subjects/t-value/versions', { schema: '"long"' })).body, { id: 21 });
    assert.deepEqual((await reg.call('POST', '/subjects/u-value/versions', { schema: '"int"' })).body, { id: 22 });
  } finally {
    await reg.close();
  }
});

test('a last line cut short by a crash is dropped; a bad line before the end stops the start', async () => {
  const dir = tempDir();
  const torn = join(dir, 'torn.jsonl');
  const reg = await fileRegistry(torn);
  await reg.call('POST', '/subjects/s/versions', { schema: '"string"' });
  await reg.close();
  appendFileSync(torn, '{"key":{"keytype":"SCHEMA","subject":"s","vers');
  const warnings: string[] = [];
  const store = new FileStore({ path: torn, warn: (m) => warnings.push(m) });
  const read: RegistryRecord[] = [];
  await store.start((r) => read.push(r));
  assert.equal(read.length, 1);
  assert.match(warnings[0]!, /incomplete line/);
  await store.write([{ key: { keytype: 'MODE', subject: null }, value: { subject: null, mode: 'READONLY' } }]);
  await store.close();
  assert.equal(readFileSync(torn, 'utf8').split('\n').length, 3);

  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, 'garbage\n{"key":{"keytype":"NOOP","magic":0},"value":null}\n');
  await assert.rejects(new FileStore({ path: bad }).start(() => {}), /has a bad line 1/);
});
