/**
 * A task thread: runs the pipelines of the tasks the main thread starts here, each whole (task instance,
 * converters, transforms, Kafka clients). Offsets, logs, metrics and the in-process broker are the main thread's;
 * they are reached by messages (rpc.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SinkTask, SourceTask } from '../../connectors/api/index.js';
import { createTransport, type StreamLogger, type TaskRun } from '../../streams/index.js';
import { registryWithPlugins } from '../plugin-modules.js';
import { resolvedWorkerConfig, startTaskPipeline, type TaskPipelineContext } from '../default-runtime.js';
import { workerClientChooser } from '../client-configs.js';
import { remoteKafkaClient } from './kafka-client-rpc.js';
import { remoteOffsetStore } from './offset-store-rpc.js';
import { forwardTaps } from './tap-rpc.js';
import { TapHub } from '../taps.js';
import { Rpc, toWireError } from './rpc.js';
import type { LogLine, TaskEnd, TaskReport, TaskStartMessage, ThreadSetup } from './protocol.js';

const REPORT_EVERY_MS = 200;

const port = parentPort!;
const setup = workerData as ThreadSetup;
const rpc = new Rpc(port);

function logLine(level: LogLine['level']) {
  return (fields: object, message?: string) => {
    try {
      rpc.notify('log', { level, fields, message: message ?? '' } satisfies LogLine);
    } catch {
      rpc.notify('log', { level, fields: { detail: String(fields) }, message: message ?? '' } satisfies LogLine);
    }
  };
}
const logger: StreamLogger = { debug: logLine('debug'), info: logLine('info'), warn: logLine('warn'), error: logLine('error') };

const taps = new TapHub();
forwardTaps(rpc, taps);

/** What every task of this thread is built from: made at the first start (its plugins loaded then). */
let context: Promise<TaskPipelineContext> | undefined;

async function newContext(): Promise<TaskPipelineContext> {
  const plugins = await registryWithPlugins(setup.pluginModules);
  const transport = setup.bootstrapServers
    ? createTransport({
        kind: 'kafka',
        bootstrapServers: [...setup.bootstrapServers],
        clients: workerClientChooser(resolvedWorkerConfig({ raw: setup.workerConfig }, plugins)),
        logger,
      })
    : createTransport({ kind: 'in-process', client: remoteKafkaClient(rpc, setup.adminMethods ?? []), logger });
  return { transport, workerConfig: setup.workerConfig, options: setup.options, tracing: false, plugins, taps };
}

const runs = new Map<string, { run: TaskRun; type: 'source' | 'sink' }>();

function report(key: string): TaskReport | undefined {
  const r = runs.get(key);
  if (!r) return undefined;
  return { key, metrics: r.run.metrics(), finished: r.type === 'source' && r.run.finished?.() === true };
}

setInterval(() => {
  if (runs.size === 0) return;
  rpc.notify('reports', [...runs.keys()].map(report).filter((r) => r !== undefined));
}, REPORT_EVERY_MS).unref();

rpc
  .handle('task.start', async (m: TaskStartMessage) => {
    const ctx = await (context ??= newContext());
    const plugin = ctx.plugins!.resolve(m.connectorConfig['connector.class'] ?? '');
    const TaskClass = plugin.create().taskClass();
    const task = new TaskClass();
    const common = { id: m.id, connectorConfig: m.connectorConfig, taskConfig: m.taskConfig, onTopic: (topic: string) => rpc.notify('task.topic', { key: m.key, topic }) };
    const offsets = remoteOffsetStore(rpc, m.key);
    const run = m.type === 'source'
      ? startTaskPipeline(ctx, { type: 'source', task: task as SourceTask, ...common }, offsets)
      : startTaskPipeline(ctx, { type: 'sink', task: task as SinkTask, ...common }, offsets);
    runs.set(m.key, { run, type: m.type });
    const end = (error?: unknown) => {
      const last = report(m.key);
      runs.delete(m.key);
      if (last) rpc.notify('reports', [last]);
      rpc.notify('task.end', { key: m.key, ...(error !== undefined ? { error: toWireError(error) } : {}) } satisfies TaskEnd);
    };
    run.done.then(() => end(), (e: unknown) => end(e ?? new Error('task failed')));
  })
  .handle('task.pause', ({ key }: { key: string }) => runs.get(key)?.run.pause())
  .handle('task.resume', ({ key }: { key: string }) => runs.get(key)?.run.resume())
  .handle('task.stop', async ({ key, timeoutMs }: { key: string; timeoutMs: number }) => {
    await runs.get(key)?.run.stop(timeoutMs);
  });
