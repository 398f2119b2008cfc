// Basic auth, TLS and the exposure check of the registry's server, and the embedded API's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parseCredentials, readCredentials, startSchemaRegistry } from '../../../src/registry/index.js';
import { call, tempDir } from './support.js';

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

test('the credentials file: Jetty\'s user: password[,roles] lines', () => {
  const creds = parseCredentials('# users\nalice: s3cret,admin,developer\nbob=pw\n! comment\n\n');
  assert.deepEqual([...creds], [['alice', 's3cret'], ['bob', 'pw']]);
  const path = join(tempDir(), 'empty');
  writeFileSync(path, '# nobody\n');
  assert.throws(() => readCredentials(path), /has no users/);
  assert.throws(() => readCredentials(join(tempDir(), 'missing')), /cannot read the basic auth credentials file/);
});

test('with basic auth every request needs a valid user', async () => {
  const reg = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', basicAuth: { alice: 's3cret' } });
  try {
    const none = await call(reg.url, 'GET', '/subjects');
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { error_code: 401, message: 'Unauthorized' });
    assert.equal((await call(reg.url, 'GET', '/subjects', undefined, basic('alice', 'wrong'))).status, 401);
    assert.equal((await call(reg.url, 'GET', '/subjects', undefined, basic('mallory', 's3cret'))).status, 401);
    const ok = await call(reg.url, 'POST', '/subjects/s/versions', { schema: '"int"' }, basic('alice', 's3cret'));
    assert.deepEqual(ok.body, { id: 1 });
  } finally {
    await reg.close();
  }
});

test('an https listener serves with the PEM certificate', async (t) => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not available');
    return;
  }
  const reg = await startSchemaRegistry({ listener: 'https://127.0.0.1:0', tls: { cert: readFileSync(cert), key: readFileSync(key) } });
  try {
    assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${reg.url}/schemas/types`, { ca: readFileSync(cert) }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.text), ['JSON', 'PROTOBUF', 'AVRO']);
  } finally {
    await reg.close();
  }
  await assert.rejects(startSchemaRegistry({ listener: 'https://127.0.0.1:0' }), /https needs a TLS certificate and key/);
});

test('a listener other machines can reach needs basic auth or an explicit allowance', async () => {
  await assert.rejects(startSchemaRegistry({ listener: 'http://0.0.0.0:0' }), /reachable from other machines and no authentication is configured/);
  const open = await startSchemaRegistry({ listener: 'http://0.0.0.0:0', allowInsecure: true });
  try {
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await call(open.url, 'GET', '/')).status, 200);
  } finally {
    await open.close();
  }
  await assert.rejects(startSchemaRegistry({ listener: 'ftp://x' }), /is not http:\/\/host:port/);
});

test('embedded: memory by default, a taken port is a clear error, close twice is fine', async () => {
  const reg = await startSchemaRegistry({ listener: 'http://127.0.0.1:0' });
  assert.equal(reg.storage, 'memory');
  const port = new URL(reg.url).port;
  await assert.rejects(startSchemaRegistry({ listener: `http://127.0.0.1:${port}` }), /the address is in use/);
  await reg.close();
  await reg.close();
});
