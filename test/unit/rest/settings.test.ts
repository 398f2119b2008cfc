import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASIC_AUTH_EXTENSION,
  RestConfigError,
  checkExposure,
  isLoopbackAddress,
  isLoopbackHost,
  parseListener,
  parseRestSettings,
} from '../../../src/rest/config.js';
import { BasicAuth } from '../../../src/rest/basic-auth.js';
import { LoggerLevels } from '../../../src/rest/loggers.js';
import { RestError } from '../../../src/rest/errors.js';
import { RateWindow } from '../../../src/rest/metrics.js';

describe('REST settings', () => {
  test('listeners: Kafka forms, IPv6, default port per scheme', () => {
    assert.deepEqual(parseListener('http://:8083'), { protocol: 'http', host: '', port: 8083, uri: 'http://:8083' });
    assert.deepEqual(parseListener('HTTPS://[::1]:8443/'), { protocol: 'https', host: '::1', port: 8443, uri: 'HTTPS://[::1]:8443/' });
    assert.equal(parseListener('http://localhost').port, 80);
    assert.throws(() => parseListener('ftp://x:1'), RestConfigError);
    assert.throws(() => parseListener('http://x:99999'), RestConfigError);
  });

  test('defaults: loopback listener, tracking on, no auth, no TLS', () => {
    const s = parseRestSettings({});
    assert.deepEqual(s.listeners, [{ protocol: 'http', host: '127.0.0.1', port: 8083, uri: 'http://127.0.0.1:8083', regular: true, admin: true }]);
    assert.equal(s.basicAuthFile, null);
    assert.equal(s.tls, null);
    assert.equal(s.allowInsecure, false);
    assert.equal(s.topicTracking, true);
    assert.equal(s.topicTrackingReset, true);
  });

  test('admin.listeners: unset = on the listeners; empty = disabled; else only there', () => {
    assert.equal(parseRestSettings({ 'admin.listeners': '' }).listeners[0]!.admin, false);
    const split = parseRestSettings({ listeners: 'http://127.0.0.1:1', 'admin.listeners': 'http://127.0.0.1:2' }).listeners;
    assert.deepEqual(split.map((l) => [l.port, l.regular, l.admin]), [[1, true, false], [2, false, true]]);
  });

  test('https needs the PEM files; the basic auth extension needs its file; unknown extensions refused', () => {
    assert.throws(() => parseRestSettings({ listeners: 'https://127.0.0.1:8443' }), /sluice.rest.tls.cert.file/);
    assert.throws(() => parseRestSettings({ 'sluice.rest.tls.cert.file': '/c.pem' }), /go together/);
    assert.throws(() => parseRestSettings({ 'rest.extension.classes': BASIC_AUTH_EXTENSION }), /sluice.rest.basic.auth.file/);
    assert.throws(() => parseRestSettings({ 'rest.extension.classes': 'com.example.Ext' }), /unknown REST extension com.example.Ext/);
    const s = parseRestSettings({ 'rest.extension.classes': BASIC_AUTH_EXTENSION, 'sluice.rest.basic.auth.file': '/creds' });
    assert.equal(s.basicAuthFile, '/creds');
    assert.throws(() => parseRestSettings({ 'sluice.rest.allow.insecure': 'yes' }), /expected true or false/);
  });

  test('loopback detection', async () => {
    assert.ok(isLoopbackAddress('127.0.0.1'));
    assert.ok(isLoopbackAddress('127.1.2.3'));
    assert.ok(isLoopbackAddress('::1'));
    assert.ok(isLoopbackAddress('::ffff:127.0.0.1'));
    assert.ok(!isLoopbackAddress('10.0.0.1'));
    assert.ok(!isLoopbackAddress('::'));
    assert.ok(await isLoopbackHost('localhost'));
    assert.ok(!(await isLoopbackHost('')));
    assert.ok(!(await isLoopbackHost('0.0.0.0')));
    assert.ok(!(await isLoopbackHost('192.168.1.10')));
  });

  test('a non-loopback listener without credentials is refused unless allowed', async () => {
    await checkExposure(parseRestSettings({ listeners: 'http://127.0.0.1:8083,http://localhost:8084' }));
    await assert.rejects(checkExposure(parseRestSettings({ listeners: 'http://:8083' })), (e: Error) => {
      assert.ok(e instanceof RestConfigError);
      assert.match(e.message, /refusing to serve the REST API on http:\/\/:8083/);
      assert.match(e.message, /sluice.rest.allow.insecure=true/);
      return true;
    });
    await checkExposure(parseRestSettings({ listeners: 'http://0.0.0.0:8083', 'sluice.rest.allow.insecure': 'true' }));
    await checkExposure(parseRestSettings({ listeners: 'http://0.0.0.0:8083', 'sluice.rest.basic.auth.file': '/creds' }));
  });
});

describe('basic auth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-auth-'));
  const file = join(dir, 'credentials.properties');
  writeFileSync(file, '# Kafka Connect basic auth\nadmin: s3cret\nops=pa:ss\n');
  const header = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  test('checks users from a PropertyFileLoginModule-style file', () => {
    const auth = BasicAuth.fromFile(file);
    assert.equal(auth.userCount, 2);
    assert.equal(auth.check(header('admin', 's3cret')), 'admin');
    assert.equal(auth.check(header('ops', 'pa:ss')), 'ops');
    assert.equal(auth.check(header('admin', 'wrong')), null);
    assert.equal(auth.check(header('nobody', 's3cret')), null);
    assert.equal(auth.check(undefined), null);
    assert.equal(auth.check('Bearer abc'), null);
    assert.equal(auth.check(`Basic ${Buffer.from('no-colon').toString('base64')}`), null);
  });

  test('an unreadable or empty file is a configuration error', () => {
    assert.throws(() => BasicAuth.fromFile(join(dir, 'missing')), RestConfigError);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '# nobody\n');
    assert.throws(() => BasicAuth.fromFile(empty), /has no users/);
  });
});

describe('logger levels', () => {
  test('root follows the pino logger; namespaces set their known children; sorted lists', () => {
    const pino = { level: 'info' };
    let now = 1000;
    const l = new LoggerLevels(pino, () => now);
    assert.deepEqual(l.all(), { root: { level: 'INFO', last_modified: null } });
    assert.deepEqual(l.set('org.apache.kafka.connect', 'debug'), ['org.apache.kafka.connect']);
    now = 2000;
    assert.deepEqual(l.set('org.apache.kafka.connect.runtime', 'TRACE'), ['org.apache.kafka.connect.runtime']);
    now = 3000;
    assert.deepEqual(l.set('org.apache.kafka', 'WARN'), ['org.apache.kafka', 'org.apache.kafka.connect', 'org.apache.kafka.connect.runtime']);
    assert.deepEqual(l.get('org.apache.kafka.connect'), { level: 'WARN', last_modified: 3000 });
    assert.deepEqual(l.get('org.apache.kafka.connect.other'), { level: 'WARN', last_modified: null });
    assert.equal(l.get('com.example'), null);
    now = 4000;
    assert.deepEqual(l.set('root', 'ERROR'), ['org.apache.kafka', 'org.apache.kafka.connect', 'org.apache.kafka.connect.runtime', 'root']);
    assert.equal(pino.level, 'error');
    assert.deepEqual(Object.keys(l.all()), ['org.apache.kafka', 'org.apache.kafka.connect', 'org.apache.kafka.connect.runtime', 'root']);
    assert.deepEqual(l.all()['root'], { level: 'ERROR', last_modified: 4000 });
    l.set('root', 'OFF');
    assert.equal(pino.level, 'silent');
  });

  test('an invalid level is 404, a missing one 400 (Kafka Connect)', () => {
    const l = new LoggerLevels(null);
    assert.throws(() => l.set('x', 'LOUD'), (e: RestError) => e.status === 404 && e.message === "invalid log level 'LOUD'.");
    assert.throws(() => l.set('x', undefined), (e: RestError) => e.status === 400);
    l.set('root', 'debug');
    assert.deepEqual(l.get('root'), { level: 'DEBUG', last_modified: l.get('root')!.last_modified });
  });
});

describe('rate window', () => {
  test('rates over the window; a counter going back restarts it', () => {
    const w = new RateWindow(10_000);
    assert.deepEqual(w.observe('t', 0, 0, 0), { polledRate: 0, writtenRate: 0 });
    assert.deepEqual(w.observe('t', 1000, 100, 50), { polledRate: 100, writtenRate: 50 });
    assert.deepEqual(w.observe('t', 2000, 300, 150), { polledRate: 150, writtenRate: 75 });
    // 20 s later: the base moves up to the newest point at or before the window start
    assert.deepEqual(w.observe('t', 22_000, 2300, 150), { polledRate: 100, writtenRate: 0 });
    assert.deepEqual(w.observe('t', 23_000, 10, 10), { polledRate: 0, writtenRate: 0 });
    w.retain(new Set());
    assert.deepEqual(w.observe('t', 24_000, 5, 5), { polledRate: 0, writtenRate: 0 });
  });
});
