/**
 * AvroConverter's payload against Java's Avro (Apache avro-tools, an independent implementation): what we write,
 * Java reads (`fragtojson`) and writes back to the same bytes (`jsontofrag`); what Java writes, we read and write
 * back to the same bytes. The schema Java parses is the one the converter registered. Confluent's serializers put
 * exactly this datum encoding behind their 5-byte header, so this is the byte-for-byte check of the Avro wire
 * format (Confluent's own jars are not served here). Longs in avsc's broken range (−2^53, −2^52) and the int64
 * extremes included. Needs Java and Maven (avro-tools is fetched once).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BigDecimal, Decimal, LogicalDate, LogicalTimestamp, Schema, SchemaBuilder, Struct, settleLookups,
} from '../../../src/data/index.js';
import { createConverter, frame, type Converter } from '../../../src/converters/index.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';
import { avroToolsJar } from '../hdfs/java-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-avro-interop-'));
let registry: RunningSchemaRegistry;
let converter: Converter;
before(async () => {
  registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'memory' } });
  converter = createConverter('io.confluent.connect.avro.AvroConverter');
  converter.configure({ 'schema.registry.url': registry.url }, false);
});
after(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

function avroTools(args: string[], input?: Buffer | string): Buffer {
  const r = spawnSync('java', ['-jar', avroToolsJar(), ...args], { input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`avro-tools ${args[0]} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

const SCHEMA = SchemaBuilder.struct().name('com.example.Interop')
  .field('id', Schema.INT64)
  .field('name', Schema.STRING)
  .field('opt', Schema.OPTIONAL_STRING)
  .field('amount', Decimal.schema(2))
  .field('flag', Schema.BOOLEAN)
  .field('score', Schema.FLOAT64)
  .field('f32', Schema.FLOAT32)
  .field('small', Schema.INT16)
  .field('tags', SchemaBuilder.array(Schema.STRING).build())
  .field('attrs', SchemaBuilder.map(Schema.STRING, Schema.INT64).build())
  .field('ts', LogicalTimestamp.schema())
  .field('day', LogicalDate.schema())
  .field('raw', Schema.BYTES)
  .build();

const LONGS = [0n, -1n, 1n, -(2n ** 52n) - 1n, -(2n ** 53n) + 1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 4503599627370497n];

function value(i: number, id: bigint): Struct {
  return new Struct(SCHEMA)
    .put('id', id).put('name', `nåme ${i} ✓`).put('opt', i % 2 ? null : `o${i}`)
    .put('amount', new BigDecimal(BigInt(i) * -123457n, 2)).put('flag', i % 2 === 0).put('score', i / 3)
    .put('f32', 0.5 * i).put('small', -300 * i).put('tags', ['a', `t${i}`])
    .put('attrs', new Map<string, bigint>([['k', id], ['j', BigInt(i)]]))
    .put('ts', new Date(1_700_000_000_123 + i)).put('day', new Date(Date.UTC(2024, 0, 1 + i))).put('raw', Uint8Array.of(255, 0, i));
}

/**
 * The schema the converter registered for `bytes`, as a file avro-tools reads. (One connection per request: the
 * tool runs through spawnSync, which blocks the event loop long enough for a pooled keep-alive connection to go stale.)
 */
async function schemaFileOf(bytes: Uint8Array): Promise<string> {
  const id = Buffer.from(bytes).readInt32BE(1);
  const body = (await (await fetch(`${registry.url}/schemas/ids/${id}`, { headers: { connection: 'close' } })).json()) as { schema: string };
  const file = join(dir, `schema-${id}.avsc`);
  writeFileSync(file, body.schema);
  return file;
}

describe('AvroConverter ↔ Java Avro (avro-tools)', { timeout: 300_000 }, () => {
  test('what we write, Java reads, and Java writes the same bytes back', async () => {
    for (const [i, id] of LONGS.entries()) {
      const bytes = (await settleLookups(() => converter.fromConnectData('interop', SCHEMA, value(i, id))))!;
      const payload = Buffer.from(bytes.subarray(5));
      const schemaFile = await schemaFileOf(bytes);
      const json = avroTools(['fragtojson', '--schema-file', schemaFile, '-'], payload).toString('utf8');
      assert.match(json, new RegExp(`"id"\\s*:\\s*${id}\\b`), `Java reads id ${id}: ${json}`);
      assert.match(json, new RegExp(`"k"\\s*:\\s*${id}\\b`), `Java reads attrs.k ${id}`);
      assert.ok(json.includes(`nåme ${i} ✓`), json);
      const again = avroTools(['jsontofrag', '--schema-file', schemaFile, '-'], json);
      assert.deepEqual([...again], [...payload], `Java's bytes for record ${i}`);
    }
  });

  test('what Java writes, we read exactly, and write back to the same bytes', async () => {
    const first = (await settleLookups(() => converter.fromConnectData('interop', SCHEMA, value(0, 0n))))!;
    const id = Buffer.from(first).readInt32BE(1);
    const schemaFile = await schemaFileOf(first);
    for (const n of LONGS) {
      const datum = `{"id":${n},"name":"java ${n}","opt":{"string":"x"},"amount":"\\u00ff\\u0001","flag":true,"score":-0.25,` +
        `"f32":1.25,"small":-32768,"tags":[],"attrs":{"big":${n}},"ts":-1,"day":-719162,"raw":"\\u0000\\u00ff"}`;
      const javaBytes = avroTools(['jsontofrag', '--schema-file', schemaFile, '-'], datum);
      const back = await settleLookups(() => converter.toConnectData('interop', frame(id, javaBytes)));
      const s = back.value as Struct;
      assert.equal(BigInt(s.get('id') as number | bigint), n);
      assert.equal(BigInt((s.get('attrs') as Map<string, number | bigint>).get('big')!), n);
      assert.equal((s.get('amount') as BigDecimal).toString(), '-2.55');
      assert.equal(s.get('small'), -32768);
      assert.equal((s.get('ts') as Date).getTime(), -1);
      assert.equal((s.get('day') as Date).toISOString(), '0001-01-01T00:00:00.000Z');
      assert.deepEqual([...(s.get('raw') as Uint8Array)], [0, 255]);
      // Written again with the schema it was read with (which now carries the registry's version as connect.version).
      const ours = (await settleLookups(() => converter.fromConnectData('interop', back.schema, s)))!;
      assert.deepEqual([...ours.subarray(5)], [...javaBytes], `our bytes for ${n}`);
      assert.equal(back.schema?.version, 1);
    }
  });
});
