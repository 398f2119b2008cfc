// `sluice run` serves the REST API (a separate OS process): on the worker's listeners, not with --no-rest, refused
// on a non-loopback listener without credentials; connectors created over it come back after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sluice, sluiceToEnd, tempDir, writeJson, until } from '../cli/support.js';
import { api } from './support.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const slowGen = { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'records.per.second': '20' };

test('sluice run: REST on the configured listener; REST-created connectors survive a restart', { timeout: 120_000 }, async () => {
  const dir = tempDir('rest-cli');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const file = writeJson(dir, 'pipeline.json', {
    worker: { listeners: base, 'offset.storage.file.filename': join(dir, 'connect.offsets') },
    connectors: [{ name: 'gen', config: slowGen }],
  });
  let p = sluice(['run', file, '--view', 'json', '--keep-running']);
  try {
    await until(async () => (await api(base, 'GET', '/health').catch(() => null))?.status === 200, 'the REST API answers');
    assert.deepEqual((await api(base, 'GET', '/connectors')).body, ['gen']);
    const created = await api(base, 'POST', '/connectors', {
      name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: join(dir, 'out.txt') },
    });
    assert.equal(created.status, 201);
    assert.ok(p.logs().some((l) => l['msg'] === 'REST API listening' && l['url'] === base));
  } finally {
    p.child.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
  }

  p = sluice(['run', file, '--view', 'json', '--keep-running']);
  try {
    await until(async () => (await api(base, 'GET', '/health').catch(() => null))?.status === 200, 'the REST API answers again');
    assert.deepEqual((await api(base, 'GET', '/connectors')).body.sort(), ['gen', 'out']);
    assert.equal((await api(base, 'GET', '/connectors/out/config')).body.file, join(dir, 'out.txt'));
  } finally {
    p.child.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
  }
});

test('sluice run --no-rest serves nothing; a non-loopback listener without credentials stops the run (exit 2)', { timeout: 60_000 }, async () => {
  const dir = tempDir('rest-cli-no');
  const port = await freePort();
  const file = writeJson(dir, 'pipeline.json', { worker: { listeners: `http://127.0.0.1:${port}` }, connectors: [{ name: 'gen', config: slowGen }] });
  const p = sluice(['run', file, '--view', 'json', '--keep-running', '--no-rest']);
  try {
    await until(() => p.logs().some((l) => l['msg'] === 'pipeline running'), 'the pipeline runs');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
  } finally {
    p.child.kill('SIGTERM');
    await p.exited;
  }

  const open = writeJson(dir, 'open.json', { worker: { listeners: 'http://0.0.0.0:0' }, connectors: [{ name: 'gen', config: slowGen }] });
  const r = await sluiceToEnd(['run', open, '--view', 'json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the REST API could not start: refusing to serve the REST API on http:\/\/0\.0\.0\.0:0/);
});
