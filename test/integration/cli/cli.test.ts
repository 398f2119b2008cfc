import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../support/processes.js';
import { completeness, orderIds, sluiceToEnd, tempDir, writeJson } from './support.js';

const N = 5000;

function inProcessPipeline(dir: string, n = N) {
  return {
    worker: {
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': false,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': false,
    },
    connectors: [
      { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': n, 'random.seed': 7 } },
      {
        name: 'out',
        config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: join(dir, 'orders.jsonl'), 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
      },
    ],
  };
}

describe('sluice CLI (separate process)', () => {
  test('in-process mode moves every record with no broker and ends by itself', async () => {
    const dir = tempDir('inproc');
    const file = writeJson(dir, 'pipeline.json', inProcessPipeline(dir));
    const r = await sluiceToEnd(['run', file]);
    assert.equal(r.code, 0, r.stderr);
    const ids = orderIds(join(dir, 'orders.jsonl'));
    assert.deepEqual(ids, Array.from({ length: N }, (_, i) => i), 'every id once, in order');
    const end = r.logs.find((l) => l['msg'] === 'run ended')!;
    assert.equal(end['reason'], 'pipeline finished');
    const tasks = end['tasks'] as Array<{ connector: string; records: number; finished: boolean }>;
    assert.deepEqual(tasks.map((t) => [t.connector, t.records, t.finished]), [['gen', N, true], ['out', N, false]]);
  });

  test('in-process, a bounded run ends once its sinks committed every record, without the quiet period (--idle-ms 600000), on the main thread and on task threads', { timeout: 180_000 }, async () => {
    for (const threads of [0, 2]) {
      const dir = tempDir(`inproc-noquiet-${threads}`);
      const pipeline = inProcessPipeline(dir, 2000);
      const file = writeJson(dir, 'pipeline.json', { ...pipeline, worker: { ...pipeline.worker, 'sluice.task.threads': threads } });
      // With the quiet period it would wait ten minutes after the last record: past this test's time budget.
      const r = await sluiceToEnd(['run', file, '--idle-ms', '600000']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(orderIds(join(dir, 'orders.jsonl')), Array.from({ length: 2000 }, (_, i) => i), `threads=${threads}: every id once, in order`);
      assert.equal(r.logs.find((l) => l['msg'] === 'run ended')?.['reason'], 'pipeline finished');
    }
  });

  test('a Kafka Connect standalone offsets file is imported: FileStreamSource resumes where Java stopped', async () => {
    const dir = tempDir('javaoffsets');
    const input = join(dir, 'in.txt');
    const lines = Array.from({ length: 100 }, (_, i) => `line-${i}`);
    writeFileSync(input, lines.map((l) => `${l}\n`).join(''));
    const done = lines.slice(0, 40).reduce((n, l) => n + l.length + 1, 0);
    const offsets = join(dir, 'standalone.offsets');
    // Written as Kafka Connect's FileOffsetBackingStore writes it (a Java-serialized HashMap<byte[], byte[]>).
    execFileSync('java', [join(REPO, 'test', 'fixtures', 'offsets', 'WriteStandaloneOffsets.java'), offsets,
      JSON.stringify(['lines', { filename: input }]), JSON.stringify({ position: done })], { cwd: dir, timeout: 60_000 });
    const out = join(dir, 'out.txt');
    const file = writeJson(dir, 'pipeline.json', {
      worker: { 'offset.storage.file.filename': offsets, 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
      connectors: [
        { name: 'lines', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'lines' } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'lines', file: out } },
      ],
    });
    const r = await sluiceToEnd(['run', file, '--until-idle', '--idle-ms', '1500']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(out, 'utf8').split('\n').filter(Boolean), lines.slice(40), 'each line after Java\'s position, once');
    assert.ok(r.logs.some((l) => /imported 1 offsets from Kafka Connect's standalone offsets file/.test(String(l['msg']))), 'says so');
    assert.ok(existsSync(`${offsets}.kafka-connect`), 'the original is kept');
    assert.match(readFileSync(offsets, 'utf8'), /"position":\d+/, 'the file is Sluice\'s JSON now');
  });

  test('validate accepts a good file and exits 0', async () => {
    const dir = tempDir('valid');
    const file = writeJson(dir, 'pipeline.json', inProcessPipeline(dir));
    const r = await sluiceToEnd(['validate', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK: .*pipeline\.json: 2 connectors: gen \(datagen\), out \(FileStreamSink\)/);
    // Kafka Connect keeps a worker key it does not know and warns; so does Sluice, with a did-you-mean.
    const spec = inProcessPipeline(dir);
    const typo = writeJson(dir, 'typo.json', { ...spec, worker: { ...spec.worker, 'offset.flush.intervl.ms': 1000 } });
    const t = await sluiceToEnd(['validate', typo]);
    assert.equal(t.code, 0, t.stdout);
    assert.match(t.stderr, /typo\.json: "offset\.flush\.intervl\.ms": unknown worker configuration key .*did you mean "offset\.flush\.interval\.ms"/);
  });

  test('bad pipeline files: validate prints every problem (file, connector, key, reason) and exits 2', async () => {
    const dir = tempDir('bad');
    const bad = writeJson(dir, 'bad.json', {
      worker: { 'offset.flush.intervl.ms': 1000 },
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'tasks.max': 0, 'sluice.restart.policy': 'always' } },
        { name: 'out', config: { 'connector.class': 'NoSuchSink', topics: 'orders' } },
      ],
    });
    const broken = writeJson(dir, 'broken.json', '{ "worker": { }, "connectors": [ ');
    const r = await sluiceToEnd(['validate', bad, broken]);
    assert.equal(r.code, 2);
    const out = r.stdout;
    // A misspelt worker key is kept and warned about, as Kafka Connect does; it is not one of the problems.
    assert.doesNotMatch(out, /offset\.flush\.intervl\.ms/);
    assert.match(out, /bad\.json: connector "gen": "tasks\.max": .*at least 1/);
    assert.match(out, /bad\.json: connector "gen": "sluice\.restart\.policy": .*none, on-failure/);
    assert.match(out, /bad\.json: connector "out": "connector\.class": .*NoSuchSink/);
    assert.match(out, /broken\.json: invalid JSON/);
    const json = await sluiceToEnd(['validate', '--json', bad]);
    assert.equal(json.code, 2);
    const body = JSON.parse(json.stdout) as { valid: boolean; problems: Array<{ file: string; connector?: string; key?: string; reason: string }> };
    assert.equal(body.valid, false);
    assert.ok(body.problems.some((p) => p.connector === 'gen' && p.key === 'tasks.max'));
  });

  test('run refuses a bad pipeline with the same problems and exit code 2, starting nothing', async () => {
    const dir = tempDir('badrun');
    const spec = inProcessPipeline(dir);
    (spec.connectors[1]!.config as Record<string, unknown>)['topics'] = '';
    const file = writeJson(dir, 'pipeline.json', spec);
    const r = await sluiceToEnd(['run', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the pipeline cannot run/);
    assert.match(r.stderr, /connector "out": "topics": Must configure one of topics or topics\.regex/);
    assert.deepEqual(orderIds(join(dir, 'orders.jsonl')), []);
  });

  test('a worker that cannot reach its Kafka cluster fails startup with exit code 5 (unavailable, not a config error)', async () => {
    const dir = tempDir('nokafka');
    const spec = { ...inProcessPipeline(dir), worker: { 'bootstrap.servers': '127.0.0.1:9' } };
    const r = await sluiceToEnd(['run', writeJson(dir, 'pipeline.json', spec)]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /the worker could not start: cannot reach Kafka at 127\.0\.0\.1:9 \(bootstrap\.servers\)/);
  });

  test('a missing file and usage mistakes', async () => {
    const missing = await sluiceToEnd(['run', '/nonexistent/pipeline.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /\/nonexistent\/pipeline\.json: cannot read the file: no such file/);
    const usage = await sluiceToEnd(['run']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /at least one pipeline file/);
  });

  test('--help, --version and plugins', async () => {
    const help = await sluiceToEnd(['--help'], { viaBin: true }); // bin/sluice.js itself, as users start it
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: sluice <command>/);
    const version = await sluiceToEnd(['--version'], { viaBin: true });
    assert.match(version.stdout, /^sluice \d+\.\d+\.\d+/);
    const plugins = await sluiceToEnd(['plugins', '--json']);
    assert.equal(plugins.code, 0);
    const list = JSON.parse(plugins.stdout) as Array<{ class: string; type: string; config: Array<{ name: string }> }>;
    const sink = list.find((p) => p.class === 'org.apache.kafka.connect.file.FileStreamSinkConnector')!;
    assert.equal(sink.type, 'sink');
    assert.ok(sink.config.some((k) => k.name === 'file'));
    assert.ok(list.some((p) => p.type === 'source' && /datagen/i.test(p.class)));
  });
});
