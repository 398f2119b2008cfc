// The REST tap's pieces: query checks, redaction at any depth, and a slow client that never holds the data path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, SchemaBuilder, Schema, SourceRecord, Struct } from '../../../src/data/index.js';
import { TapHub } from '../../../src/worker/taps.js';
import { bytesTapEvent, NO_REDACTION, redactedBytes, redactedJson, streamTap, tapEvent, tapRequest, type EventSink } from '../../../src/rest/tap.js';
import { RestError } from '../../../src/rest/errors.js';

const address = SchemaBuilder.struct().field('street', Schema.STRING).field('city', Schema.STRING).build();
const order = SchemaBuilder.struct().field('id', Schema.INT64).field('card', Schema.STRING).field('address', address).build();
const record = (id: number) =>
  new SourceRecord({
    topic: 'orders',
    sourcePartition: {},
    sourceOffset: {},
    valueSchema: order,
    value: new Struct(order).put('id', id).put('card', '4111-1111').put('address', new Struct(address).put('street', '1 Main St').put('city', 'Oslo')),
    headers: new Headers().addString('token', 'secret'),
  });

test('tap query: defaults, and each bad parameter refused by name', () => {
  assert.deepEqual(tapRequest(new URLSearchParams('')), { stage: 'transform', limit: 10, seconds: 30, sample: 1 });
  assert.deepEqual(tapRequest(new URLSearchParams('stage=poll&limit=3&seconds=2.5&sample=0.5')), { stage: 'poll', limit: 3, seconds: 2.5, sample: 0.5 });
  assert.equal(tapRequest(new URLSearchParams('stage=bytes')).stage, 'bytes');
  for (const [q, name] of [['limit=0', 'limit'], ['limit=20000', 'limit'], ['seconds=-1', 'seconds'], ['sample=0', 'sample'], ['stage=raw', 'stage'], ['limit=x', 'limit']]) {
    assert.throws(() => tapRequest(new URLSearchParams(q!)), (e: unknown) => e instanceof RestError && e.status === 400 && e.message.includes(`parameter ${name}`), q);
  }
});

test('redaction: named fields at any depth, every header value', () => {
  const ev = tapEvent(record(7), { fields: new Set(['card', 'street']), secrets: [] });
  assert.deepEqual(ev['value'], { id: 7, card: '[redacted]', address: { street: '[redacted]', city: 'Oslo' } });
  assert.deepEqual(ev['headers'], { token: '[redacted]' });
  assert.deepEqual(redactedJson(new Map<string, unknown>([['card', 'x'], ['n', 1n]]), { fields: new Set(['card']), secrets: [] }), { card: '[redacted]', n: 1 });
});

test('redaction: the values of PASSWORD keys, wherever they appear in a string or in bytes', () => {
  const redact = { fields: new Set<string>(), secrets: ['4111-1111'] };
  assert.deepEqual((tapEvent(record(1), redact)['value'] as { card: string }).card, '[redacted]');
  assert.equal(redactedJson('card=4111-1111;', redact), 'card=[redacted];');
  assert.equal(redactedJson(Buffer.from('x4111-1111'), redact), '[redacted]');
  assert.deepEqual(redactedBytes(Buffer.from('{"card":"4111-1111"}'), redact), { size: 20, text: '{"card":"[redacted]"}' });
  assert.deepEqual(redactedBytes(Buffer.from([0xff, 0x00, ...Buffer.from('4111-1111')]), redact), { size: 11, redacted: true });
});

test('bytes stage: UTF-8 as text, other bytes as base64; with fields to redact, JSON redacted and anything else by size only', () => {
  const json = Buffer.from('{"id":1,"card":"x","nested":{"card":"y"}}');
  const binary = Uint8Array.from([0xc3, 0x28, 0x01]);
  assert.deepEqual(redactedBytes(json, NO_REDACTION), { size: json.length, text: json.toString() });
  assert.deepEqual(redactedBytes(binary, NO_REDACTION), { size: 3, base64: Buffer.from(binary).toString('base64') });
  assert.equal(redactedBytes(null, NO_REDACTION), null);
  const byField = { fields: new Set(['card']), secrets: [] };
  assert.deepEqual(redactedBytes(json, byField), { size: json.length, text: '{"id":1,"card":"[redacted]","nested":{"card":"[redacted]"}}' });
  assert.deepEqual(redactedBytes(Buffer.from('card=x'), byField), { size: 6, redacted: true });
  assert.deepEqual(redactedBytes(binary, byField), { size: 3, redacted: true });
  const ev = bytesTapEvent({ topic: 't', partition: 2, offset: 9, timestamp: 5, key: null, value: json, headers: [{ key: 'h', value: Buffer.from('v') }] }, NO_REDACTION);
  assert.deepEqual(ev, { topic: 't', partition: 2, offset: 9, timestamp: 5, key: null, value: { size: json.length, text: json.toString() }, headers: { h: '[redacted]' } });
});

test('stage bytes: a tap of the bytes a task shows, nothing while nobody taps', async () => {
  const hub = new TapHub();
  const point = hub.bytes('c');
  assert.equal(point.active, false);
  const events: Array<[string, Record<string, unknown>]> = [];
  const sink: EventSink = { event: (n, d) => (events.push([n, d as Record<string, unknown>]), true), drained: async () => {}, closed: new AbortController().signal };
  const done = streamTap(hub, 'c', NO_REDACTION, { stage: 'bytes', limit: 2, seconds: 60, sample: 1 }, sink);
  await new Promise((r) => setImmediate(r));
  assert.equal(point.active, true);
  for (let i = 0; i < 3; i++) point.emit({ topic: 't', partition: null, timestamp: null, key: null, value: Buffer.from(`v${i}`), headers: [] });
  await done;
  assert.equal(point.active, false, 'the tap ended: the data path is back to one flag check');
  assert.deepEqual(
    events.filter(([n]) => n === 'record').map(([, d]) => (d['value'] as { text: string }).text),
    ['v0', 'v1'],
  );
});

test('a client that does not read: records are dropped and counted, the data path never waits', async () => {
  const hub = new TapHub();
  const transform = hub.tapped('c', (r: SourceRecord) => r);
  const events: Array<[string, Record<string, number>]> = [];
  let blocked = true;
  let release: (() => void) | undefined;
  const sink: EventSink = {
    event: (name, data) => {
      events.push([name, data as Record<string, number>]);
      return !blocked; // the socket buffer is full until the client reads again
    },
    drained: () => new Promise<void>((r) => (release = r)),
    closed: new AbortController().signal,
  };
  const done = streamTap(hub, 'c', NO_REDACTION, { stage: 'transform', limit: 300, seconds: 60, sample: 1 }, sink);
  await new Promise((r) => setImmediate(r));
  transform(record(0)); // taken at once: the client's buffer is full from then on
  while (!release) await new Promise((r) => setImmediate(r));
  for (let i = 1; i < 5000; i++) transform(record(i)); // the data path: synchronous, whatever the client does
  blocked = false;
  release(); // the client reads again
  await new Promise((r) => setImmediate(r));
  for (let i = 5000; i < 5100; i++) transform(record(i)); // 43 more reach the limit of 300
  await done;
  const sent = events.filter(([n]) => n === 'record').length;
  const end = events.at(-1)!;
  assert.equal(end[0], 'end');
  assert.equal(end[1]['sent'], 300);
  assert.equal(sent, 300);
  assert.equal(end[1]['dropped'], 4999 - 256, 'a buffer of 256 while the client did not read; the rest dropped');
  assert.ok(end[1]['seen']! >= 5043);
});

test('limit ends the stream with the counts; stage poll sees records before the transforms', async () => {
  const hub = new TapHub();
  const transform = hub.tapped('c', (r: SourceRecord) => (Number((r.value as Struct).get('id')) % 2 === 0 ? null : r));
  const collect = (stage: 'poll' | 'transform') => {
    const events: Array<[string, Record<string, unknown>]> = [];
    const sink: EventSink = { event: (n, d) => (events.push([n, d as Record<string, unknown>]), true), drained: async () => {}, closed: new AbortController().signal };
    return { events, done: streamTap(hub, 'c', NO_REDACTION, { stage, limit: 3, seconds: 60, sample: 1 }, sink) };
  };
  const poll = collect('poll');
  const after = collect('transform');
  await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 10; i++) transform(record(i));
  await Promise.all([poll.done, after.done]);
  const ids = (events: Array<[string, Record<string, unknown>]>) => events.filter(([n]) => n === 'record').map(([, d]) => (d['value'] as { id: number }).id);
  assert.deepEqual(ids(poll.events), [0, 1, 2]);
  assert.deepEqual(ids(after.events), [1, 3, 5], 'the filtered records are not seen after the transforms');
  assert.deepEqual(after.events.at(-1), ['end', { sent: 3, dropped: 0, seen: after.events.at(-1)![1]['seen'] }]);
});
