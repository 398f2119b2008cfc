// The registry client's HTTP behaviour: fail-over between URLs, retries of 503, auth headers, error answers.
// The servers here are real HTTP servers on loopback that answer as a registry (or a proxy in front of one) would.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RetriableException } from '../../../src/data/index.js';
import { RegistryClient, RegistryResponseError, RegistryUnavailableError, registryClientSettings } from '../../../src/converters/index.js';

interface Seen { method: string; url: string; auth?: string; tenant?: string; body: string }

async function server(answer: (req: Seen, n: number) => { status: number; body: unknown }): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization, tenant: req.headers['x-tenant'] as string | undefined, body };
      seen.push(s);
      const a = answer(s, seen.length);
      res.writeHead(a.status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => srv.close(() => r())) };
}

/** A loopback port with nothing listening. */
async function deadUrl(): Promise<string> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

describe('registry client', () => {
  test('register sends Confluent\'s body (schemaType omitted for AVRO) with basic auth and request headers', async () => {
    const s = await server(() => ({ status: 200, body: { id: 7 } }));
    closers.push(s.close);
    const client = new RegistryClient(registryClientSettings({
      'schema.registry.url': s.url.replace('http://', 'http://u:p@'),
      'request.header.X-Tenant': 'acme',
    }));
    assert.equal(await client.register('orders-value', { schemaType: 'AVRO', schema: '"string"' }), 7);
    assert.equal(await client.register('orders-value', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }, true), 7);
    assert.equal(s.seen[0]!.method, 'POST');
    assert.equal(s.seen[0]!.url, '/subjects/orders-value/versions');
    assert.deepEqual(JSON.parse(s.seen[0]!.body), { schema: '"string"' });
    assert.equal(s.seen[1]!.url, '/subjects/orders-value/versions?normalize=true');
    assert.deepEqual(JSON.parse(s.seen[1]!.body), { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' });
    assert.equal(s.seen[0]!.auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(s.seen[0]!.tenant, 'acme');
    client.close();
  });

  test('a dead first URL fails over to the next, which is then tried first', async () => {
    const s = await server(() => ({ status: 200, body: { schema: '"int"' } }));
    closers.push(s.close);
    const client = new RegistryClient(registryClientSettings({ 'schema.registry.url': `${await deadUrl()},${s.url}` }));
    assert.deepEqual(await client.schemaById(3), { schemaType: 'AVRO', schema: '"int"', references: [] });
    assert.deepEqual(await client.schemaById(3), { schemaType: 'AVRO', schema: '"int"', references: [] });
    assert.equal(s.seen.length, 2);
    assert.equal(s.seen[0]!.url, '/schemas/ids/3');
    client.close();
  });

  test('503 is retried max.retries times; then the registry counts as unavailable (retriable)', async () => {
    const s = await server((_req, n) => (n <= 2 ? { status: 503, body: { error_code: 50301, message: 'busy' } } : { status: 200, body: { id: 1 } }));
    closers.push(s.close);
    const settings = { 'schema.registry.url': s.url, 'retries.wait.ms': '5', 'max.retries': '2' };
    const client = new RegistryClient(registryClientSettings(settings));
    assert.equal(await client.register('s', { schemaType: 'AVRO', schema: '"int"' }), 1);
    assert.equal(s.seen.length, 3);
    const never = await server(() => ({ status: 503, body: {} }));
    closers.push(never.close);
    const c2 = new RegistryClient(registryClientSettings({ ...settings, 'schema.registry.url': never.url, 'max.retries': '1' }));
    await assert.rejects(c2.register('s', { schemaType: 'AVRO', schema: '"int"' }), (e: unknown) => e instanceof RegistryUnavailableError && e instanceof RetriableException);
    assert.equal(never.seen.length, 2);
    client.close();
    c2.close();
  });

  test('no URL answering is a RetriableException naming them', async () => {
    const dead = await deadUrl();
    const client = new RegistryClient(registryClientSettings({ 'schema.registry.url': dead }));
    await assert.rejects(client.schemaById(1), (e: unknown) => e instanceof RetriableException && e.message.includes(dead));
  });

  test('an error answer keeps the registry\'s code and message', async () => {
    const s = await server(() => ({ status: 409, body: { error_code: 409, message: 'Schema being registered is incompatible with an earlier schema for subject "s"' } }));
    closers.push(s.close);
    const client = new RegistryClient(registryClientSettings({ 'schema.registry.url': s.url }));
    await assert.rejects(client.register('s', { schemaType: 'AVRO', schema: '"int"' }), (e: unknown) =>
      e instanceof RegistryResponseError && e.status === 409 && e.errorCode === 409 && /incompatible/.test(e.registryMessage));
    client.close();
  });
});
