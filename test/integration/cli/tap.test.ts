// The live tap as users reach it: `sluice run` serving GET /connectors/{name}/tap (Server-Sent Events) and
// `sluice tap NAME` reading it — records after (or before) the transforms or as bytes, configured fields, secrets
// and header values redacted, the limit honoured, unknown connectors and bad parameters refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort } from '../../support/ports.js';
import { sluice, sluiceToEnd, tempDir, writeJson, until } from './support.js';

/** The events of a finished SSE response. */
function events(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((b) => ({ event: /^event: (.*)$/m.exec(b)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as Record<string, unknown> }));
}

test('GET /connectors/{name}/tap and sluice tap on a running pipeline', { timeout: 120_000 }, async () => {
  const dir = tempDir('tap');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const path = writeJson(dir, 'pipeline.json', {
    worker: { listeners: base, 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string' },
    connectors: [
      {
        name: 'gen',
        config: {
          'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'records.per.second': 300, 'batch.size': 10, 'random.seed': 9,
          transforms: 'h', 'transforms.h.type': 'org.apache.kafka.connect.transforms.InsertHeader', 'transforms.h.header': 'tenant', 'transforms.h.value.literal': 'acme',
          'sluice.tap.redact.fields': 'customer_id,street',
        },
      },
      { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: join(dir, 'out.jsonl'), 'value.converter': 'string' } },
      {
        // A secret (a PASSWORD-type key's value) that also turns up in the data.
        name: 'leaky',
        config: {
          'connector.class': 'datagen', 'kafka.topic': 'leaky', quickstart: 'users', 'records.per.second': 50, 'random.seed': 4,
          'value.converter.basic.auth.user.info': 'svc:hunter2',
          transforms: 'k', 'transforms.k.type': 'org.apache.kafka.connect.transforms.InsertField$Value', 'transforms.k.static.field': 'auth', 'transforms.k.static.value': 'svc:hunter2',
        },
      },
      { name: 'leaky-out', config: { 'connector.class': 'FileStreamSink', topics: 'leaky', file: join(dir, 'leaky.jsonl') } },
    ],
  });
  const p = sluice(['run', '--keep-running', '--view', 'json', path]);
  try {
    await until(async () => (await fetch(`${base}/connectors/gen/status`).catch(() => null))?.status === 200, 'REST up');

    const res = await fetch(`${base}/connectors/gen/tap?limit=5`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const evs = events(await res.text());
    const records = evs.filter((e) => e.event === 'record');
    assert.equal(records.length, 5);
    for (const { data } of records) {
      const value = data['value'] as Record<string, unknown>;
      assert.equal(data['topic'], 'orders');
      assert.equal(value['customer_id'], '[redacted]');
      assert.equal((value['shipping_address'] as Record<string, unknown>)['street'], '[redacted]');
      assert.equal(typeof (value['shipping_address'] as Record<string, unknown>)['city'], 'string');
      assert.deepEqual(data['headers'], { tenant: '[redacted]' });
    }
    assert.deepEqual(evs.at(-1)!.event, 'end');
    assert.equal(evs.at(-1)!.data['sent'], 5);

    const before = events(await (await fetch(`${base}/connectors/gen/tap?limit=2&stage=poll`)).text()).filter((e) => e.event === 'record');
    assert.equal(before.length, 2);
    assert.deepEqual(before[0]!.data['headers'], {}, 'before the transforms: no header yet');

    const sink = events(await (await fetch(`${base}/connectors/out/tap?limit=2`)).text()).filter((e) => e.event === 'record');
    assert.equal(sink.length, 2);
    assert.equal(typeof sink[0]!.data['offset'], 'number', 'a sink record carries its Kafka offset');

    // As bytes: what the source's converters made for the topic, what the sink consumed.
    const sourceBytes = events(await (await fetch(`${base}/connectors/gen/tap?limit=2&stage=bytes`)).text()).filter((e) => e.event === 'record');
    assert.equal(sourceBytes.length, 2);
    for (const { data } of sourceBytes) {
      const value = data['value'] as { size: number; text: string };
      assert.ok(value.size > 20, 'the size of the bytes sent');
      const parsed = JSON.parse(value.text) as Record<string, unknown>;
      assert.equal(parsed['customer_id'], '[redacted]');
      assert.equal(typeof parsed['order_id'], 'number');
      assert.deepEqual(data['headers'], { tenant: '[redacted]' });
    }
    const sinkBytes = events(await (await fetch(`${base}/connectors/out/tap?limit=2&stage=bytes`)).text()).filter((e) => e.event === 'record');
    assert.equal(sinkBytes.length, 2);
    assert.equal(typeof sinkBytes[0]!.data['offset'], 'number');
    assert.equal(typeof JSON.parse((sinkBytes[0]!.data['value'] as { text: string }).text)['customer_id'], 'number', 'the sink redacts nothing it was not told to');

    const leaky = events(await (await fetch(`${base}/connectors/leaky/tap?limit=2`)).text()).filter((e) => e.event === 'record');
    assert.equal(leaky.length, 2);
    for (const { data } of leaky) assert.equal((data['value'] as Record<string, unknown>)['auth'], '[redacted]');
    const leakyBytes = await (await fetch(`${base}/connectors/leaky/tap?limit=2&stage=bytes`)).text();
    assert.ok(!leakyBytes.includes('hunter2'), leakyBytes);
    assert.match(leakyBytes, /\\"auth\\":\\"\[redacted\]\\"/);

    const cli = await sluiceToEnd(['tap', 'gen', '--url', base, '--limit', '3']);
    assert.equal(cli.code, 0, cli.stderr);
    const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 3);
    assert.equal((lines[0]!['value'] as Record<string, unknown>)['customer_id'], '[redacted]');
    assert.match(cli.stderr, /3 records printed, 0 dropped/);

    const unknown = await fetch(`${base}/connectors/nope/tap`);
    assert.equal(unknown.status, 404);
    const bad = await fetch(`${base}/connectors/gen/tap?stage=raw`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /parameter stage/);
    const cliUnknown = await sluiceToEnd(['tap', 'nope', '--url', base]);
    assert.equal(cliUnknown.code, 2);
    assert.match(cliUnknown.stderr, /HTTP 404/);
  } finally {
    p.child.kill('SIGTERM');
  }
  assert.equal((await p.exited).code, 0, p.stderr());
  const unreachable = await sluiceToEnd(['tap', 'gen', '--url', `http://127.0.0.1:${await freePort()}`]);
  assert.equal(unreachable.code, 5);
});
