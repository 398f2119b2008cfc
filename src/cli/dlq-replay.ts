/**
 * Replaying a dead letter queue: every DLQ record is produced again — original key, value, timestamp and headers
 * without the `__connect.errors.*` ones — to the topic it came from (its `__connect.errors.topic` header, or
 * `to`), once the cause is fixed. The replay reads with its own consumer group and commits it after each batch
 * is acknowledged, so records are replayed once, and a replay interrupted half-way resumes where it stopped.
 *
 * Only the Kafka client port is used, so the same code replays an in-process topic (tests).
 */
import type { ConsumedMessage, KafkaClient, KafkaConsumer, ProducerRecord } from '../streams/kafka/client.js';
import {
  ERROR_HEADER_ORIG_PARTITION,
  ERROR_HEADER_ORIG_TOPIC,
  ERROR_HEADER_STAGE,
  headerText,
  withoutErrorHeaders,
} from '../streams/errors/context-headers.js';

export interface ReplayOptions {
  /** The DLQ topic to read. */
  readonly from: string;
  /** Target topic for every record; default: each record's `__connect.errors.topic` header. */
  readonly to?: string;
  /** Only records whose `__connect.errors.stage` is one of these (others are passed over by this group). */
  readonly stages?: readonly string[];
  /** Replay at most this many records. */
  readonly max?: number;
  /** Print what would be replayed; produce nothing, commit nothing. */
  readonly dryRun?: boolean;
  /** Consumer group; default `sluice-dlq-replay.<from>` (plus `.<STAGE>…` with a stage filter). */
  readonly group?: string;
  /** The replay ends once nothing new arrived for this long after the partitions were assigned. */
  readonly idleMs?: number;
  /** Gives up if the consumer has no partitions assigned by then. */
  readonly assignTimeoutMs?: number;
}

export interface ReplayResult {
  readonly group: string;
  /** Records read from the DLQ (replayed, passed over by the filter, or the first one that could not be routed). */
  readonly read: number;
  readonly replayed: number;
  /** Passed over by the stage filter. */
  readonly filtered: number;
  /** Replayed records per target topic. */
  readonly byTopic: Readonly<Record<string, number>>;
}

/** A DLQ record that names no target topic (no `__connect.errors.topic` header and no `to`). */
export class UnroutableRecordError extends Error {
  override readonly name = 'UnroutableRecordError';
}

/** A replay that stopped on an error; `partial` says what was done (and committed) before. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  constructor(
    message: string,
    readonly partial: ReplayResult,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function defaultReplayGroup(from: string, stages?: readonly string[]): string {
  return `sluice-dlq-replay.${from}${stages && stages.length ? `.${[...stages].sort().join('.')}` : ''}`;
}

const dec = new TextDecoder();

function preview(bytes: Uint8Array | null, max = 60): string {
  if (bytes === null) return 'null';
  const s = dec.decode(bytes.subarray(0, max * 4));
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

export async function replayDlq(client: KafkaClient, options: ReplayOptions, print: (line: string) => void = () => {}): Promise<ReplayResult> {
  const group = options.group ?? defaultReplayGroup(options.from, options.stages);
  const stages = options.stages && options.stages.length ? new Set(options.stages.map((s) => s.toUpperCase())) : null;
  const max = options.max ?? Infinity;
  const idleMs = options.idleMs ?? 5000;
  const assignTimeoutMs = options.assignTimeoutMs ?? 60_000;
  const byTopic: Record<string, number> = {};
  let read = 0;
  let replayed = 0;
  let filtered = 0;

  const admin = client.admin();
  const producer = client.producer({ clientId: `sluice-dlq-replay-${options.from}` });
  const consumer: KafkaConsumer = client.consumer({ groupId: group, clientId: `sluice-dlq-replay-${options.from}`, fromBeginning: true });
  const partitionsOf = new Map<string, Set<number>>();
  const partitions = async (topic: string): Promise<Set<number>> => {
    let p = partitionsOf.get(topic);
    if (!p) partitionsOf.set(topic, (p = new Set((await admin.partitions([topic])).get(topic) ?? [])));
    return p;
  };

  let lastActivity = Date.now();
  let assigned = false;
  let done = false;
  let failure: unknown;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const end = (e?: unknown) => {
    if (e !== undefined && failure === undefined) failure = e;
    done = true;
    finish();
  };

  const target = async (topic: string, m: ConsumedMessage): Promise<ProducerRecord> => {
    const to = options.to ?? headerText(m.headers, ERROR_HEADER_ORIG_TOPIC);
    if (to === undefined) {
      throw new UnroutableRecordError(
        `${topic} offset ${m.offset} has no ${ERROR_HEADER_ORIG_TOPIC} header (was the DLQ written with ` +
          'errors.deadletterqueue.context.headers.enable=true?); pass --to TOPIC',
      );
    }
    // The original partition when the target still has it (keeps per-partition order of unkeyed records).
    const original = options.to === undefined ? Number(headerText(m.headers, ERROR_HEADER_ORIG_PARTITION)) : NaN;
    const partition = Number.isInteger(original) && (await partitions(to)).has(original) ? original : null;
    return { topic: to, partition, key: m.key, value: m.value, headers: withoutErrorHeaders(m.headers), timestamp: m.timestamp };
  };

  await admin.connect();
  try {
    if (!options.dryRun) await producer.connect();
    await consumer.connect();
    const existing = new Set(await admin.listTopics());
    if (!existing.has(options.from)) throw new Error(`the dead letter queue topic "${options.from}" does not exist`);
    await consumer.subscribe({ topics: [options.from] });
    await consumer.run({
      onAssigned: async () => {
        assigned = true;
        lastActivity = Date.now();
      },
      onRevoked: async () => {},
      onCrash: (e) => end(e),
      onBatch: async (batch) => {
        if (done) return;
        lastActivity = Date.now();
        try {
          await replayBatch(batch.topic, batch.partition, batch.messages);
        } catch (e) {
          end(e);
        }
      },
    });

    /** Routes, produces and commits one batch; stops (after sending what was routed) at an unroutable record. */
    async function replayBatch(topic: string, partition: number, messages: readonly ConsumedMessage[]): Promise<void> {
      const out: ProducerRecord[] = [];
      let next: number | undefined;
      let error: unknown;
      for (const m of messages) {
        if (replayed + out.length >= max) {
          done = true;
          break;
        }
        const stage = headerText(m.headers, ERROR_HEADER_STAGE) ?? '';
        if (stages && !stages.has(stage)) {
          read++;
          filtered++;
          next = m.offset + 1;
          continue;
        }
        let record: ProducerRecord;
        try {
          record = await target(topic, m);
        } catch (e) {
          error = e;
          break;
        }
        read++;
        if (options.dryRun) {
          print(
            `${topic}[${partition}]@${m.offset} → ${record.topic}${record.partition !== null ? `[${record.partition}]` : ''}` +
              ` stage=${stage || '-'} key=${preview(m.key)} value=${preview(m.value)}`,
          );
        }
        out.push(record);
        next = m.offset + 1;
      }
      if (!options.dryRun) await send(out, topic, partition, next);
      else replayedCount(out);
      if (error !== undefined) throw error;
      if (done) end();
    }

    async function send(out: ProducerRecord[], topic: string, partition: number, next: number | undefined): Promise<void> {
      if (out.length) await producer.send(out);
      replayedCount(out);
      if (next !== undefined) await consumer.commit([{ topic, partition, offset: next }]);
    }
    function replayedCount(out: ProducerRecord[]): void {
      replayed += out.length;
      for (const r of out) byTopic[r.topic] = (byTopic[r.topic] ?? 0) + 1;
    }

    const started = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (!assigned && now - started > assignTimeoutMs) end(new Error(`no partition of "${options.from}" was assigned to group ${group} within ${assignTimeoutMs} ms`));
      else if (assigned && now - lastActivity > idleMs) end();
    }, Math.min(200, idleMs));
    await finished;
    clearInterval(timer);
  } finally {
    await consumer.disconnect().catch(() => {});
    if (!options.dryRun) await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
  if (failure !== undefined) {
    throw new ReplayError(failure instanceof Error ? failure.message : String(failure), { group, read, replayed, filtered, byTopic }, { cause: failure });
  }
  return { group, read, replayed, filtered, byTopic };
}
