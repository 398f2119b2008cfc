/**
 * The dashboard's snapshot (`GET /ui/api/state`, and each `state` event of `GET /ui/api/events`): the supervision
 * tree as this worker sees it — the worker (and, on a distributed worker, every member of the group, the leader
 * and the assignment), its connectors and their tasks with states, restart policy state, traces, and the live
 * figures of the tasks this worker runs (records/s over a short window, read vs put or polled vs acknowledged,
 * errors and DLQ writes). No connector config is in it: configs go out through `ui-config.ts` only.
 */
import type { RestartStatus } from '../actors/index.js';
import type { ConnectorStateInfo, TaskProgress } from '../worker/herder.js';
import { RateWindow } from './metrics.js';
import type { RestHerder } from './resources.js';
import { serverVersion } from './server-info.js';

export interface UiTaskFigures {
  /** Source: records polled; sink: records read from Kafka. */
  readonly read: number;
  /** Source: records acknowledged by Kafka; sink: records put to the task. */
  readonly written: number;
  readonly filtered: number;
  /** records/s over the rate window (source: polled; sink: read). */
  readonly readRate: number;
  /** records/s over the rate window (source: acknowledged; sink: put). */
  readonly writtenRate: number;
  /**
   * Source: records polled but not yet acknowledged (filtered and skipped ones excepted). Sink: the consumer's lag
   * (records behind the partitions' ends), summed over `partitions`.
   */
  readonly lag: number;
  /** Sink: the consumer's lag per assigned partition. */
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly lag: number }>;
  readonly errors: number;
  readonly skipped: number;
  readonly dlqRequests: number;
  readonly dlqFailures: number;
  readonly lastOffsetCommitMs: number | null;
}

export interface UiTask {
  readonly id: number;
  readonly state: string;
  readonly workerId: string;
  readonly trace: string | null;
  readonly restart: RestartStatus | null;
  /** Null when another worker runs the task (a distributed worker has figures of its own tasks only). */
  readonly figures: UiTaskFigures | null;
}

export interface UiConnector {
  readonly name: string;
  readonly type: string;
  readonly className: string;
  readonly state: string;
  /** What the user asked for: RUNNING, PAUSED or STOPPED. */
  readonly targetState: string;
  readonly workerId: string;
  readonly trace: string | null;
  readonly restart: RestartStatus | null;
  readonly tasks: readonly UiTask[];
}

export interface UiMember {
  readonly workerId: string;
  readonly url: string;
  readonly leader: boolean;
  readonly self: boolean;
  /** What the assignment gives the member (task ids are `<connector>-<n>`). */
  readonly connectors: readonly string[];
  readonly tasks: readonly string[];
}

export interface UiCluster {
  readonly groupId: string;
  readonly leader: string | null;
  readonly generation: number;
  readonly members: readonly UiMember[];
  /** Work of members that left, held until its deadline (epoch ms). */
  readonly delayed: ReadonlyArray<{ readonly member: string; readonly connectors: readonly string[]; readonly tasks: readonly string[]; readonly deadline: number }>;
}

export interface UiSnapshot {
  readonly at: number;
  readonly worker: { readonly id: string; readonly mode: 'standalone' | 'distributed'; readonly version: string };
  readonly cluster: UiCluster | null;
  readonly connectors: readonly UiConnector[];
}

/** What a DistributedHerder exposes about its group (read structurally: src/rest does not depend on src/cluster). */
interface ClusterView {
  readonly cluster: { readonly groupId: string };
  readonly group?: {
    readonly membership: { live(): ReadonlyArray<{ member: string; workerId: string; url: string }>; readonly self: { readonly member: string } };
    readonly election: { leader(): { member: string; worker_id: string } | null };
    readonly config: {
      readonly assignment: {
        readonly generation: number;
        readonly members: Readonly<Record<string, { connectors: readonly string[]; tasks: readonly string[] }>>;
        readonly delayed: Readonly<Record<string, { connectors: readonly string[]; tasks: readonly string[]; deadline: number }>>;
      } | null;
    };
  };
}

function isClusterView(h: unknown): h is ClusterView {
  const c = (h as { cluster?: { groupId?: unknown } }).cluster;
  return typeof c === 'object' && c !== null && typeof c.groupId === 'string';
}

const n = (v: number | undefined | null): number => v ?? 0;

/** The figures of one task from its pipeline metrics and the rates the window gives. */
export function taskFigures(p: TaskProgress, rates: { polledRate: number; writtenRate: number }): UiTaskFigures | null {
  const m = p.metrics;
  if (!m) return null;
  const sink = p.type === 'sink';
  const partitions = sink ? (m.consumerLag ?? []) : [];
  return {
    read: m.recordsPolled,
    written: m.recordsWritten,
    filtered: m.recordsFiltered,
    readRate: rates.polledRate,
    writtenRate: rates.writtenRate,
    lag: sink ? partitions.reduce((sum, l) => sum + l.lag, 0) : Math.max(0, m.recordsPolled - m.recordsFiltered - n(m.recordsSkipped) - m.recordsWritten),
    partitions,
    errors: n(m.recordErrors),
    skipped: n(m.recordsSkipped),
    dlqRequests: n(m.deadLetterQueueProduceRequests),
    dlqFailures: n(m.deadLetterQueueProduceFailures),
    lastOffsetCommitMs: m.lastOffsetCommitMs,
  };
}

/** Builds snapshots of one herder; keeps the rate window between them. */
export class UiState {
  readonly #rates: RateWindow;
  readonly #now: () => number;

  constructor(
    readonly herder: RestHerder,
    options: { rateWindowMs?: number; now?: () => number } = {},
  ) {
    this.#rates = new RateWindow(options.rateWindowMs ?? 10_000);
    this.#now = options.now ?? Date.now;
  }

  snapshot(): UiSnapshot {
    const herder = this.herder;
    const at = this.#now();
    const progress = new Map<string, TaskProgress>();
    for (const p of herder.progress()) progress.set(`${p.connector}\u0000${p.task}`, p);
    const seen = new Set<string>();
    const connectors: UiConnector[] = [];
    for (const name of [...herder.connectors()].sort()) {
      let status: ConnectorStateInfo;
      try {
        status = herder.connectorStatus(name);
      } catch {
        continue; // deleted meanwhile
      }
      const tasks = status.tasks.map((t): UiTask => {
        const key = `${name}\u0000${t.id}`;
        const p = progress.get(key);
        let figures: UiTaskFigures | null = null;
        if (p?.metrics) {
          seen.add(key);
          figures = taskFigures(p, this.#rates.observe(key, at, p.metrics.recordsPolled, p.metrics.recordsWritten));
        }
        return { id: t.id, state: t.state, workerId: t.worker_id, trace: t.trace ?? null, restart: t.restart ?? null, figures };
      });
      connectors.push({
        name,
        type: status.type,
        className: classOf(herder, name),
        state: status.connector.state,
        targetState: targetOf(herder, name),
        workerId: status.connector.worker_id,
        trace: status.connector.trace ?? null,
        restart: status.connector.restart ?? null,
        tasks,
      });
    }
    this.#rates.retain(seen);
    return {
      at,
      worker: { id: herder.settings.workerId, mode: isClusterView(herder) ? 'distributed' : 'standalone', version: serverVersion().version },
      cluster: isClusterView(herder) ? clusterOf(herder) : null,
      connectors,
    };
  }
}

function classOf(herder: RestHerder, name: string): string {
  try {
    const cls = herder.connectorConfig(name)['connector.class'] ?? '';
    return herder.registry.has(cls) ? herder.registry.resolve(cls).className : cls;
  } catch {
    return '';
  }
}

/** The target state in the REST API's words (Kafka's STARTED is RUNNING there, as in `initial_state`). */
function targetOf(herder: RestHerder, name: string): string {
  try {
    const t = herder.targetState(name);
    return t === 'STARTED' ? 'RUNNING' : t;
  } catch {
    return '';
  }
}

/** Members, leader and assignment as this worker's replica of the group's state has them. */
export function clusterOf(view: ClusterView): UiCluster {
  const g = view.group;
  if (!g) return { groupId: view.cluster.groupId, leader: null, generation: 0, members: [], delayed: [] };
  const leader = g.election.leader();
  const assignment = g.config.assignment;
  const members = [...g.membership.live()]
    .sort((a, b) => a.workerId.localeCompare(b.workerId))
    .map((m): UiMember => {
      const a = assignment?.members[m.member];
      return {
        workerId: m.workerId,
        url: m.url,
        leader: leader?.member === m.member,
        self: m.member === g.membership.self.member,
        connectors: [...(a?.connectors ?? [])].sort(),
        tasks: [...(a?.tasks ?? [])].sort(),
      };
    });
  const delayed = Object.entries(assignment?.delayed ?? {}).map(([member, d]) => ({
    member,
    connectors: [...d.connectors],
    tasks: [...d.tasks],
    deadline: d.deadline,
  }));
  return { groupId: view.cluster.groupId, leader: leader?.worker_id ?? null, generation: assignment?.generation ?? 0, members, delayed };
}
