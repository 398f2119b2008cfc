/**
 * Private nats-server processes for tests (the machine's server on 4222 stays untouched): one server with a
 * given config (TLS, an auth block, operator mode) or a JetStream cluster of three, each on free loopback
 * ports with its own store directory. Certificates come from openssl, NKeys from @nats-io/nkeys and JWTs
 * from @nats-io/jwt, all made at test start.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { freePort, portOpen } from './ports.js';
import { join } from 'node:path';
import { createUser, createAccount, createOperator } from '@nats-io/nkeys';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';

export const NATS_SERVER = '/usr/sbin/nats-server';



/** Every private server still running is killed when the test process exits, whatever failed before. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One nats-server process; `start` again after `kill` reuses its config, ports and store. */
export class NatsServerProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly port: number,
    readonly config: string,
  ) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(this.configFile, config);
  }

  get configFile(): string {
    return join(this.dir, 'server.conf');
  }

  get logFile(): string {
    return join(this.dir, 'server.log');
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const fd = openSync(this.logFile, 'a');
    const child = spawn(NATS_SERVER, ['-c', this.configFile], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.#child = child;
    live.add(child);
    this.#exited = new Promise((r) =>
      child.once('exit', () => {
        live.delete(child);
        r();
      }),
    );
    const end = Date.now() + timeoutMs;
    while (!(await portOpen(this.port))) {
      if (!this.running) throw new Error(`nats-server ${this.name} exited: ${this.tail()}`);
      if (Date.now() > end) throw new Error(`nats-server ${this.name} did not listen on ${this.port}: ${this.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child!.kill(signal);
    await this.#exited;
  }

  tail(lines = 15): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }
}

/** A server with JetStream and the given extra config lines (TLS block, authorization, operator mode…). */
export async function natsServer(dir: string, name: string, extra = ''): Promise<NatsServerProcess> {
  const port = await freePort();
  const store = join(dir, name, 'js');
  const config = `listen: 127.0.0.1:${port}\nserver_name: ${name}\njetstream { store_dir: "${store}" }\n${extra}\n`;
  const server = new NatsServerProcess(name, join(dir, name), port, config);
  await server.start();
  return server;
}

/** Three servers routed into one JetStream cluster (R3 buckets survive the loss of one). */
export async function natsCluster(dir: string, name: string): Promise<NatsServerProcess[]> {
  const ports = await Promise.all([0, 1, 2].map(async () => ({ client: await freePort(), route: await freePort() })));
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`).join(', ');
  const servers = ports.map((p, i) => {
    const n = `${name}-${i + 1}`;
    const config = [
      `listen: 127.0.0.1:${p.client}`,
      `server_name: ${n}`,
      `jetstream { store_dir: "${join(dir, n, 'js')}" }`,
      `cluster { name: ${name}, listen: 127.0.0.1:${p.route}, routes: [ ${routes} ] }`,
    ].join('\n');
    return new NatsServerProcess(n, join(dir, n), p.client, `${config}\n`);
  });
  await Promise.all(servers.map((s) => s.start()));
  return servers;
}

export interface TestCerts {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed nothing the server presents. */
  readonly otherCa: string;
}

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate and an unrelated CA (openssl). */
export function makeCerts(dir: string): TestCerts {
  mkdirSync(dir, { recursive: true });
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ca = (n: string) =>
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.pem`, '-days', '30', '-subj', `/CN=${n}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (n: string, usage: string) => {
    writeFileSync(join(dir, `${n}.ext`), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n`);
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`);
    run('x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', `${n}.ext`, '-out', `${n}.pem`);
  };
  ca('ca');
  ca('other-ca');
  leaf('server', 'serverAuth');
  leaf('client', 'clientAuth');
  return {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    otherCa: join(dir, 'other-ca.pem'),
  };
}

/** A user NKey: the public key for the server's config, the seed file for the client. */
export function makeUserNkey(dir: string, name: string): { publicKey: string; seedFile: string } {
  const kp = createUser();
  const seedFile = join(dir, `${name}.nk`);
  writeFileSync(seedFile, `${new TextDecoder().decode(kp.getSeed())}\n`, { mode: 0o600 });
  return { publicKey: kp.getPublicKey(), seedFile };
}

/**
 * Operator mode as nsc sets it up, without nsc: an operator, an account with JetStream allowed, preloaded in
 * a memory resolver, and a user of that account whose `.creds` file the client gets. `wrongCredsFile` holds a
 * user signed by an account the server does not know.
 */
export async function makeOperatorMode(dir: string): Promise<{ serverConfig: string; credsFile: string; wrongCredsFile: string }> {
  const operator = createOperator();
  const account = createAccount();
  const user = createUser();
  const operatorJwt = await encodeOperator('sluice-test', operator);
  const accountJwt = await encodeAccount('sluice', account, {
    // Every limit given (a limit left out of the claim is 0): unlimited, JetStream allowed.
    limits: { subs: -1, conn: -1, leaf: -1, imports: -1, exports: -1, data: -1, payload: -1, wildcards: true, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
  }, { signer: operator });
  const userJwt = await encodeUser('worker', user, account);
  const credsFile = join(dir, 'worker.creds');
  writeFileSync(credsFile, fmtCreds(userJwt, user), { mode: 0o600 });
  const strayAccount = createAccount();
  const stray = createUser();
  const wrongCredsFile = join(dir, 'stray.creds');
  writeFileSync(wrongCredsFile, fmtCreds(await encodeUser('stray', stray, strayAccount), stray), { mode: 0o600 });
  // JetStream in operator mode needs a system account.
  const system = createAccount();
  const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
  const serverConfig = [
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    'resolver: MEMORY',
    `resolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n  ${system.getPublicKey()}: ${systemJwt}\n}`,
  ].join('\n');
  return { serverConfig, credsFile, wrongCredsFile };
}
