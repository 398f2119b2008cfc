/**
 * Generates records for one share of the id space (see DatagenConnector). A record's key and value depend
 * only on `random.seed` and its id. Once its share of `max.records` is done, `isFinished()` is true and
 * `poll` returns null forever.
 */
import { ConnectException, SourceTask, sleep, type ConnectorConfig } from '../api/index.js';
import { SourceRecord, type Field, type OffsetMap, type Schema } from '../../data/index.js';
import {
  BATCH_SIZE_CONFIG, KEY_FIELD_CONFIG, MAX_RECORDS_CONFIG, QUICKSTART_CONFIG, RATE_CONFIG, SEED_CONFIG,
  TASK_COUNT_CONFIG, TASK_ID_CONFIG, TOPIC_ALIAS_CONFIG, TOPIC_CONFIG, datagenTaskConfigDef,
} from './config.js';
import { QUICKSTARTS, type Quickstart } from './quickstarts.js';
import { Rng, seed32 } from './rng.js';
import { TokenBucket } from './token-bucket.js';
import { DATAGEN_VERSION } from './version.js';

export const TASK_FIELD = 'task';
export const SEQ_FIELD = 'seq';

/** Records this task makes: its share of `total` when ids are dealt round-robin to `count` tasks. */
export function taskShare(total: number, count: number, task: number): number {
  if (total < 0) return Infinity;
  return Math.floor(total / count) + (task < total % count ? 1 : 0);
}

export class DatagenTask extends SourceTask {
  static readonly className = 'io.sluice.connect.datagen.DatagenTask';

  #topic = '';
  #quickstart!: Quickstart;
  #keyField: Field | undefined;
  #taskId = 0;
  #taskCount = 1;
  #share = Infinity;
  #batchSize = 1000;
  #seed = 0;
  #bucket: TokenBucket | undefined;
  #partition: OffsetMap = {};
  #nextSeq = 0;
  readonly #rng = new Rng();

  version(): string {
    return DATAGEN_VERSION;
  }

  async start(config: ConnectorConfig): Promise<void> {
    const v = datagenTaskConfigDef().parse(config);
    this.#topic = ((v[TOPIC_CONFIG] ?? v[TOPIC_ALIAS_CONFIG]) as string | null) ?? '';
    if (this.#topic === '') throw new ConnectException('datagen task needs kafka.topic (or topic)');
    this.#quickstart = QUICKSTARTS[v[QUICKSTART_CONFIG] as string]!;
    const keyField = v[KEY_FIELD_CONFIG] as string | null;
    this.#keyField = keyField ? this.#quickstart.schema.field(keyField) : undefined;
    if (keyField && !this.#keyField) throw new ConnectException(`datagen: no field ${keyField} in the ${this.#quickstart.name} schema`);
    this.#taskId = v[TASK_ID_CONFIG] as number;
    this.#taskCount = v[TASK_COUNT_CONFIG] as number;
    if (this.#taskId >= this.#taskCount) {
      throw new ConnectException(`datagen: task id ${this.#taskId} is not below the task count ${this.#taskCount}`);
    }
    this.#share = taskShare(v[MAX_RECORDS_CONFIG] as number, this.#taskCount, this.#taskId);
    this.#batchSize = v[BATCH_SIZE_CONFIG] as number;
    this.#seed = seed32((v[SEED_CONFIG] as number | null) ?? 0);
    const rate = v[RATE_CONFIG] as number;
    this.#bucket = rate > 0 ? new TokenBucket(rate, Math.max(1, Math.min(this.#batchSize, rate))) : undefined;
    this.#partition = Object.freeze({ [TASK_FIELD]: this.#taskId });
    this.#nextSeq = await this.#resumeSeq();
  }

  async #resumeSeq(): Promise<number> {
    const offset = await this.context.offsetStorageReader.offset(this.#partition);
    const raw = offset?.[SEQ_FIELD];
    if (raw === undefined || raw === null) return 0;
    const seq = typeof raw === 'bigint' || typeof raw === 'string' ? Number(raw) : raw;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
      throw new ConnectException(`datagen task ${this.#taskId}: stored offset ${JSON.stringify(String(raw))} is not a sequence number`);
    }
    return seq + 1;
  }

  /** The seq the next record will have. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  override isFinished(): boolean {
    return this.#nextSeq >= this.#share;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    if (this.isFinished() || signal.aborted) return null;
    let n = Math.min(this.#batchSize, this.#share - this.#nextSeq);
    if (this.#bucket) {
      let granted = this.#bucket.take(n);
      if (granted === 0) {
        await sleep(Math.min(1000, this.#bucket.msUntilToken()), signal);
        if (signal.aborted) return null;
        granted = this.#bucket.take(n);
      }
      if (granted === 0) return null;
      n = granted;
    }
    return this.generate(n);
  }

  /** Makes the next `n` records (no rate limit); exposed for benchmarks. */
  generate(n: number): SourceRecord[] {
    const out = new Array<SourceRecord>(n);
    const qs = this.#quickstart;
    const rng = this.#rng;
    const keyField = this.#keyField;
    const keySchema: Schema | null = keyField?.schema ?? null;
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const seq = this.#nextSeq++;
      const id = seq * this.#taskCount + this.#taskId;
      const value = qs.make(id, rng.reset(this.#seed, id));
      out[i] = new SourceRecord({
        topic: this.#topic,
        sourcePartition: this.#partition,
        sourceOffset: { [SEQ_FIELD]: seq },
        keySchema,
        key: keyField ? value.get(keyField) : null,
        valueSchema: qs.schema,
        value,
        timestamp: now,
      });
    }
    return out;
  }

  stop(): void {}
}

