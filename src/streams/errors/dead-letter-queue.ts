/**
 * Writes records to a dead letter queue topic (Kafka's DeadLetterQueueReporter): its own producer
 * (`connector-dlq-producer-<connector>-<task>`), the topic created at start with one partition when missing.
 * Writes are asynchronous; `flush()` resolves once every write so far is acknowledged and rejects if any
 * failed, so a pipeline commits offsets only past records that really are in the DLQ.
 *
 * In-process mode the DLQ is a topic of the in-process broker. Its acknowledgement means "a consumer group
 * reading the topic committed it", so there writes are not awaited (a DLQ nobody reads must not stall the
 * pipeline); read it with another connector of the same worker (e.g. a FileStreamSink) to keep its records.
 * Unread records pile up in memory, and a full in-process topic would make every producer of the worker wait,
 * so past `maxUnacknowledged` unread DLQ records the task fails instead, saying so (nothing is committed past
 * the record that did not fit).
 */
import { ConnectException } from '../../connectors/api/index.js';
import { settlesWithin } from '../../async/index.js';
import type { TaskId } from '../contracts.js';
import type { KafkaAdmin, KafkaProducer, ProducerRecord, StreamLogger } from '../kafka/client.js';

export interface DeadLetterQueueOptions {
  readonly id: TaskId;
  readonly topic: string;
  /** errors.deadletterqueue.topic.replication.factor (-1: the broker's default). */
  readonly replicationFactor: number;
  readonly producer: KafkaProducer;
  /** Creates the topic at start when given (connected and disconnected here). */
  readonly admin?: KafkaAdmin;
  /** Whether `flush()` waits for acknowledgements (Kafka: yes; in-process: no, see above). */
  readonly awaitAcks: boolean;
  /** Without awaitAcks: most records written and not yet acknowledged (read) before writes fail. Default 1000. */
  readonly maxUnacknowledged?: number;
  readonly logger: StreamLogger;
}

export class DeadLetterQueueException extends ConnectException {
  override readonly name: string = 'DeadLetterQueueException';
}

export class DeadLetterQueue {
  readonly topic: string;
  readonly #o: DeadLetterQueueOptions;
  readonly #pending = new Set<Promise<void>>();
  #error: unknown;
  #connected = false;
  #unacknowledged = 0;
  requests = 0;
  failures = 0;

  constructor(options: DeadLetterQueueOptions) {
    this.#o = options;
    this.topic = options.topic;
  }

  /** Connects the producer and creates the topic (1 partition) if it does not exist. */
  async start(): Promise<void> {
    const { admin, topic, replicationFactor } = this.#o;
    if (admin) {
      await admin.connect();
      try {
        await admin.createTopics([{ topic, numPartitions: 1, replicationFactor }]);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const hint = /replication/i.test(message)
          ? ' (a single-broker cluster needs errors.deadletterqueue.topic.replication.factor=1)'
          : '';
        throw new DeadLetterQueueException(
          `could not create the dead letter queue topic "${topic}" with replication factor ${replicationFactor}: ${message}${hint}`,
          { cause: e },
        );
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
    await this.#o.producer.connect();
    this.#connected = true;
  }

  /**
   * Sends one record; the returned promise settles when the broker acknowledged it (rejects on failure). It is
   * marked handled, so a caller may ignore it: failures also surface in `flush()`.
   */
  write(record: ProducerRecord): Promise<void> {
    this.requests++;
    if (!this.#o.awaitAcks && this.#unacknowledged >= (this.#o.maxUnacknowledged ?? 1000)) {
      this.failures++;
      const error = new DeadLetterQueueException(
        `the in-process dead letter queue topic "${this.topic}" holds ${this.#unacknowledged} records nobody read; ` +
          `add a connector of this worker that reads it (e.g. a FileStreamSink with topics=${this.topic}) to keep them`,
      );
      this.#error ??= error;
      const rejected = Promise.reject(error);
      rejected.catch(() => {});
      return rejected;
    }
    this.#unacknowledged++;
    const sent = this.#o.producer.send([record]).then(
      () => {},
      (e: unknown) => {
        this.failures++;
        const error = new DeadLetterQueueException(
          `could not write a record to the dead letter queue topic "${this.topic}": ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
        this.#error ??= error;
        this.#o.logger.error({ task: this.#o.id, topic: this.topic, err: e }, 'could not produce a record to the dead letter queue');
        throw error;
      },
    );
    sent.catch(() => {});
    void sent.catch(() => {}).finally(() => this.#unacknowledged--);
    if (this.#o.awaitAcks) {
      this.#pending.add(sent);
      void sent.catch(() => {}).finally(() => this.#pending.delete(sent));
      return sent;
    }
    return Promise.resolve();
  }

  /** Resolves when every write so far is acknowledged; rejects if any write failed (now or before). */
  async flush(): Promise<void> {
    if (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    if (this.#error !== undefined) throw this.#error;
  }

  /** Waits (bounded) for outstanding writes, then disconnects the producer. */
  async close(timeoutMs: number): Promise<void> {
    if (this.#pending.size > 0) await settlesWithin(Promise.allSettled([...this.#pending]), timeoutMs);
    if (this.#connected) {
      this.#connected = false;
      await this.#o.producer.disconnect();
    }
  }
}
