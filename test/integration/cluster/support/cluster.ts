/**
 * Multi-process clusters for the integration tests: `sluice worker` processes (bin/sluice.js) with configs
 * written to a temp dir, REST helpers, the probe event log, and cleanup (every process killed, the group's
 * buckets deleted, the temp dir removed unless SLUICE_KEEP_TEST_DIRS is set). Everything is bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync, existsSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../../support/services.js';
import { importablePath, sluiceArgs } from '../../../support/processes.js';
import { bucketsOf } from '../../../../src/cluster/keys.js';
import { connectNats, deleteBucket } from '../../../../src/cluster/nats.js';
import type { ProbeEvent } from './probe-plugin.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
// Transpiled with the CLI when the test runner built both (one copy of the plugin API in the process), else .ts through tsx.
export const PROBE_PLUGIN = importablePath(resolve(import.meta.dirname, 'probe-plugin.ts'));

import { freePort } from '../../../support/ports.js';
export { freePort };

export async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface RestResult {
  readonly status: number;
  readonly body: any;
}

export async function rest(port: number, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<RestResult> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}

export interface ClusterSettings {
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly delayMs?: number;
  /** Extra worker keys for every worker. */
  readonly extra?: Record<string, string>;
}

export class WorkerProcess {
  child: ChildProcess | undefined;
  exited: Promise<number | null> = Promise.resolve(null);
  #logFd: number | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly configFile: string,
    readonly logFile: string,
  ) {}

  get pid(): number {
    return this.child!.pid!;
  }

  get workerId(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    this.#logFd = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, sluiceArgs(['worker', this.configFile, '--plugin', PROBE_PLUGIN, '--log-level', 'info']), {
      cwd: ROOT,
      stdio: ['ignore', this.#logFd, this.#logFd],
    });
    this.child = child;
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
  }

  /** Waits until its REST API answers. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await until(`${this.name} REST API`, async () => {
      if (!this.running) throw new Error(`${this.name} exited: ${this.tail()}`);
      const r = await rest(this.port, 'GET', '/health', undefined, 2000);
      return r.status === 200;
    }, timeoutMs, 200);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    const code = await Promise.race([this.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (code === 'timeout') {
      this.child!.kill('SIGKILL');
      await this.exited;
    }
    if (this.#logFd !== undefined) closeSync(this.#logFd);
    this.#logFd = undefined;
  }

  tail(lines = 20): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }
}

export class TestCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
  readonly group = uniqueName('cl');
  readonly offsetsTopic = uniqueName('cl_offsets');
  readonly probeLog: string;
  readonly workers: WorkerProcess[] = [];
  readonly settings: Required<Omit<ClusterSettings, 'extra'>> & { extra: Record<string, string> };

  constructor(settings: ClusterSettings = {}) {
    this.probeLog = join(this.dir, 'probe.log');
    writeFileSync(this.probeLog, '');
    this.settings = {
      sessionTimeoutMs: settings.sessionTimeoutMs ?? 3000,
      heartbeatIntervalMs: settings.heartbeatIntervalMs ?? 300,
      delayMs: settings.delayMs ?? 3000,
      extra: settings.extra ?? {},
    };
  }

  /** Writes a worker's config and starts it (not waiting for it). */
  async add(options: { natsUrl?: string; name?: string } = {}): Promise<WorkerProcess> {
    const port = await freePort();
    const name = options.name ?? `w${this.workers.length + 1}`;
    const configFile = join(this.dir, `${name}.properties`);
    const keys: Record<string, string> = {
      'group.id': this.group,
      'nats.url': options.natsUrl ?? NATS_URL,
      'bootstrap.servers': KAFKA_BROKERS.join(','),
      'offset.storage.topic': this.offsetsTopic,
      'offset.storage.partitions': '5',
      'offset.storage.replication.factor': '1',
      'config.storage.topic': 'unused-configs',
      'status.storage.topic': 'unused-status',
      listeners: `http://127.0.0.1:${port}`,
      'session.timeout.ms': String(this.settings.sessionTimeoutMs),
      'heartbeat.interval.ms': String(this.settings.heartbeatIntervalMs),
      'scheduled.rebalance.max.delay.ms': String(this.settings.delayMs),
      'offset.flush.interval.ms': '500',
      'task.shutdown.graceful.timeout.ms': '1000',
      ...this.settings.extra,
    };
    writeFileSync(configFile, Object.entries(keys).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    const w = new WorkerProcess(name, port, configFile, join(this.dir, `${name}.log`));
    this.workers.push(w);
    w.start();
    return w;
  }

  /** Starts `n` workers and waits for their REST APIs. */
  async start(n: number): Promise<WorkerProcess[]> {
    const ws: WorkerProcess[] = [];
    for (let i = 0; i < n; i++) ws.push(await this.add());
    await Promise.all(ws.map((w) => w.ready()));
    return ws;
  }

  live(): WorkerProcess[] {
    return this.workers.filter((w) => w.running);
  }

  probeEvents(): ProbeEvent[] {
    return readFileSync(this.probeLog, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ProbeEvent);
  }

  /**
   * Checks the probe log: a task never starts on one process while it runs on another, unless that process
   * was killed (SIGKILL, given with its kill time) before the start. Returns the tasks running now per process.
   */
  checkNoOverlap(killed: ReadonlyMap<number, number> = new Map()): Map<string, number> {
    const running = new Map<string, { pid: number; since: number }>();
    for (const e of this.probeEvents().sort((a, b) => a.at - b.at)) {
      const key = `${e.connector}-${e.task}`;
      const current = running.get(key);
      if (e.event === 'start') {
        if (current && current.pid !== e.pid) {
          const killedAt = killed.get(current.pid);
          if (killedAt === undefined || killedAt > e.at) {
            throw new Error(`task ${key} started on pid ${e.pid} at ${e.at} while it ran on pid ${current.pid} (since ${current.since})`);
          }
        }
        running.set(key, { pid: e.pid, since: e.at });
      } else if (current?.pid === e.pid) {
        running.delete(key);
      }
    }
    return new Map([...running].map(([k, v]) => [k, v.pid]));
  }

  /** The first REST port of a live worker. */
  anyPort(): number {
    return this.live()[0]!.port;
  }

  async status(connector: string, port = this.anyPort()): Promise<any> {
    const r = await rest(port, 'GET', `/connectors/${encodeURIComponent(connector)}/status`);
    return r.status === 200 ? r.body : null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.kill('SIGKILL')));
    const nc = await connectNats({ nats: NATS_URL, name: 'cleanup', timeoutMs: 10_000 });
    try {
      for (const b of Object.values(bucketsOf(this.group))) await deleteBucket(nc, b);
    } finally {
      await nc.close();
    }
    if (process.env['SLUICE_KEEP_TEST_DIRS'] === undefined) rmSync(this.dir, { recursive: true, force: true });
  }

  logs(): string {
    return this.workers.map((w) => `---- ${w.name} (${w.workerId})\n${w.tail(15)}`).join('\n');
  }
}

/** The distinct order ids in a FileStreamSink file of datagen orders (JSON lines). */
export function orderIdsIn(file: string): Set<number> {
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { order_id: number }).order_id),
  );
}

/** How many tasks each worker runs according to a status body. */
export function tasksPerWorker(status: any): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of status?.tasks ?? []) if (t.state === 'RUNNING') out.set(t.worker_id, (out.get(t.worker_id) ?? 0) + 1);
  return out;
}
