/**
 * `sluice worker`: a connector deleted while its start is still pending (a JDBC source whose database accepts the
 * connection and never answers) must not wedge the worker: connectors created afterwards start, pause takes
 * effect, and one SIGTERM stops the process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { TestCluster, rest, until } from '../cluster/support/cluster.js';

const sockets = new Set<Socket>();
// Accepts connections and never answers: the PostgreSQL handshake waits forever.
const blackhole = createServer((s) => {
  sockets.add(s);
  s.on('error', () => {});
  s.on('close', () => sockets.delete(s));
});
const cluster = new TestCluster({ delayMs: 1000 });
after(async () => {
  await cluster.stop();
  for (const s of sockets) s.destroy();
  blackhole.close();
});

test('a connector deleted during a pending start leaves the worker working', { timeout: 150_000 }, async () => {
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  const dbPort = (blackhole.address() as { port: number }).port;
  const [w] = await cluster.start(1);
  const port = w!.port;

  const created = await rest(port, 'POST', '/connectors', {
    name: 'stuck',
    config: {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': `jdbc:postgresql://127.0.0.1:${dbPort}/test`,
      'connection.user': 'postgres',
      mode: 'bulk',
      'topic.prefix': 'stuck-',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await until('the blackhole to be connected to', () => sockets.size > 0, 30_000);
  await new Promise((r) => setTimeout(r, 3000));
  const deleted = await rest(port, 'DELETE', '/connectors/stuck', undefined, 60_000);
  assert.equal(deleted.status, 204, JSON.stringify(deleted.body));

  const next = await rest(port, 'POST', '/connectors', {
    name: 'after',
    config: { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '1', 'probe.log': cluster.probeLog },
  });
  assert.equal(next.status, 201, JSON.stringify(next.body));
  await until('the new connector to run', async () => {
    const s = await cluster.status('after', port);
    return s?.connector?.state === 'RUNNING' && s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
  }, 30_000).catch((e) => assert.fail(`${(e as Error).message}\n${cluster.logs()}`));

  const paused = await rest(port, 'PUT', '/connectors/after/pause');
  assert.equal(paused.status, 202);
  await until('the new connector to pause', async () => {
    const s = await cluster.status('after', port);
    return s?.connector?.state === 'PAUSED' && s.tasks[0]?.state === 'PAUSED';
  }, 30_000);

  // One SIGTERM is enough.
  const t0 = Date.now();
  w!.child!.kill('SIGTERM');
  const code = await Promise.race([w!.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 40_000))]);
  assert.notEqual(code, 'hung', `one SIGTERM did not stop the worker\n${w!.tail(30)}`);
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 40_000);
});
