/**
 * ProtobufConverter's payload against Google's protoc (an independent Protobuf implementation, from Maven
 * Central): the message we write, protoc decodes (`--decode`) and encodes back (`--encode`) to the same bytes;
 * a message protoc encodes, we read. protoc parses the very .proto text the converter registered, with the
 * well-known imports it names. The payload is Confluent's: message indexes (here the single byte 0) then the
 * message.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  BigDecimal, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, Schema, SchemaBuilder, Struct, settleLookups,
} from '../../../src/data/index.js';
import { createConverter, frame, type Converter } from '../../../src/converters/index.js';
import { wellKnownProto } from '../../../src/converters/protobuf/well-known-protos.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';
import { protocExe } from '../hdfs/java-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-protoc-'));
let registry: RunningSchemaRegistry;
let converter: Converter;
before(async () => {
  registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'memory' } });
  converter = createConverter('io.confluent.connect.protobuf.ProtobufConverter');
  converter.configure({ 'schema.registry.url': registry.url }, false);
});
after(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SCHEMA = SchemaBuilder.struct().name('com.example.AllTypes')
  .field('i8', Schema.INT8)
  .field('i16', Schema.INT16)
  .field('i32', Schema.INT32)
  .field('i64', Schema.INT64)
  .field('f32', Schema.FLOAT32)
  .field('f64', Schema.FLOAT64)
  .field('flag', Schema.BOOLEAN)
  .field('text', Schema.STRING)
  .field('raw', Schema.BYTES)
  .field('list', SchemaBuilder.array(Schema.INT32).build())
  .field('attrs', SchemaBuilder.map(Schema.STRING, Schema.INT64).build())
  .field('inner', SchemaBuilder.struct().name('com.example.Inner').field('a', Schema.STRING).build())
  .field('dec', Decimal.schema(3))
  .field('day', LogicalDate.schema())
  .field('time', LogicalTime.schema())
  .field('ts', LogicalTimestamp.schema())
  .build();

const LONGS = [0n, -1n, -(2n ** 52n) - 1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n];

function value(i: number, n: bigint): Struct {
  return new Struct(SCHEMA)
    .put('i8', -100 + i).put('i16', -30000 + i).put('i32', -(2 ** 31) + i).put('i64', n).put('f32', 1.5 * i).put('f64', -Math.PI * i)
    .put('flag', i % 2 === 0).put('text', `tëxt ${i} ✓`).put('raw', Uint8Array.of(0, 255, i))
    .put('list', [i, -i, 7]).put('attrs', new Map<string, bigint>([['k', n]]))
    .put('inner', new Struct(SCHEMA.field('inner')!.schema).put('a', `in${i}`))
    .put('dec', new BigDecimal(-123456789n * BigInt(i + 1), 3)).put('day', new Date(Date.UTC(2024, 1, 29 + i)))
    .put('time', new Date(45_296_789 + i)).put('ts', new Date(1_700_000_000_123 + i));
}

function protoc(args: string[], input: Buffer | string): Buffer {
  const r = spawnSync(protocExe(), args, { input, cwd: dir, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`protoc ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * Writes the registered .proto of `bytes` and its imports under `dir`; returns the file name. (One connection per
 * request: protoc runs through spawnSync, which blocks the event loop long enough for a keep-alive connection to go stale.)
 */
async function protoFileOf(bytes: Uint8Array): Promise<string> {
  const id = Buffer.from(bytes).readInt32BE(1);
  const { schema } = (await (await fetch(`${registry.url}/schemas/ids/${id}`, { headers: { connection: 'close' } })).json()) as { schema: string };
  const name = `schema-${id}.proto`;
  // Confluent's registered text annotates fields with (confluent.field_meta) without importing
  // confluent/meta.proto (its parsers know that file). Options do not change the wire format, so protoc gets the
  // text without them.
  const forProtoc = withoutFieldMeta(schema);
  assert.ok(!forProtoc.includes('confluent.field_meta'));
  writeFileSync(join(dir, name), forProtoc);
  writeImports(forProtoc);
  return name;
}

/** The .proto text without its ` [(confluent.field_meta) = { … }]` field options (brackets matched). */
function withoutFieldMeta(proto: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const start = proto.indexOf(' [(confluent.field_meta)', at);
    if (start < 0) return out + proto.slice(at);
    out += proto.slice(at, start);
    let depth = 0;
    let i = start + 1;
    for (; i < proto.length; i++) {
      if (proto[i] === '[' || proto[i] === '{') depth++;
      else if (proto[i] === ']' || proto[i] === '}') depth--;
      if (depth === 0) break;
    }
    at = i + 1;
  }
}

function writeImports(proto: string): void {
  for (const [, imported] of proto.matchAll(/^import (?:public )?"([^"]+)";/gm)) {
    const text = wellKnownProto(imported!);
    assert.ok(text, `a well-known import: ${imported}`);
    mkdirSync(dirname(join(dir, imported!)), { recursive: true });
    writeFileSync(join(dir, imported!), text);
    writeImports(text);
  }
}

describe('ProtobufConverter ↔ protoc', { timeout: 300_000 }, () => {
  test('what we write, protoc decodes and encodes back to the same bytes', async () => {
    for (const [i, n] of LONGS.entries()) {
      const bytes = (await settleLookups(() => converter.fromConnectData('protoc', SCHEMA, value(i, n))))!;
      assert.equal(bytes[5], 0, 'message indexes [0] as the single byte 0');
      const message = Buffer.from(bytes.subarray(6));
      const file = await protoFileOf(bytes);
      const text = protoc([`--decode=com.example.AllTypes`, '-I.', file], message).toString('utf8');
      // proto3 leaves a zero out of the message altogether.
      if (n !== 0n) assert.match(text, new RegExp(`^i64: ${n}$`, 'm'), text);
      else assert.doesNotMatch(text, /^i64:/m, text);
      assert.match(text, /^text: "t\\303\\253xt /m);
      const again = protoc([`--encode=com.example.AllTypes`, '-I.', file], text);
      assert.deepEqual([...again], [...message], `protoc's bytes for record ${i}:\n${text}`);
    }
  });

  test('what protoc encodes, we read exactly', async () => {
    const first = (await settleLookups(() => converter.fromConnectData('protoc', SCHEMA, value(1, 1n))))!;
    const id = Buffer.from(first).readInt32BE(1);
    const file = await protoFileOf(first);
    const text = protoc([`--decode=com.example.AllTypes`, '-I.', file], Buffer.from(first.subarray(6))).toString('utf8');
    for (const n of LONGS) {
      const edited = text.replace(/^i64: -?\d+$/m, `i64: ${n}`).replace(/^i32: -?\d+$/m, 'i32: 2147483647').replace(/^text: .*$/m, 'text: "from protoc"');
      const message = protoc([`--encode=com.example.AllTypes`, '-I.', file], edited);
      const back = await settleLookups(() => converter.toConnectData('protoc', frame(id, Buffer.concat([Buffer.of(0), message]))));
      const s = back.value as Struct;
      assert.equal(BigInt(s.get('i64') as number | bigint), n);
      assert.equal(s.get('i32'), 2147483647);
      assert.equal(s.get('text'), 'from protoc');
      assert.equal((s.get('dec') as BigDecimal).toString(), '-246913.578');
      assert.equal((s.get('day') as Date).toISOString(), '2024-03-01T00:00:00.000Z');
      assert.equal((s.get('ts') as Date).getTime(), 1_700_000_000_124);
      assert.equal(BigInt((s.get('attrs') as Map<string, number | bigint>).get('k')!), 1n);
    }
  });
});
