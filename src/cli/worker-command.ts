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
import { RestServer } from '../rest/index.js';
import { PluginLoadError, registryWithPlugins } from './load-plugins.js';
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

export const EXIT_OK = 0;
export const EXIT_CONFIG = 2;

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
  const fail = (code: number, message: string): number => {
    io.stderr.write(message.endsWith('\n') ? message : message + '\n');
    return code;
  };
  let stopSignal: string | null = null;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const removeSignals = io.onSignal((signal) => {
    if (stopSignal !== null) {
      io.stderr.write(`${signal} again: exiting without waiting for the graceful stop\n`);
      io.exit(130);
    }
    stopSignal = signal;
    log.info({ signal }, 'stop requested; stopping gracefully');
    wake();
  });
  try {
    let raw: Record<string, string>;
    try {
      raw = await readWorkerConfig(options.config);
    } catch (e) {
      if (e instanceof WorkerConfigError) return fail(EXIT_CONFIG, `sluice: ${e.message}`);
      return fail(EXIT_CONFIG, `sluice: cannot read the worker config ${options.config}: ${(e as Error).message}`);
    }
    let registry;
    try {
      registry = await registryWithPlugins(options.plugins);
    } catch (e) {
      if (e instanceof PluginLoadError) return fail(EXIT_CONFIG, `sluice: ${e.message}`);
      throw e;
    }
    let herder: DistributedHerder;
    try {
      herder = new DistributedHerder({ worker: raw, registry, log });
    } catch (e) {
      if (e instanceof WorkerConfigError) return fail(EXIT_CONFIG, `sluice: ${e.message}`);
      throw e;
    }
    try {
      await herder.start();
    } catch (e) {
      log.error({ err: e }, 'worker failed to start');
      return fail(EXIT_CONFIG, `sluice: the worker could not start: ${(e as Error).message}`);
    }
    let rest: RestServer | null = null;
    if (!options.noRest) {
      try {
        rest = await RestServer.start({ herder, log });
      } catch (e) {
        log.error({ err: e }, 'REST API could not start');
        await herder.stop();
        return fail(EXIT_CONFIG, `sluice: the REST API could not start: ${(e as Error).message}`);
      }
    }
    log.info(
      { workerId: herder.workerId, group: herder.cluster.groupId, nats: herder.cluster.natsUrl, rest: rest?.urls ?? [] },
      'distributed worker running',
    );
    if (!stopSignal) await stopped;
    await rest?.stop();
    await herder.stop();
    log.info({ reason: `signal ${stopSignal}` }, 'worker stopped');
    return EXIT_OK;
  } finally {
    removeSignals();
    log.flush?.();
  }
}
