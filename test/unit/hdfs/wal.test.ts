import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalStorage } from '../../../src/connectors/hdfs/storage/index.js';
import { Wal, readWal, readVLong, writeVLong, walEntryPath } from '../../../src/connectors/hdfs/wal.js';
import { committedFileName, parseCommittedFileName, resolveDirTemplate, zeroPad } from '../../../src/connectors/hdfs/naming.js';
import { removeDir, tempDir } from './support.js';

describe('file names', () => {
  test('<topic>+<partition>+<start>+<end><ext>, zero-padded, never cut', () => {
    assert.equal(committedFileName('orders', 3, 1000, 1999, '.avro', 10), 'orders+3+0000001000+0000001999.avro');
    assert.equal(committedFileName('a.b-c_d', 0, 12345, 123456, '.parquet', 3), 'a.b-c_d+0+12345+123456.parquet');
    assert.equal(committedFileName('t', 0, 5, 6, '.json', 0), 't+0+5+6.json');
    assert.equal(zeroPad(7, 4), '0007');
    assert.deepEqual(parseCommittedFileName('orders+3+0000001000+0000001999.avro'), { topic: 'orders', partition: 3, startOffset: 1000, endOffset: 1999, extension: '.avro' });
    assert.deepEqual(parseCommittedFileName('t+0+1+2'), { topic: 't', partition: 0, startOffset: 1, endOffset: 2, extension: '' });
    for (const bad of ['t+0+1.avro', '6f1c-2d_tmp.avro', 'x+y+1+2.avro', 't+0+1+2.avro.bak', 'log']) assert.equal(parseCommittedFileName(bad), null, bad);
  });

  test('${topic} and capture groups in topics.dir / logs.dir', () => {
    assert.equal(resolveDirTemplate('data/${topic}/raw', 'orders', null, 'topics.dir'), 'data/orders/raw');
    const re = /^(?:([a-z]+)\.([a-z]+))$/;
    assert.equal(resolveDirTemplate('${1}/${2}/${0}', 'sales.orders', re, 'topics.dir'), 'sales/orders/sales.orders');
    assert.throws(() => resolveDirTemplate('${1}', 'nodots', re, 'topics.dir'), /does not match/);
  });
});

describe('write-ahead log (Confluent WALFile format)', () => {
  test('Hadoop vlongs', () => {
    const cases: [number, number[]][] = [[0, [0x00]], [127, [0x7f]], [-112, [0x90]], [128, [0x8f, 0x80]], [300, [0x8e, 0x01, 0x2c]], [-113, [0x87, 0x70]], [65536, [0x8d, 0x01, 0x00, 0x00]]];
    for (const [n, bytes] of cases) {
      assert.deepEqual([...writeVLong(n)], bytes, `write ${n}`);
      assert.deepEqual(readVLong(Buffer.from(bytes), 0), { value: n, size: bytes.length }, `read ${n}`);
    }
  });

  test('blocks round-trip; a torn tail or an open block is ignored; garbage is reported as corrupt', async () => {
    const dir = await tempDir();
    try {
      const s = new LocalStorage(`file://${dir}`);
      const wal = new Wal(s, join(dir, 'logs/t/0'));
      const many = Array.from({ length: 150 }, (_, i) => ({ tempFile: `/x/${i}_tmp.avro`, committedFile: `/y/t+0+${i}+${i}.avro` }));
      await wal.append([{ tempFile: '/a_tmp.avro', committedFile: '/d/t+0+0000000000+0000000004.avro' }]);
      await wal.append(many);
      const bytes = await readFile(join(dir, 'logs/t/0/log'));
      assert.deepEqual([...bytes.subarray(0, 4)], [0x57, 0x41, 0x4c, 0]);
      const r = readWal(bytes);
      assert.equal(r.blocks.length, 2);
      assert.equal(r.blocks[1]!.length, 150);
      assert.equal(r.truncatedTail, false);
      assert.equal(r.corrupt, false);
      for (let cut = bytes.length - 1; cut > bytes.length - 40; cut--) {
        const t = readWal(bytes.subarray(0, cut));
        assert.equal(t.blocks.length, 1, `cut at ${cut}`);
        assert.equal(t.truncatedTail, true);
      }
      const bad = Buffer.from(bytes);
      bad[bytes.length - 5] = 0xff; // inside the END entry's text
      bad.writeInt32BE(-1, 20);
      assert.equal(readWal(bad).corrupt, true);
    } finally {
      await removeDir(dir);
    }
  });

  test('apply finishes the renames of complete blocks only, is idempotent, and reports the last end offset', async () => {
    const dir = await tempDir();
    try {
      const s = new LocalStorage(`file://${dir}`);
      const wal = new Wal(s, join(dir, 'logs/t/0'));
      const tmp = join(dir, 'topics/+tmp/t/0');
      await mkdir(tmp, { recursive: true });
      for (const n of ['a', 'b', 'c']) await writeFile(join(tmp, `${n}_tmp.avro`), n);
      const eu = join(dir, 'topics/t/region=eu');
      const us = join(dir, 'topics/t/region=us');
      await wal.append([
        { tempFile: join(tmp, 'a_tmp.avro'), committedFile: `${eu}/t+0+0000000000+0000000008.avro` },
        { tempFile: join(tmp, 'b_tmp.avro'), committedFile: `${us}/t+0+0000000001+0000000009.avro` },
      ]);
      // a crash while writing the next block: BEGIN and one entry, no END
      const full = await readFile(join(dir, 'logs/t/0/log'));
      await wal.append([{ tempFile: join(tmp, 'c_tmp.avro'), committedFile: `${eu}/t+0+0000000010+0000000010.avro` }]);
      const both = await readFile(join(dir, 'logs/t/0/log'));
      await writeFile(join(dir, 'logs/t/0/log'), both.subarray(0, full.length + (both.length - full.length) - 10));
      const fresh = new Wal(s, join(dir, 'logs/t/0'));
      assert.equal(await fresh.apply(), 9);
      assert.equal(await readFile(`${eu}/t+0+0000000000+0000000008.avro`, 'utf8'), 'a');
      assert.equal(await readFile(`${us}/t+0+0000000001+0000000009.avro`, 'utf8'), 'b');
      assert.equal(await s.exists(join(tmp, 'c_tmp.avro')), true, 'the incomplete block is not applied');
      assert.equal(await fresh.apply(), 9, 'idempotent');
      await fresh.truncate();
      assert.equal(await s.exists(join(dir, 'logs/t/0/log')), false);
      assert.equal(await fresh.apply(), 9, 'log.1 still answers the latest offset');
      // The next append starts a fresh log (not after the torn tail).
      await fresh.append([{ tempFile: '/q_tmp', committedFile: '/z/t+0+0000000011+0000000012.avro' }]);
      assert.equal(readWal(await readFile(join(dir, 'logs/t/0/log'))).blocks.length, 1);
      assert.equal(await fresh.apply(), 12);
    } finally {
      await removeDir(dir);
    }
  });

  test('entries are full URLs when the storage URL has an authority (as Confluent writes them); both forms are read', () => {
    assert.equal(walEntryPath('hdfs://nn:8020/topics/+tmp/t/x_tmp.avro'), '/topics/+tmp/t/x_tmp.avro');
    assert.equal(walEntryPath('file:/tmp/a/b'), '/tmp/a/b');
    assert.equal(walEntryPath('/plain/path'), '/plain/path');
  });
});
