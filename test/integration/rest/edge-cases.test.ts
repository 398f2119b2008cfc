/**
 * REST edge cases a hostile or careless client hits: over-long connector names, oversized bodies, invalid UTF-8,
 * the connectors file's permissions (it holds passwords), and the onlyFailed restart's 202 body (traces kept).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { statSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, startWorker, tempDir, eventually, type TestWorker } from './support.js';

const datagen = { 'connector.class': 'io.sluice.connect.datagen.DatagenConnector', 'kafka.topic': 'edge', quickstart: 'users', 'max.interval': '1000' };

/** A raw request: the status and body as the client saw them, or the socket error. */
function raw(base: string, method: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status?: number; body?: string; headers?: Record<string, unknown>; error?: string }> {
  const u = new URL(base + path);
  return new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
      res.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    });
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

describe('REST edge cases', () => {
  let w: TestWorker;
  let base: string;
  let dir: string;
  before(async () => {
    dir = tempDir('edge');
    const offsets = join(dir, 'offsets');
    // A connectors file an older version wrote world-readable.
    writeFileSync(`${offsets}.connectors.json`, '{"connectors": []}\n');
    chmodSync(`${offsets}.connectors.json`, 0o644);
    w = await startWorker({ 'offset.storage.file.filename': offsets });
    base = w.base;
  });
  after(() => w.stop());

  test('a connector name past 249 characters is refused with 400 and never created', async () => {
    const long = 'x'.repeat(100_000);
    const r = await api(base, 'POST', '/connectors', { name: long, config: datagen });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /Connector name is too long: 100000 characters; the limit is 249/);
    assert.equal(r.headers.get('location'), null);
    const put = await api(base, 'PUT', `/connectors/${'y'.repeat(250)}/config`, datagen);
    assert.equal(put.status, 400);
    assert.deepEqual((await api(base, 'GET', '/connectors')).body, []);
    // 249 characters (not bytes) is still fine.
    const ok = await api(base, 'POST', '/connectors', { name: 'é'.repeat(249), config: datagen });
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await api(base, 'DELETE', `/connectors/${encodeURIComponent('é'.repeat(249))}`)).status, 204);
  });

  test('a body over the limit gets 413 with Connection: close, not a reset', async () => {
    const big = Buffer.alloc(17 * 1024 * 1024, 0x20);
    // Declared length: refused before the body is read.
    const declared = await raw(base, 'POST', '/connectors', big, { 'content-type': 'application/json', 'content-length': String(big.length) });
    assert.equal(declared.error, undefined, `the client saw ${declared.error}`);
    assert.equal(declared.status, 413);
    assert.equal(declared.headers!['connection'], 'close');
    assert.equal(JSON.parse(declared.body!).error_code, 413);
    // Chunked (no length): refused once past the limit.
    const chunked = await raw(base, 'POST', '/connectors', big, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    assert.equal(chunked.error, undefined, `the client saw ${chunked.error}`);
    assert.equal(chunked.status, 413);
    // fetch as well, as clients send it.
    const f = await fetch(base + '/connectors', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(f.status, 413);
    // The worker still answers.
    assert.equal((await api(base, 'GET', '/connectors')).status, 200);
  });

  test('invalid UTF-8 in a body is a 400, not a name mangled with U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"bad'), Buffer.from([0xff, 0xfe]), Buffer.from(`","config":${JSON.stringify(datagen)}}`)]);
    const r = await raw(base, 'POST', '/connectors', body, { 'content-type': 'application/json' });
    assert.equal(r.status, 400, r.body);
    assert.match(JSON.parse(r.body!).message, /not valid UTF-8/);
    assert.deepEqual((await api(base, 'GET', '/connectors')).body, []);
  });

  test('the connectors file (plain-text passwords) is written 0600, and an older 0644 one narrowed', async () => {
    const file = join(dir, 'offsets.connectors.json');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'narrowed when read at start');
    chmodSync(file, 0o644);
    const r = await api(base, 'POST', '/connectors', { name: 'secret', config: { ...datagen, 'some.password': 'hunter2' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await api(base, 'DELETE', '/connectors/secret')).status, 204);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test("the onlyFailed restart's 202 body keeps each failed task's trace", async () => {
    // A file sink writing to a folder: its task fails at start.
    const created = await api(base, 'POST', '/connectors', {
      name: 'failing',
      config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', topics: 'edge', file: dir },
    });
    assert.equal(created.status, 201, created.text);
    const failed = await eventually(async () => {
      const s = (await api(base, 'GET', '/connectors/failing/status')).body;
      return s?.tasks?.[0]?.state === 'FAILED' ? s : null;
    }, 'the task to fail');
    assert.ok(failed.tasks[0].trace);
    const r = await api(base, 'POST', '/connectors/failing/restart?includeTasks=true&onlyFailed=true');
    assert.equal(r.status, 202);
    assert.equal(r.body.connector.state, 'RUNNING');
    assert.deepEqual(Object.keys(r.body.tasks[0]), ['id', 'state', 'worker_id', 'trace']);
    assert.equal(r.body.tasks[0].state, 'RESTARTING');
    assert.equal(r.body.tasks[0].trace, failed.tasks[0].trace);
    assert.equal((await api(base, 'DELETE', '/connectors/failing')).status, 204);
  });
});
