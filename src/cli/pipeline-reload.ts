/**
 * `sluice run --watch`: the pipeline files are read and checked again when they change (or on SIGHUP). An invalid
 * set changes nothing (every problem is logged); a valid one is applied connector by connector — added ones
 * created, removed ones deleted, changed configs put (which restarts only that connector's tasks), changed
 * initial states applied — and the rest keeps running. The worker config is read at start only: a change to it is
 * reported, not applied.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { InitialState } from '../worker/herder.js';
import type { StandaloneHerder } from '../worker/standalone-herder.js';
import { SerialQueue } from '../async/index.js';
import type { PipelineConnectorSpec, PipelineSpec } from './pipeline-file.js';
import type { Logger } from 'pino';

export interface RunningConnector {
  readonly config: Readonly<Record<string, string>>;
  readonly initialState: InitialState;
}

export interface ReloadPlan {
  readonly add: readonly PipelineConnectorSpec[];
  readonly remove: readonly string[];
  /** Same name, another config: put (its tasks restart). */
  readonly update: readonly PipelineConnectorSpec[];
  /** Same config, another initial state (RUNNING/PAUSED/STOPPED). */
  readonly state: readonly PipelineConnectorSpec[];
  /** Worker keys added, removed or changed: not applied by a reload. */
  readonly workerKeys: readonly string[];
}

const sameConfig = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};

/** What a reload has to do to go from what runs to what the files now say. */
export function planReload(
  running: ReadonlyMap<string, RunningConnector>,
  worker: Readonly<Record<string, string>>,
  next: PipelineSpec,
): ReloadPlan {
  const wanted = new Map(next.connectors.map((c) => [c.name, c]));
  const add: PipelineConnectorSpec[] = [];
  const update: PipelineConnectorSpec[] = [];
  const state: PipelineConnectorSpec[] = [];
  for (const c of next.connectors) {
    const now = running.get(c.name);
    if (!now) add.push(c);
    else if (!sameConfig(now.config, c.config)) update.push(c);
    else if (now.initialState !== c.initialState) state.push(c);
  }
  const remove = [...running.keys()].filter((name) => !wanted.has(name));
  const keys = new Set([...Object.keys(worker), ...Object.keys(next.worker)]);
  const workerKeys = [...keys].filter((k) => worker[k] !== next.worker[k]).sort();
  return { add, remove, update, state, workerKeys };
}

export function isEmptyPlan(p: ReloadPlan): boolean {
  return p.add.length + p.remove.length + p.update.length + p.state.length === 0;
}

async function applyState(herder: StandaloneHerder, name: string, state: InitialState): Promise<void> {
  if (state === 'PAUSED') await herder.pauseConnector(name);
  else if (state === 'STOPPED') await herder.stopConnector(name);
  else await herder.resumeConnector(name);
}

/**
 * Reloads on demand, one reload at a time: `load` reads and checks the files (throwing with every problem when
 * they are invalid); what it returns is applied to the herder.
 */
export class PipelineReloader {
  readonly #queue = new SerialQueue();
  readonly #running: Map<string, RunningConnector>;
  #worker: Readonly<Record<string, string>>;

  constructor(
    readonly herder: StandaloneHerder,
    initial: PipelineSpec,
    readonly load: () => Promise<PipelineSpec>,
    readonly log: Logger,
  ) {
    this.#running = new Map(initial.connectors.map((c) => [c.name, { config: c.config, initialState: c.initialState }]));
    this.#worker = initial.worker;
  }

  /** Reads the files and applies what changed; resolves with the plan applied, or null when the files are invalid. */
  reload(why: string): Promise<ReloadPlan | null> {
    return this.#queue.run(async () => {
      let next: PipelineSpec;
      try {
        next = await this.load();
      } catch (e) {
        this.log.error({ reason: why, err: e }, `reload refused, nothing changed: ${(e as Error).message}`);
        return null;
      }
      const plan = planReload(this.#running, this.#worker, next);
      if (plan.workerKeys.length > 0) {
        this.log.warn({ keys: plan.workerKeys }, 'the worker config changed: a reload applies connector changes only; restart sluice to apply it');
      }
      for (const name of plan.remove) await this.#step(name, 'removed', async () => this.herder.deleteConnector(name), () => this.#running.delete(name));
      for (const c of plan.update) {
        const before = this.#running.get(c.name)!;
        await this.#step(c.name, 'config changed', () => this.herder.putConnectorConfig(c.name, c.config), () =>
          this.#running.set(c.name, { config: c.config, initialState: before.initialState }),
        );
        if (c.initialState !== before.initialState && this.#running.get(c.name)?.config === c.config) {
          await this.#step(c.name, `state ${c.initialState}`, () => applyState(this.herder, c.name, c.initialState), () =>
            this.#running.set(c.name, { config: c.config, initialState: c.initialState }),
          );
        }
      }
      for (const c of plan.state) {
        await this.#step(c.name, `state ${c.initialState}`, () => applyState(this.herder, c.name, c.initialState), () =>
          this.#running.set(c.name, { config: c.config, initialState: c.initialState }),
        );
      }
      for (const c of plan.add) {
        await this.#step(c.name, 'added', () => this.herder.addConnector(c.name, c.config, c.initialState), () =>
          this.#running.set(c.name, { config: c.config, initialState: c.initialState }),
        );
      }
      this.log.info(
        { reason: why, added: plan.add.map((c) => c.name), removed: plan.remove, changed: plan.update.map((c) => c.name), state: plan.state.map((c) => c.name) },
        isEmptyPlan(plan) ? 'reloaded: nothing changed' : 'reloaded',
      );
      return plan;
    });
  }

  /** Resolves once no reload is in progress (the run waits for it before stopping the worker). */
  settled(): Promise<void> {
    return this.#queue.run(() => undefined);
  }

  async #step(name: string, what: string, act: () => Promise<unknown>, done: () => void): Promise<void> {
    try {
      await act();
      done();
      this.log.info({ connector: name }, `reload: ${name} ${what}`);
    } catch (e) {
      this.log.error({ connector: name, err: e }, `reload: ${name} could not be ${what === 'added' ? 'created' : 'updated'}; it stays as it was`);
    }
  }
}

/**
 * Calls `changed` (debounced) when one of the files changes. Watches each file's folder, so an editor that
 * saves by writing a new file and renaming it over the old one is seen too.
 */
export function watchFiles(files: readonly string[], changed: (file: string) => void, debounceMs = 200): () => void {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const abs = resolve(f);
    const names = byDir.get(dirname(abs)) ?? new Set<string>();
    names.add(basename(abs));
    byDir.set(dirname(abs), names);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    const w = watch(dir, (_event, name) => {
      if (name === null || !names.has(name.toString())) return;
      clearTimeout(timer);
      timer = setTimeout(() => changed(resolve(dir, name.toString())), debounceMs);
    });
    w.on('error', () => {}); // a folder that goes away: nothing more to watch there
    watchers.push(w);
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
