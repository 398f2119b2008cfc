/**
 * The set-up the `sluice` commands share: loading `--plugin` modules and pipeline files, starting a herder and its
 * REST API, and SIGTERM/SIGINT handling for the commands that run until stopped. A step that cannot go on throws a
 * `CommandFailure` (command-exit.ts) with the exit code and the message for stderr.
 */
import type { Logger } from 'pino';
import type { PluginRegistry } from '../connectors/registry.js';
import { WorkerConfigError } from '../worker/errors.js';
import type { Herder } from '../worker/herder.js';
import { RestConfigError, RestServer, type RestHerder } from '../rest/index.js';
import { PipelineFileError, formatProblem, type PipelineSpec } from './pipeline-file.js';
import { PluginLoadError, registryWithPlugins } from '../worker/plugin-modules.js';
import { checkPipeline } from './check-pipeline.js';
import { CommandFailure, EXIT_CONFIG, EXIT_UNAVAILABLE, counted, exitCodeOf } from './command-exit.js';
import type { CliIo } from './io.js';

/** The built-in connector plugins plus those of the `--plugin` modules; a module that cannot load ends the command (exit 2). */
export async function loadPlugins(modules: readonly string[]): Promise<PluginRegistry> {
  try {
    return await registryWithPlugins(modules);
  } catch (e) {
    if (e instanceof PluginLoadError) throw new CommandFailure(EXIT_CONFIG, `sluice: ${e.message}`);
    throw e;
  }
}

/**
 * The merged pipeline of `files`; when they have problems the command ends (exit 2) with every one of them under
 * `sluice: the pipeline cannot <cannot> (N problems):`.
 */
export async function loadPipeline(files: readonly string[], registry: PluginRegistry, cannot: 'run' | 'be applied'): Promise<PipelineSpec> {
  try {
    return await checkPipeline(files, registry);
  } catch (e) {
    if (!(e instanceof PipelineFileError)) throw e;
    throw new CommandFailure(
      EXIT_CONFIG,
      `sluice: the pipeline cannot ${cannot} (${counted(e.problems.length, 'problem')}):\n${e.problems.map(formatProblem).join('\n')}`,
    );
  }
}

/**
 * Creates and starts a herder. An invalid worker config ends the command with exit 2; a start that fails for any
 * other reason (Kafka or NATS unreachable, an offsets store that cannot be read) with exit 5: the config may be
 * right and the service down.
 */
export async function startHerder<H extends Herder>(create: () => H, log: Logger): Promise<H> {
  let herder: H;
  try {
    herder = create();
  } catch (e) {
    if (e instanceof WorkerConfigError) throw new CommandFailure(EXIT_CONFIG, `sluice: ${e.message}`);
    throw e;
  }
  try {
    await herder.start();
  } catch (e) {
    log.error({ err: e }, 'worker failed to start');
    if (e instanceof WorkerConfigError) throw new CommandFailure(EXIT_CONFIG, `sluice: ${e.message}`);
    throw new CommandFailure(EXIT_UNAVAILABLE, `sluice: the worker could not start: ${(e as Error).message}`);
  }
  return herder;
}

/**
 * Serves Kafka Connect's REST API (and /metrics) for a started herder on its worker's `listeners`. When the API
 * cannot start, the herder is stopped and the command ends (exit 2 for a bad REST config, 5 when a listener cannot be
 * bound) — unless `runOnIfDefaultInUse` and the address
 * in use is the implicit default one (another process may hold it): then the worker runs on without the API.
 */
export async function startRest(herder: RestHerder, log: Logger, options: { runOnIfDefaultInUse: boolean }): Promise<RestServer | null> {
  try {
    return await RestServer.start({ herder, log });
  } catch (e) {
    if (options.runOnIfDefaultInUse && e instanceof RestConfigError && /address is in use/.test(e.message)) {
      log.warn({ err: e }, 'REST API not started: its default address is in use (set "listeners" or use --no-rest)');
      return null;
    }
    log.error({ err: e }, 'REST API could not start');
    await herder.stop();
    // A listener that cannot be bound (in use, not permitted) is the host's state; any other RestConfigError is the config's.
    const code = e instanceof RestConfigError && !/^cannot listen on /.test(e.message) ? EXIT_CONFIG : EXIT_UNAVAILABLE;
    throw new CommandFailure(code, `sluice: the REST API could not start: ${(e as Error).message}`);
  }
}

/**
 * SIGTERM/SIGINT for a command that runs until stopped: the first signal asks for a graceful stop (logged, and
 * `stopping` aborts); a second one exits at once with 130.
 */
export class StopSignals {
  readonly #controller = new AbortController();
  readonly #remove: () => void;
  #received: string | null = null;

  constructor(io: CliIo, log: Logger) {
    this.#remove = io.onSignal((signal) => {
      if (this.#received !== null) {
        io.stderr.write(`${signal} again: exiting without waiting for the graceful stop\n`);
        io.exit(130);
      }
      this.#received = signal;
      log.info({ signal }, 'stop requested; stopping gracefully');
      this.#controller.abort();
    });
  }

  /** The signal that asked for the stop, or null while none came. */
  get received(): string | null {
    return this.#received;
  }

  /** Aborted by the first signal: hand it to `sleep` so a wait ends early. */
  get stopping(): AbortSignal {
    return this.#controller.signal;
  }

  /** Settles at the first signal (at once if it came already). */
  requested(): Promise<void> {
    const signal = this.#controller.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Removes the signal handlers. */
  remove(): void {
    this.#remove();
  }
}

/**
 * Runs a command that lasts until it is stopped: with SIGTERM/SIGINT handled (`StopSignals`) while `steps` run,
 * CommandFailures turned into exit codes, and at the end the handlers removed and the log flushed.
 */
export async function untilStopped(io: CliIo, log: Logger, steps: (stop: StopSignals) => Promise<number>): Promise<number> {
  const stop = new StopSignals(io, log);
  try {
    return await exitCodeOf(io, () => steps(stop));
  } finally {
    stop.remove();
    log.flush?.();
  }
}
