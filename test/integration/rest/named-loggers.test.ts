/**
 * `/admin/loggers` named loggers take effect on a running `sluice run` (as in Kafka Connect, where
 * `PUT /admin/loggers/{name}` sets that logger and its descendants): a connector's plugin namespace, a connector's
 * name, and root staying where it was for everything else.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, sluiceArgs } from '../../support/processes.js';
import { freePort } from '../cluster/support/cluster.js';
import { api, eventually, tempDir } from './support.js';

let child: ChildProcess | undefined;
after(() => {
  child?.kill('SIGKILL');
});

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; connector?: string });

test('PUT /admin/loggers/{name} sets the level of the lines that logger names', { timeout: 90_000 }, async () => {
  const dir = tempDir('loggers');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = { 'connector.class': 'io.sluice.connect.datagen.DatagenConnector', 'kafka.topic': 'lg', quickstart: 'users' };
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ worker: { listeners: base }, connectors: [{ name: 'gen', config }] }));
  const out = join(dir, 'out.log');
  const fd = openSync(out, 'w');
  child = spawn(process.execPath, sluiceArgs(['run', join(dir, 'p.json'), '--log-level', 'info']), { cwd: REPO, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  await eventually(async () => (await api(base, 'GET', '/connectors/gen/status')).body?.tasks?.[0]?.state === 'RUNNING', 'gen running', 60_000);
  const updates = () => lines(out).filter((l) => l.connector === 'gen' && l.msg === 'connector config updated').length;
  const update = async (interval: string) => {
    const r = await api(base, 'PUT', '/connectors/gen/config', { ...config, 'max.interval': interval });
    assert.equal(r.status, 200, r.text);
    await new Promise((r) => setTimeout(r, 300));
  };

  await update('100');
  assert.equal(updates(), 1, 'logged at INFO by default');

  // The plugin's namespace at ERROR: the connector's INFO lines go.
  const set = await api(base, 'PUT', '/admin/loggers/io.sluice.connect.datagen', { level: 'ERROR' });
  assert.deepEqual(set.body, ['io.sluice.connect.datagen']);
  await update('200');
  assert.equal(updates(), 1, 'io.sluice.connect.datagen=ERROR hides the connector\'s INFO lines');
  assert.deepEqual((await api(base, 'GET', '/admin/loggers/io.sluice.connect.datagen.DatagenConnector')).body, { level: 'ERROR', last_modified: null });
  const all = (await api(base, 'GET', '/admin/loggers')).body;
  assert.deepEqual(Object.keys(all), ['io.sluice.connect.datagen', 'root']);
  assert.equal(all.root.level, 'INFO');

  // The connector's own name is more specific than its class: DEBUG brings its lines back...
  await api(base, 'PUT', '/admin/loggers/gen', { level: 'DEBUG' });
  await update('300');
  assert.equal(updates(), 2, 'gen=DEBUG shows the connector\'s lines again');
  // ...while every other line stays at root's INFO (the REST server logs each request at DEBUG).
  assert.equal(lines(out).filter((l) => l.msg === 'REST request').length, 0, 'root stays at INFO');

  // root: sets every named logger too (Kafka's rule), and takes effect.
  const root = await api(base, 'PUT', '/admin/loggers/root', { level: 'WARN' });
  assert.deepEqual(root.body, ['gen', 'io.sluice.connect.datagen', 'root']);
  await update('400');
  assert.equal(updates(), 2);
});
