/**
 * Shared bits of the pipeline benches: RSS sampling, tables, a synthetic source task, a consumer replaying
 * pre-encoded messages, a sink task that only counts, JSON converters.
 */
import { JsonConverter } from '../src/converters/index.js';
import { SourceRecord, type SinkRecord } from '../src/data/index.js';
import { SinkTask, SourceTask, type TopicPartition } from '../src/connectors/api/index.js';
import type { ConsumedMessage, ConsumerHandlers, Converters, KafkaConsumer } from '../src/streams/index.js';

export const MiB = 1024 * 1024;

/** Samples RSS every 20 ms; `peak()` is the highest seen since the last reset. */
export class RssSampler {
  #peak = 0;
  readonly #timer: NodeJS.Timeout;
  constructor() {
    this.#timer = setInterval(() => this.sample(), 20);
    this.#timer.unref();
  }
  sample(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.#peak) this.#peak = rss;
    return rss;
  }
  reset(): void {
    this.#peak = process.memoryUsage().rss;
  }
  peak(): number {
    this.sample();
    return this.#peak;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

export function table(rows: Array<Record<string, string | number>>): void {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: string | number) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(cell(r[c] ?? '')).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(cols.map((c) => String(cell(r[c] ?? '')))));
}

export function countArg(index: number, fallback: number): number {
  const raw = process.argv[index];
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, '').replace(/[mM]$/, '000000').replace(/[kK]$/, '000'));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`count must be a positive integer (e.g. 200000, 200k, 10M), got ${raw}`);
  return n;
}

export function jsonConverters(): Converters {
  return {
    key: new JsonConverter({ 'schemas.enable': false }, true),
    value: new JsonConverter({ 'schemas.enable': false }, false),
    header: new JsonConverter({ 'schemas.enable': false, 'converter.type': 'header' }),
  };
}

/** The record every bench moves: 5 fields, like the dependency check's micro-benchmarks. */
export function valueOf(n: number): Record<string, unknown> {
  return { id: n, name: `name-${n % 1000}`, amount: (n % 10_000) / 100, ts: 1_700_000_000_000 + n, active: n % 2 === 0 };
}

/** Emits `total` records as fast as asked, in batches; counts acks. */
export class SyntheticSource extends SourceTask {
  next = 0;
  acked = 0;
  constructor(
    readonly topic: string,
    readonly total: number,
    readonly batch = 500,
  ) {
    super();
  }
  version() {
    return 'bench';
  }
  start() {}
  async poll(): Promise<SourceRecord[] | null> {
    if (this.next >= this.total) {
      await new Promise((r) => setTimeout(r, 10));
      return null;
    }
    const out: SourceRecord[] = [];
    const end = Math.min(this.total, this.next + this.batch);
    for (let n = this.next; n < end; n++) {
      out.push(new SourceRecord({ topic: this.topic, sourcePartition: { p: n % 4 }, sourceOffset: { n }, key: null, value: valueOf(n) }));
    }
    this.next = end;
    return out;
  }
  override commitRecord() {
    this.acked++;
  }
  stop() {}
}

export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

/** A consumer of one partition `t-0` handing over `messages` in batches of `batch`, each once the previous was taken. */
export function replayingConsumer(messages: readonly ConsumedMessage[], batch: number): KafkaConsumer {
  const tp: TopicPartition = { topic: 't', partition: 0 };
  let stopped = false;
  return {
    async connect() {},
    async subscribe() {},
    async run(handlers: ConsumerHandlers) {
      void (async () => {
        await handlers.onAssigned([tp]);
        for (let start = 0; start < messages.length && !stopped; start += batch) {
          await handlers.onBatch({ topic: 't', partition: 0, messages: messages.slice(start, start + batch) });
        }
      })();
    },
    assignment: () => [tp],
    pause() {},
    resume() {},
    seek() {},
    async commit() {},
    async disconnect() {
      stopped = true;
    },
  };
}

/** A sink task that counts what it is put. */
export class NoopSink extends SinkTask {
  seen = 0;
  version() {
    return 'bench';
  }
  start() {}
  put(records: readonly SinkRecord[]) {
    this.seen += records.length;
  }
  stop() {}
}
