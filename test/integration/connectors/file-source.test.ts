import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileStreamSourceConnector, FileStreamSourceTask } from '../../../src/connectors/file/index.js';
import type { ConnectorConfig, OffsetStorageReader } from '../../../src/connectors/api/index.js';
import { Schema, type OffsetMap, type SourceRecord } from '../../../src/data/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-file-source-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function offsetReader(stored: Map<string, OffsetMap> = new Map()): OffsetStorageReader {
  return {
    offset: async (p) => stored.get(JSON.stringify(p)) ?? null,
    offsets: async (ps) => new Map(ps.map((p) => [p, stored.get(JSON.stringify(p)) ?? null])),
  };
}

/** Starts a task the way the runtime does: connector → task config → initialize → start. */
async function startTask(
  props: Record<string, string>,
  stored?: Map<string, OffsetMap>,
  tweak?: (t: FileStreamSourceTask) => void,
): Promise<FileStreamSourceTask> {
  const connector = new FileStreamSourceConnector();
  connector.start({ name: 'files', 'connector.class': 'FileStreamSource', topic: 'lines', ...props });
  const [config] = connector.taskConfigs(1) as [ConnectorConfig];
  const TaskClass = connector.taskClass();
  const task = new TaskClass() as FileStreamSourceTask;
  task.initialize({ configs: () => config, offsetStorageReader: offsetReader(stored) });
  tweak?.(task);
  await task.start(config);
  return task;
}

const signal = new AbortController().signal;

/** Polls until `n` records arrived (each poll returns within about a second when idle). */
async function pollN(task: FileStreamSourceTask, n: number): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  let idle = 0;
  while (out.length < n) {
    const batch = await task.poll(signal);
    if (batch && batch.length) {
      out.push(...batch);
      idle = 0;
    } else if (++idle > 5) {
      assert.fail(`expected ${n} records, got ${out.length}`);
    }
  }
  return out;
}

describe('FileStreamSourceTask against real files', () => {
  test('lines become STRING records with {filename} → {position} offsets', async () => {
    const file = join(dir, 'basic.txt');
    await writeFile(file, 'alpha\nbeta\r\ngamma\n');
    const task = await startTask({ file });
    const records = await pollN(task, 3);
    assert.deepEqual(records.map((r) => r.value), ['alpha', 'beta', 'gamma']);
    for (const r of records) {
      assert.equal(r.topic, 'lines');
      assert.equal(r.valueSchema, Schema.STRING);
      assert.equal(r.key, null);
      assert.equal(r.keySchema, null);
      assert.deepEqual(r.sourcePartition, { filename: file });
      assert.equal(typeof r.timestamp, 'number');
    }
    assert.deepEqual(records.map((r) => r.sourceOffset), [{ position: 6 }, { position: 12 }, { position: 18 }]);
    assert.equal(task.isFinished(), false, 'a file is followed, never finished');
    await task.stop();
  });

  test('a growing file: idle polls return null, appended lines (even written in pieces) arrive', async () => {
    const file = join(dir, 'growing.txt');
    await writeFile(file, 'first\n');
    const task = await startTask({ file });
    assert.deepEqual((await pollN(task, 1)).map((r) => r.value), ['first']);
    assert.equal(await task.poll(signal), null, 'no new data: null after a short wait');
    await appendFile(file, 'sec');
    assert.equal(await task.poll(signal), null, 'half a line is not a record');
    await appendFile(file, 'ond\nthird\n');
    const more = await pollN(task, 2);
    assert.deepEqual(more.map((r) => r.value), ['second', 'third']);
    assert.deepEqual(more.map((r) => r.sourceOffset['position']), [13, 19]);
    await task.stop();
  });

  test('resumes from the stored position', async () => {
    const file = join(dir, 'resume.txt');
    await writeFile(file, 'one\ntwo\nthree\nfour\n');
    const first = await startTask({ file });
    const [, two] = await pollN(first, 2);
    await first.stop();
    const stored = new Map([[JSON.stringify(two!.sourcePartition), two!.sourceOffset]]);
    const second = await startTask({ file }, stored);
    const rest = await pollN(second, 2);
    assert.deepEqual(rest.map((r) => r.value), ['three', 'four']);
    assert.deepEqual(rest.map((r) => r.sourceOffset), [{ position: 14 }, { position: 19 }]);
    await second.stop();
  });

  test('a stored position of the wrong type fails with the file named', async () => {
    const file = join(dir, 'bad-offset.txt');
    await writeFile(file, 'x\n');
    const task = await startTask({ file }, new Map([[JSON.stringify({ filename: file }), { position: 'abc' }]]));
    await assert.rejects(task.poll(signal), (e: Error) => /Offset position is the incorrect type/.test(e.message) && e.message.includes(file));
  });

  test('lines split across reads (7-byte reads, multi-byte characters, \\r\\n on the boundary)', async () => {
    const file = join(dir, 'split.txt');
    const lines = ['a line longer than seven bytes', 'ünïcödé ✓ text', 'x', '', 'crlf across\r', 'end'];
    await writeFile(file, lines.map((l) => (l.endsWith('\r') ? l + '\n' : l + '\n')).join(''));
    const task = await startTask({ file }, undefined, (t) => (t.chunkSize = 7));
    const records = await pollN(task, lines.length);
    assert.deepEqual(records.map((r) => r.value), ['a line longer than seven bytes', 'ünïcödé ✓ text', 'x', '', 'crlf across', 'end']);
    assert.equal(records.at(-1)!.sourceOffset['position'], Buffer.byteLength(lines.map((l) => l + '\n').join('')));
    await task.stop();
  });

  test('batch.size bounds each poll', async () => {
    const file = join(dir, 'batch.txt');
    await writeFile(file, Array.from({ length: 25 }, (_, i) => `l${i}\n`).join(''));
    const task = await startTask({ file, 'batch.size': '10' });
    assert.deepEqual([(await task.poll(signal))!.length, (await task.poll(signal))!.length, (await task.poll(signal))!.length], [10, 10, 5]);
    await task.stop();
  });

  test('a file that does not exist yet: null until it is created, then its lines', async () => {
    const file = join(dir, 'later.txt');
    const task = await startTask({ file });
    assert.equal(await task.poll(signal), null);
    await writeFile(file, 'now here\n');
    assert.deepEqual((await pollN(task, 1)).map((r) => r.value), ['now here']);
    await task.stop();
  });

  test('an aborted signal ends an idle poll with null', async () => {
    const file = join(dir, 'abort.txt');
    await writeFile(file, '');
    const task = await startTask({ file });
    const ac = new AbortController();
    const p = task.poll(ac.signal);
    ac.abort();
    assert.equal(await p, null);
    await task.stop();
  });

  test('stdin (no file): lines until the end of input, the last unterminated line included, then finished', async () => {
    const input = new PassThrough();
    const task = await startTask({}, undefined, (t) => (t.stdin = input));
    input.write('a\nb');
    const first = await pollN(task, 1);
    assert.deepEqual(first.map((r) => r.value), ['a']);
    assert.deepEqual(first[0]!.sourcePartition, { filename: null });
    assert.deepEqual(first[0]!.sourceOffset, { position: null });
    input.end('c\nlast');
    const rest = await pollN(task, 2);
    assert.deepEqual(rest.map((r) => r.value), ['bc', 'last']);
    assert.equal(task.isFinished(), true);
    assert.equal(await task.poll(signal), null);
    await task.stop();
  });

  test('a 50 MB file is read with flat memory and every line arrives in order', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const file = join(dir, 'big.txt');
    const LINES = 500_000;
    const line = (i: number) => `${String(i).padStart(9, '0')} ${'x'.repeat(89)}`; // 100 bytes with the newline
    const out = createWriteStream(file);
    for (let i = 0; i < LINES; i++) if (!out.write(line(i) + '\n')) await once(out, 'drain');
    out.end();
    await once(out, 'finish');

    const task = await startTask({ file });
    gc();
    const base = process.memoryUsage();
    let peak = 0;
    let n = 0;
    let polls = 0;
    while (n < LINES) {
      const batch = await task.poll(signal);
      assert.ok(batch && batch.length > 0, `poll ${polls} returned nothing after ${n} lines`);
      for (const r of batch) {
        if (r.value !== line(n)) assert.fail(`line ${n} is ${JSON.stringify(r.value)}`);
        n++;
      }
      if (++polls % 25 === 0) {
        gc();
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
      }
    }
    assert.equal(n, LINES);
    // Reading the whole file would hold ≥ 50 MB; bounded reads keep only a batch (2000 lines) and a chunk.
    assert.ok(peak < 16 * 1024 * 1024, `memory grew by ${(peak / 1048576).toFixed(1)} MiB while reading 50 MB`);
    await task.stop();
  });
});
