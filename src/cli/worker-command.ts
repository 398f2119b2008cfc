/**
 * `sluice worker CONFIG`: a distributed worker (Kafka Connect's connect-distributed). CONFIG is a Java
 * properties file (like connect-distributed.properties) or a JSON object of worker keys (flat, or under
 * `"worker"`). It joins the group of `group.id` over NATS (`nats.url`), serves the REST API on its listeners and
 * runs what the group assigns it, until SIGTERM/SIGINT.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DistributedHerder } from '../cluster/distributed-herder.js';
import { WorkerConfigError } from '../worker/errors.js';
import { parseProperties } from '../worker/properties.js';
import type { RestServer } from '../rest/index.js';
import { CommandFailure, EXIT_CONFIG, EXIT_OK } from './command-exit.js';
import { loadPlugins, startHerder, startRest, untilStopped } from './command-setup.js';
import { startTracing, type Tracing } from './tracing-setup.js';
import { jsonLogger } from './logger.js';
import { toConfigString } from './pipeline-file.js';
import type { LogLevel } from './args.js';
import type { CliIo } from './io.js';

export interface WorkerOptions {
  readonly config: string;
  readonly plugins: string[];
  readonly logLevel: LogLevel;
  /** Do not serve the REST API (tests, embedded clusters). */
  readonly noRest?: boolean;
}

/** Reads a worker config file: `.properties` text, or JSON (a flat object, or `{"worker": {…}}`). */
export async function readWorkerConfig(path: string): Promise<Record<string, string>> {
  const text = await readFile(path, 'utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new WorkerConfigError([{ reason: `${path}: invalid JSON: ${(e as Error).message}` }]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new WorkerConfigError([{ reason: `${path}: a worker config must be a JSON object` }]);
    }
    const obj = (parsed as Record<string, unknown>)['worker'] ?? parsed;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new WorkerConfigError([{ reason: `${path}: "worker" must be a JSON object` }]);
    }
    const out: Record<string, string> = {};
    const problems: Array<{ key: string; reason: string }> = [];
    for (const [k, v] of Object.entries(obj)) {
      const c = toConfigString(v);
      if ('value' in c) out[k] = c.value;
      else problems.push({ key: k, reason: c.reason });
    }
    if (problems.length > 0) throw new WorkerConfigError(problems);
    return out;
  }
  return Object.fromEntries(parseProperties(text));
}

export async function workerCommand(options: WorkerOptions, io: CliIo): Promise<number> {
  const log: Logger = jsonLogger(options.logLevel, io.stdoutFd);
  let tracing: Tracing | undefined;
  try {
    return await untilStopped(io, log, async (stop) => {
      let raw: Record<string, string>;
      try {
        raw = await readWorkerConfig(options.config);
      } catch (e) {
        if (e instanceof WorkerConfigError) throw new CommandFailure(EXIT_CONFIG, `sluice: ${e.message}`);
        throw new CommandFailure(EXIT_CONFIG, `sluice: cannot read the worker config ${options.config}: ${(e as Error).message}`);
      }
      const registry = await loadPlugins(options.plugins);
      tracing = await startTracing(raw, log);
      const worker = tracing.worker;
      const herder = await startHerder(() => new DistributedHerder({ worker, registry, log }), log);
      const rest: RestServer | null = options.noRest ? null : await startRest(herder, log, { runOnIfDefaultInUse: false });
      log.info(
        { workerId: herder.workerId, group: herder.cluster.groupId, nats: herder.cluster.nats.servers.join(','), rest: rest?.urls ?? [] },
        'distributed worker running',
      );
      await stop.requested();
      await rest?.stop();
      await herder.stop();
      log.info({ reason: `signal ${stop.received}` }, 'worker stopped');
      return EXIT_OK;
    });
  } finally {
    await tracing?.shutdown();
  }
}
