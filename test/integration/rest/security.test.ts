// Exposure check, basic auth, TLS, CORS, and config-provider placeholders never echoed resolved.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { StandaloneHerder } from '../../../src/worker/standalone-herder.js';
import { BASIC_AUTH_EXTENSION, RestConfigError, RestServer } from '../../../src/rest/index.js';
import { api, eventually, startWorker, tempDir, waitForStates } from './support.js';

const dir = tempDir('security');

describe('REST security', () => {
  test('a non-loopback listener without credentials is refused at startup; allowed explicitly', async () => {
    const herder = new StandaloneHerder({ worker: { listeners: 'http://0.0.0.0:0' } });
    await herder.start();
    try {
      await assert.rejects(RestServer.start({ herder }), (e: Error) => {
        assert.ok(e instanceof RestConfigError);
        assert.match(e.message, /^refusing to serve the REST API on http:\/\/0\.0\.0\.0:0: it is reachable from other machines and has no authentication/);
        return true;
      });
      await assert.rejects(RestServer.start({ herder, worker: { listeners: 'http://:0' } }), RestConfigError);
      const allowed = await RestServer.start({ herder, worker: { listeners: 'http://0.0.0.0:0', 'sluice.rest.allow.insecure': 'true' } });
      const port = new URL(allowed.urls[0]!).port;
      assert.equal((await api(`http://127.0.0.1:${port}`, 'GET', '/health')).status, 200);
      await allowed.stop();
    } finally {
      await herder.stop();
    }
  });

  test('basic auth (Kafka basic-auth extension file): 401 without or with wrong credentials, 200 with them', async () => {
    const creds = join(dir, 'credentials.properties');
    writeFileSync(creds, 'admin: s3cret\nreader: r3ad\n');
    // With credentials, a non-loopback listener is fine.
    const w = await startWorker({
      listeners: 'http://0.0.0.0:0',
      'rest.extension.classes': BASIC_AUTH_EXTENSION,
      'sluice.rest.basic.auth.file': creds,
    });
    const base = `http://127.0.0.1:${new URL(w.base).port}`;
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    try {
      for (const path of ['/', '/connectors', '/metrics', '/admin/loggers', '/no/such/path']) {
        const r = await api(base, 'GET', path);
        assert.deepEqual([r.status, r.body], [401, { error_code: 401, message: 'User cannot access the resource.' }], path);
        assert.equal(r.headers.get('www-authenticate'), 'Basic realm="sluice"');
      }
      assert.equal((await api(base, 'GET', '/connectors', undefined, { auth: basic('admin', 'wrong') })).status, 401);
      assert.equal((await api(base, 'GET', '/connectors', undefined, { auth: basic('nobody', 's3cret') })).status, 401);
      const post = await api(base, 'POST', '/connectors', { name: 'x', config: {} });
      assert.equal(post.status, 401, 'no body is looked at before authentication');
      const ok = await api(base, 'GET', '/connectors', undefined, { auth: basic('admin', 's3cret') });
      assert.deepEqual([ok.status, ok.body], [200, []]);
      assert.equal((await api(base, 'GET', '/', undefined, { auth: basic('reader', 'r3ad') })).status, 200);
    } finally {
      await w.stop();
    }
  });

  test('TLS: https listener with PEM certificate and key', async (t) => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available');
      return;
    }
    assert.ok(existsSync(cert));
    const w = await startWorker({ listeners: 'https://127.0.0.1:0', 'sluice.rest.tls.cert.file': cert, 'sluice.rest.tls.key.file': key });
    try {
      assert.match(w.base, /^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${w.base}/health`, { ca: readFileSync(cert) }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(body.status, 200);
      assert.equal(JSON.parse(body.text).status, 'healthy');
      // Plain HTTP to the TLS port does not get an answer from the API.
      await assert.rejects(fetch(w.base.replace('https:', 'http:') + '/health', { signal: AbortSignal.timeout(3000) }));
    } finally {
      await w.stop();
    }
    await assert.rejects(
      startWorker({ listeners: 'https://127.0.0.1:0' }),
      /is https but no certificate is configured: set sluice.rest.tls.cert.file and sluice.rest.tls.key.file/,
    );
  });

  test('CORS when access.control.allow.origin is set', async () => {
    const w = await startWorker({ 'access.control.allow.origin': 'https://ui.example', 'access.control.allow.methods': 'GET,POST,PUT,DELETE' });
    try {
      const pre = await fetch(`${w.base}/connectors`, { method: 'OPTIONS', headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), 'https://ui.example');
      assert.equal(pre.headers.get('access-control-allow-methods'), 'GET,POST,PUT,DELETE');
      const get = await api(w.base, 'GET', '/connectors');
      assert.equal(get.headers.get('access-control-allow-origin'), 'https://ui.example');
    } finally {
      await w.stop();
    }
  });

  test('config providers: placeholders resolved for the connector and tasks, never echoed resolved over REST', async () => {
    const secrets = join(dir, 'secrets.properties');
    const outFile = join(dir, 'resolved-output.txt');
    writeFileSync(secrets, `out.path=${outFile}\ntopic.name=secret-topic\n`);
    process.env['SLUICE_REST_TEST_RECORDS'] = '25';
    const w = await startWorker({
      'config.providers': 'file,env',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    });
    try {
      const genConfig = {
        'connector.class': 'datagen',
        'kafka.topic': `\${file:${secrets}:topic.name}`,
        'max.records': '${env:SLUICE_REST_TEST_RECORDS}',
        'value.converter': 'string',
      };
      const sinkConfig = { 'connector.class': 'FileStreamSink', topics: 'secret-topic', file: `\${file:${secrets}:out.path}`, 'value.converter': 'string' };
      const created = await api(w.base, 'POST', '/connectors', { name: 'gen', config: genConfig });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.config, { ...genConfig, name: 'gen' });
      assert.equal((await api(w.base, 'PUT', '/connectors/out/config', sinkConfig)).status, 201);
      await waitForStates(w.base, 'out', 'RUNNING RUNNING');

      // The data path used the resolved values: 25 records on the secret topic, written to the resolved file.
      await eventually(() => existsSync(outFile) && readFileSync(outFile, 'utf8').split('\n').filter(Boolean).length === 25, '25 lines in the resolved file');

      const echoed = JSON.stringify([
        (await api(w.base, 'GET', '/connectors/gen/config')).body,
        (await api(w.base, 'GET', '/connectors/out')).body,
        (await api(w.base, 'GET', '/connectors?expand=info')).body,
        (await api(w.base, 'GET', '/connectors/out/tasks')).body,
        (await api(w.base, 'GET', '/connectors/out/tasks-config')).body,
        (await api(w.base, 'GET', '/connectors/gen/tasks')).body,
        (await api(w.base, 'PUT', '/connector-plugins/FileStreamSink/config/validate', { ...sinkConfig, name: 'v' })).body,
      ]);
      assert.ok(!echoed.includes(outFile), 'the resolved file path is never shown');
      assert.ok(!echoed.includes('"25"'), 'the resolved env value is never shown');
      assert.ok(echoed.includes(`\${file:${secrets}:out.path}`));
      const outTasks = (await api(w.base, 'GET', '/connectors/out/tasks')).body;
      assert.equal(outTasks[0].config.file, `\${file:${secrets}:out.path}`, 'task configs keep the placeholder');

      // A placeholder whose file cannot be read is a validation error on that key.
      const bad = await api(w.base, 'POST', '/connectors', { name: 'bad', config: { ...sinkConfig, file: '${file:/nonexistent/x.properties:k}' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /file: Could not read properties from file \/nonexistent\/x.properties/);
    } finally {
      await w.stop();
    }
  });
});
