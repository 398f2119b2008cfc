import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { readJavaByteArrayMap } from '../../../src/streams/offsets/java-offsets-file.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FileOffsetStore,
  MemoryOffsetStore,
  OffsetFormatException,
  offsetKey,
  offsetValue,
  readJson,
  writeJson,
} from '../../../src/streams/index.js';

describe('offset JSON (Kafka Connect offsets topic format)', () => {
  test('keys are ["<connector>",{partition}] compact, in the map key order', () => {
    assert.equal(offsetKey('file-src', { filename: '/tmp/in.txt' }), '["file-src",{"filename":"/tmp/in.txt"}]');
    assert.equal(offsetKey('c', { table: 'orders', shard: 3 }), '["c",{"table":"orders","shard":3}]');
    assert.equal(offsetKey('c', null), '["c",null]');
  });

  test('integers are plain numbers; a bigint beyond 2^53 keeps every digit both ways', () => {
    const big = 2n ** 62n + 7n;
    assert.equal(offsetValue({ position: 4096, big, ok: true, s: 'x' }), `{"position":4096,"big":${big},"ok":true,"s":"x"}`);
    assert.deepEqual(readJson(`{"big":${big},"small":42,"d":1.5}`), { big, small: 42, d: 1.5 });
    assert.equal(writeJson(1.5), '1.5');
    assert.equal(writeJson('tab\there\u0001'), '"tab\\there\\u0001"', 'escapes as Jackson does');
  });

  test('rejects offsets holding maps or lists, as Kafka Connect does', async () => {
    const store = new MemoryOffsetStore();
    await assert.rejects(store.set('c', [[{ p: 1 }, { nested: { a: 1 } }]]), OffsetFormatException);
  });
});

const readBytes = (path: string): Buffer => readFileSync(path);

describe('FileOffsetStore', () => {
  const withDir = async (fn: (dir: string) => Promise<void>) => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-offsets-'));
    try {
      await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  test('persists offsets per connector and reloads them in a new instance', () =>
    withDir(async (dir) => {
      const path = join(dir, 'connect.offsets');
      const a = new FileOffsetStore(path);
      await a.start();
      const big = 9007199254740993n;
      await a.set('src', [
        [{ file: 'a' }, { pos: 10 }],
        [{ file: 'b' }, { pos: big }],
      ]);
      await a.set('other', [[{ file: 'a' }, { pos: 1 }]]);
      await a.set('src', [[{ file: 'a' }, { pos: 11 }]]);
      await a.stop();

      const text = await readFile(path, 'utf8');
      assert.match(text, /"\[\\"src\\",\{\\"file\\":\\"a\\"\}\]":\{"pos":11\}/);

      const b = new FileOffsetStore(path);
      await b.start();
      const got = await b.get('src', [{ file: 'a' }, { file: 'b' }, { file: 'c' }]);
      assert.deepEqual([...got.values()], [{ pos: 11 }, { pos: big }, null]);
      assert.deepEqual(await b.all('other'), [[{ file: 'a' }, { pos: 1 }]]);
      // A null offset removes the partition.
      await b.set('src', [[{ file: 'b' }, null]]);
      const c = new FileOffsetStore(path);
      await c.start();
      assert.deepEqual(await c.all('src'), [[{ file: 'a' }, { pos: 11 }]]);
    }));

  test('a torn temp file from a crash mid-write does not corrupt the committed offsets', () =>
    withDir(async (dir) => {
      const path = join(dir, 'connect.offsets');
      const a = new FileOffsetStore(path);
      await a.start();
      await a.set('src', [[{ file: 'a' }, { pos: 5 }]]);
      // The crash: the next write got as far as half a temp file, never renamed.
      const full = '{\n"[\\"src\\",{\\"file\\":\\"a\\"}]":{"pos":6}\n}\n';
      await writeFile(`${path}.tmp`, full.slice(0, 17));

      const b = new FileOffsetStore(path);
      await b.start();
      assert.deepEqual(await b.all('src'), [[{ file: 'a' }, { pos: 5 }]]);
      // The store keeps working and replaces the leftover.
      await b.set('src', [[{ file: 'a' }, { pos: 7 }]]);
      const c = new FileOffsetStore(path);
      await c.start();
      assert.deepEqual(await c.all('src'), [[{ file: 'a' }, { pos: 7 }]]);
    }));

  test('a failed write leaves the file and the in-memory view as they were', () =>
    withDir(async (dir) => {
      const path = join(dir, 'connect.offsets');
      const a = new FileOffsetStore(path);
      await a.start();
      await a.set('src', [[{ file: 'a' }, { pos: 1 }]]);
      // Make the temp path a directory: opening it for writing fails.
      const { mkdir } = await import('node:fs/promises');
      await mkdir(`${path}.tmp`);
      await assert.rejects(a.set('src', [[{ file: 'a' }, { pos: 2 }]]), /cannot write/);
      assert.deepEqual(await a.all('src'), [[{ file: 'a' }, { pos: 1 }]]);
      const b = new FileOffsetStore(path);
      await b.start();
      assert.deepEqual(await b.all('src'), [[{ file: 'a' }, { pos: 1 }]]);
    }));

  // Written by test/fixtures/offsets/WriteStandaloneOffsets.java exactly as Kafka Connect's FileOffsetBackingStore.save() writes.
  const JAVA_FILE = fileURLToPath(new URL('../../fixtures/offsets/kafka-connect-standalone.offsets', import.meta.url));

  test('Kafka Connect\'s standalone offsets file is imported once, the original kept, and says so', () =>
    withDir(async (dir) => {
      const path = join(dir, 'connect.offsets');
      await copyFile(JAVA_FILE, path);
      const original = await readFile(path);
      const said: string[] = [];
      const log = { debug() {}, warn() {}, error() {}, info: (_: object, msg?: string) => void said.push(msg ?? '') };
      const a = new FileOffsetStore(path, log);
      await a.start();
      assert.deepEqual(await a.all('file-source'), [[{ filename: '/data/in.txt' }, { position: 1234 }]]);
      assert.deepEqual(await a.all('jdbc'), [[{ protocol: '1', table: 'test.orders' }, { incrementing: 42 }]]);
      assert.deepEqual(await a.all('gone'), [], 'a deleted offset stays deleted');
      assert.match(said.join('\n'), /imported 2 offsets from Kafka Connect's standalone offsets file.*kept at .*connect\.offsets\.kafka-connect/);
      assert.deepEqual(await readFile(`${path}.kafka-connect`), original, 'the original is kept as it was');
      // The file is Sluice's JSON now: a second start reads it without importing again.
      assert.match(await readFile(path, 'utf8'), /^\{\n"\[\\"/);
      said.length = 0;
      const b = new FileOffsetStore(path, log);
      await b.start();
      assert.deepEqual(await b.all('file-source'), [[{ filename: '/data/in.txt' }, { position: 1234 }]]);
      assert.deepEqual(said, []);
    }));

  test('binary data that is not an offsets file is refused naming what was found', () =>
    withDir(async (dir) => {
      const path = join(dir, 'connect.offsets');
      await writeFile(path, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
      await assert.rejects(new FileOffsetStore(path).start(), /binary data starting 0x504b0304.*neither Sluice's JSON offsets nor Kafka Connect's Java-serialized offsets map/);
      const javaString = Buffer.from([0xac, 0xed, 0x00, 0x05, 0x74, 0x00, 0x02, 0x68, 0x69]);
      await writeFile(path, javaString);
      await assert.rejects(new FileOffsetStore(path).start(), /a Java-serialized file that is not Kafka Connect's offsets map/);
    }));

  test('the Java reader never reads past its input: every truncation of the file is refused, never misread', () => {
    const bytes = readBytes(JAVA_FILE);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (n) => {
        assert.throws(() => readJavaByteArrayMap(bytes.subarray(0, n)), /Java serialization stream|not a Java/);
      }),
    );
    assert.equal(readJavaByteArrayMap(bytes).length, 3);
  });

  test('a corrupt committed file is refused with the path in the error', () =>
    withDir(async (dir) => {
      const path = join(dir, 'connect.offsets');
      await writeFile(path, '{"[\\"src\\",');
      await assert.rejects(new FileOffsetStore(path).start(), (e: Error) => e.message.includes(path) && /corrupt/.test(e.message));
    }));
});
