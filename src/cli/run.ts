/**
 * `sluice run FILE…`: a standalone worker for the connectors of the pipeline files, until SIGTERM/SIGINT or,
 * for a bounded pipeline, until it has finished (worker/completion.ts has the rule).
 */
import type { Logger } from 'pino';
import { sleep } from '../async/index.js';
import { ConnectorConfigError } from '../connectors/validation.js';
import { StandaloneHerder } from '../worker/standalone-herder.js';
import { CompletionTracker } from '../worker/completion.js';
import { WorkerConfigError } from '../worker/errors.js';
import type { TaskProgress } from '../worker/herder.js';
import { RestConfigError, RestServer } from '../rest/index.js';
import { PipelineFileError, formatProblem } from './pipeline-file.js';
import { PluginLoadError, registryWithPlugins } from './load-plugins.js';
import { checkPipeline } from './check-pipeline.js';
import { RecentLog, jsonLogger, recentLogger } from './logger.js';
import { TerminalView, ratesBetween, recordsOf, renderView } from './live-view.js';
import type { RunOptions } from './args.js';
import type { CliIo } from './io.js';

export const EXIT_OK = 0;
export const EXIT_CONFIG = 2;
export const EXIT_CONNECTOR = 3;

const SAMPLE_MS = 250;
const REDRAW_MS = 1000;
const JSON_PROGRESS_MS = 10_000;

function progressLine(tasks: readonly TaskProgress[], rates: ReadonlyMap<string, number>) {
  return tasks.map((p) => ({
    connector: p.connector,
    task: p.task,
    type: p.type,
    state: p.state,
    finished: p.finished,
    records: recordsOf(p),
    recordsPerSecond: Math.round(rates.get(`${p.connector}-${p.task}`) ?? 0),
    offsetCommits: p.metrics?.offsetCommits ?? 0,
  }));
}

export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const live = options.view === 'live' || (options.view === null && io.stdout.isTTY === true);
  const recent = new RecentLog();
  const log: Logger = live ? recentLogger(options.logLevel, recent) : jsonLogger(options.logLevel, io.stdoutFd);
  const fail = (code: number, message: string): number => {
    io.stderr.write(message.endsWith('\n') ? message : message + '\n');
    return code;
  };

  let stopSignal: string | null = null;
  let wake: () => void = () => {};
  const woken = () => new Promise<void>((resolve) => (wake = resolve));
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
    let registry;
    try {
      registry = await registryWithPlugins(options.plugins);
    } catch (e) {
      if (e instanceof PluginLoadError) return fail(EXIT_CONFIG, `sluice: ${e.message}`);
      throw e;
    }
    let spec;
    try {
      spec = await checkPipeline(options.files, registry);
    } catch (e) {
      if (e instanceof PipelineFileError) {
        return fail(EXIT_CONFIG, `sluice: the pipeline cannot run (${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}):\n${e.problems.map(formatProblem).join('\n')}`);
      }
      throw e;
    }
    let herder: StandaloneHerder;
    try {
      herder = new StandaloneHerder({ worker: spec.worker, registry, log });
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

    for (const c of spec.connectors) {
      if (stopSignal) break;
      try {
        await herder.addConnector(c.name, c.config, c.initialState);
      } catch (e) {
        log.error({ connector: c.name, err: e }, 'connector could not be created');
        await herder.stop();
        const why = e instanceof ConnectorConfigError ? e.message : `${(e as Error).message}`;
        return fail(EXIT_CONNECTOR, `sluice: connector "${c.name}" (${c.file}) could not be created: ${why}`);
      }
    }
    // The REST API (Kafka Connect's, plus /metrics) on the worker's listeners, http://127.0.0.1:8083 by default.
    let rest: RestServer | null = null;
    if (!options.noRest) {
      try {
        rest = await RestServer.start({ herder, log });
      } catch (e) {
        const explicit = spec.worker['listeners'] !== undefined;
        if (e instanceof RestConfigError && !explicit && /address is in use/.test(e.message)) {
          // Only the implicit default listener may be taken by another process: run on without the API.
          log.warn({ err: e }, 'REST API not started: its default address is in use (set "listeners" or use --no-rest)');
        } else {
          log.error({ err: e }, 'REST API could not start');
          await herder.stop();
          return fail(EXIT_CONFIG, `sluice: the REST API could not start: ${(e as Error).message}`);
        }
      }
    }
    log.info({ connectors: spec.connectors.map((c) => c.name), workerId: herder.workerId, rest: rest?.urls ?? [] }, 'pipeline running');

    const started = Date.now();
    const tracker = new CompletionTracker({ untilIdle: options.untilIdle, idleMs: options.idleMs });
    const view = live ? new TerminalView(io.stdout) : null;
    const title = `sluice — ${spec.connectors.length} connector${spec.connectors.length === 1 ? '' : 's'} — ` +
      (herder.settings.bootstrapServers ? `Kafka ${herder.settings.bootstrapServers.join(',')}` : 'in-process (no broker)');
    let previous = herder.progress();
    let previousAt = Date.now();
    let rates = new Map<string, number>();
    let lastDraw = 0;
    let lastJson = Date.now();
    let waitingFor: string | null = null;
    let finished = false;

    const draw = () => {
      const failures = new Map<string, string>();
      for (const name of herder.connectors()) {
        const s = herder.connectorStatus(name);
        if (s.connector.trace) failures.set(name, s.connector.trace.split('\n')[0]!);
        for (const t of s.tasks) if (t.trace) failures.set(`${name}-${t.id}`, t.trace.split('\n')[0]!);
      }
      view?.draw(renderView({ title, uptimeMs: Date.now() - started, tasks: previous, rates, failures, waitingFor, recentLog: recent.lines }));
    };

    while (!stopSignal && !finished) {
      const now = Date.now();
      const progress = herder.progress();
      const verdict = tracker.observe(progress, now);
      waitingFor = verdict.waitingFor;
      finished = verdict.done && !options.keepRunning;
      if (now - previousAt >= REDRAW_MS || finished) {
        rates = ratesBetween(previous, progress, now - previousAt);
        previous = progress;
        previousAt = now;
      }
      if (live && (now - lastDraw >= REDRAW_MS || finished)) {
        draw();
        lastDraw = now;
      }
      if (!live && now - lastJson >= JSON_PROGRESS_MS) {
        log.info({ tasks: progressLine(progress, rates) }, 'progress');
        lastJson = now;
      }
      if (finished) break;
      await Promise.race([woken(), sleep(SAMPLE_MS)]);
    }

    const reason = stopSignal ? `signal ${stopSignal}` : 'pipeline finished';
    if (finished) {
      log.info(
        { rule: options.untilIdle ? 'until-idle' : 'bounded' },
        options.untilIdle
          ? `pipeline finished: nothing moved for ${options.idleMs} ms`
          : 'pipeline finished: every source task is done and the sinks caught up',
      );
    }
    previous = herder.progress(); // the final picture: the runs are gone once stopped
    await rest?.stop();
    await herder.stop();
    const totals = progressLine(previous, rates);
    log.info({ reason, tasks: totals }, 'run ended');
    if (live) {
      waitingFor = null;
      draw();
      io.stdout.write(`stopped (${reason}).\n`);
    }
    return EXIT_OK;
  } finally {
    removeSignals();
    log.flush?.();
  }
}
