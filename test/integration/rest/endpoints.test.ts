// Every REST endpoint against a running in-process worker (no broker): status codes, bodies, error paths.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { api, startWorker, tempDir, waitForStates, eventually, type TestWorker } from './support.js';

let w: TestWorker;
let base: string;
const dir = tempDir('endpoints');
const slowGen = (topic: string, extra: Record<string, string> = {}) => ({
  'connector.class': 'datagen',
  'kafka.topic': topic,
  'records.per.second': '200',
  'random.seed': '1',
  ...extra,
});
const fileSink = (topics: string, file: string) => ({ 'connector.class': 'FileStreamSink', topics, file, 'value.converter': 'string' });

describe('REST API (in-process worker)', () => {
  before(async () => {
    w = await startWorker({ 'rest.advertised.host.name': 'w1', 'rest.advertised.port': '8083' });
    base = w.base;
  });
  after(() => w.stop());

  test('GET / and /health', async () => {
    const root = await api(base, 'GET', '/');
    assert.equal(root.status, 200);
    assert.deepEqual(Object.keys(root.body), ['version', 'commit', 'kafka_cluster_id']);
    assert.match(root.body.version, /^3\.9\.0-sluice-/);
    assert.match(root.body.commit, /^([0-9a-f]{16}|unknown)$/);
    assert.equal(root.body.kafka_cluster_id, null, 'no Kafka cluster with the in-process transport');
    assert.equal(root.headers.get('content-type'), 'application/json');
    const health = await api(base, 'GET', '/health');
    assert.deepEqual([health.status, health.body], [200, { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }]);
  });

  test('POST /connectors: 201 + Location + ConnectorInfo; twice → 409; list and expand', async () => {
    const r = await api(base, 'POST', '/connectors', { name: 'gen', config: slowGen('orders') });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `${base}/connectors/gen`);
    assert.deepEqual(r.body, { name: 'gen', config: { ...slowGen('orders'), name: 'gen' }, tasks: [], type: 'source' });
    const again = await api(base, 'POST', '/connectors', { name: 'gen', config: slowGen('orders') });
    assert.deepEqual([again.status, again.body], [409, { error_code: 409, message: 'Connector gen already exists' }]);

    const sinkFile = join(dir, 'orders.txt');
    assert.equal((await api(base, 'POST', '/connectors', { name: 'out', config: fileSink('orders', sinkFile) })).status, 201);
    await waitForStates(base, 'gen', 'RUNNING RUNNING');
    await waitForStates(base, 'out', 'RUNNING RUNNING');

    const list = await api(base, 'GET', '/connectors');
    assert.deepEqual([list.status, [...list.body].sort()], [200, ['gen', 'out']]);
    const status = await api(base, 'GET', '/connectors?expand=status');
    assert.deepEqual(status.body['gen'], {
      status: {
        name: 'gen',
        connector: { state: 'RUNNING', worker_id: 'w1:8083' },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w1:8083' }],
        type: 'source',
      },
    });
    const info = await api(base, 'GET', '/connectors?expand=info');
    assert.deepEqual(info.body['out'], {
      info: { name: 'out', config: { ...fileSink('orders', sinkFile), name: 'out' }, tasks: [{ connector: 'out', task: 0 }], type: 'sink' },
    });
    const both = await api(base, 'GET', '/connectors?expand=status&expand=info');
    assert.deepEqual(Object.keys(both.body['gen']).sort(), ['info', 'status']);
    const unknownExpand = await api(base, 'GET', '/connectors?expand=nope');
    assert.deepEqual(unknownExpand.body, { gen: {}, out: {} });
  });

  test('create errors: 415 wrong/missing content type, 400 invalid config with every key, name mismatch, null value', async () => {
    const text = await api(base, 'POST', '/connectors', undefined, { raw: '{"name":"x","config":{}}', contentType: 'text/plain' });
    assert.deepEqual([text.status, text.body], [415, { error_code: 415, message: 'HTTP 415 Unsupported Media Type' }]);
    const none = await api(base, 'POST', '/connectors', undefined, { raw: '{"name":"x","config":{}}', contentType: null });
    assert.equal(none.status, 415);
    const charset = await api(base, 'POST', '/connectors', undefined, {
      raw: JSON.stringify({ name: 'cs', config: slowGen('cs', { 'tasks.max': 'two', 'records.per.second': '-1' }) }),
      contentType: 'application/json; charset=utf-8',
    });
    assert.equal(charset.status, 400, 'json with a charset is accepted (and then validated)');
    assert.match(charset.body.message, /^Connector configuration is invalid and contains the following 2 error\(s\):\n/);
    assert.match(charset.body.message, /tasks\.max: /);
    assert.match(charset.body.message, /records\.per\.second: /);
    assert.match(charset.body.message, /You can also find the above list of errors at the endpoint `\/connector-plugins\/\{connectorType\}\/config\/validate`$/);

    const mismatch = await api(base, 'POST', '/connectors', { name: 'a', config: { ...slowGen('t'), name: 'b' } });
    assert.deepEqual([mismatch.status, mismatch.body.message], [400, "Connector name configuration (b) doesn't match connector name in the URL (a)"]);
    const nulls = await api(base, 'POST', '/connectors', { name: 'n', config: { ...slowGen('t'), 'batch.size': null } });
    assert.equal(nulls.status, 400);
    assert.match(nulls.body.message, /batch\.size: Null value can not be supplied as the configuration value\./);
    const unknownClass = await api(base, 'POST', '/connectors', { name: 'u', config: { 'connector.class': 'com.example.Nope' } });
    assert.equal(unknownClass.status, 400);
    assert.match(unknownClass.body.message, /Failed to find any class that implements Connector and which name matches com.example.Nope/);
    const badJson = await api(base, 'POST', '/connectors', undefined, { raw: '{"name":' });
    assert.equal(badJson.status, 400);
    assert.deepEqual((await api(base, 'GET', '/connectors')).body.sort(), ['gen', 'out'], 'nothing was created');
  });

  test('GET connector, config, status, tasks, tasks-config, task status; 404s with Kafka messages', async () => {
    const info = await api(base, 'GET', '/connectors/gen');
    assert.deepEqual(info.body.tasks, [{ connector: 'gen', task: 0 }]);
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/config')).body, { ...slowGen('orders'), name: 'gen' });
    const tasks = await api(base, 'GET', '/connectors/gen/tasks');
    assert.equal(tasks.status, 200);
    assert.deepEqual(tasks.body[0].id, { connector: 'gen', task: 0 });
    assert.equal(typeof tasks.body[0].config['task.class'], 'string');
    const tasksConfig = await api(base, 'GET', '/connectors/gen/tasks-config');
    assert.deepEqual(tasksConfig.body, { 'gen-0': tasks.body[0].config });
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/tasks/0/status')).body, { id: 0, state: 'RUNNING', worker_id: 'w1:8083' });

    const cases: Array<[string, string, number, string]> = [
      ['GET', '/connectors/nope', 404, 'Connector nope not found'],
      ['GET', '/connectors/nope/config', 404, 'Connector nope not found'],
      ['GET', '/connectors/nope/status', 404, 'No status found for connector nope'],
      ['GET', '/connectors/nope/tasks', 404, 'Connector nope not found'],
      ['GET', '/connectors/nope/tasks-config', 404, 'Connector nope not found'],
      ['GET', '/connectors/gen/tasks/7/status', 404, 'No status found for task gen-7'],
      ['GET', '/connectors/gen/tasks/x/status', 404, 'HTTP 404 Not Found'],
      ['DELETE', '/connectors/nope', 404, 'Connector nope not found'],
      ['PUT', '/connectors/nope/pause', 404, 'Unknown connector nope'],
      ['PUT', '/connectors/nope/resume', 404, 'Unknown connector nope'],
      ['PUT', '/connectors/nope/stop', 404, 'Connector nope not found'],
      ['POST', '/connectors/nope/restart', 404, 'Connector nope not found'],
      ['POST', '/connectors/nope/tasks/0/restart', 404, 'Connector nope not found'],
      ['POST', '/connectors/gen/tasks/3/restart', 404, 'Task gen-3 not found'],
      ['GET', '/connectors/nope/offsets', 404, 'Connector nope not found'],
      ['DELETE', '/connectors/nope/offsets', 404, 'Connector nope not found'],
      ['GET', '/no/such/path', 404, 'HTTP 404 Not Found'],
      ['PATCH', '/connectors', 405, 'HTTP 405 Method Not Allowed'],
    ];
    for (const [method, path, status, message] of cases) {
      const r = await api(base, method, path);
      assert.deepEqual([r.status, r.body], [status, { error_code: status, message }], `${method} ${path}`);
    }
    const patchMissing = await api(base, 'PATCH', '/connectors/nope/config', { 'tasks.max': '2' });
    assert.deepEqual([patchMissing.status, patchMissing.body.message], [404, 'Connector nope not found']);
  });

  test('PUT config: 201 create, 200 update (restarts with the new config); PATCH merges and removes keys', async () => {
    const created = await api(base, 'PUT', '/connectors/gen2/config', slowGen('other'));
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), `${base}/connectors/gen2`);
    assert.deepEqual(created.body, { name: 'gen2', config: { ...slowGen('other'), name: 'gen2' }, tasks: [], type: 'source' });
    await waitForStates(base, 'gen2', 'RUNNING RUNNING');
    const updated = await api(base, 'PUT', '/connectors/gen2/config', { ...slowGen('other'), 'tasks.max': '2', 'batch.size': '10' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.config['tasks.max'], '2');
    await waitForStates(base, 'gen2', 'RUNNING RUNNING RUNNING');
    const mismatch = await api(base, 'PUT', '/connectors/gen2/config', { ...slowGen('other'), name: 'zzz' });
    assert.equal(mismatch.status, 400);
    const invalid = await api(base, 'PUT', '/connectors/gen2/config', { ...slowGen('other'), 'tasks.max': '0' });
    assert.equal(invalid.status, 400);
    assert.equal((await api(base, 'GET', '/connectors/gen2/config')).body['tasks.max'], '2', 'an invalid update changes nothing');

    const patched = await api(base, 'PATCH', '/connectors/gen2/config', { 'batch.size': null, 'tasks.max': '1' });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.config, { ...slowGen('other'), 'tasks.max': '1', name: 'gen2' });
    await waitForStates(base, 'gen2', 'RUNNING RUNNING');
    const del = await api(base, 'DELETE', '/connectors/gen2');
    assert.deepEqual([del.status, del.text], [204, '']);
    assert.equal((await api(base, 'GET', '/connectors/gen2')).status, 404);
  });

  test('pause 202, resume 202, stop 204 (tasks: []), with empty bodies', async () => {
    const p = await api(base, 'PUT', '/connectors/gen/pause');
    assert.deepEqual([p.status, p.text], [202, '']);
    await waitForStates(base, 'gen', 'PAUSED PAUSED');
    const r = await api(base, 'PUT', '/connectors/gen/resume');
    assert.deepEqual([r.status, r.text], [202, '']);
    await waitForStates(base, 'gen', 'RUNNING RUNNING');
    const s = await api(base, 'PUT', '/connectors/gen/stop');
    assert.deepEqual([s.status, s.text], [204, '']);
    const status = await api(base, 'GET', '/connectors/gen/status');
    assert.deepEqual(status.body, { name: 'gen', connector: { state: 'STOPPED', worker_id: 'w1:8083' }, tasks: [], type: 'source' });
    assert.deepEqual((await api(base, 'GET', '/connectors/gen')).body.tasks, []);
    assert.equal((await api(base, 'PUT', '/connectors/gen/resume')).status, 202);
    await waitForStates(base, 'gen', 'RUNNING RUNNING');
  });

  test('restart: 204 alone; 202 + status with RESTARTING when includeTasks/onlyFailed; task restart 204', async () => {
    const alone = await api(base, 'POST', '/connectors/gen/restart');
    assert.deepEqual([alone.status, alone.text], [204, '']);
    const withTasks = await api(base, 'POST', '/connectors/gen/restart?includeTasks=true');
    assert.equal(withTasks.status, 202);
    assert.deepEqual(withTasks.body, {
      name: 'gen',
      connector: { state: 'RESTARTING', worker_id: 'w1:8083' },
      tasks: [{ id: 0, state: 'RESTARTING', worker_id: 'w1:8083' }],
      type: 'source',
    });
    await waitForStates(base, 'gen', 'RUNNING RUNNING');
    const onlyFailed = await api(base, 'POST', '/connectors/gen/restart?includeTasks=true&onlyFailed=true');
    assert.equal(onlyFailed.status, 202);
    assert.deepEqual([onlyFailed.body.connector.state, onlyFailed.body.tasks[0].state], ['RUNNING', 'RUNNING'], 'nothing failed: nothing restarts');
    const task = await api(base, 'POST', '/connectors/gen/tasks/0/restart');
    assert.deepEqual([task.status, task.text], [204, '']);
    await waitForStates(base, 'gen', 'RUNNING RUNNING');
  });

  test('offsets (KIP-875): source and sink shapes; alter/reset only when STOPPED', async () => {
    const src = await eventually(async () => {
      const r = await api(base, 'GET', '/connectors/gen/offsets');
      return r.body.offsets.length > 0 ? r : null;
    }, 'source offsets committed');
    assert.deepEqual(src.body.offsets.map((o: { partition: unknown }) => o.partition), [{ task: 0 }]);
    assert.equal(typeof src.body.offsets[0].offset.seq, 'number');
    const sink = await eventually(async () => {
      const r = await api(base, 'GET', '/connectors/out/offsets');
      return r.body.offsets.length > 0 ? r : null;
    }, 'sink offsets committed');
    assert.deepEqual(sink.body.offsets[0].partition, { kafka_topic: 'orders', kafka_partition: 0 });
    assert.deepEqual(Object.keys(sink.body.offsets[0].partition), ['kafka_partition', 'kafka_topic'], 'Kafka Connect\'s key order');
    assert.equal(typeof sink.body.offsets[0].offset.kafka_offset, 'number');

    const running = await api(base, 'PATCH', '/connectors/gen/offsets', { offsets: [{ partition: { task: 0 }, offset: { seq: 5 } }] });
    assert.deepEqual(running.body, {
      error_code: 400,
      message:
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/gen/stop' endpoint",
    });
    assert.equal((await api(base, 'DELETE', '/connectors/gen/offsets')).status, 400);

    assert.equal((await api(base, 'PUT', '/connectors/gen/stop')).status, 204);
    const empty = await api(base, 'PATCH', '/connectors/gen/offsets', { offsets: [] });
    assert.deepEqual([empty.status, empty.body.message], [400, 'Partitions / offsets need to be provided for an alter offsets request']);
    const nested = await api(base, 'PATCH', '/connectors/gen/offsets', { offsets: [{ partition: { task: 0 }, offset: { seq: [1] } }] });
    assert.equal(nested.status, 400);
    const altered = await api(base, 'PATCH', '/connectors/gen/offsets', { offsets: [{ partition: { task: 0 }, offset: { seq: 41 } }] });
    assert.deepEqual([altered.status, altered.body], [200, { message: 'The offsets for this connector have been altered successfully' }]);
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/offsets')).body, { offsets: [{ partition: { task: 0 }, offset: { seq: 41 } }] });
    const reset = await api(base, 'DELETE', '/connectors/gen/offsets');
    assert.deepEqual([reset.status, reset.body], [200, { message: 'The offsets for this connector have been reset successfully' }]);
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/offsets')).body, { offsets: [] });

    assert.equal((await api(base, 'PUT', '/connectors/out/stop')).status, 204);
    const badSink = await api(base, 'PATCH', '/connectors/out/offsets', { offsets: [{ partition: { kafka_topic: 'orders' }, offset: { kafka_offset: 1 } }] });
    assert.deepEqual([badSink.status, badSink.body.message], [400, "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"]);
    const badOffset = await api(base, 'PATCH', '/connectors/out/offsets', {
      offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: '0' }, offset: { kafka_offset: 'ten' } }],
    });
    assert.equal(badOffset.status, 400);
    assert.match(badOffset.body.message, /Failed to parse the following Kafka offset value in the provided offsets: 'ten'/);
    const sinkAltered = await api(base, 'PATCH', '/connectors/out/offsets', {
      offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: '0' }, offset: { kafka_offset: '3' } }],
    });
    assert.deepEqual([sinkAltered.status, sinkAltered.body.message], [200, 'The offsets for this connector have been altered successfully']);
    assert.deepEqual((await api(base, 'GET', '/connectors/out/offsets')).body, {
      offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 3 } }],
    });
    assert.equal((await api(base, 'PUT', '/connectors/out/resume')).status, 202);
    assert.equal((await api(base, 'PUT', '/connectors/gen/resume')).status, 202);
    await waitForStates(base, 'gen', 'RUNNING RUNNING');
    await waitForStates(base, 'out', 'RUNNING RUNNING');
  });

  test('active topics (KIP-558): tracked per connector, reset 202, unknown connector → empty', async () => {
    const topics = await eventually(async () => {
      const r = await api(base, 'GET', '/connectors/gen/topics');
      return r.body.gen.topics.length > 0 ? r : null;
    }, 'gen active topics');
    assert.deepEqual([topics.status, topics.body], [200, { gen: { topics: ['orders'] } }]);
    await eventually(async () => (await api(base, 'GET', '/connectors/out/topics')).body.out.topics[0] === 'orders', 'out active topics');
    const reset = await api(base, 'PUT', '/connectors/out/topics/reset');
    assert.deepEqual([reset.status, reset.text], [202, '']);
    assert.deepEqual((await api(base, 'GET', '/connectors/nope/topics')).body, { nope: { topics: [] } });
  });

  test('connector plugins: list, connectorsOnly=false, config, validate', async () => {
    const list = await api(base, 'GET', '/connector-plugins');
    assert.equal(list.status, 200);
    const types = list.body.map((p: { type: string }) => p.type);
    assert.deepEqual([...new Set(types)], ['sink', 'source'], 'sinks first, then sources, connectors only');
    assert.ok(list.body.some((p: { class: string }) => p.class === 'org.apache.kafka.connect.file.FileStreamSinkConnector'));
    const all = await api(base, 'GET', '/connector-plugins?connectorsOnly=false');
    assert.deepEqual([...new Set(all.body.map((p: { type: string }) => p.type))], ['sink', 'source', 'transformation', 'predicate', 'converter', 'header_converter']);
    assert.ok(all.body.some((p: { class: string }) => p.class === 'org.apache.kafka.connect.transforms.InsertField$Value'));
    assert.ok(all.body.some((p: { class: string; type: string }) => p.class === 'org.apache.kafka.connect.json.JsonConverter' && p.type === 'converter'));

    const config = await api(base, 'GET', '/connector-plugins/FileStreamSinkConnector/config');
    assert.equal(config.status, 200);
    const names = config.body.map((k: { name: string }) => k.name);
    assert.ok(names.includes('file') && names.includes('topics') && names.includes('tasks.max'));
    assert.deepEqual(Object.keys(config.body[0]), ['name', 'type', 'required', 'default_value', 'importance', 'documentation', 'group', 'order', 'width', 'display_name', 'dependents']);
    const smt = await api(base, 'GET', '/connector-plugins/org.apache.kafka.connect.transforms.RegexRouter/config');
    assert.deepEqual(smt.body.map((k: { name: string }) => k.name).sort(), ['regex', 'replacement']);
    assert.deepEqual((await api(base, 'GET', '/connector-plugins/com.example.Nope/config')).body, { error_code: 404, message: 'Unknown plugin com.example.Nope.' });

    const valid = await api(base, 'PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { ...fileSink('t', '/tmp/x'), name: 'v' });
    assert.deepEqual([valid.status, valid.body.name, valid.body.error_count], [200, 'FileStreamSink', 0]);
    const invalid = await api(base, 'PUT', '/connector-plugins/FileStreamSink/config/validate', { 'connector.class': 'FileStreamSink', 'tasks.max': 'x' });
    assert.equal(invalid.status, 200, 'validation answers 200 even when invalid');
    // name (required), topics and topics.regex (one of them), tasks.max (not an int)
    assert.equal(invalid.body.error_count, 4);
    const errorsOf = (key: string) => invalid.body.configs.find((c: { value: { name: string } | null }) => c.value?.name === key).value.errors;
    assert.equal(errorsOf('topics')[0], 'Must configure one of topics or topics.regex');
    assert.equal(errorsOf('tasks.max').length, 1);
    assert.deepEqual(invalid.body.groups.slice(0, 4), ['Common', 'Transforms', 'Predicates', 'Error Handling']);
    const mismatch = await api(base, 'PUT', '/connector-plugins/Datagen/config/validate', fileSink('t', '/tmp/x'));
    assert.deepEqual([mismatch.status, mismatch.body.message], [400, 'Included connector type FileStreamSink does not match request type Datagen']);
    const noClass = await api(base, 'PUT', '/connector-plugins/FileStreamSink/config/validate', { topics: 't' });
    assert.equal(noClass.status, 400);
    assert.match(noClass.body.message, /contains no connector type/);
    const wrongType = await api(base, 'PUT', '/connector-plugins/FileStreamSink/config/validate', undefined, { raw: '{}', contentType: 'text/plain' });
    assert.equal(wrongType.status, 415);
  });

  test('admin loggers', async () => {
    const list = await api(base, 'GET', '/admin/loggers');
    assert.deepEqual([list.status, Object.keys(list.body)], [200, ['root']]);
    const set = await api(base, 'PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'DEBUG' });
    assert.deepEqual([set.status, set.body], [200, ['org.apache.kafka.connect']]);
    const one = await api(base, 'GET', '/admin/loggers/org.apache.kafka.connect');
    assert.equal(one.body.level, 'DEBUG');
    assert.equal(typeof one.body.last_modified, 'number');
    assert.deepEqual(Object.keys((await api(base, 'GET', '/admin/loggers')).body), ['org.apache.kafka.connect', 'root']);
    const cluster = await api(base, 'PUT', '/admin/loggers/org.apache.kafka.connect?scope=cluster', { level: 'INFO' });
    assert.equal(cluster.status, 204);
    assert.deepEqual((await api(base, 'PUT', '/admin/loggers/x', { level: 'LOUD' })).body, { error_code: 404, message: "invalid log level 'LOUD'." });
    assert.equal((await api(base, 'PUT', '/admin/loggers/x', {})).status, 400);
    assert.deepEqual((await api(base, 'GET', '/admin/loggers/com.example')).body, { error_code: 404, message: 'Logger com.example not found.' });
    assert.equal((await api(base, 'PUT', '/admin/loggers/x', undefined, { raw: 'level=INFO', contentType: 'text/plain' })).status, 415);
  });

  test('standalone: internal endpoints unsupported (500)', async () => {
    const tasks = await api(base, 'POST', '/connectors/gen/tasks', [{}]);
    assert.equal(tasks.status, 500);
    assert.equal((await api(base, 'PUT', '/connectors/gen/fence')).status, 500);
  });

  test('DELETE /connectors/{c}: 204, gone, its topics forgotten', async () => {
    const r = await api(base, 'DELETE', '/connectors/gen');
    assert.deepEqual([r.status, r.text], [204, '']);
    assert.equal((await api(base, 'GET', '/connectors/gen')).status, 404);
    assert.deepEqual((await api(base, 'GET', '/connectors/gen/topics')).body, { gen: { topics: [] } });
    assert.deepEqual((await api(base, 'GET', '/connectors')).body, ['out']);
  });
});
