/**
 * Distributed workers on a NATS that is not open: TLS (certificates made here with openssl, the server verifying
 * clients), user/password, token, NKey and a JWT `.creds` file in operator mode (made with @nats-io/jwt). Each
 * kind: a group member joins, leads and writes its buckets; worker processes join and run connectors, and
 * `sluice apply --worker-config` reaches the group the same way. A wrong credential or a certificate nobody
 * vouches for fails with a message naming the cause.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupMember } from '../../../src/cluster/group.js';
import { parseNatsClientSettings } from '../../../src/worker/distributed-config.js';
import { connectNats, natsSettingsOf } from '../../../src/cluster/nats.js';
import { uniqueName } from '../../support/services.js';
import { REPO, sluiceArgs } from '../../support/processes.js';
import { TestCluster, rest, until } from './support/cluster.js';
import { makeCerts, makeOperatorMode, makeUserNkey, natsServer, type NatsServerProcess, type TestCerts } from '../../support/nats-servers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-nats-sec-'));
const servers: NatsServerProcess[] = [];
const clusters: TestCluster[] = [];
after(async () => {
  await Promise.all(clusters.map((c) => c.stop().catch(() => {})));
  await Promise.all(servers.map((s) => s.kill()));
  rmSync(dir, { recursive: true, force: true });
});

interface Kind {
  readonly name: string;
  readonly server: NatsServerProcess;
  /** The worker keys that reach it. */
  readonly keys: Record<string, string>;
  /** Keys that must be refused by the server, and what the refusal says. */
  readonly wrong: { readonly keys: Record<string, string>; readonly says: RegExp };
}

const kinds: Kind[] = [];
let certs: TestCerts;

async function joinAs(keys: Record<string, string>, groupId: string): Promise<GroupMember> {
  return GroupMember.join({
    nats: parseNatsClientSettings(keys),
    groupId,
    workerId: `127.0.0.1:${groupId.length}`,
    url: 'http://127.0.0.1:1',
    sessionTimeoutMs: 3000,
    heartbeatIntervalMs: 300,
  });
}

describe('NATS with TLS and credentials', { timeout: 240_000 }, () => {
  before(async () => {
    certs = makeCerts(join(dir, 'certs'));
    const tlsBlock = `tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}", verify: true, timeout: 5 }`;
    const secrets = join(dir, 'nats-secrets.properties');
    writeFileSync(secrets, 'password=s3cret-pw\n', { mode: 0o600 });
    const started = async (name: string, extra: string) => {
      const s = await natsServer(dir, name, extra);
      servers.push(s);
      return s;
    };
    const userServer = await started('tls-user', `${tlsBlock}\nauthorization { user: sluice, password: "s3cret-pw" }`);
    const tokenServer = await started('token', 'authorization { token: "t0ken-abc" }');
    const nkey = makeUserNkey(dir, 'worker');
    const strayNkey = makeUserNkey(dir, 'stray');
    const nkeyServer = await started('nkey', `authorization { users: [ { nkey: ${nkey.publicKey} } ] }`);
    const operator = await makeOperatorMode(dir);
    const credsServer = await started('creds', operator.serverConfig);
    const mutualTls = {
      'nats.url': `tls://127.0.0.1:${userServer.port}`,
      'nats.tls.ca.location': certs.ca,
      'nats.tls.cert.location': certs.clientCert,
      'nats.tls.key.location': certs.clientKey,
    };
    kinds.push(
      {
        name: 'TLS with client certificates + user/password (the password from a config provider)',
        server: userServer,
        keys: {
          ...mutualTls,
          'nats.user': 'sluice',
          'nats.password': `\${file:${secrets}:password}`,
          'config.providers': 'file',
          'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
        },
        wrong: {
          keys: { ...mutualTls, 'nats.user': 'sluice', 'nats.password': 'wrong' },
          says: /Authorization Violation/i,
        },
      },
      {
        name: 'token',
        server: tokenServer,
        keys: { 'nats.url': `nats://127.0.0.1:${tokenServer.port}`, 'nats.token': 't0ken-abc' },
        wrong: { keys: { 'nats.url': `nats://127.0.0.1:${tokenServer.port}`, 'nats.token': 'nope' }, says: /Authorization Violation/i },
      },
      {
        name: 'NKey',
        server: nkeyServer,
        keys: { 'nats.url': `nats://127.0.0.1:${nkeyServer.port}`, 'nats.nkey.seed.location': nkey.seedFile },
        wrong: { keys: { 'nats.url': `nats://127.0.0.1:${nkeyServer.port}`, 'nats.nkey.seed.location': strayNkey.seedFile }, says: /Authorization Violation/i },
      },
      {
        name: 'JWT .creds (operator mode)',
        server: credsServer,
        keys: { 'nats.url': `nats://127.0.0.1:${credsServer.port}`, 'nats.creds.location': operator.credsFile, 'nats.kv.bucket.prefix': 'team_a' },
        wrong: { keys: { 'nats.url': `nats://127.0.0.1:${credsServer.port}`, 'nats.creds.location': operator.wrongCredsFile }, says: /Authorization Violation/i },
      },
    );
  });

  test('each kind: a member joins, leads and writes its buckets; the wrong credential is refused naming the cause', async (t) => {
    for (const kind of kinds) {
      const group = uniqueName('sec');
      const m = await joinAs(kind.keys, group);
      try {
        await until(`${kind.name}: leader`, () => m.election.isLeader);
        assert.ok(m.buckets.config.startsWith(`${natsSettingsOf(parseNatsClientSettings(kind.keys)).bucketPrefix}_`));
      } finally {
        await m.leave(true);
      }
      const err = await joinAs(kind.wrong.keys, uniqueName('sec')).then(
        (x) => {
          void x.leave(true);
          return undefined;
        },
        (e: Error) => e,
      );
      assert.ok(err, `${kind.name}: the wrong credential was accepted`);
      assert.match(err.message, kind.wrong.says, `${kind.name}: ${err.message}`);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${kind.server.port}`));
      t.diagnostic(`${kind.name}: ${err.message}`);
    }
  });

  test('three replicas asked of a single server: refused at start naming nats.kv.replicas', async () => {
    const token = kinds[1]!;
    const err = await joinAs({ ...token.keys, 'nats.kv.replicas': '3' }, uniqueName('r3')).then(
      async (m) => {
        await m.leave(true);
        return undefined;
      },
      (e: Error) => e,
    );
    assert.ok(err, 'R3 buckets on a single server were accepted');
    assert.match(err.message, /nats\.kv\.replicas=3 needs a NATS cluster/, err.message);
  });

  test('TLS: a CA that does not vouch for the server, or no client certificate where the server asks for one, is refused naming the certificate', async () => {
    const server = kinds[0]!.server;
    const url = `tls://127.0.0.1:${server.port}`;
    const untrusted = await connectNats({ nats: parseNatsClientSettings({ 'nats.url': url, 'nats.tls.ca.location': certs.otherCa }), name: 't', timeoutMs: 5000 }).then(
      async (nc) => {
        await nc.close();
        return undefined;
      },
      (e: Error) => e,
    );
    assert.ok(untrusted, 'an untrusted server certificate was accepted');
    assert.match(untrusted.message, /certificate/i, untrusted.message);
    const noClientCert = await connectNats({ nats: parseNatsClientSettings({ 'nats.url': url, 'nats.tls.ca.location': certs.ca, 'nats.user': 'sluice', 'nats.password': 's3cret-pw' }), name: 't', timeoutMs: 5000 }).then(
      async (nc) => {
        await nc.close();
        return undefined;
      },
      (e: Error) => e,
    );
    assert.ok(noClientCert, 'a client without a certificate was accepted');
    assert.match(noClientCert.message, /certificate|TLS|handshake|alert/i, noClientCert.message);
  });

  test('worker processes join and run connectors on every kind; sluice apply --worker-config reaches the group; a worker with a wrong credential exits naming it', async () => {
    const runs = kinds.map(async (kind) => {
      const cluster = new TestCluster({ extra: Object.fromEntries(Object.entries(kind.keys).filter(([k]) => k !== 'nats.url')) });
      clusters.push(cluster);
      const w = await cluster.add({ natsUrl: kind.keys['nats.url']! });
      await w.ready();
      const topic = uniqueName('sec_orders');
      const created = await rest(w.port, 'POST', '/connectors', {
        name: 'gen',
        config: { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': '20', 'tasks.max': '1' },
      });
      assert.equal(created.status, 201, `${kind.name}: ${JSON.stringify(created.body)}`);
      await until(`${kind.name}: gen RUNNING`, async () => {
        const s = await cluster.status('gen', w.port);
        return s?.connector.state === 'RUNNING' && s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
      });
      // sluice apply with the worker's own config file (TLS files, credentials, prefix, group.id).
      const pipeline = join(cluster.dir, 'apply.json');
      writeFileSync(pipeline, JSON.stringify({ connectors: [{ name: 'gen2', config: { 'connector.class': 'datagen', 'kafka.topic': topic, 'max.records': '5' } }] }));
      const apply = spawnSync(process.execPath, sluiceArgs(['apply', pipeline, '--worker-config', w.configFile]), { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
      assert.equal(apply.status, 0, `${kind.name}: apply: ${apply.stderr}`);
      assert.match(apply.stdout, /gen2: created/);
      await until(`${kind.name}: gen2 RUNNING`, async () => (await cluster.status('gen2', w.port))?.connector.state === 'RUNNING');
    });
    await Promise.all(runs);

    // A worker whose credential the server refuses: it exits (no REST API left hanging) and says why.
    const token = kinds[1]!;
    const bad = new TestCluster({ extra: { 'nats.token': 'nope' } });
    clusters.push(bad);
    const w = await bad.add({ natsUrl: token.keys['nats.url']! });
    const code = await Promise.race([w.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 60_000))]);
    assert.equal(code, 5, 'exit code 5: the config is valid, the service refused it');
    assert.match(w.tail(40), /Authorization Violation/i);
    assert.match(w.tail(40), new RegExp(`127\\.0\\.0\\.1:${token.server.port}`));
  });
});
