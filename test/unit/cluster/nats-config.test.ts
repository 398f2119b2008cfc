import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distributedWorkerConfigDef, parseDistributedSettings } from '../../../src/worker/distributed-config.js';
import { WorkerConfigError } from '../../../src/worker/errors.js';

const base = { 'group.id': 'g', 'offset.storage.topic': 'offsets' };
const SEED = 'SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY';

function problems(raw: Record<string, string>): { key?: string; reason: string }[] {
  try {
    parseDistributedSettings({ ...base, ...raw });
  } catch (e) {
    assert.ok(e instanceof WorkerConfigError, String(e));
    return e.problems.map((p) => ({ ...(p.key ? { key: p.key } : {}), reason: p.reason }));
  }
  return [];
}

const keysOf = (raw: Record<string, string>) => problems(raw).map((p) => p.key);

describe('nats.* worker keys', () => {
  let dir: string;
  let seed: string;
  let creds: string;
  let pem: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nats-config-'));
    seed = join(dir, 'user.nk');
    writeFileSync(seed, `${SEED}\n`);
    creds = join(dir, 'user.creds');
    writeFileSync(creds, `-----BEGIN NATS USER JWT-----\neyJ0eXAi.x.y\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${SEED}\n------END USER NKEY SEED------\n`);
    pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('several servers, TLS files, user and password, replicas and prefix', () => {
    const { cluster } = parseDistributedSettings({
      ...base,
      'nats.url': 'tls://n1:4222, tls://n2:4222,tls://[::1]:4223',
      'nats.tls.ca.location': pem,
      'nats.tls.cert.location': pem,
      'nats.tls.key.location': pem,
      'nats.user': 'sluice',
      'nats.password': 's3cret',
      'nats.kv.replicas': '3',
      'nats.kv.bucket.prefix': 'team-a',
      'nats.jetstream.domain': 'hub',
    });
    assert.deepEqual(cluster.nats, {
      servers: ['tls://n1:4222', 'tls://n2:4222', 'tls://[::1]:4223'],
      tls: { caFile: pem, certFile: pem, keyFile: pem },
      auth: { kind: 'user', user: 'sluice', password: 's3cret' },
      jetstream: { domain: 'hub' },
      kvReplicas: 3,
      bucketPrefix: 'team-a',
    });
  });

  test('a tls:// URL alone turns TLS on with the system CAs; token, NKey seed and creds files', () => {
    assert.deepEqual(parseDistributedSettings({ ...base, 'nats.url': 'tls://n1:4222' }).cluster.nats.tls, {});
    assert.deepEqual(parseDistributedSettings({ ...base, 'nats.token': 't0ken' }).cluster.nats.auth, { kind: 'token', token: 't0ken' });
    assert.deepEqual(parseDistributedSettings({ ...base, 'nats.nkey.seed.location': seed }).cluster.nats.auth, { kind: 'nkey', seedFile: seed });
    assert.deepEqual(parseDistributedSettings({ ...base, 'nats.creds.location': creds }).cluster.nats.auth, { kind: 'creds', credsFile: creds });
  });

  test('secrets resolve through the worker\'s config providers', () => {
    const secrets = join(dir, 'nats.properties');
    writeFileSync(secrets, 'password=from-file\n');
    const { cluster } = parseDistributedSettings({
      ...base,
      'config.providers': 'file',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'nats.user': 'sluice',
      'nats.password': `\${file:${secrets}:password}`,
    });
    assert.deepEqual(cluster.nats.auth, { kind: 'user', user: 'sluice', password: 'from-file' });
    const unreadable = problems({
      'config.providers': 'file',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'nats.user': 'sluice',
      'nats.password': `\${file:${join(dir, 'missing.properties')}:password}`,
    });
    assert.equal(unreadable[0]?.key, 'nats.password');
  });

  test('each wrong value is refused with its key and the reason', () => {
    assert.deepEqual(keysOf({ 'nats.url': 'http://n1:4222' }), ['nats.url']);
    assert.match(problems({ 'nats.url': 'nats://n1:99999' })[0]!.reason, /port 99999 is out of range/);
    assert.deepEqual(keysOf({ 'nats.url': ' , ' }), ['nats.url']);
    assert.deepEqual(keysOf({ 'nats.tls.cert.location': pem }), ['nats.tls.key.location']);
    assert.deepEqual(keysOf({ 'nats.tls.key.location': pem }), ['nats.tls.cert.location']);
    assert.match(problems({ 'nats.tls.ca.location': join(dir, 'nope.pem') })[0]!.reason, /nope\.pem does not exist/);
    assert.deepEqual(keysOf({ 'nats.tls.ca.location': dir }), ['nats.tls.ca.location']);
    assert.deepEqual(keysOf({ 'nats.user': 'u' }), ['nats.password']);
    assert.deepEqual(keysOf({ 'nats.password': 'p' }), ['nats.user']);
    assert.deepEqual(keysOf({ 'nats.token': 't', 'nats.creds.location': creds }), ['nats.creds.location']);
    assert.match(problems({ 'nats.token': 't', 'nats.creds.location': creds })[0]!.reason, /one way to authenticate/);
    assert.deepEqual(keysOf({ 'nats.nkey.seed.location': pem }), ['nats.nkey.seed.location']);
    assert.deepEqual(keysOf({ 'nats.creds.location': seed }), ['nats.creds.location']);
    assert.deepEqual(keysOf({ 'nats.jetstream.domain': 'a', 'nats.jetstream.api.prefix': '$JS.b.API' }), ['nats.jetstream.api.prefix']);
    assert.deepEqual(keysOf({ 'nats.kv.replicas': '0' }), ['nats.kv.replicas']);
    assert.deepEqual(keysOf({ 'nats.kv.replicas': '7' }), ['nats.kv.replicas']);
    assert.deepEqual(keysOf({ 'nats.kv.bucket.prefix': 'a.b' }), ['nats.kv.bucket.prefix']);
  });

  test('the keys are defined (no unused-key warning) and the secrets are PASSWORD-typed', () => {
    const { worker } = parseDistributedSettings({ ...base, 'nats.user': 'u', 'nats.password': 'p', 'nats.kv.replicas': '3' });
    assert.deepEqual(worker.unusedKeys.map((p) => p.key), []);
    const def = distributedWorkerConfigDef();
    assert.equal(def.key('nats.password')?.type, 'PASSWORD');
    assert.equal(def.key('nats.token')?.type, 'PASSWORD');
    assert.equal(def.key('nats.user')?.type, 'STRING');
  });
});
