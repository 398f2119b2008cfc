/**
 * `sluice run FILE…`: a standalone worker for the connectors of the pipeline files, until SIGTERM/SIGINT or,
 * for a bounded pipeline, until it has finished (worker/completion.ts has the rule).
 */
import type { Logger } from 'pino';
import { sleep } from '../async/index.js';
import { ConnectorConfigError } from '../connectors/validation.js';
import { StandaloneHerder } from '../worker/standalone-herder.js';
import { CompletionTracker } from '../worker/completion.js';
import type { TaskProgress } from '../worker/herder.js';
import type { RestServer } from '../rest/index.js';
import { CommandFailure, EXIT_CONNECTOR, EXIT_OK, counted } from './command-exit.js';
import { loadPipeline, loadPlugins, startHerder, startRest, untilStopped } from './command-setup.js';
import { RecentLog, jsonLogger, recentLogger } from './logger.js';
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

export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const live = options.view === 'live' || (options.view === null && io.stdout.isTTY === true);
  const recent = new RecentLog();
  const log: Logger = live ? recentLogger(options.logLevel, recent) : jsonLogger(options.logLevel, io.stdoutFd);

  return untilStopped(io, log, async (stop) => {
    const registry = await loadPlugins(options.plugins);
    const spec = await loadPipeline(options.files, registry, 'run');
    const herder = await startHerder(() => new StandaloneHerder({ worker: spec.worker, registry, log }), log);

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

    while (!stop.received && !finished) {
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
      await sleep(SAMPLE_MS, stop.stopping);
    }

    const reason = stop.received ? `signal ${stop.received}` : 'pipeline finished';
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
  });
}
