/**
 * Confluent's registry converters against `sluice registry` over HTTP (in process, file store): every Connect type
 * through each converter and back; the wire header carries the id the registry gave the subject; schema
 * evolution registers new versions and an incompatible change fails with the registry's message; a registry that
 * goes away costs retries (RetriableException), not records; basic auth and TLS; subject strategies; fail-over.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BigDecimal, DataException, Decimal, LogicalDate, LogicalTime, LogicalTimestamp, RetriableException, Schema, SchemaBuilder, Struct,
  settleLookups, valueEquals, type SchemaAndValue,
} from '../../../src/data/index.js';
import { ConverterConfigException, createConverter, type Converter } from '../../../src/converters/index.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../src/registry/index.js';
import { makeCerts } from '../../support/nats-servers.js';

const CLASSES = [
  'io.confluent.connect.avro.AvroConverter',
  'io.confluent.connect.protobuf.ProtobufConverter',
  'io.confluent.connect.json.JsonSchemaConverter',
] as const;

const dir = mkdtempSync(join(tmpdir(), 'sluice-registry-converters-'));
let registry: RunningSchemaRegistry;
let topicNo = 0;
const topic = (name: string) => `${name}-${process.pid}-${++topicNo}`;

before(async () => {
  registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'file', path: join(dir, 'schemas.jsonl') } });
});
after(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

function converter(cls: string, config: Record<string, unknown> = {}, isKey = false): Converter {
  const c = createConverter(cls);
  c.configure({ 'schema.registry.url': registry.url, ...config }, isKey);
  return c;
}

const write = (c: Converter, t: string, schema: Schema | null, value: unknown) => settleLookups(() => c.fromConnectData(t, schema, value));
const read = (c: Converter, t: string, bytes: Uint8Array | null): Promise<SchemaAndValue> => settleLookups(() => c.toConnectData(t, bytes));

async function get(path: string, url = registry.url): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url + path);
  return { status: res.status, body: await res.json() };
}

const idOf = (bytes: Uint8Array) => {
  assert.equal(bytes[0], 0, 'magic byte');
  return Buffer.from(bytes).readInt32BE(1);
};

const ALL = SchemaBuilder.struct().name('com.example.AllTypes')
  .field('i8', Schema.INT8)
  .field('i16', Schema.INT16)
  .field('i32', Schema.INT32)
  .field('i64', Schema.INT64)
  .field('f32', Schema.FLOAT32)
  .field('f64', Schema.FLOAT64)
  .field('flag', Schema.BOOLEAN)
  .field('text', Schema.STRING)
  .field('raw', Schema.BYTES)
  .field('opt', Schema.OPTIONAL_STRING)
  .field('dec', Decimal.schema(3))
  .field('day', LogicalDate.schema())
  .field('time', LogicalTime.schema())
  .field('ts', LogicalTimestamp.schema())
  .field('list', SchemaBuilder.array(Schema.INT32).build())
  .field('map', SchemaBuilder.map(Schema.STRING, Schema.INT64).build())
  .field('inner', SchemaBuilder.struct().name('com.example.Inner').field('a', Schema.STRING).field('b', Schema.OPTIONAL_INT32).build())
  .build();

function allTypes(n: number, big = false): Struct {
  return new Struct(ALL)
    .put('i8', -128 + (n % 256)).put('i16', -32768 + n).put('i32', 2 ** 31 - 1 - n)
    .put('i64', big ? -(2n ** 63n) + BigInt(n) : 9_007_199_254_740_993n + BigInt(n))
    .put('f32', 1.5 + n).put('f64', Math.PI * n).put('flag', n % 2 === 0).put('text', `héllo ${n} ✓`)
    .put('raw', Uint8Array.of(0, 255, n % 256)).put('opt', n % 3 === 0 ? null : `o${n}`)
    .put('dec', new BigDecimal(123456789n * BigInt(n + 1), 3)).put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('time', new Date(45_296_789)).put('ts', new Date(1_700_000_000_123 + n))
    .put('list', [1, -2, n]).put('map', new Map<string, number | bigint>([['a', 1], ['b', BigInt(-n)]]))
    .put('inner', new Struct(ALL.field('inner')!.schema).put('a', `in${n}`).put('b', n % 2 ? null : n));
}

for (const cls of CLASSES) {
  const short = cls.slice(cls.lastIndexOf('.') + 1);
  describe(short, () => {
    test('every Connect type and logical type round-trips; the header holds the id the registry gave topic-value', async () => {
      // Protobuf: plain proto3 fields read a null back as the type's default (Confluent's rule); optional.for.nullables keeps nulls.
      const c = converter(cls, cls.endsWith('ProtobufConverter') ? { 'optional.for.nullables': true } : {});
      const t = topic(`all-${short}`);
      for (const n of [0, 1, 7]) {
        for (const big of [false, true]) {
          const value = allTypes(n, big);
          const bytes = (await write(c, t, ALL, value))!;
          const back = await read(c, t, bytes);
          assert.ok(valueEquals(back.value, value) || deepConnectEqual(back.value, value), `${short} n=${n} big=${big}: ${inspectValue(back.value)}`);
          const latest = await get(`/subjects/${t}-value/versions/latest`);
          assert.equal(latest.status, 200);
          assert.equal(idOf(bytes), (latest.body as { id: number }).id);
        }
      }
      // A second converter (another task) reads what the first wrote.
      const other = converter(cls, cls.endsWith('ProtobufConverter') ? { 'optional.for.nullables': true } : {});
      const bytes = (await write(c, t, ALL, allTypes(3)))!;
      assert.ok(deepConnectEqual((await read(other, t, bytes)).value, allTypes(3)));
      assert.equal(await write(c, t, ALL, null), null, 'a null value is a null message (tombstone)');
      assert.deepEqual(await read(c, t, null), { schema: null, value: null });
    });

    test('schema evolution: a compatible change is a new version; an incompatible one fails with the registry\'s 409', async () => {
      // JSON Schema: adding a property to an open content model is incompatible for BACKWARD (Confluent's rule), so
      // evolution there takes the closed model.
      const c = converter(cls, cls.endsWith('JsonSchemaConverter') ? { 'object.additional.properties': false } : {});
      const t = topic(`evolve-${short}`);
      const v1 = SchemaBuilder.struct().name('com.example.Order').field('id', Schema.INT64).field('name', Schema.STRING).build();
      const v2 = SchemaBuilder.struct().name('com.example.Order').field('id', Schema.INT64).field('name', Schema.STRING)
        .field('note', SchemaBuilder.string().optional().defaultValue(null).build()).build();
      const b1 = (await write(c, t, v1, new Struct(v1).put('id', 1).put('name', 'a')))!;
      const b2 = (await write(c, t, v2, new Struct(v2).put('id', 2).put('name', 'b').put('note', 'n')))!;
      assert.notEqual(idOf(b1), idOf(b2));
      assert.deepEqual((await get(`/subjects/${t}-value/versions`)).body, [1, 2]);
      const r1 = await read(c, t, b1);
      assert.equal((r1.value as Struct).get('name'), 'a');
      assert.equal((await read(c, t, b2)).value instanceof Struct, true);
      // id changes type: incompatible under BACKWARD (the default).
      const bad = SchemaBuilder.struct().name('com.example.Order').field('id', Schema.STRING).field('name', Schema.STRING).build();
      await assert.rejects(write(c, t, bad, new Struct(bad).put('id', 'x').put('name', 'c')), (e: unknown) =>
        e instanceof DataException && /incompatible/i.test(e.message) && e.context.topic === t);
      assert.deepEqual((await get(`/subjects/${t}-value/versions`)).body, [1, 2], 'nothing registered');
    });

    test('auto.register.schemas=false finds registered schemas and refuses unknown ones', async () => {
      const t = topic(`noauto-${short}`);
      const s = SchemaBuilder.struct().name('com.example.K').field('k', Schema.STRING).build();
      const registering = converter(cls);
      const b = (await write(registering, t, s, new Struct(s).put('k', 'x')))!;
      const strict = converter(cls, { 'auto.register.schemas': false });
      assert.equal(idOf((await write(strict, t, s, new Struct(s).put('k', 'y')))!), idOf(b));
      const unknown = SchemaBuilder.struct().name('com.example.K2').field('z', Schema.INT32).build();
      await assert.rejects(write(strict, topic(`noauto2-${short}`), unknown, new Struct(unknown).put('z', 1)), DataException);
    });

    test('use.latest.version writes with the subject\'s latest schema (fields mapped by name)', async () => {
      const t = topic(`latest-${short}`);
      const closed = cls.endsWith('JsonSchemaConverter') ? { 'object.additional.properties': false } : {};
      const v1 = SchemaBuilder.struct().name('com.example.Latest').field('id', Schema.INT64).field('name', Schema.STRING).build();
      // The latest version was registered by someone else, with the same fields documented.
      const v2 = SchemaBuilder.struct().name('com.example.Latest').doc('rows of the latest table').field('id', SchemaBuilder.int64().doc('the key').build())
        .field('name', SchemaBuilder.string().doc('who').build()).build();
      const registering = converter(cls, closed);
      await write(registering, t, v1, new Struct(v1).put('id', 1).put('name', 'a'));
      const b2 = (await write(registering, t, v2, new Struct(v2).put('id', 2).put('name', 'b')))!;
      // (Protobuf has no docs in its .proto text: there v2 is v1 again, one version.)
      const versions = (await get(`/subjects/${t}-value/versions`)).body;
      const latest = converter(cls, { ...closed, 'auto.register.schemas': false, 'use.latest.version': true });
      const b = (await write(latest, t, v1, new Struct(v1).put('id', 3).put('name', 'c')))!;
      assert.equal(idOf(b), idOf(b2), 'written with the latest id');
      const back = (await read(converter(cls, closed), t, b)).value as Struct;
      assert.equal(Number(back.get('id')), 3);
      assert.equal(back.get('name'), 'c');
      assert.deepEqual((await get(`/subjects/${t}-value/versions`)).body, versions, 'nothing registered');
    });

    test('RecordNameStrategy and TopicRecordNameStrategy name the subject after the record', async () => {
      const t = topic(`strategy-${short}`);
      const s = SchemaBuilder.struct().name(`com.example.Named${short}`).field('x', Schema.INT32).build();
      const byRecord = converter(cls, { 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy' });
      const b = (await write(byRecord, t, s, new Struct(s).put('x', 5)))!;
      const subjects = (await get('/subjects')).body as string[];
      assert.ok(subjects.includes(`com.example.Named${short}`), subjects.join(','));
      assert.equal(((await read(byRecord, t, b)).value as Struct).get('x'), 5);
      const byTopicRecord = converter(cls, { 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy' });
      await write(byTopicRecord, t, s, new Struct(s).put('x', 6));
      assert.ok(((await get('/subjects')).body as string[]).includes(`${t}-com.example.Named${short}`));
    });

    test('keys use topic-key', async () => {
      const t = topic(`key-${short}`);
      const k = converter(cls, {}, true);
      const s = SchemaBuilder.struct().name('com.example.Key').field('id', Schema.INT64).build();
      const b = (await write(k, t, s, new Struct(s).put('id', 4)))!;
      assert.equal(idOf(b), ((await get(`/subjects/${t}-key/versions/latest`)).body as { id: number }).id);
    });
  });
}

describe('latest.compatibility.strict (AvroConverter)', () => {
  test('a latest version that cannot read the record\'s schema is refused unless the check is off', async () => {
    const cls = CLASSES[0];
    const t = topic('strict');
    const narrow = SchemaBuilder.struct().name('com.example.Strict').field('id', Schema.INT32).build();
    const wide = SchemaBuilder.struct().name('com.example.Strict').field('id', Schema.INT64).build();
    const latestBytes = (await write(converter(cls), t, narrow, new Struct(narrow).put('id', 1)))!;
    const strict = converter(cls, { 'auto.register.schemas': false, 'use.latest.version': true });
    await assert.rejects(write(strict, t, wide, new Struct(wide).put('id', 2)), (e: unknown) =>
      e instanceof DataException && /Incompatible schema of type 'AVRO'\. Set latest\.compatibility\.strict=false/.test(e.message));
    const lax = converter(cls, { 'auto.register.schemas': false, 'use.latest.version': true, 'latest.compatibility.strict': false });
    const b = (await write(lax, t, wide, new Struct(wide).put('id', 2)))!;
    assert.equal(idOf(b), idOf(latestBytes));
    assert.equal(((await read(converter(cls), t, b)).value as Struct).get('id'), 2);
  });
});

describe('registry unavailable, auth, TLS, fail-over', () => {
  const AVRO = CLASSES[0];
  const s = SchemaBuilder.struct().name('com.example.Down').field('n', Schema.INT32).build();

  test('a registry that goes away costs retries (RetriableException), and the converter resumes once it is back', async () => {
    const store = join(dir, 'restartable.jsonl');
    let reg = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'file', path: store } });
    const url = reg.url;
    const c = createConverter(AVRO);
    c.configure({ 'schema.registry.url': url, 'max.retries': 0 }, false);
    const t = topic('down');
    const first = (await write(c, t, s, new Struct(s).put('n', 1)))!;
    await reg.close();
    // Known schema and id: no registry needed.
    assert.equal(idOf((await write(c, t, s, new Struct(s).put('n', 2)))!), idOf(first));
    const s2 = SchemaBuilder.struct().name('com.example.Down').field('n', Schema.INT32).field('m', SchemaBuilder.int32().optional().defaultValue(null).build()).build();
    await assert.rejects(write(c, t, s2, new Struct(s2).put('n', 3)), (e: unknown) => e instanceof RetriableException && !(e instanceof DataException));
    const reader = createConverter(AVRO);
    reader.configure({ 'schema.registry.url': url }, false);
    await assert.rejects(read(reader, t, first), RetriableException);
    reg = await startSchemaRegistry({ listener: url, storage: { kind: 'file', path: store } });
    try {
      const b3 = (await write(c, t, s2, new Struct(s2).put('n', 3)))!;
      assert.notEqual(idOf(b3), idOf(first));
      assert.equal(((await read(reader, t, first)).value as Struct).get('n'), 1);
      assert.equal(((await read(reader, t, b3)).value as Struct).get('n'), 3);
    } finally {
      await reg.close();
    }
  });

  test('basic auth (USER_INFO and URL user info) and TLS with a PEM trust store; a wrong password is the registry\'s 401', async () => {
    const certs = makeCerts(join(dir, 'certs'));
    const reg = await startSchemaRegistry({
      listener: 'https://127.0.0.1:0',
      storage: { kind: 'memory' },
      basicAuth: { alice: 's3cret' },
      tls: { cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey) },
    });
    try {
      const tls = { 'schema.registry.ssl.truststore.location': certs.ca, 'schema.registry.ssl.truststore.type': 'PEM' };
      const ok = createConverter(AVRO);
      ok.configure({ 'schema.registry.url': reg.url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'alice:s3cret', ...tls }, false);
      const t = topic('secure');
      const b = (await write(ok, t, s, new Struct(s).put('n', 9)))!;
      assert.equal(((await read(ok, t, b)).value as Struct).get('n'), 9);
      const inUrl = createConverter(AVRO);
      inUrl.configure({ 'schema.registry.url': reg.url.replace('https://', 'https://alice:s3cret@'), ...tls }, false);
      assert.equal(((await read(inUrl, t, b)).value as Struct).get('n'), 9);
      const wrong = createConverter(AVRO);
      wrong.configure({ 'schema.registry.url': reg.url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'alice:nope', ...tls }, false);
      await assert.rejects(read(wrong, t, b), (e: unknown) => e instanceof DataException && /401/.test(e.message));
      const untrusted = createConverter(AVRO);
      untrusted.configure({ 'schema.registry.url': reg.url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'alice:s3cret', 'schema.registry.ssl.truststore.location': certs.otherCa, 'schema.registry.ssl.truststore.type': 'PEM' }, false);
      await assert.rejects(read(untrusted, t, b), RetriableException);
    } finally {
      await reg.close();
    }
  });

  test('a missing trust store file is refused at configure time on its schema.registry.ssl key', () => {
    const c = createConverter(AVRO);
    assert.throws(
      () => c.configure({ 'schema.registry.url': 'https://127.0.0.1:1', 'schema.registry.ssl.truststore.location': join(dir, 'nope.pem'), 'schema.registry.ssl.truststore.type': 'PEM' }, false),
      (e: unknown) => e instanceof ConverterConfigException && e.key === 'schema.registry.ssl.truststore.location',
    );
  });

  test('several URLs: a dead first one fails over to the live one', async () => {
    const c = createConverter(AVRO);
    c.configure({ 'schema.registry.url': `http://127.0.0.1:1,${registry.url}` }, false);
    const t = topic('failover');
    const b = (await write(c, t, s, new Struct(s).put('n', 11)))!;
    assert.equal(((await read(c, t, b)).value as Struct).get('n'), 11);
  });
});

/** Connect value equality that treats number and bigint INT64 alike and Maps/Uint8Arrays by content. */
function deepConnectEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a as bigint) === BigInt(b as bigint);
  if (a instanceof Struct && b instanceof Struct) {
    return a.schema.fields.every((f) => deepConnectEqual(a.get(f.name), b.get(f.name)));
  }
  if (a instanceof BigDecimal && b instanceof BigDecimal) return a.toString() === b.toString();
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => deepConnectEqual(v, b.get(k)));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepConnectEqual(x, b[i]));
  return Object.is(a, b) || a === b;
}

function inspectValue(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? Object.fromEntries(x) : x));
}
