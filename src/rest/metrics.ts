/**
 * `GET /metrics`: Kafka Connect's metrics (ConnectMetricsRegistry) in the Prometheus text format.
 *
 * Naming: exactly what the Prometheus JMX exporter makes of Kafka Connect's MBeans without rules —
 * `kafka.connect:type=<group>,connector=<c>,task=<t>` attribute `<metric>` becomes
 * `kafka_connect_<group>_<metric>{connector="<c>",task="<t>"}` with `-` turned into `_`; e.g.
 * `kafka_connect_source_task_metrics_source_record_poll_total{connector="gen",task="0"}`. So dashboards and alerts
 * built on a JMX-exported Kafka Connect keep working. String-valued metrics (`status`, `connector-class`, …)
 * become a sample of value 1 carrying the string as a label. Sluice's own figures (records per stage, restart
 * policy state) are `sluice_…`.
 *
 * Rates (`*-rate`) are per second over the last `metrics.sample.window.ms × metrics.num.samples` (60 s by
 * default), sampled at each scrape and every 5 s in the background; averages, maxima and percentages are over
 * the task's run (they restart with the task, as Kafka's do).
 */
import type { RestHerder } from './resources.js';
import type { ConnectorStateInfo, TaskProgress } from '../worker/herder.js';
import type { RestartStatus } from '../actors/index.js';
import type { TaskMetrics } from '../streams/contracts.js';
import type { MetricFamily, MetricType, Sample } from './exposition.js';

type Labels = Record<string, string>;

/** Accumulates the samples of many families in a fixed order. */
class Families {
  readonly #byName = new Map<string, { help: string; type: MetricType; samples: Sample[] }>();

  add(name: string, type: MetricType, help: string, labels: Labels, value: number): void {
    let f = this.#byName.get(name);
    if (!f) this.#byName.set(name, (f = { help, type, samples: [] }));
    f.samples.push({ labels, value });
  }

  /** Registers a family even when it ends up without samples (keeps the order stable). */
  declare(name: string, type: MetricType, help: string): void {
    if (!this.#byName.has(name)) this.#byName.set(name, { help, type, samples: [] });
  }

  list(): MetricFamily[] {
    return [...this.#byName].map(([name, f]) => ({ name, ...f }));
  }
}

const WORKER = 'kafka_connect_connect_worker_metrics_';
const CONNECTOR = 'kafka_connect_connector_metrics_';
const TASK = 'kafka_connect_connector_task_metrics_';
const SOURCE = 'kafka_connect_source_task_metrics_';
const SINK = 'kafka_connect_sink_task_metrics_';
const ERRORS = 'kafka_connect_task_error_metrics_';

interface Point {
  readonly at: number;
  readonly polled: number;
  readonly written: number;
}

/** Per-task samples of the two counters that have rates, over a sliding window. */
export class RateWindow {
  readonly #points = new Map<string, Point[]>();

  constructor(readonly windowMs: number) {}

  observe(key: string, at: number, polled: number, written: number): { polledRate: number; writtenRate: number } {
    let pts = this.#points.get(key);
    if (!pts) this.#points.set(key, (pts = []));
    // A restarted task starts its counters at 0 again: start the window over.
    const last = pts[pts.length - 1];
    if (last && (polled < last.polled || written < last.written)) pts.length = 0;
    pts.push({ at, polled, written });
    // Keep one point at or before the window start as the base.
    while (pts.length > 2 && pts[1]!.at <= at - this.windowMs) pts.shift();
    const base = pts[0]!;
    const dt = (at - base.at) / 1000;
    if (dt <= 0) return { polledRate: 0, writtenRate: 0 };
    return { polledRate: (polled - base.polled) / dt, writtenRate: (written - base.written) / dt };
  }

  /** Forgets tasks that are gone. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.#points.keys()) if (!keys.has(k)) this.#points.delete(k);
  }
}

const lower = (s: string): string => s.toLowerCase();
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const avg = (sum: number | undefined, n: number | undefined): number => (n && n > 0 ? (sum ?? 0) / n : 0);
const n = (v: number | undefined | null): number => v ?? 0;

const CONNECTOR_STATES = ['running', 'paused', 'failed', 'unassigned', 'restarting', 'destroyed'] as const;

export interface MetricsCollectorOptions {
  /** Rate window (default 60 000 ms: Kafka's 30 s sample window × 2 samples). */
  rateWindowMs?: number;
  now?: () => number;
}

export class MetricsCollector {
  readonly #rates: RateWindow;
  readonly #now: () => number;

  constructor(readonly herder: RestHerder, options: MetricsCollectorOptions = {}) {
    this.#rates = new RateWindow(options.rateWindowMs ?? 60_000);
    this.#now = options.now ?? Date.now;
  }

  /** Takes a rate sample of every task (the background sampler calls this between scrapes). */
  sample(): void {
    const at = this.#now();
    const keys = new Set<string>();
    for (const p of this.herder.progress()) {
      const key = `${p.connector}\u0000${p.task}`;
      keys.add(key);
      this.#rates.observe(key, at, n(p.metrics?.recordsPolled), n(p.metrics?.recordsWritten));
    }
    this.#rates.retain(keys);
  }

  collect(): MetricFamily[] {
    const f = new Families();
    const herder = this.herder;
    const at = this.#now();
    const names = herder.connectors();
    const statuses: ConnectorStateInfo[] = [];
    for (const name of names) {
      try {
        statuses.push(herder.connectorStatus(name));
      } catch {
        // deleted meanwhile
      }
    }
    const progress = herder.progress();

    // ---- worker
    const c = herder.workerCounters();
    const taskCount = statuses.reduce((sum, s) => sum + s.tasks.length, 0);
    f.add(`${WORKER}connector_count`, 'gauge', 'The number of connectors run in this worker.', {}, statuses.length);
    f.add(`${WORKER}task_count`, 'gauge', 'The number of tasks run in this worker.', {}, taskCount);
    const startup = (kind: 'connector' | 'task', attempts: number, ok: number, failed: number) => {
      f.add(`${WORKER}${kind}_startup_attempts_total`, 'counter', `The total number of ${kind} startups that this worker has attempted.`, {}, attempts);
      f.add(`${WORKER}${kind}_startup_success_total`, 'counter', `The total number of ${kind} starts that succeeded.`, {}, ok);
      f.add(`${WORKER}${kind}_startup_success_percentage`, 'gauge', `The average percentage of this worker's ${kind} starts that succeeded.`, {}, ratio(ok, attempts));
      f.add(`${WORKER}${kind}_startup_failure_total`, 'counter', `The total number of ${kind} starts that failed.`, {}, failed);
      f.add(`${WORKER}${kind}_startup_failure_percentage`, 'gauge', `The average percentage of this worker's ${kind} starts that failed.`, {}, ratio(failed, attempts));
    };
    startup('connector', c.connectorStartupAttempts, c.connectorStartupSuccesses, c.connectorStartupFailures);
    startup('task', c.taskStartupAttempts, c.taskStartupSuccesses, c.taskStartupFailures);
    for (const s of statuses) {
      const labels = { connector: s.name };
      f.add(`${WORKER}connector_total_task_count`, 'gauge', 'The number of tasks of the connector on the worker.', labels, s.tasks.length);
      for (const state of CONNECTOR_STATES) {
        f.add(`${WORKER}connector_${state}_task_count`, 'gauge', `The number of ${state} tasks of the connector on the worker.`, labels,
          s.tasks.filter((t) => lower(t.state) === state).length);
      }
    }

    // ---- connectors
    for (const s of statuses) {
      let className = '';
      let version = '';
      try {
        className = herder.connectorConfig(s.name)['connector.class'] ?? '';
        const plugin = herder.registry.resolve(className);
        className = plugin.className;
        version = plugin.version;
      } catch {
        // keep what we have
      }
      f.add(`${CONNECTOR}status`, 'gauge', 'The status of the connector (the label; value 1).', { connector: s.name, status: lower(s.connector.state) }, 1);
      f.add(`${CONNECTOR}info`, 'gauge', 'connector-class, connector-type and connector-version of the connector (labels; value 1).',
        { connector: s.name, connector_class: className, connector_type: s.type, connector_version: version }, 1);
    }

    // ---- tasks
    const byTask = new Map<string, TaskProgress>(progress.map((p) => [`${p.connector}\u0000${p.task}`, p]));
    const keys = new Set<string>();
    for (const s of statuses) {
      for (const t of s.tasks) {
        const key = `${s.name}\u0000${t.id}`;
        keys.add(key);
        const labels = { connector: s.name, task: String(t.id) };
        f.add(`${TASK}status`, 'gauge', 'The status of the connector task (the label; value 1).', { ...labels, status: lower(t.state) }, 1);
        const p = byTask.get(key);
        const m: TaskMetrics | null = p?.metrics ?? null;
        if (!m) continue;
        const rates = this.#rates.observe(key, at, m.recordsPolled, m.recordsWritten);
        const commits = m.offsetCommits + m.offsetCommitFailures;
        f.add(`${TASK}offset_commit_avg_time_ms`, 'gauge', 'The average time in milliseconds taken by this task to commit offsets.', labels, avg(m.offsetCommitTimeMs, m.offsetCommits));
        f.add(`${TASK}offset_commit_max_time_ms`, 'gauge', 'The maximum time in milliseconds taken by this task to commit offsets.', labels, n(m.offsetCommitMaxTimeMs));
        f.add(`${TASK}offset_commit_success_percentage`, 'gauge', "The average percentage of this task's offset commit attempts that succeeded.", labels, ratio(m.offsetCommits, commits));
        f.add(`${TASK}offset_commit_failure_percentage`, 'gauge', "The average percentage of this task's offset commit attempts that failed.", labels, ratio(m.offsetCommitFailures, commits));
        f.add(`${TASK}batch_size_max`, 'gauge', 'The number of records in the largest batch the task has processed so far.', labels, n(m.batchSizeMax));
        f.add(`${TASK}batch_size_avg`, 'gauge', 'The average number of records in the batches the task has processed so far.', labels, avg(m.recordsPolled, m.batches));
        if (s.type === 'source') {
          f.add(`${SOURCE}source_record_poll_rate`, 'gauge', 'The average per-second number of records produced/polled (before transformation) by this task.', labels, rates.polledRate);
          f.add(`${SOURCE}source_record_poll_total`, 'counter', 'The total number of records produced/polled (before transformation) by this task.', labels, m.recordsPolled);
          f.add(`${SOURCE}source_record_write_rate`, 'gauge', 'The average per-second number of records written to Kafka for this task (after transformations).', labels, rates.writtenRate);
          f.add(`${SOURCE}source_record_write_total`, 'counter', 'The number of records output written to Kafka for this task (after transformations).', labels, m.recordsWritten);
          f.add(`${SOURCE}poll_batch_avg_time_ms`, 'gauge', 'The average time in milliseconds taken by this task to poll for a batch of source records.', labels, avg(m.pollTimeMs, m.batches));
          f.add(`${SOURCE}poll_batch_max_time_ms`, 'gauge', 'The maximum time in milliseconds taken by this task to poll for a batch of source records.', labels, n(m.pollTimeMaxMs));
          f.add(`${SOURCE}source_record_active_count`, 'gauge', 'The number of records that have been produced by this task but not yet completely written to Kafka.', labels,
            Math.max(0, n(m.recordsSent) - m.recordsWritten));
          // Exactly-once tasks (Kafka registers these for them only): the size of committed transactions.
          const committed = n(m.transactionsCommitted);
          if (committed + n(m.transactionsAborted) > 0) {
            f.add(`${SOURCE}transaction_size_avg`, 'gauge', 'The average number of records in the transactions the task has committed so far.', labels, avg(n(m.transactionRecords), committed));
            f.add(`${SOURCE}transaction_size_min`, 'gauge', 'The number of records in the smallest transaction the task has committed so far.', labels, n(m.transactionSizeMin));
            f.add(`${SOURCE}transaction_size_max`, 'gauge', 'The number of records in the largest transaction the task has committed so far.', labels, n(m.transactionSizeMax));
            f.add('sluice_task_transactions_total', 'counter', 'Producer transactions of an exactly-once source task by outcome.', { ...labels, result: 'committed' }, committed);
            f.add('sluice_task_transactions_total', 'counter', 'Producer transactions of an exactly-once source task by outcome.', { ...labels, result: 'aborted' }, n(m.transactionsAborted));
          }
        } else {
          f.add(`${SINK}sink_record_read_rate`, 'gauge', 'The average per-second number of records read from Kafka for this task (before transformations).', labels, rates.polledRate);
          f.add(`${SINK}sink_record_read_total`, 'counter', 'The total number of records read from Kafka by this task (before transformations).', labels, m.recordsPolled);
          f.add(`${SINK}sink_record_send_rate`, 'gauge', 'The average per-second number of records output from the transformations and sent/put to this task.', labels, rates.writtenRate);
          f.add(`${SINK}sink_record_send_total`, 'counter', 'The total number of records output from the transformations and sent/put to this task.', labels, m.recordsWritten);
          f.add(`${SINK}put_batch_avg_time_ms`, 'gauge', 'The average time taken by this task to put a batch of sinks records.', labels, avg(m.putTimeMs, m.putBatches));
          f.add(`${SINK}put_batch_max_time_ms`, 'gauge', 'The maximum time taken by this task to put a batch of sinks records.', labels, n(m.putTimeMaxMs));
          f.add(`${SINK}offset_commit_completion_total`, 'counter', 'The total number of offset commit completions that were completed successfully.', labels, m.offsetCommits);
          for (const l of m.consumerLag ?? []) {
            f.add('sluice_task_consumer_lag_records', 'gauge', "Records behind the partition's end after the sink's last delivered batch (Kafka's records-lag).",
              { ...labels, topic: l.topic, partition: String(l.partition) }, l.lag);
          }
        }
        f.add(`${ERRORS}total_record_errors`, 'counter', 'The number of record processing errors in this task.', labels, n(m.recordErrors));
        f.add(`${ERRORS}total_record_failures`, 'counter', 'The number of record processing failures in this task.', labels, n(m.recordErrors));
        f.add(`${ERRORS}total_records_skipped`, 'counter', 'The number of records skipped due to errors.', labels, n(m.recordsSkipped));
        f.add(`${ERRORS}deadletterqueue_produce_requests`, 'counter', 'The number of attempted writes to the dead letter queue.', labels, n(m.deadLetterQueueProduceRequests));
        f.add(`${ERRORS}deadletterqueue_produce_failures`, 'counter', 'The number of failed writes to the dead letter queue.', labels, n(m.deadLetterQueueProduceFailures));

        // Sluice: records in and out of each stage.
        const stage = (st: string, v: number) =>
          f.add('sluice_task_records_total', 'counter', 'Records through each stage of the task pipeline (source: poll, filtered, sent, acked; sink: consumed, filtered, put).', { ...labels, stage: st }, v);
        if (s.type === 'source') {
          stage('poll', m.recordsPolled);
          stage('filtered', m.recordsFiltered);
          stage('sent', n(m.recordsSent));
          stage('acked', m.recordsWritten);
        } else {
          stage('consumed', m.recordsPolled);
          stage('filtered', m.recordsFiltered);
          stage('put', m.recordsWritten);
        }
        f.add('sluice_task_batches_total', 'counter', 'Batches polled (source) or consumed (sink).', labels, m.batches);
        f.add('sluice_task_throttle_time_ms_total', 'counter', 'Time the task waited because of sluice.rate.limit.*, in milliseconds.', labels, n(m.throttleTimeMs));
        f.add('sluice_task_in_flight_batches', 'gauge', 'Batches between poll and acknowledgement (source).', labels, m.inFlightBatches);
        f.add('sluice_task_offset_commits_total', 'counter', 'Offset commits by result.', { ...labels, result: 'success' }, m.offsetCommits);
        f.add('sluice_task_offset_commits_total', 'counter', 'Offset commits by result.', { ...labels, result: 'failure' }, m.offsetCommitFailures);
        if (m.lastOffsetCommitMs !== null) {
          f.add('sluice_task_last_offset_commit_timestamp_seconds', 'gauge', 'When the task last committed offsets.', labels, m.lastOffsetCommitMs / 1000);
        }
      }
    }
    this.#rates.retain(keys);

    // ---- Sluice: restart policy state
    const restart = (kind: 'connector' | 'task', labels: Labels, r: RestartStatus | undefined) => {
      if (!r) return;
      const l = { ...labels, policy: r.policy };
      f.add(`sluice_${kind}_restart_policy_restarts`, 'gauge', `Automatic restarts of the ${kind} within the policy window.`, l, r.restarts);
      f.add(`sluice_${kind}_restart_policy_exhausted`, 'gauge', `1 once the ${kind} reached sluice.restart.max.restarts (it stays FAILED until restarted by hand).`, l, r.exhausted ? 1 : 0);
      f.add(`sluice_${kind}_restart_policy_next_attempt_timestamp_seconds`, 'gauge', `When the next automatic restart of the ${kind} is due (0: none scheduled).`, l,
        r.next_attempt_at === null ? 0 : r.next_attempt_at / 1000);
    };
    for (const s of statuses) {
      restart('connector', { connector: s.name }, s.connector.restart);
      for (const t of s.tasks) restart('task', { connector: s.name, task: String(t.id) }, t.restart);
    }
    return f.list();
  }
}
