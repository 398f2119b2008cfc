/**
 * Membership, leader election and fencing against the real NATS server (in-process members, each with its own
 * connection; one reaches NATS through a TCP proxy the test cuts).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { NATS_URL, uniqueName } from '../../support/services.js';
import { GroupMember, NotLeaderError } from '../../../src/cluster/group.js';
import { bucketsOf, configKeys } from '../../../src/cluster/keys.js';
import { connectNats, deleteBucket, encodeJson, openBucket } from '../../../src/cluster/nats.js';
import { TcpProxy } from './support/tcp-proxy.js';

const SESSION = 3000;
const HEARTBEAT = 300;

async function until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const groups: string[] = [];
const members: GroupMember[] = [];
after(async () => {
  for (const m of members) await m.leave(false).catch(() => {});
  const nc = await connectNats({ nats: NATS_URL, name: 'cleanup' });
  for (const g of groups) for (const b of Object.values(bucketsOf(g))) await deleteBucket(nc, b);
  await nc.close();
});

async function join(groupId: string, workerId: string, natsUrl = NATS_URL): Promise<GroupMember> {
  const m = await GroupMember.join({
    nats: natsUrl,
    groupId,
    workerId,
    url: `http://${workerId}`,
    sessionTimeoutMs: SESSION,
    heartbeatIntervalMs: HEARTBEAT,
  });
  members.push(m);
  return m;
}

function leaderOf(ms: GroupMember[]): GroupMember | undefined {
  const leaders = ms.filter((m) => m.election.isLeader);
  assert.ok(leaders.length <= 1, `two leaders: ${leaders.map((m) => m.membership.self.workerId)}`);
  return leaders[0];
}

describe('group membership and leader election over NATS', () => {
  test('three workers: one leader, everyone agrees; a graceful leave hands over at once; a crash after the session timeout', async () => {
    const g = uniqueName('grp');
    groups.push(g);
    const ms = [await join(g, 'w1:1'), await join(g, 'w2:1'), await join(g, 'w3:1')];
    await until('three live members everywhere', () => ms.every((m) => m.membership.live().length === 3));
    const first = await until('a leader', () => leaderOf(ms));
    await until('everyone sees the same leader', () =>
      ms.every((m) => m.election.leader()?.member === first.membership.self.member),
    );
    const epoch1 = first.election.epoch!;

    const started = Date.now();
    await first.leave(true);
    const rest = ms.filter((m) => m !== first);
    const second = await until('a new leader after a graceful leave', () => leaderOf(rest));
    assert.ok(Date.now() - started < SESSION, 'a graceful leave does not wait for the session timeout');
    assert.ok(second.election.epoch! > epoch1, 'the new epoch is larger');
    await until('the leaver is gone from every view', () => rest.every((m) => m.membership.live().length === 2));

    const crashAt = Date.now();
    await second.crash();
    const third = rest.find((m) => m !== second)!;
    await until('the last one leads', () => third.election.isLeader, SESSION * 4);
    const took = Date.now() - crashAt;
    assert.ok(took >= SESSION - 200, `took over after ${took} ms, before the session timeout`);
    assert.equal(third.membership.live().length, 1);
  });

  test('a partitioned leader fences itself, loses the lease, and its stale writes are refused by every replica', async () => {
    const g = uniqueName('grp');
    groups.push(g);
    const proxy = await TcpProxy.start(NATS_URL);
    try {
      // 'a…' sorts first: it competes first and leads.
      const a = await join(g, 'a-behind-proxy:1', proxy.url);
      await until('a leads', () => a.election.isLeader);
      const b = await join(g, 'b:1');
      const c = await join(g, 'c:1');
      const all = [a, b, c];
      await until('three members', () => all.every((m) => m.membership.live().length === 3));
      // On a loaded machine a can stop leading for a moment (a late heartbeat through the proxy fences it, or its
      // replica is catching up) and lead again under the same lease: the write waits that out, nothing more.
      let oldEpoch = 0;
      for (let tries = 0; ; tries++) {
        oldEpoch = await until('a leads', () => a.election.epoch);
        try {
          await a.writeConfig(configKeys.connector('x'), { properties: { v: '1' } });
          break;
        } catch (e) {
          if (!(e instanceof NotLeaderError) || tries >= 20) throw e;
          await new Promise((r) => setTimeout(r, HEARTBEAT));
        }
      }
      await until('replicated', () => b.config.connectors.get('x') && c.config.connectors.get('x'));

      const fenced = new Promise<number>((resolve) => a.membership.onFence((f) => f && resolve(Date.now())));
      const cutAt = Date.now();
      await proxy.cut();
      const fencedAt = await fenced;
      assert.ok(fencedAt - cutAt < SESSION, `fenced ${fencedAt - cutAt} ms after the cut`);
      assert.equal(a.election.isLeader, false, 'a fenced worker is not the leader');
      await assert.rejects(a.writeConfig(configKeys.connector('x'), { properties: { v: 'zombie' } }), NotLeaderError);

      const next = await until('b or c leads', () => leaderOf([b, c]), SESSION * 4);
      const tookOverAt = Date.now();
      // The session runs from a's last heartbeat, which can be up to one heartbeat interval before the cut.
      assert.ok(tookOverAt - cutAt >= SESSION - HEARTBEAT - 200, `nobody takes over before the session timeout (took over ${tookOverAt - cutAt} ms after the cut)`);
      assert.ok(fencedAt < tookOverAt, 'the old leader was fenced before the new one took over');
      const newEpoch = next.election.epoch!;
      assert.ok(newEpoch > oldEpoch);

      // A write carrying the deposed leader's epoch (as a zombie that still had a connection would make): refused.
      const raw = await connectNats({ nats: NATS_URL, name: 'zombie' });
      const kv = await openBucket(raw, bucketsOf(g).config);
      await kv.put(configKeys.connector('x'), encodeJson({ properties: { v: 'zombie' }, epoch: oldEpoch }));
      await raw.close();
      await until('the replicas saw the stale write', () => b.config.staleKeys.has(configKeys.connector('x')) && c.config.staleKeys.has(configKeys.connector('x')));
      assert.deepEqual(b.config.connectors.get('x')!.config, { v: '1' });
      assert.deepEqual(c.config.connectors.get('x')!.config, { v: '1' });
      // The new leader writes its value back.
      await next.writeConfig(configKeys.connector('x'), { properties: { v: '2' } });
      await until('the new value everywhere', () => [b, c].every((m) => m.config.connectors.get('x')?.config['v'] === '2'));

      // Healed: a reconnects, unfences, and follows the new leader.
      await proxy.heal();
      await until('a unfenced', () => !a.membership.fenced, 20_000);
      await until('a sees the new leader', () => a.election.leader()?.member === next.membership.self.member, 20_000);
      assert.equal(a.election.isLeader, false);
      await until('a has the new value', () => a.config.connectors.get('x')?.config['v'] === '2', 20_000);
    } finally {
      await proxy.cut();
    }
  });
});
