import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PipelineFileError,
  loadPipelineFiles,
  parsePipelineText,
  toConfigString,
  type PipelineProblem,
} from '../../../src/cli/pipeline-file.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { checkPipeline } from '../../../src/cli/check-pipeline.js';

const registry = PluginRegistry.withBuiltins();
let dir: string;
let n = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-pipeline-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(content: unknown): Promise<string> {
  const path = join(dir, `p${n++}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** The problems loadPipelineFiles reports (fails the test if it does not throw). */
async function problemsOf(paths: string[]): Promise<PipelineProblem[]> {
  try {
    await loadPipelineFiles(paths, registry);
  } catch (e) {
    assert.ok(e instanceof PipelineFileError, `expected a PipelineFileError, got ${e}`);
    return [...e.problems];
  }
  assert.fail('expected the pipeline to be refused');
}

const SINK = { 'connector.class': 'FileStreamSink', topics: 'orders', file: '/tmp/x.jsonl' };
const SOURCE = { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 10 };

describe('loadPipelineFiles: accepted shapes', () => {
  test('a pipeline file: worker + connectors, numbers and booleans become strings', async () => {
    const path = await file({
      $schema: '../schema/pipeline.schema.json',
      worker: { 'offset.flush.interval.ms': 1000, 'value.converter.schemas.enable': false },
      connectors: [
        { name: 'gen', config: SOURCE },
        { name: 'out', config: SINK, initial_state: 'PAUSED' },
      ],
    });
    const spec = await loadPipelineFiles([path], registry);
    assert.deepEqual(spec.worker, { 'offset.flush.interval.ms': '1000', 'value.converter.schemas.enable': 'false' });
    assert.deepEqual(spec.connectors, [
      { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': '10', name: 'gen' }, initialState: 'RUNNING', file: path },
      { name: 'out', config: { ...SINK, name: 'out' }, initialState: 'PAUSED', file: path },
    ]);
  });

  test('a bare Kafka Connect connector: flat map with name', async () => {
    const path = await file({ name: 'local-file-sink', ...SINK, 'tasks.max': '1' });
    const spec = await loadPipelineFiles([path], registry);
    assert.deepEqual(spec.worker, {});
    assert.deepEqual(spec.connectors, [{ name: 'local-file-sink', config: { name: 'local-file-sink', ...SINK, 'tasks.max': '1' }, initialState: 'RUNNING', file: path }]);
  });

  test('a bare CreateConnectorRequest, and a GET /connectors/{c} export (tasks, type ignored)', async () => {
    const a = await file({ name: 'c', config: SINK, initial_state: 'stopped' });
    const b = await file({ name: 'd', config: { ...SINK, name: 'd' }, tasks: [{ connector: 'd', task: 0 }], type: 'sink' });
    const c = await file({ config: { ...SINK, name: 'from-config' } });
    const spec = await loadPipelineFiles([a, b, c], registry);
    assert.deepEqual(spec.connectors.map((x) => [x.name, x.initialState, x.config['name']]), [
      ['c', 'STOPPED', 'c'], ['d', 'RUNNING', 'd'], ['from-config', 'RUNNING', 'from-config'],
    ]);
  });

  test('several files merge: worker keys agree, connectors accumulate', async () => {
    const worker = await file({ worker: { 'offset.flush.interval.ms': 500, 'sluice.max.in.flight.batches': 8 } });
    const conns = await file({ worker: { 'offset.flush.interval.ms': '500' }, connectors: [{ name: 'gen', config: SOURCE }] });
    const bare = await file({ name: 'out', ...SINK });
    const spec = await loadPipelineFiles([worker, conns, bare], registry);
    assert.deepEqual(spec.worker, { 'offset.flush.interval.ms': '500', 'sluice.max.in.flight.batches': '8' });
    assert.deepEqual(spec.connectors.map((c) => [c.name, c.file]), [['gen', conns], ['out', bare]]);
  });

  test('arrays of scalars are comma-joined (list keys)', async () => {
    const path = await file({ connectors: [{ name: 'out', config: { ...SINK, topics: ['a', 'b'], transforms: [] } }] });
    const spec = await loadPipelineFiles([path], registry);
    assert.equal(spec.connectors[0]!.config['topics'], 'a,b');
    assert.equal(spec.connectors[0]!.config['transforms'], '');
  });

  test('the shipped examples load', async () => {
    const quick = await loadPipelineFiles(['examples/quickstart.json'], registry);
    assert.equal(quick.worker['bootstrap.servers'], undefined, 'the quickstart runs in-process');
    const gen = quick.connectors.find((c) => c.config['connector.class'] === 'datagen')!;
    const sink = quick.connectors.find((c) => c.config['connector.class'] === 'FileStreamSink')!;
    assert.equal(gen.config['max.records'], '10000');
    assert.equal(gen.config['quickstart'], 'orders');
    assert.equal(sink.config['topics'], gen.config['kafka.topic']);
    assert.equal(sink.config['file'], '/tmp/sluice-quickstart/orders.jsonl');
    const kafka = await loadPipelineFiles(['examples/kafka-file.json'], registry);
    assert.equal(kafka.worker['bootstrap.servers'], '127.0.0.1:9092');
  });

  test('the JSON schema names the same shapes', async () => {
    const schema = JSON.parse(await readFile('schema/pipeline.schema.json', 'utf8'));
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(Object.keys(schema.$defs.pipeline.properties), ['$schema', 'worker', 'connectors']);
    assert.deepEqual(Object.keys(schema.$defs.connectorEntry.properties), ['name', 'config', 'initial_state']);
    assert.deepEqual(schema.$defs.initialState.enum, ['RUNNING', 'PAUSED', 'STOPPED']);
  });
});

describe('loadPipelineFiles: every kind of bad file, every problem', () => {
  test('unreadable file and invalid JSON (with line and column)', async () => {
    const broken = await file('{\n  "worker": {\n    "a": 1,\n  }\n}');
    const problems = await problemsOf([join(dir, 'missing.json'), broken]);
    assert.equal(problems.length, 2);
    assert.deepEqual(problems[0], { file: join(dir, 'missing.json'), reason: 'cannot read the file: no such file' });
    assert.equal(problems[1]!.file, broken);
    assert.match(problems[1]!.reason, /^invalid JSON at line 4, column 3/);
  });

  test('not an object, and an object that is neither a pipeline nor a connector', async () => {
    const arr = await file([1, 2]);
    const other = await file({ foo: 1 });
    const problems = await problemsOf([arr, other]);
    assert.match(problems[0]!.reason, /must hold a JSON object, got an array/);
    assert.match(problems[1]!.reason, /not a pipeline file .* nor a Kafka Connect connector config/);
  });

  test('unknown top-level keys and wrong types', async () => {
    const path = await file({ worker: ['x'], connectors: { name: 'x' }, conectors: [], $schema: 3 });
    const problems = await problemsOf([path]);
    assert.deepEqual(problems.map((p) => p.key), ['conectors', '$schema', 'worker', 'connectors']);
    assert.match(problems[0]!.reason, /unknown top-level key "conectors"/);
    assert.match(problems[2]!.reason, /"worker" must be an object/);
    assert.match(problems[3]!.reason, /"connectors" must be an array, got an object/);
  });

  test('connector entries: missing name and config, unknown keys, bad initial_state, bad values', async () => {
    const path = await file({
      connectors: [
        'just a string',
        { config: SINK },
        { name: 'no-config' },
        { name: 'typo', config: SINK, intial_state: 'PAUSED', initial_state: 'SLEEPING' },
        { name: 'values', config: { ...SINK, 'tasks.max': { n: 1 }, 'batch.size': null, big: 12345678901234567890 } },
        { name: 'mismatch', config: { ...SINK, name: 'other' } },
      ],
    });
    const problems = await problemsOf([path]);
    const summary = problems.map((p) => `${p.connector}|${p.key ?? ''}`);
    assert.deepEqual(summary.slice(0, 9), [
      'connectors[0]|',
      'connectors[1]|name',
      'no-config|config',
      'typo|intial_state',
      'typo|initial_state',
      'values|tasks.max',
      'values|batch.size',
      'values|big',
      'mismatch|name',
    ]);
    assert.match(problems[5]!.reason, /must be a string, number or boolean, got an object/);
    assert.match(problems[7]!.reason, /beyond 2\^53/);
    assert.match(problems[4]!.reason, /RUNNING, PAUSED, STOPPED/);
    assert.ok(problems.every((p) => p.file === path));
  });

  test('conflicting worker keys across files and duplicate connector names', async () => {
    const a = await file({ worker: { 'offset.flush.interval.ms': 1000 }, connectors: [{ name: 'out', config: SINK }] });
    const b = await file({ worker: { 'offset.flush.interval.ms': 2000 }, connectors: [{ name: 'out', config: SINK }, { name: 'x', config: SINK }, { name: 'x', config: SINK }] });
    const problems = await problemsOf([a, b]);
    assert.deepEqual(problems.map((p) => [p.file, p.connector, p.key]), [
      [b, undefined, 'offset.flush.interval.ms'],
      [b, 'out', undefined],
      [b, 'x', undefined],
    ]);
    assert.match(problems[0]!.reason, /conflicts with .*p\d+\.json \("1000" there, "2000" here\)/);
    assert.match(problems[1]!.reason, new RegExp(`already used in ${a.replaceAll('.', '\\.')}`));
    assert.match(problems[2]!.reason, /already used in this file/);
  });

  test('invalid worker keys are problems and unknown ones warnings, attributed to their file', async () => {
    const a = await file({ worker: { 'bootstrap.servers': 'nohostport' } });
    const b = await file({ worker: { 'ofset.storage.file.filename': '/tmp/o' }, connectors: [{ name: 'out', config: SINK }] });
    const problems = await problemsOf([a, b]);
    assert.deepEqual(problems.map((p) => [p.file, p.key]), [[a, 'bootstrap.servers']]);
    const spec = await loadPipelineFiles([b], registry);
    assert.deepEqual(spec.warnings?.map((w) => [w.file, w.key]), [[b, 'ofset.storage.file.filename']]);
    assert.match(spec.warnings![0]!.reason, /did you mean "offset\.storage\.file\.filename"/);
    assert.equal(spec.worker['ofset.storage.file.filename'], '/tmp/o', 'kept');
  });

  test('the worker section\'s override policy governs the connectors\' client overrides, with Kafka\'s message', async () => {
    const config = { 'connector.class': 'datagen', 'kafka.topic': 't', 'producer.override.linger.ms': '5' };
    const none = await file({ worker: { 'connector.client.config.override.policy': 'None' }, connectors: [{ name: 'gen', config }] });
    await assert.rejects(checkPipeline([none], registry), (e: unknown) => {
      assert.ok(e instanceof PipelineFileError);
      assert.deepEqual(e.problems.map((p) => [p.connector, p.key, p.reason]), [
        ['gen', 'producer.override.linger.ms', "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration."],
      ]);
      return true;
    });
    const all = await file({ worker: {}, connectors: [{ name: 'gen', config }] });
    assert.equal((await checkPipeline([all], registry)).connectors.length, 1);
  });

  test('unknown connector class, missing class', async () => {
    const path = await file({ connectors: [{ name: 'a', config: { 'connector.class': 'JdbcSinkConnectr' } }, { name: 'b', config: { topics: 't' } }] });
    const problems = await problemsOf([path]);
    assert.deepEqual(problems.map((p) => [p.connector, p.key]), [['a', 'connector.class'], ['b', 'connector.class']]);
    assert.match(problems[0]!.reason, /Failed to find any class .* JdbcSinkConnectr, available connectors are: .*FileStreamSinkConnector/);
    assert.match(problems[1]!.reason, /contains no connector type/);
  });

  test('every invalid connector key, through validation', async () => {
    const path = await file({
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', quickstart: 'pageviews', 'tasks.max': 0, 'key.feild': 'id' } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', file: '/tmp/o', 'errors.tolerance': 'most' } },
      ],
    });
    const problems = await problemsOf([path]);
    assert.deepEqual(problems.map((p) => `${p.connector}:${p.key}`), [
      'gen:tasks.max', 'gen:kafka.topic', 'gen:quickstart',
      'out:errors.tolerance', 'out:topics', 'out:topics.regex',
    ]);
  });

  test('keys nobody defines are kept, as Kafka Connect keeps them, and come back as warnings with a did-you-mean', async () => {
    const path = await file({
      connectors: [{ name: 'gen', config: { 'connector.class': 'datagen', quickstart: 'users', 'kafka.topic': 't', 'key.feild': 'id' } }],
    });
    const spec = await loadPipelineFiles([path], registry);
    assert.equal(spec.connectors[0]!.config['key.feild'], 'id');
    assert.deepEqual(spec.warnings, [
      { file: path, connector: 'gen', key: 'key.feild', reason: 'unknown connector configuration key "key.feild" (did you mean "key.field"?)' },
    ]);
  });

  test('files with no connectors at all', async () => {
    const path = await file({ worker: {} });
    const problems = await problemsOf([path]);
    assert.deepEqual(problems, [{ file: path, reason: 'no connectors defined' }]);
    await assert.rejects(loadPipelineFiles([], registry), PipelineFileError);
  });

  test('the error message lists every problem readably', async () => {
    const path = await file({ connectors: [{ name: 'out', config: { 'connector.class': 'FileStreamSink', 'tasks.max': 'x' } }] });
    await assert.rejects(loadPipelineFiles([path], registry), (e: unknown) => {
      assert.ok(e instanceof PipelineFileError);
      const lines = e.message.split('\n');
      assert.equal(lines[0], `Invalid pipeline (3 problems):`);
      assert.equal(lines[1], `  - ${path}: connector "out": "tasks.max": Invalid value x for configuration tasks.max: Not a number of type INT`);
      assert.match(lines[2]!, /connector "out": "topics": Must configure one of topics or topics.regex/);
      return true;
    });
  });
});

describe('parsePipelineText and toConfigString', () => {
  test('a flat connector whose name is not a string', () => {
    const r = parsePipelineText(JSON.stringify({ name: 5, 'connector.class': 'x' }), 'f.json');
    assert.deepEqual(r.problems, [{ file: 'f.json', key: 'name', reason: '"name" must be a non-empty string, got 5' }]);
  });

  test('value conversion', () => {
    assert.deepEqual(toConfigString('a'), { value: 'a' });
    assert.deepEqual(toConfigString(1.5), { value: '1.5' });
    assert.deepEqual(toConfigString(-3), { value: '-3' });
    assert.deepEqual(toConfigString(true), { value: 'true' });
    assert.deepEqual(toConfigString(['a', 1, false]), { value: 'a,1,false' });
    assert.ok('reason' in toConfigString(null));
    assert.ok('reason' in toConfigString({}));
    assert.ok('reason' in toConfigString([['nested']]));
    assert.ok('reason' in toConfigString([null]));
    assert.ok('reason' in toConfigString(2 ** 60));
  });
});
