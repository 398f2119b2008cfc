/**
 * A private single-node KRaft Kafka broker for tests that must kill a broker (never the shared one on 9092).
 * It is what scripts/stack.sh runs, from the same jars (.stack/kafka/libs), with its own data dir under a temp
 * dir and its own free ports: PLAINTEXT only, a small heap, WARN logs to `<dir>/server.log`.
 *
 *   const broker = await PrivateBroker.start();
 *   broker.bootstrap            // '127.0.0.1:<port>'
 *   await broker.kill();        // kill -9, waits for the process to be gone
 *   await broker.restart();     // same ports, same data dir; resolves once it answers metadata requests
 *   await broker.close();       // kill -9 and delete the dir
 *
 * A process exit kills a broker that is still running, so a failed test leaves no JVM behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { REPO } from './processes.js';

export const KAFKA_LIBS = join(REPO, '.stack', 'kafka', 'libs');

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

import { freePort } from './ports.js';
export { freePort };

/** A Kafka cluster id: 16 random bytes, base64url, not starting with '-' (Kafka's Uuid rule). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface PrivateBrokerOptions {
  /** How long a start or restart may take before it counts as failed (default 90 s; the JVM is slow on a busy host). */
  readonly startTimeoutMs?: number;
}

export class PrivateBroker {
  readonly bootstrap: string;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #starts = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly controllerPort: number,
    readonly startTimeoutMs: number,
  ) {
    this.bootstrap = `127.0.0.1:${port}`;
  }

  /** Formats a fresh data dir and starts the broker; resolves once it answers. */
  static async start(options: PrivateBrokerOptions = {}): Promise<PrivateBroker> {
    if (!existsSync(KAFKA_LIBS)) throw new Error(`no Kafka jars in ${KAFKA_LIBS}: run bash scripts/stack.sh up once`);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-private-broker-'));
    const broker = new PrivateBroker(dir, await freePort(), await freePort(), options.startTimeoutMs ?? 90_000);
    broker.#writeConfig();
    broker.#format();
    await broker.#launch();
    return broker;
  }

  get config(): string {
    return join(this.dir, 'server.properties');
  }

  get log(): string {
    return join(this.dir, 'server.log');
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  /** kill -9: no shutdown, no flush; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** Starts the broker again on the same ports and data dir; resolves once it answers metadata requests. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('the private broker is still running: kill it first');
    await this.#launch();
  }

  /** Kills the broker and deletes its data dir. */
  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last `lines` lines of the broker's log (for a failing test's message). */
  logTail(lines = 40): string {
    if (!existsSync(this.log)) return '(no server.log)';
    return readFileSync(this.log, 'utf8').split('\n').slice(-lines).join('\n');
  }

  #writeConfig(): void {
    const data = join(this.dir, 'data');
    mkdirSync(data);
    writeFileSync(
      this.config,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
        `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        'controller.listener.names=CONTROLLER',
        `log.dirs=${data}`,
        'num.partitions=1',
        'default.replication.factor=1',
        'auto.create.topics.enable=true',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'min.insync.replicas=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(this.dir, 'log4j.properties'),
      [
        'log4j.rootLogger=WARN, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        'log4j.logger.kafka.server.KafkaRaftServer=INFO',
        'log4j.logger.kafka.Kafka$=INFO',
        '',
      ].join('\n'),
    );
  }

  #javaArgs(main: string, args: readonly string[]): string[] {
    return [
      '-Xmx384m',
      '-Xms128m',
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`,
      '-cp',
      `${KAFKA_LIBS}/*`,
      main,
      ...args,
    ];
  }

  #format(): void {
    const r = spawnSync('java', this.#javaArgs('kafka.tools.StorageTool', ['format', '-t', clusterId(), '-c', this.config]), {
      encoding: 'utf8',
      timeout: this.startTimeoutMs,
    });
    if (r.status !== 0) throw new Error(`kafka.tools.StorageTool format failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  }

  async #launch(): Promise<void> {
    this.#starts++;
    const out = openSync(this.log, 'a');
    writeFileSync(this.log, `--- start ${this.#starts} at ${new Date().toISOString()}\n`, { flag: 'a' });
    const child = spawn('java', this.#javaArgs('kafka.Kafka', [this.config]), { stdio: ['ignore', out, out] });
    closeSync(out);
    live.add(child);
    this.#child = child;
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        if (this.#child === child) this.#child = null;
        resolve();
      }),
    );
    try {
      await this.#ready();
    } catch (e) {
      await this.kill();
      throw new Error(`the private broker did not start: ${(e as Error).message}\n${this.logTail()}`);
    }
  }

  /** Waits until the broker answers a metadata request (and the process is still there). */
  async #ready(): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    const kafka = new Kafka({ clientId: 'sluice-private-broker-probe', brokers: [this.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
    let last: unknown;
    while (Date.now() < deadline) {
      if (!this.#child) throw new Error('the broker process exited');
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0) return;
      } catch (e) {
        last = e;
      } finally {
        await admin.disconnect().catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`no answer on ${this.bootstrap} within ${this.startTimeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
  }
}
