/**
 * Applies this worker's share of the assignment (Kafka Connect's rebalance listener + startWork): first it stops
 * what it lost (or what changed underneath: a new connector config revision, a new task generation), all at
 * once; only then does it confirm the generation in its heartbeat, so the leader moves that work only once it
 * has stopped here; then it applies target states and starts what it gained. A fenced worker, or one not caught
 * up since, stops everything and starts nothing (a stale assignment may hand out what moved meanwhile).
 * Rounds run one at a time; a round asked for during one runs right after it.
 */
import type { Log } from '../actors/index.js';
import { parseTaskKey } from './assignor.js';
import type { ConfigState } from './config-state.js';
import type { GroupMember } from './group.js';
import type { AssignedWork, LocalConnector, LocalTask, StopReason } from './assigned-work.js';

type ConfigView = Pick<ConfigState, 'connectors' | 'targetState' | 'taskConfigs' | 'taskGeneration'>;

export interface Stops {
  readonly tasks: ReadonlyArray<{ readonly task: LocalTask; readonly why: StopReason }>;
  readonly connectors: ReadonlyArray<{ readonly connector: LocalConnector; readonly why: StopReason }>;
}

/**
 * What to stop (pure): a task not in `mine`, or whose connector is gone or STOPPED, whose index is past the
 * committed set, or whose task generation or connector revision changed; a connector not in `mine`, gone, or
 * of another revision. Deleted work is 'deleted'; the rest is 'fenced' or 'revoked'.
 */
export function stopsFor(
  cfg: ConfigView,
  mine: { readonly connectors: ReadonlySet<string>; readonly tasks: ReadonlySet<string> },
  fenced: boolean,
  tasks: Iterable<LocalTask>,
  connectors: Iterable<LocalConnector>,
): Stops {
  const taskStops: { task: LocalTask; why: StopReason }[] = [];
  for (const t of tasks) {
    const configs = cfg.taskConfigs(t.connector);
    const keep =
      mine.tasks.has(t.key) &&
      cfg.connectors.has(t.connector) &&
      cfg.targetState(t.connector) !== 'STOPPED' &&
      t.task < configs.length &&
      cfg.taskGeneration(t.connector) === t.generation &&
      cfg.connectors.get(t.connector)!.revision === t.connectorRevision;
    if (!keep) {
      const why = !cfg.connectors.has(t.connector) || t.task >= configs.length ? 'deleted' : fenced ? 'fenced' : 'revoked';
      taskStops.push({ task: t, why });
    }
  }
  const connectorStops: { connector: LocalConnector; why: StopReason }[] = [];
  for (const c of connectors) {
    const record = cfg.connectors.get(c.name);
    const keep = mine.connectors.has(c.name) && record !== undefined && record.revision === c.revision;
    if (!keep) connectorStops.push({ connector: c, why: record === undefined ? 'deleted' : fenced ? 'fenced' : 'revoked' });
  }
  return { tasks: taskStops, connectors: connectorStops };
}

export interface ReconcilerDeps {
  readonly group: GroupMember;
  readonly work: AssignedWork;
  readonly log: Log;
  /** The herder's state: rounds are asked for from `starting` on and run while `running`. */
  state(): string;
}

export class Reconciler {
  readonly #d: ReconcilerDeps;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
  }

  /** Asks for a round. */
  schedule(): void {
    const state = this.#d.state();
    if (state !== 'running' && state !== 'starting') return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#reconcile();
        } while (this.#again && this.#d.state() === 'running');
      } catch (e) {
        this.#d.log.error({ err: e }, 'reconciliation failed; retrying');
        setTimeout(() => this.schedule(), 500).unref();
      } finally {
        this.#running = undefined;
      }
    })();
  }

  /** Resolves when the round in progress (if any) is over. */
  async settled(): Promise<void> {
    await this.#running?.catch(() => {});
  }

  async #reconcile(): Promise<void> {
    const { group: g, work } = this.#d;
    if (this.#d.state() !== 'running') return;
    const cfg = g.config;
    const a = cfg.assignment;
    // Fenced, or not caught up since: act on nothing (a stale assignment may hand out what moved meanwhile).
    const fenced = !g.ready;
    const me = g.membership.self.member;
    const mine = !fenced && a ? a.members[me] : undefined;
    const myConnectors = new Set(mine?.connectors ?? []);
    const myTasks = new Set(mine?.tasks ?? []);
    const generation = a?.generation ?? 0;

    // 1. Stop what is no longer ours (or changed underneath), all at once.
    const stops = stopsFor(cfg, { connectors: myConnectors, tasks: myTasks }, fenced, [...work.tasks.values()], [...work.connectors.values()]);
    await Promise.all([
      ...stops.tasks.map((s) => work.stopTask(s.task, s.why, generation)),
      ...stops.connectors.map((s) => work.stopConnector(s.connector, s.why, generation)),
    ]);
    if (this.#d.state() !== 'running' || fenced || !a) return;

    // 2. Confirm the generation: everything it took from us has stopped.
    work.generation = Math.max(work.generation, generation);
    g.membership.setGeneration(generation);

    // 3. Target states of what we keep; start what we gained.
    for (const c of work.connectors.values()) work.retargetConnector(c, cfg.targetState(c.name));
    for (const t of work.tasks.values()) work.retargetTask(t, cfg.targetState(t.connector) === 'PAUSED' ? 'PAUSED' : 'STARTED');
    for (const name of myConnectors) {
      if (work.connectors.has(name)) continue;
      const record = cfg.connectors.get(name);
      if (record) work.startConnector(name, record.config, record.revision, cfg.targetState(name));
    }
    for (const key of myTasks) {
      if (work.tasks.has(key)) continue;
      const { connector, task } = parseTaskKey(key);
      const configs = cfg.taskConfigs(connector);
      const record = cfg.connectors.get(connector);
      if (!record || task >= configs.length || cfg.targetState(connector) === 'STOPPED') continue;
      work.startTask(connector, task, record, configs[task]!, cfg.taskGeneration(connector), cfg.targetState(connector));
    }
  }
}
