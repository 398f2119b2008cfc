/** The standalone worker's settings, parsed once from its flat config. */
import { availableParallelism, hostname } from 'node:os';
import type { ConfigProblem } from '../connectors/api/index.js';
import { standaloneWorkerConfigDef, unusedWorkerKeys, workerConfigProblems } from './worker-config-def.js';
import type { PipelineOptions } from '../streams/contracts.js';
import { WorkerConfigError } from './errors.js';

export interface WorkerSettings {
  /** The raw config (converter and client keys are read from it by prefix). */
  readonly raw: Readonly<Record<string, string>>;
  /** Null: the in-process transport, no broker. */
  readonly bootstrapServers: string[] | null;
  /** Null: offsets in memory only. */
  readonly offsetFile: string | null;
  readonly shutdownTimeoutMs: number;
  readonly pipeline: PipelineOptions;
  /** `sluice.tracing.enabled`: tasks get a TaskTracer (spans per batch stage, traceparent headers). */
  readonly tracing: boolean;
  /** `sluice.task.threads`: worker threads for tasks (0: all on the main thread). */
  readonly taskThreads: number;
  /** `sluice.task.threads.unresponsive.timeout.ms`: a task thread silent this long is ended. */
  readonly taskThreadUnresponsiveMs: number;
  /** `exactly.once.source.support`. */
  readonly exactlyOnceSource: 'disabled' | 'preparing' | 'enabled';
  /** `offset.storage.topic` (null when absent). */
  readonly offsetTopic: string | null;
  /** Kafka Connect's `worker_id`: the advertised host:port. */
  readonly workerId: string;
  /** Keys nobody defines: kept and warned about once when the worker starts, as Kafka does. */
  readonly unusedKeys: readonly ConfigProblem[];
}

/** Parses and checks a worker config; throws WorkerConfigError listing every problem. */
export function parseWorkerSettings(raw: Readonly<Record<string, string>>): WorkerSettings {
  const problems = workerConfigProblems(raw);
  if (problems.length > 0) throw new WorkerConfigError(problems);
  const v = standaloneWorkerConfigDef().parse(raw);
  const servers = v['bootstrap.servers'] as string[] | null;
  return {
    raw,
    bootstrapServers: servers && servers.length > 0 ? servers : null,
    offsetFile: (v['offset.storage.file.filename'] as string | null) ?? null,
    shutdownTimeoutMs: v['task.shutdown.graceful.timeout.ms'] as number,
    pipeline: {
      maxInFlightBatches: v['sluice.max.in.flight.batches'] as number,
      offsetFlushIntervalMs: v['offset.flush.interval.ms'] as number,
      offsetFlushTimeoutMs: v['offset.flush.timeout.ms'] as number,
    },
    tracing: v['sluice.tracing.enabled'] === true,
    // Default: one per core with a Kafka cluster; none in-process, where the main thread's broker serves every
    // thread and that costs more than a second core gives back (bench/task-threads.ts).
    taskThreads: (v['sluice.task.threads'] as number | null) ?? (servers && servers.length > 0 ? availableParallelism() : 0),
    taskThreadUnresponsiveMs: v['sluice.task.threads.unresponsive.timeout.ms'] as number,
    exactlyOnceSource: String(v['exactly.once.source.support']).toLowerCase() as WorkerSettings['exactlyOnceSource'],
    offsetTopic: (v['offset.storage.topic'] as string | null) ?? null,
    workerId: workerIdOf(v),
    unusedKeys: unusedWorkerKeys(raw),
  };
}

function workerIdOf(v: Record<string, unknown>): string {
  const host = (v['rest.advertised.host.name'] as string | null) ?? hostname();
  let port = v['rest.advertised.port'] as number | null;
  if (port === null) {
    const m = /:(\d+)\/?$/.exec(firstListener(v));
    port = m ? Number(m[1]) : 8083;
  }
  return `${host}:${port}`;
}

/** The first REST listener of parsed worker values (Kafka's `http://:8083` when none is set). */
export function firstListener(v: Record<string, unknown>): string {
  return ((v['listeners'] as string[] | null) ?? [])[0] ?? 'http://:8083';
}
