/**
 * Avro files written by the sink, read back by Apache Avro's own avro-tools (Java): every Connect type and
 * logical type, nulls, nested structs, arrays, maps; each codec; the schema and the container metadata.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BigDecimal, twosComplementToBigint } from '../../../src/data/index.js';
import { topicPartition } from '../../../src/connectors/api/index.js';
import { toAvroSchema } from '../../../src/connectors/hdfs/index.js';
import { listTree, removeDir, sinkRecord, startTask, tempDir } from '../../unit/hdfs/support.js';
import { ALL, expected, struct } from './all-types.js';
import { avroToolsJar, avroToolsMeta, avroToolsRecords, avroToolsSchema } from './java-tools.js';

const N = 1000;

/** An Avro schema with every named type's full name resolved (Avro prints nested names relative to the enclosing namespace). */
function normalize(schema: unknown, ns = ''): unknown {
  if (typeof schema === 'string') return schema.includes('.') || !ns || ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'].includes(schema) ? schema : `${ns}.${schema}`;
  if (Array.isArray(schema)) return schema.map((s) => normalize(s, ns));
  const o = { ...(schema as Record<string, unknown>) };
  if (typeof o['name'] === 'string' && ['record', 'enum', 'fixed'].includes(o['type'] as string)) {
    const name = o['name'] as string;
    const full = name.includes('.') ? name : o['namespace'] !== undefined ? (o['namespace'] ? `${o['namespace'] as string}.${name}` : name) : ns ? `${ns}.${name}` : name;
    o['name'] = full;
    delete o['namespace'];
    ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
  }
  if (o['type'] === 'record') o['fields'] = (o['fields'] as Record<string, unknown>[]).map((f) => ({ ...f, type: normalize(f['type'], ns) }));
  else if (o['type'] === 'array') o['items'] = normalize(o['items'], ns);
  else if (o['type'] === 'map') o['values'] = normalize(o['values'], ns);
  return o;
}

const latin1 = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const dec = (s: string, scale: number): string => new BigDecimal(twosComplementToBigint(new Uint8Array(latin1(s))), scale).toString();
const big = (v: unknown): bigint => BigInt(v as string | number);
const branch = (v: unknown, name: string): unknown => (v === null ? null : (v as Record<string, unknown>)[name]);

function check(r: Record<string, unknown>, i: number): void {
  const e = expected(i);
  const at = `record ${i}`;
  assert.equal(r['i8'], e.i8, at);
  assert.equal(r['i16'], e.i16, at);
  assert.equal(r['i32'], e.i32, at);
  assert.equal(big(r['i64']), e.i64, `${at} i64`);
  assert.equal(Math.fround(r['f32'] as number), e.f32, at);
  assert.equal(r['f64'], e.f64, at);
  assert.equal(r['bool'], e.bool, at);
  assert.equal(r['str'], e.str, at);
  assert.deepEqual(latin1(r['bytes'] as string), e.bytes, at);
  assert.equal(dec(r['dec'] as string, 2), e.dec, `${at} dec`);
  assert.equal(dec(r['dec_default'] as string, 3), e.dec_default, `${at} dec_default`);
  assert.equal((r['date'] as number) * 86_400_000, e.date, at);
  assert.equal(r['time'], e.time, at);
  assert.equal(Number(r['ts']), e.ts, at);
  const oi = branch(r['o_i64'], 'long');
  assert.equal(oi === null ? null : big(oi), e.o_i64, at);
  assert.equal(branch(r['o_str'], 'string'), e.o_str, at);
  assert.equal(branch(r['o_f64'], 'double'), e.o_f64, at);
  const ob = branch(r['o_bytes'], 'bytes') as string | null;
  assert.deepEqual(ob === null ? null : latin1(ob), e.o_bytes, at);
  const od = branch(r['o_dec'], 'bytes') as string | null;
  assert.equal(od === null ? null : dec(od, 4), e.o_dec, at);
  const ots = branch(r['o_ts'], 'long');
  assert.equal(ots === null ? null : Number(ots), e.o_ts, at);
  const odate = branch(r['o_date'], 'int');
  assert.equal(odate === null ? null : (odate as number) * 86_400_000, e.o_date, at);
  const addr = r['address'] as Record<string, unknown>;
  assert.equal(addr['street'], e.street, at);
  assert.equal(branch(addr['zip'], 'int'), e.zip, at);
  const city = branch(r['o_address'], 'com.acme.Address2') as Record<string, unknown> | null;
  assert.equal(city === null ? null : city['city'], e.city, at);
  assert.deepEqual((r['arr'] as unknown[]).map((x) => branch(x, 'string')), e.arr, at);
  assert.deepEqual((r['tags'] as Record<string, unknown>[]).map((t) => ({ k: t['k'], v: branch(t['v'], 'double') })), e.tags, at);
  const byKey = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  assert.deepEqual(Object.entries(r['smap'] as object).map(([k, v]): [string, bigint] => [k, big(v)]).sort(byKey), [...e.smap].sort(byKey), at);
  assert.deepEqual((r['imap'] as Record<string, Record<string, unknown>>[]).map((m) => [m['key'], m['value']!['street']]), e.imap, at);
  const lmap = branch(r['lmap'], 'map') as Record<string, number[]> | null;
  assert.deepEqual(lmap === null ? null : Object.entries(lmap), e.lmap, at);
}

describe('Avro files read by Apache avro-tools', { timeout: 600_000 }, () => {
  before(() => {
    avroToolsJar();
  });

  for (const codec of ['null', 'deflate', 'snappy']) {
    test(`every Connect type, avro.codec=${codec}`, async () => {
      const dir = await tempDir();
      try {
        const { task } = await startTask({ 'hdfs.url': `file://${dir}`, 'flush.size': '250', 'avro.codec': codec }, [topicPartition('all', 0)]);
        const records = Array.from({ length: N }, (_, i) => sinkRecord('all', 0, i, ALL, struct(i)));
        for (let i = 0; i < N; i += 100) await task.put(records.slice(i, i + 100));
        await task.stop();
        const files = await listTree(join(dir, 'topics/all'));
        assert.deepEqual(files, [
          'partition=0/all+0+0000000000+0000000249.avro', 'partition=0/all+0+0000000250+0000000499.avro',
          'partition=0/all+0+0000000500+0000000749.avro', 'partition=0/all+0+0000000750+0000000999.avro',
        ]);
        let i = 0;
        for (const f of files) {
          const path = join(dir, 'topics/all', f);
          const meta = avroToolsMeta(path);
          assert.equal(meta['avro.codec'], codec);
          assert.deepEqual(normalize(avroToolsSchema(path)), normalize(toAvroSchema(ALL)));
          for (const r of avroToolsRecords(path)) check(r, i++);
        }
        assert.equal(i, N, 'row count');
      } finally {
        await removeDir(dir);
      }
    });
  }

  test('a primitive value schema writes a primitive Avro file; INT64 extremes are exact', async () => {
    const { Schema } = await import('../../../src/data/index.js');
    const dir = await tempDir();
    try {
      const { task } = await startTask({ 'hdfs.url': `file://${dir}`, 'flush.size': '4' }, [topicPartition('p', 0)]);
      const vals = [2n ** 63n - 1n, -(2n ** 63n), 0, -(2n ** 52n) - 1n];
      await task.put(vals.map((v, i) => sinkRecord('p', 0, i, Schema.INT64, v)));
      await task.stop();
      const path = join(dir, 'topics/p/partition=0/p+0+0000000000+0000000003.avro');
      assert.deepEqual(avroToolsSchema(path), 'long');
      const text = (await import('./java-tools.js')).avroTools('tojson', path).trim().split('\n');
      assert.deepEqual(text, ['9223372036854775807', '-9223372036854775808', '0', '-4503599627370497']);
    } finally {
      await removeDir(dir);
    }
  });
});
