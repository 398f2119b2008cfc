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
import { originOf, type Origin } from './origin.js';
import type { SinkInlet, SinkPort } from './sink-run.js';

export class NotARecordError extends TypeError {
  override readonly name = 'NotARecordError';
}

/** Routes records to the running sink tasks; holds them (bounded by the sources' demand) until one runs. */
class SinkRouter implements SinkInlet {
  readonly #ports = new Map<number, SinkPort>();
  #order: SinkPort[] = [];
  #waiting: Array<{ record: SinkRecord; origin: Origin | null }> = [];

  attach(task: number, port: SinkPort): void {
    this.#ports.set(task, port);
    this.#order = [...this.#ports.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const { record, origin } of waiting) {
      this.offer(record, origin);
      origin?.release(); // the hold taken while it waited
    }
  }

  detach(task: number, port: SinkPort): void {
    if (this.#ports.get(task) !== port) return;
    this.#ports.delete(task);
    this.#order = [...this.#ports.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  }

  offer(record: SinkRecord, origin: Origin | null): void {
    const n = this.#order.length;
    if (n === 0) {
      origin?.retain();
      this.#waiting.push({ record, origin });
      return;
    }
    const port = n === 1 ? this.#order[0]! : this.#order[hash(record.topic, record.kafkaPartition ?? 0) % n]!;
    port.offer(record, origin);
  }

  requestFlush(): void {
    for (const port of this.#order) port.requestFlush();
  }

  async drain(): Promise<void> {
    await Promise.all(this.#order.map((p) => p.drain()));
  }
}

function hash(topic: string, partition: number): number {
  let h = partition | 0;
  for (let i = 0; i < topic.length; i++) h = (Math.imul(h, 31) + topic.charCodeAt(i)) | 0;
  return h >>> 0;
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

  constructor(config: ConfigInput, options: ReactiveOptions) {
    super();
    this.done = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    this.done.catch(() => {});
    const name = options.name ?? String(config['name'] ?? 'sink');
    this.#host = runConnector({ kind: 'sink', inlet: this.#router }, name, config, options, (failure) => void this.#end(failure));
    this.#host.pipeline.catch((e: unknown) => void this.#end(e));
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
    if (this.#ended) {
      originOf(value)?.retain(); // never acknowledged: the sink is gone
      return;
    }
    if (!(value instanceof ConnectRecord)) {
      originOf(value)?.retain();
      void this.#end(new NotARecordError(`sink() takes Connect records (SourceRecord, SinkRecord, …), got ${describe(value)}`));
      return;
    }
    const origin = originOf(value);
    if (origin) origin.link.flushers.add(this.#flush);
    this.#router.offer(this.#asSinkRecord(value), origin);
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
