/**
 * `sluice migrate --cluster NATS --group G`: a Sluice cluster as the target, written over NATS as `sluice apply`
 * writes (the source here is a Sluice standalone worker, which serves Kafka Connect's REST API): the connectors
 * arrive with their state and offsets.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { migrateCommand } from '../../../src/cli/migrate-command.js';
import type { CliIo } from '../../../src/cli/io.js';
import { NATS_URL, uniqueName } from '../../support/services.js';
import { api, startWorker } from '../rest/support.js';
import { TestCluster, rest, until } from './support/cluster.js';

const cluster = new TestCluster();
after(() => cluster.stop());

test('migrate into a cluster over NATS: states and offsets arrive', { timeout: 180_000 }, async () => {
  const [w] = await cluster.start(1);
  const source = await startWorker({ 'offset.storage.file.filename': `${cluster.dir}/source.offsets` });
  try {
    const topic = uniqueName('mig');
    const datagen = { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': '5' };
    assert.equal((await api(source.base, 'POST', '/connectors', { name: 'gen-stopped', config: datagen, initial_state: 'STOPPED' })).status, 201);
    const offsets = [{ partition: { task: 0 }, offset: { seq: 41 } }];
    const patched = await api(source.base, 'PATCH', '/connectors/gen-stopped/offsets', { offsets });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await api(source.base, 'POST', '/connectors', { name: 'gen-paused', config: datagen, initial_state: 'PAUSED' })).status, 201);
    const said: string[] = [];
    const io = { stdout: { write: (s: string) => said.push(s) }, stderr: { write: (s: string) => said.push(s) } } as unknown as CliIo;
    const code = await migrateCommand(['--from', source.base, '--cluster', NATS_URL, '--group', cluster.group, '--yes'], io);
    assert.equal(code, 0, said.join(''));
    assert.match(said.join(''), /migrated gen-stopped: STOPPED, 1 offset/);
    assert.match(said.join(''), /migrated gen-paused: PAUSED, \d+ offsets?/);
    await until('the cluster has both', async () => (await rest(w!.port, 'GET', '/connectors')).body.length === 2, 60_000);
    const states = async () => [(await cluster.status('gen-stopped', w!.port)).connector.state, (await cluster.status('gen-paused', w!.port)).connector.state];
    await until('the states arrive', async () => JSON.stringify(await states()) === '["STOPPED","PAUSED"]', 60_000);
    assert.deepEqual((await rest(w!.port, 'GET', '/connectors/gen-stopped/offsets')).body.offsets, offsets);
  } finally {
    await source.stop();
  }
});
