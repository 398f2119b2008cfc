/**
 * `sink(config)`: a sink connector as an RxJS Subscriber. Subscribe it to any Observable of records — a
 * `source()` piped through your operators, or an Observable of your own — and each record goes to one of the
 * connector's tasks (by topic-partition), is run through the connector's `transforms`, `put`, and flushed
 * (`preCommit`) every `offset.flush.interval.ms`, when a source waits for its records, and at completion.
 * Records from a `source()` are acknowledged to it only once flushed, so its offsets never run ahead of the sink.
 */
import { Subscriber } from 'rxjs';
import { ConnectRecord, SinkRecord, type SourceRecord } from '../data/index.js';
import type { ConfigInput } from '../worker/embedded.js';
import type { ConnectorStateInfo, TaskProgress } from '../worker/herder.js';
import { runConnector, type ConnectorHandle, type HostedConnector, type ReactiveOptions } from './connector-host.js';
import { originOf } from './origin.js';
import { SinkRouter } from './sink-router.js';

export class NotARecordError extends TypeError {
  override readonly name = 'NotARecordError';
}

export class SinkSubscriber extends Subscriber<ConnectRecord> implements ConnectorHandle {
  /** Resolves once the sink has flushed everything and stopped after the Observable completed; rejects with why it ended otherwise. */
  readonly done: Promise<void>;
  readonly #router = new SinkRouter();
  readonly #host: HostedConnector;
  readonly #offsets = new Map<string, number>();
  readonly #flush = () => this.#router.requestFlush();
  #settle!: { resolve: () => void; reject: (e: unknown) => void };
  #ended = false;
  /** The first task failure, also one that comes while the sink is already ending (it fails the end). */
  #failure: { error: unknown } | undefined;

  constructor(config: ConfigInput, options: ReactiveOptions) {
    super();
    this.done = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    this.done.catch(() => {});
    const name = options.name ?? String(config['name'] ?? 'sink');
    const failed = (failure: unknown) => {
      this.#failure ??= { error: failure };
      this.#router.fail(failure);
      void this.#end(failure);
    };
    this.#host = runConnector({ kind: 'sink', inlet: this.#router }, name, config, options, failed);
    this.#host.pipeline.then(
      (p) => this.#router.expect(p.herder.taskConfigs(name).length),
      (e: unknown) => void this.#end(e),
    );
  }

  /** Kafka Connect's status of the sink connector (after it ended: as it was at the end). */
  status(): ConnectorStateInfo | null {
    return this.#host.status();
  }

  /** State and counters of each task (the worker's TaskMetrics). */
  progress(): TaskProgress[] {
    return this.#host.progress();
  }

  protected override _next(value: ConnectRecord): void {
    try {
      if (this.#ended) return; // never acknowledged: the sink is gone (the source's stop keeps its offsets)
      if (!(value instanceof ConnectRecord)) {
        void this.#end(new NotARecordError(`sink() takes Connect records (SourceRecord, SinkRecord, …), got ${describe(value)}`));
        return;
      }
      const origin = originOf(value);
      if (origin) origin.link.flushers.add(this.#flush);
      this.#router.offer(this.#asSinkRecord(value), origin);
    } catch (e) {
      void this.#end(e); // OriginReleasedError: the record came too late (see origin.ts)
    }
  }

  /** Unsubscribing stops the sink gracefully: what was put is flushed, then `done` resolves. */
  override unsubscribe(): void {
    super.unsubscribe();
    if (!this.#ended) void this.#end();
  }

  protected override _complete(): void {
    void this.#end();
  }

  protected override _error(error: unknown): void {
    void this.#end(error);
  }

  /** Numbers records per topic-partition, as a log would, so that `preCommit` offsets say which were flushed. */
  #asSinkRecord(r: ConnectRecord): SinkRecord {
    const partition = r.kafkaPartition ?? 0;
    const key = `${r.topic}\u0000${partition}`;
    const offset = this.#offsets.get(key) ?? 0;
    this.#offsets.set(key, offset + 1);
    return new SinkRecord({
      topic: r.topic,
      kafkaPartition: partition,
      kafkaOffset: offset,
      keySchema: r.keySchema,
      key: r.key,
      valueSchema: r.valueSchema,
      value: r.value,
      timestamp: r.timestamp,
      headers: r.headers,
      timestampType: r.timestamp === null ? 'NoTimestampType' : 'CreateTime',
    });
  }

  /** Completion flushes everything put; an error (upstream, or a failed task) stops the connector and rejects `done`. */
  async #end(error?: unknown): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    // A failed sink stops its source too (unsubscribing runs the source's graceful stop).
    if (error !== undefined) this.unsubscribe();
    try {
      if (error === undefined) {
        await this.#host.pipeline;
        await this.#router.drain();
      }
      await this.#host.stop();
    } catch (e) {
      error ??= e;
    }
    error ??= this.#failure?.error; // a task that failed while the end flushed
    if (error !== undefined) this.#settle.reject(error);
    else this.#settle.resolve();
    this.unsubscribe();
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return `${typeof value} ${String(value)}`;
  return value.constructor?.name ?? 'an object';
}

/**
 * A sink connector, from its Kafka Connect config, as a Subscriber: `records$.subscribe(sink({ … }))`, then
 * `await theSink.done`.
 */
export function sink(config: ConfigInput, options: ReactiveOptions = {}): SinkSubscriber {
  return new SinkSubscriber(config, options);
}

export type { SourceRecord };
