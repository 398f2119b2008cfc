/**
 * `harness()`: a user's connectors (or any pipeline) run embedded on the in-process transport under a virtual
 * clock. Poll cadence, `offset.flush.interval.ms`, retries and backoff, restart policies and a sink's own
 * timers all run on virtual time, which moves only when the test says: `await h.advance(60_000)` is ten
 * minutes of a pipeline's life in a few real milliseconds.
 *
 *   const h = await harness({ connectors: [{ name: 'src', config: { 'connector.class': 'my-source' } }], plugins: [mySource] });
 *   try {
 *     await h.advance(5_000);
 *     h.values('my-topic');                  // what the pipeline wrote to the topic
 *     await h.committedOffsets('src');       // what the worker committed for it
 *     h.taskStates('src');                   // ['RUNNING']
 *   } finally {
 *     await h.stop();                        // graceful stop, then the real timers are back
 *   }
 */
import { Sluice, type ConfigInput, type ConnectorDefinition, type Pipeline } from '../worker/embedded.js';
import type { ConnectorOffset, ConnectorStateInfo, TaskProgress } from '../worker/herder.js';
import { CompletionTracker, type CompletionRule } from '../worker/completion.js';
import type { ConnectorPlugin, ExtensionPlugin } from '../connectors/api/index.js';
import type { SinkRecord } from '../data/index.js';
import type { Log } from '../actors/index.js';
import { VirtualClock, type RunUntilOptions } from './clock.js';
import { newRecordStore, recorderConfig, recorderPlugin, RECORDER_CLASS, type RecordStore } from './recorder.js';

export interface HarnessOptions {
  /** The connectors: the sinks are started first (after the recorder), then the sources, each in this order. */
  readonly connectors: readonly ConnectorDefinition[];
  /** Worker config; in-process only (`bootstrap.servers` is refused). */
  readonly worker?: ConfigInput;
  /** Connector plugins and converters, transforms, predicates, config providers, as `Sluice.pipeline` takes them. */
  readonly plugins?: readonly (ConnectorPlugin | ExtensionPlugin)[];
  readonly log?: Log;
  /** Virtual epoch milliseconds (or a Date) the clock starts at; default: the real time now. */
  readonly now?: number | Date;
  /**
   * What the recorder reads (`h.records(topic)`): every topic (default), a regex or a list of topics, or
   * `false` for no recorder (then a topic that no sink reads holds its records unacknowledged, as in `sluice run`).
   * `config` adds keys to the recorder's sink config, e.g. its own `value.converter`.
   */
  readonly record?: false | { readonly topics?: RegExp | readonly string[]; readonly config?: ConfigInput };
  /** Start the pipeline at once (default true); otherwise call `h.start()`. */
  readonly start?: boolean;
  /** A clock the caller installed and will uninstall; by default the harness installs one and uninstalls it at stop. */
  readonly clock?: VirtualClock;
}

/** The recorder's connector name; `status()` and `progress()` leave it out. */
export const RECORDER_NAME = 'sluice-testing-recorder';

interface PlannedConnector {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly initialState: ConnectorDefinition['initialState'];
}

export class Harness {
  readonly pipeline: Pipeline;
  readonly clock: VirtualClock;
  readonly #store: RecordStore | undefined;
  readonly #release: () => void;
  readonly #ownsClock: boolean;
  readonly #connectors: readonly PlannedConnector[];
  #started = false;
  #stopped = false;

  /** Use `harness(...)`. */
  constructor(init: {
    pipeline: Pipeline;
    clock: VirtualClock;
    ownsClock: boolean;
    store: RecordStore | undefined;
    release: () => void;
    connectors: readonly PlannedConnector[];
  }) {
    this.pipeline = init.pipeline;
    this.clock = init.clock;
    this.#ownsClock = init.ownsClock;
    this.#store = init.store;
    this.#release = init.release;
    this.#connectors = init.connectors;
  }

  /**
   * Starts the worker, then the sink connectors (the recorder first) in the order given, waits until their
   * tasks run (so they have joined their groups), then the source connectors in the order given. In process, a
   * record is dropped once every group reading its topic committed it: a sink that joined after the recorder
   * read a topic would miss what was already there. Called by `harness()` unless `start: false`.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('the harness was already started');
    this.#started = true;
    const herder = this.pipeline.herder;
    await this.clock.drive(herder.start());
    try {
      const typeOf = (c: PlannedConnector) => herder.registry.resolve(c.config['connector.class'] ?? '').type;
      const sinks = this.#connectors.filter((c) => typeOf(c) === 'sink');
      for (const c of sinks) await this.clock.drive(herder.addConnector(c.name, c.config, c.initialState ?? 'RUNNING'));
      await this.clock.runUntil(() => sinks.every((c) => this.#settled(c.name)), { description: 'the sink connectors started' });
      for (const c of this.#connectors.filter((c) => typeOf(c) !== 'sink')) {
        await this.clock.drive(herder.addConnector(c.name, c.config, c.initialState ?? 'RUNNING'));
      }
      await this.clock.settle();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** A connector that started what it will start: its tasks out of UNASSIGNED, or the connector stopped or failed. */
  #settled(name: string): boolean {
    const s = this.pipeline.herder.connectorStatus(name);
    if (s.connector.state === 'FAILED' || s.connector.state === 'STOPPED') return true;
    return s.tasks.length > 0 && s.tasks.every((t) => t.state !== 'UNASSIGNED');
  }

  /** Virtual epoch milliseconds. */
  now(): number {
    return this.clock.now();
  }

  /** Moves virtual time forward by `ms`, letting the pipeline run through every timer that falls due. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /** Lets the pipeline run what it can without moving virtual time. */
  settle(): Promise<void> {
    return this.clock.settle();
  }

  /** Runs virtual time forward, timer by timer, until `condition` holds (VirtualTimeoutError after `timeoutMs` virtual). */
  runUntil(condition: () => boolean | Promise<boolean>, options?: RunUntilOptions): Promise<void> {
    return this.clock.runUntil(condition, options);
  }

  /** The records the recorder read from `topic`, in the order it got them (per partition, in offset order). */
  records(topic: string): readonly SinkRecord[] {
    if (!this.#store) throw new Error('this harness has no recorder (record: false)');
    return this.#store.records(topic);
  }

  /** The values of `records(topic)`. */
  values(topic: string): unknown[] {
    return this.records(topic).map((r) => r.value);
  }

  /** The topics the recorder got records of. */
  topics(): string[] {
    return this.#store?.topics() ?? [];
  }

  /**
   * What the worker committed for a connector (KIP-875's shapes): a source's partition → offset maps from the
   * offset store, a sink's `{kafka_topic, kafka_partition}` → `{kafka_offset}` of its consumer group.
   */
  async committedOffsets(connector: string): Promise<ConnectorOffset[]> {
    return (await this.clock.drive(this.pipeline.herder.connectorOffsets(connector))).offsets;
  }

  /** Kafka Connect's status of every connector (the recorder left out). */
  status(): ConnectorStateInfo[] {
    const order = (name: string) => this.#connectors.findIndex((c) => c.name === name);
    return this.pipeline
      .status()
      .filter((s) => s.name !== RECORDER_NAME)
      .sort((a, b) => order(a.name) - order(b.name));
  }

  /** Kafka Connect's status of one connector. */
  connectorStatus(name: string): ConnectorStateInfo {
    return this.pipeline.herder.connectorStatus(name);
  }

  /** The states of a connector's tasks, by task id: `['RUNNING', 'FAILED']`. */
  taskStates(name: string): string[] {
    return this.connectorStatus(name).tasks.map((t) => t.state);
  }

  /** Per-task state and counters (the recorder left out). */
  progress(): TaskProgress[] {
    const order = (name: string) => this.#connectors.findIndex((c) => c.name === name);
    return this.pipeline
      .progress()
      .filter((p) => p.connector !== RECORDER_NAME)
      .sort((a, b) => order(a.connector) - order(b.connector) || a.task - b.task);
  }

  /**
   * Resolves once the pipeline finished by itself, as `Pipeline.finished()` decides it (every bounded source
   * finished, nothing in flight, the sinks caught up, quiet for `idleMs`; or with `untilIdle` simply quiet),
   * the recorder left out; virtual time runs meanwhile, checked every 100 virtual ms.
   */
  async finished(options: RunUntilOptions & Partial<CompletionRule> = {}): Promise<void> {
    const tracker = new CompletionTracker({ untilIdle: options.untilIdle ?? false, idleMs: options.idleMs ?? 1000 });
    const ticker = setInterval(() => {}, 100);
    try {
      await this.clock.runUntil(() => tracker.observe(this.progress(), Date.now()).done, { description: 'the pipeline finished', ...options });
    } finally {
      clearInterval(ticker);
    }
  }

  /** Graceful stop (virtual time runs as the stop needs), then the real timers are back. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      await this.clock.drive(this.pipeline.stop(), { description: 'the graceful stop' });
    } finally {
      this.#release();
      if (this.#ownsClock) this.clock.uninstall();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

const strings = (config: ConfigInput = {}): Record<string, string> => Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Builds (validating every config, as `Sluice.pipeline` does) and, unless `start: false`, starts a harness. */
export async function harness(options: HarnessOptions): Promise<Harness> {
  if (options.worker && options.worker['bootstrap.servers'] !== undefined) {
    throw new Error('sluice/testing runs on the in-process transport: leave bootstrap.servers out of the worker config');
  }
  const ownsClock = options.clock === undefined;
  const clock = options.clock ?? VirtualClock.install(options.now !== undefined ? { now: options.now } : {});
  const recording = options.record !== false ? newRecordStore() : undefined;
  try {
    const connectors: PlannedConnector[] = options.connectors.map((c) => ({
      name: c.name,
      config: { ...strings(c.config), name: c.name },
      initialState: c.initialState,
    }));
    if (recording) {
      const rec = options.record === false ? undefined : options.record;
      const topics = rec?.topics;
      const subscription =
        topics === undefined
          ? { 'topics.regex': '.*' }
          : topics instanceof RegExp
            ? { 'topics.regex': topics.source }
            : { 'topics.regex': topics.map(escape).join('|') };
      connectors.unshift({
        name: RECORDER_NAME,
        config: { 'connector.class': RECORDER_CLASS, ...subscription, ...strings(rec?.config), ...recorderConfig(recording.id), name: RECORDER_NAME },
        initialState: 'RUNNING',
      });
    }
    const pipeline = await clock.drive(
      Sluice.pipeline({
        ...(options.worker ? { worker: options.worker } : {}),
        connectors,
        plugins: [...(options.plugins ?? []), ...(recording ? [recorderPlugin] : [])],
        ...(options.log ? { log: options.log } : {}),
      }),
    );
    const h = new Harness({
      pipeline,
      clock,
      ownsClock,
      store: recording?.store,
      release: recording?.release ?? (() => {}),
      connectors,
    });
    if (options.start !== false) await h.start();
    return h;
  } catch (e) {
    recording?.release();
    if (ownsClock) clock.uninstall();
    throw e;
  }
}
