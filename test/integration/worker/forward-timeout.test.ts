/**
 * `sluice worker`: a write forwarded to a leader that does not answer (its process is stopped) is answered with
 * Kafka's RestClient shape, 500 "IO Error trying to forward REST request: …" naming the leader, not NATS's bare
 * "TIMEOUT".
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, rest, until, type WorkerProcess } from '../cluster/support/cluster.js';

const cluster = new TestCluster({ delayMs: 1000, sessionTimeoutMs: 3000 });
after(async () => {
  for (const w of cluster.workers) if (w.running) w.child!.kill('SIGCONT');
  await cluster.stop();
});

test('a forwarded write whose leader does not answer gets a 500 a user understands', { timeout: 150_000 }, async () => {
  const [w1, w2] = await cluster.start(2);
  const leaderId = await until('a leader', async () => {
    const r = await rest(w1!.port, 'GET', '/connectors?expand=status');
    if (r.status !== 200) return null;
    // The lease holder logs "lease taken" with its epoch; under load the lease can move once at start, so the
    // holder is the one with the newest epoch.
    const epochOf = (w: WorkerProcess) =>
      Math.max(-1, ...w.tail(400).split('\n').filter((l) => l.includes('"msg":"lease taken"')).map((l) => (JSON.parse(l) as { epoch: number }).epoch));
    const [a, b] = [epochOf(w1!), epochOf(w2!)];
    return a < 0 && b < 0 ? null : (a > b ? w1! : w2!).workerId;
  }, 30_000);
  const leader = [w1!, w2!].find((w) => w.workerId === leaderId)!;
  const follower = [w1!, w2!].find((w) => w !== leader)!;
  leader.child!.kill('SIGSTOP');
  const t0 = Date.now();
  const r = await rest(follower.port, 'POST', '/connectors', {
    name: 'late',
    config: { 'connector.class': 'test.cluster.ProbeConnector', 'tasks.max': '1', 'probe.log': cluster.probeLog },
  }, 120_000);
  leader.child!.kill('SIGCONT');
  assert.equal(r.status, 500, JSON.stringify(r.body));
  assert.notEqual(r.body.message, 'TIMEOUT');
  assert.equal(r.body.error_code, 500);
  assert.match(r.body.message, /^IO Error trying to forward REST request: the leader \(worker 127\.0\.0\.1:\d+\) did not answer within 60000 ms/);
  assert.ok(Date.now() - t0 < 90_000);
});
