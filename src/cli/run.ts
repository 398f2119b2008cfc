/**
 * `sluice run FILE…`: a standalone worker for the connectors of the pipeline files, until SIGTERM/SIGINT or,
 * for a bounded pipeline, until it has finished (worker/completion.ts has the rule).
 */
import type { Logger } from 'pino';
import { sleep } from '../async/index.js';
import { ConnectorConfigError } from '../connectors/validation.js';
import { StandaloneHerder } from '../worker/standalone-herder.js';
import { defaultRuntime } from '../worker/default-runtime.js';
import { CompletionTracker, type FailedInstance } from '../worker/completion.js';
import type { Herder, TaskProgress } from '../worker/herder.js';
import type { RestartStatus } from '../actors/index.js';
import type { RestServer } from '../rest/index.js';
import { CommandFailure, EXIT_CONNECTOR, EXIT_OK, EXIT_TASK_FAILED, counted } from './command-exit.js';
import { FinalMetrics } from './final-metrics.js';
import { loadPipeline, loadPlugins, startHerder, startRest, untilStopped, type StopSignals } from './command-setup.js';
import { startTracing, type Tracing } from './tracing-setup.js';
import { RecentLog, jsonLogger, recentLogger } from './logger.js';
import { PipelineReloader, watchFiles } from './pipeline-reload.js';
import { checkPipeline } from './check-pipeline.js';
import { TerminalView, ratesBetween, recordsOf, renderView } from './live-view.js';
import type { RunOptions } from './args.js';
import type { CliIo } from './io.js';

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

/** FAILED connectors and tasks; with `forGood`, only those no automatic restart is scheduled for. */
export function failuresOf(herder: Pick<Herder, 'connectors' | 'connectorStatus'>, forGood: boolean): FailedInstance[] {
  const out: FailedInstance[] = [];
  const counts = (restart: RestartStatus | undefined) => !forGood || !restart || restart.exhausted || restart.next_attempt_at === null;
  for (const name of herder.connectors()) {
    let status;
    try {
      status = herder.connectorStatus(name);
    } catch {
      continue; // deleted meanwhile (REST)
    }
    if (status.connector.state === 'FAILED' && counts(status.connector.restart)) {
      out.push({ connector: name, task: null, trace: status.connector.trace ?? '' });
    }
    for (const t of status.tasks) {
      if (t.state === 'FAILED' && counts(t.restart)) out.push({ connector: name, task: t.id, trace: t.trace ?? '' });
    }
  }
  return out;
}

/** `connector "x"` or `task x-0`, then the first line of the trace. */
export function describeFailure(f: FailedInstance): string {
  const what = f.task === null ? `connector "${f.connector}"` : `task ${f.connector}-${f.task}`;
  const first = f.trace.split('\n')[0]!.trim();
  return `${what} FAILED${first ? `: ${first}` : ''}`;
}

/**
 * How a run that ended with failures exits: 3 when a connector failed, else 4 when a task did (README.md, "Exit
 * codes"); null when nothing failed.
 */
export function failureExit(failures: readonly FailedInstance[]): CommandFailure | null {
  if (failures.length === 0) return null;
  const code = failures.some((f) => f.task === null) ? EXIT_CONNECTOR : EXIT_TASK_FAILED;
  const lines = failures.map((f) => `sluice: ${describeFailure(f)}`);
  return new CommandFailure(code, `${lines.join('\n')}\nsluice: the run ended with ${counted(failures.length, 'failure')}`);
}

export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const live = options.view === 'live' || (options.view === null && io.stdout.isTTY === true);
  const recent = new RecentLog();
  const log: Logger = live ? recentLogger(options.logLevel, recent) : jsonLogger(options.logLevel, io.stdoutFd);

  let tracing: Tracing | undefined;
  try {
    return await untilStopped(io, log, (stop) => runUntilDone(options, io, log, recent, live, stop, (t) => (tracing = t)));
  } finally {
    // After the herder stopped: the last spans (final commits) are exported before the process exits.
    await tracing?.shutdown();
  }
}

async function runUntilDone(
  options: RunOptions, io: CliIo, log: Logger, recent: RecentLog, live: boolean, stop: StopSignals, traced: (t: Tracing) => void,
): Promise<number> {
  const registry = await loadPlugins(options.plugins);
  const spec = await loadPipeline(options.files, registry, 'run');
  const tracing = await startTracing(spec.worker, log);
  traced(tracing);
  const final = new FinalMetrics();
  const herder = await startHerder(
    () => new StandaloneHerder({ worker: tracing.worker, registry, log, runtime: final.wrap(defaultRuntime) }),
    log,
  );

  for (const c of spec.connectors) {
    if (stop.received) break;
    try {
      await herder.addConnector(c.name, c.config, c.initialState);
    } catch (e) {
      log.error({ connector: c.name, err: e }, 'connector could not be created');
      await herder.stop();
      const why = e instanceof ConnectorConfigError ? e.message : `${(e as Error).message}`;
      throw new CommandFailure(EXIT_CONNECTOR, `sluice: connector "${c.name}" (${c.file}) could not be created: ${why}`);
    }
  }
  // The REST API (Kafka Connect's, plus /metrics) on the worker's listeners, http://127.0.0.1:8083 by default;
  // only that implicit default may be taken by another process and the pipeline still run.
  const rest: RestServer | null = options.noRest
    ? null
    : await startRest(herder, log, { runOnIfDefaultInUse: spec.worker['listeners'] === undefined });
  log.info({ connectors: spec.connectors.map((c) => c.name), workerId: herder.workerId, rest: rest?.urls ?? [] }, 'pipeline running');

  // --watch: changed files (or SIGHUP) are read, checked and applied connector by connector.
  let unwatch = async () => {};
  if (options.watch) {
    const reloader = new PipelineReloader(herder, spec, () => checkPipeline(options.files, registry), log);
    const stopWatching = watchFiles(options.files, (file) => void reloader.reload(`${file} changed`));
    const stopHangup = io.onHangup?.(() => void reloader.reload('SIGHUP')) ?? (() => {});
    unwatch = async () => {
      stopWatching();
      stopHangup();
      await reloader.settled(); // a reload in progress finishes before the worker stops
    };
    log.info({ files: options.files }, 'watching the pipeline files (and SIGHUP) for changes');
  }

  const started = Date.now();
  const tracker = new CompletionTracker({ untilIdle: options.untilIdle, idleMs: options.idleMs });
  const view = live ? new TerminalView(io.stdout) : null;
  const title = `sluice — ${counted(spec.connectors.length, 'connector')} — ` +
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

  let stuckInFlight = 0;
  while (!stop.received && !finished) {
    const now = Date.now();
    const progress = herder.progress();
    const verdict = tracker.observe(progress, now, failuresOf(herder, true), herder.unacknowledgedRecords());
    waitingFor = verdict.waitingFor;
    finished = verdict.done && !options.keepRunning;
    stuckInFlight = verdict.stuckInFlight ?? 0;
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
    await sleep(SAMPLE_MS, stop.stopping);
  }

  const failures = failuresOf(herder, false);
  const reason = stop.received ? `signal ${stop.received}` : failures.length > 0 ? 'pipeline failed' : 'pipeline finished';
  if (finished && failures.length > 0) {
    log.error({ failed: failures.map(describeFailure) }, `pipeline ended: ${counted(failures.length, 'failure')}, nothing else moved for ${options.idleMs} ms`);
  } else if (finished) {
    if (stuckInFlight > 0) log.warn({ records: stuckInFlight }, 'records stayed in flight while nothing moved (no reader acknowledged them); ending anyway');
    log.info(
      { rule: options.untilIdle ? 'until-idle' : 'bounded' },
      options.untilIdle
        ? `pipeline finished: nothing moved for ${options.idleMs} ms`
        : 'pipeline finished: every source task is done and the sinks caught up',
    );
  }
  await unwatch();
  const last = herder.progress(); // the final picture: the runs are gone once stopped
  await rest?.stop();
  await herder.stop();
  const elapsedMs = Date.now() - started;
  // The counters as each run ended (its last offset commit happens in the stop), the rate over the whole run.
  previous = last.map((p) => ({ ...p, metrics: final.of(p.connector, p.task) ?? p.metrics }));
  const averages = new Map(previous.map((p) => [`${p.connector}-${p.task}`, elapsedMs > 0 ? (recordsOf(p) * 1000) / elapsedMs : 0]));
  const totals = progressLine(previous, averages);
  log.info({ reason, elapsedMs, tasks: totals, ...(failures.length > 0 ? { failed: failures.map(describeFailure) } : {}) }, 'run ended');
  if (live) {
    waitingFor = null;
    rates = averages;
    draw();
    io.stdout.write(`stopped (${reason}).\n`);
  }
  const failed = failureExit(failures);
  if (failed) throw failed;
  return EXIT_OK;
}
