/**
 * The RecordErrorHandler an `errors.*` config asks for (Kafka Connect's RetryWithToleranceOperator plus its
 * LogReporter and DeadLetterQueueReporter):
 *
 * - tolerance: `all` tolerates any failure in TRANSFORMATION and the KEY/VALUE/HEADER_CONVERTER stages, a
 *   RetriableException (retries exhausted) in any other stage, and any source producer send failure
 *   (KAFKA_PRODUCE); everything else, and everything under `none`, fails the task;
 * - a tolerated record is logged (`errors.log.enable`, one warning per record with its coordinates, record
 *   details with `errors.log.include.messages`) and written to the dead letter queue when one is configured —
 *   sinks: the original consumed key/value bytes, headers and timestamp; sources (Sluice): the record as the
 *   task's converters write it, before transforms, with `__connect.errors.source.partition/offset` headers;
 * - with neither a log nor a DLQ, a skipped record is still counted (`total-records-skipped`) and the first
 *   one, then a summary at most once a minute, is logged as a warning: nothing is dropped silently.
 */
import { inspect } from 'node:util';
import { ConnectException } from '../../connectors/api/index.js';
import type { ErrantRecordReporter, SinkTask, SourceTask } from '../../connectors/api/index.js';
import type { ConnectRecord, SinkRecord, SourceRecord } from '../../data/index.js';
import type { Converter, HeaderConverter } from '../../converters/converter.js';
import { JsonConverter, knownConverterNames } from '../../converters/index.js';
import type { Converters, FailureStage, TaskId, TaskMetrics } from '../contracts.js';
import type { KafkaClient, KafkaHeader, KafkaProducer, ProducerRecord, StreamLogger } from '../kafka/client.js';
import { silentLogger } from '../kafka/client.js';
import { writeJson } from '../offsets/offset-json.js';
import { defaultClientChooser, type ClientChoice, type ClientChooser } from '../client-requests.js';
import { contextHeaders } from './context-headers.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { errorHandlingSettings, type ErrorHandlingSettings } from './error-handling-config.js';
import { isRetriable } from './retry-with-tolerance.js';
import {
  failOnError,
  type ConsumedRef,
  type ErrorDecision,
  type RecordErrorContext,
  type RecordErrorHandler,
} from './record-error-handler.js';

/** Stages where errors.tolerance=all tolerates any error, not only RetriableException. */
const TOLERATE_ANY: ReadonlySet<FailureStage> = new Set(['TRANSFORMATION', 'KEY_CONVERTER', 'VALUE_CONVERTER', 'HEADER_CONVERTER', 'KAFKA_PRODUCE']);

const QUIET_SUMMARY_INTERVAL_MS = 60_000;

/** Is this failure tolerated under errors.tolerance=all? */
export function toleratedUnderAll(stage: FailureStage, error: unknown): boolean {
  return TOLERATE_ANY.has(stage) || isRetriable(error);
}

/** The Java-style class name of a plugin instance (`org.apache.kafka.connect.json.JsonConverter`). */
export function pluginClassName(instance: unknown): string {
  if (instance === null || typeof instance !== 'object') return 'unknown';
  const ctor = (instance as { constructor?: { name?: string; className?: string } }).constructor;
  if (ctor?.className) return ctor.className;
  const name = ctor?.name ?? 'unknown';
  return knownConverterNames('any').find((n) => n.endsWith(`.${name}`)) ?? name;
}

export interface ToleranceHandlerOptions {
  readonly id: TaskId;
  readonly kind: 'source' | 'sink';
  readonly settings: ErrorHandlingSettings;
  readonly converters: Converters;
  /** The task's class name (the executing class of TASK_PUT / TASK_POLL). */
  readonly taskClass: string;
  readonly dlq?: DeadLetterQueue;
  readonly logger?: StreamLogger;
  readonly now?: () => number;
}

export class ToleranceErrorHandler implements RecordErrorHandler {
  readonly retry: RecordErrorHandler['retry'];
  readonly #o: ToleranceHandlerOptions;
  readonly #log: StreamLogger;
  readonly #now: () => number;
  /** Errors the task reported itself (ErrantRecordReporter). */
  #reported = 0;
  #quietSkipped = 0;
  #quietLastSummary = 0;
  #quietSummarized = 0;

  constructor(options: ToleranceHandlerOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.retry = options.settings.retry.timeoutMs !== 0 ? options.settings.retry : undefined;
  }

  get settings(): ErrorHandlingSettings {
    return this.#o.settings;
  }

  async start(): Promise<void> {
    await this.#o.dlq?.start();
  }

  async flush(): Promise<void> {
    await this.#o.dlq?.flush();
  }

  async close(timeoutMs: number): Promise<void> {
    await this.#o.dlq?.close(timeoutMs);
  }

  metrics(): Partial<TaskMetrics> {
    return {
      recordErrors: this.#reported,
      deadLetterQueueProduceRequests: this.#o.dlq?.requests ?? 0,
      deadLetterQueueProduceFailures: this.#o.dlq?.failures ?? 0,
    };
  }

  handle(context: RecordErrorContext): ErrorDecision {
    if (this.#o.settings.tolerance !== 'all' || !toleratedUnderAll(context.stage, context.error)) return 'fail';
    void this.#report(context, true);
    return 'skip';
  }

  errantRecordReporter(lookup: (record: SinkRecord) => ConsumedRef | undefined): ErrantRecordReporter | null {
    const { settings, taskClass } = this.#o;
    if (!this.#o.dlq && !settings.logEnable) return null;
    return {
      report: (record: SinkRecord, error: Error): Promise<void> => {
        this.#reported++;
        let written: Promise<void>;
        try {
          const consumed = lookup(record) ?? this.#reconverted(record);
          written = this.#report({ id: this.#o.id, stage: 'TASK_PUT', error, sinkRecord: record, consumed, executingClass: taskClass }, false);
        } catch (e) {
          written = Promise.reject(e);
        }
        const result =
          settings.tolerance === 'all'
            ? written
            : written.then(() => {
                throw new ConnectException('Tolerance exceeded in error handler', { cause: error });
              });
        result.catch(() => {}); // a task may ignore the promise, as it may ignore Kafka's Future
        return result;
      },
    };
  }

  // ------------------------------------------------------------------------------------------ reporting

  /** Logs and/or writes to the DLQ; the promise settles when the DLQ write does. */
  #report(context: RecordErrorContext, skipped: boolean): Promise<void> {
    const { settings, dlq } = this.#o;
    const coordinates = coordinatesOf(context);
    const executingClass = context.executingClass ?? this.#executingClass(context);
    if (settings.logEnable) {
      this.#log.warn(
        {
          task: context.id,
          stage: context.stage,
          class: executingClass,
          ...coordinates,
          err: context.error,
          ...(settings.logIncludeMessages ? { record: describeRecord(context) } : {}),
        },
        `Error encountered in task ${context.id.connector}-${context.id.task}. Executing stage '${context.stage}' with class ` +
          `'${executingClass}', where ${describeCoordinates(coordinates)}` +
          (skipped ? `; the record is skipped (errors.tolerance=all)${dlq ? ` and written to the dead letter queue ${dlq.topic}` : ''}` : ''),
      );
    } else if (!dlq && skipped) {
      this.#quietSkip(context, coordinates);
    }
    if (!dlq) return Promise.resolve();
    return dlq.write(this.#dlqRecord(context, executingClass, dlq.topic));
  }

  #quietSkip(context: RecordErrorContext, coordinates: Record<string, unknown>): void {
    this.#quietSkipped++;
    const now = this.#now();
    if (this.#quietSkipped === 1) {
      this.#quietLastSummary = now;
      this.#quietSummarized = 1;
      this.#log.warn(
        { task: context.id, stage: context.stage, ...coordinates, err: context.error },
        `errors.tolerance=all skipped a record (${describeCoordinates(coordinates)}). No dead letter queue is set and ` +
          'errors.log.enable=false, so further skipped records are only counted (total-records-skipped) and summarized here',
      );
    } else if (now - this.#quietLastSummary >= QUIET_SUMMARY_INTERVAL_MS) {
      this.#log.warn(
        { task: context.id, skipped: this.#quietSkipped, since: this.#quietSkipped - this.#quietSummarized, last: coordinates },
        `errors.tolerance=all skipped ${this.#quietSkipped - this.#quietSummarized} more record(s) (${this.#quietSkipped} in all)`,
      );
      this.#quietLastSummary = now;
      this.#quietSummarized = this.#quietSkipped;
    }
  }

  #executingClass(context: RecordErrorContext): string {
    const { converters, taskClass } = this.#o;
    switch (context.stage) {
      case 'TRANSFORMATION': {
        const cls = (context.error as { transformClass?: unknown } | null)?.transformClass;
        return typeof cls === 'string' ? cls : 'org.apache.kafka.connect.transforms.Transformation';
      }
      case 'KEY_CONVERTER':
        return pluginClassName(converters.key);
      case 'VALUE_CONVERTER':
        return pluginClassName(converters.value);
      case 'HEADER_CONVERTER':
        return pluginClassName(converters.header);
      case 'KAFKA_PRODUCE':
        return 'org.apache.kafka.clients.producer.KafkaProducer';
      case 'KAFKA_CONSUME':
        return 'org.apache.kafka.clients.consumer.KafkaConsumer';
      default:
        return taskClass;
    }
  }

  #dlqRecord(context: RecordErrorContext, executingClass: string, dlqTopic: string): ProducerRecord {
    const { settings, id } = this.#o;
    const error = context.error;
    if (context.consumed) {
      const { topic, partition, message } = context.consumed;
      const headers: KafkaHeader[] = [...message.headers];
      if (settings.dlqContextHeaders) {
        headers.push(...contextHeaders({ id, stage: context.stage, executingClass, error, topic, partition, offset: message.offset }));
      }
      return { topic: dlqTopic, key: message.key, value: message.value, headers, timestamp: message.timestamp };
    }
    const record = context.sourceRecord;
    if (!record) throw new Error('an error context needs a consumed or a source record');
    const encoded = context.produced ?? this.#encodeSource(record);
    const headers: KafkaHeader[] = [...encoded.headers];
    // The source partition and offset are the only way to find a source record again: always there.
    headers.push(
      ...contextHeaders({
        id,
        stage: context.stage,
        executingClass,
        error,
        topic: record.topic,
        partition: record.kafkaPartition,
        sourcePartition: writeJson(record.sourcePartition),
        sourceOffset: writeJson(record.sourceOffset),
      }).filter((h) => settings.dlqContextHeaders || h.key.startsWith('__connect.errors.source.')),
    );
    return { topic: dlqTopic, key: encoded.key, value: encoded.value, headers, timestamp: record.timestamp };
  }

  /** A source record as the task's converters write it, falling back to schemaless JSON where they cannot. */
  #encodeSource(record: SourceRecord): { key: Uint8Array | null; value: Uint8Array | null; headers: KafkaHeader[] } {
    const { converters } = this.#o;
    return {
      key: encodeWith(converters.key, record, true),
      value: encodeWith(converters.value, record, false),
      headers: encodeHeaders(converters.header, record),
    };
  }

  /** The bytes of a record a sink task reports that the pipeline no longer holds: re-converted, as Kafka does. */
  #reconverted(record: SinkRecord): ConsumedRef {
    const { converters } = this.#o;
    return {
      topic: record.originalTopic,
      partition: record.originalKafkaPartition,
      message: {
        offset: record.originalKafkaOffset,
        key: encodeWith(converters.key, record, true),
        value: encodeWith(converters.value, record, false),
        headers: encodeHeaders(converters.header, record),
        timestamp: record.timestamp,
        timestampType: record.timestampType,
      },
    };
  }
}

const enc = new TextEncoder();

function encodeWith(converter: Converter, record: ConnectRecord, isKey: boolean): Uint8Array | null {
  const schema = isKey ? record.keySchema : record.valueSchema;
  const value = isKey ? record.key : record.value;
  try {
    return converter.fromConnectData(record.topic, schema, value, record.headers);
  } catch {
    // The value as schemaless JSON: with its schema, else without it (a value its schema does not fit, the very
    // reason a converter refused it), else as text.
    const json = new JsonConverter({ 'schemas.enable': false }, isKey);
    for (const s of schema === null || schema === undefined ? [null] : [schema, null]) {
      try {
        return json.fromConnectData(record.topic, s, value);
      } catch {
        // next
      }
    }
    return value === null || value === undefined ? null : enc.encode(inspect(value, { depth: 8, breakLength: Infinity }));
  }
}

function encodeHeaders(converter: HeaderConverter, record: ConnectRecord): KafkaHeader[] {
  const out: KafkaHeader[] = [];
  for (const h of record.headers) {
    let value: Uint8Array | null;
    try {
      value = converter.fromConnectHeader(record.topic, h.key, h.schema, h.value);
    } catch {
      value = h.value === null ? null : enc.encode(typeof h.value === 'string' ? h.value : inspect(h.value, { depth: 4, breakLength: Infinity }));
    }
    out.push({ key: h.key, value });
  }
  return out;
}

/** Where the record was: topic/partition/offset (sink) or topic and source partition/offset (source). */
export function coordinatesOf(context: RecordErrorContext): Record<string, unknown> {
  if (context.consumed) {
    return { topic: context.consumed.topic, partition: context.consumed.partition, offset: context.consumed.message.offset };
  }
  if (context.sinkRecord) {
    const r = context.sinkRecord;
    return { topic: r.originalTopic, partition: r.originalKafkaPartition, offset: r.originalKafkaOffset };
  }
  const r = context.sourceRecord;
  if (!r) return {};
  return {
    topic: r.topic,
    ...(r.kafkaPartition !== null ? { partition: r.kafkaPartition } : {}),
    sourcePartition: safeJson(r.sourcePartition),
    sourceOffset: safeJson(r.sourceOffset),
  };
}

function safeJson(v: unknown): string {
  try {
    return writeJson(v);
  } catch {
    return inspect(v);
  }
}

function describeCoordinates(c: Record<string, unknown>): string {
  if ('sourcePartition' in c) {
    return `source record is {topic='${String(c['topic'])}', sourcePartition=${String(c['sourcePartition'])}, sourceOffset=${String(c['sourceOffset'])}}`;
  }
  return `consumed record is {topic='${String(c['topic'])}', partition=${String(c['partition'])}, offset=${String(c['offset'])}}`;
}

/** errors.log.include.messages: what Kafka's LogReporter prints of the record. */
function describeRecord(context: RecordErrorContext): Record<string, unknown> {
  if (context.consumed) {
    const { topic, partition, message } = context.consumed;
    return { topic, partition, offset: message.offset, timestamp: message.timestamp };
  }
  const r = context.sourceRecord ?? context.sinkRecord;
  if (!r) return {};
  const show = (v: unknown) => inspect(v, { depth: 6, breakLength: Infinity });
  return {
    topic: r.topic,
    kafkaPartition: r.kafkaPartition,
    keySchema: r.keySchema ? String(r.keySchema) : null,
    key: show(r.key),
    valueSchema: r.valueSchema ? String(r.valueSchema) : null,
    value: show(r.value),
    headers: [...r.headers].map((h) => ({ key: h.key, value: show(h.value) })),
    timestamp: r.timestamp,
    ...(context.sourceRecord
      ? { sourcePartition: safeJson(context.sourceRecord.sourcePartition), sourceOffset: safeJson(context.sourceRecord.sourceOffset) }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------- factory

export interface ErrorHandlerInput {
  readonly id: TaskId;
  readonly config: Readonly<Record<string, unknown>>;
  readonly converters: Converters;
  readonly task: SourceTask | SinkTask;
}

export interface ErrorHandlerEnv {
  readonly kind: 'source' | 'sink';
  /** The transport's client: the DLQ producer and admin come from it. */
  readonly client: KafkaClient;
  /** Whether the client is the in-process broker (DLQ writes are then not awaited). */
  readonly inProcess: boolean;
  readonly clientIdPrefix?: string;
  /** The DLQ producer's and admin's ids and Kafka properties (Kafka Connect: the task producer's settings). */
  readonly clients?: ClientChooser;
  readonly logger?: StreamLogger;
  /** The DLQ's producer instead of one from `client` (an exactly-once source writes its DLQ in its transactions). */
  readonly dlqProducer?: KafkaProducer;
}

/**
 * The handler a task's `errors.*` config asks for; `failOnError` when it asks for nothing (tolerance none, no
 * retries, no log, no DLQ). Throws a ConfigException for an invalid value (validation refuses those first).
 */
export function createErrorHandler(input: ErrorHandlerInput, env: ErrorHandlerEnv): RecordErrorHandler {
  const settings = errorHandlingSettings(input.config);
  if (settings.tolerance === 'none' && settings.retry.timeoutMs === 0 && !settings.logEnable && settings.dlqTopic === null) {
    return failOnError;
  }
  const { connector, task } = input.id;
  const logger = env.logger ?? silentLogger;
  const choose = env.clients ?? defaultClientChooser;
  const prefix = env.clientIdPrefix ?? '';
  const props = (c: ClientChoice) => (c.properties ? { properties: c.properties } : {});
  let dlq: DeadLetterQueue | undefined;
  if (settings.dlqTopic !== null) {
    const request = { purpose: 'dlq', connector, config: input.config } as const;
    const producer = choose({ ...request, role: 'producer', clientId: `${prefix}connector-dlq-producer-${connector}-${task}` });
    const admin = choose({ ...request, role: 'admin', clientId: `${prefix}connector-dlq-adminclient-` });
    dlq = new DeadLetterQueue({
      id: input.id,
      topic: settings.dlqTopic,
      replicationFactor: settings.dlqReplicationFactor,
      producer: env.dlqProducer ?? env.client.producer({ clientId: producer.clientId, ...props(producer) }),
      admin: env.client.admin({ clientId: admin.clientId, ...props(admin) }),
      awaitAcks: !env.inProcess,
      logger,
    });
  }
  return new ToleranceErrorHandler({
    id: input.id,
    kind: env.kind,
    settings,
    converters: input.converters,
    taskClass: pluginClassName(input.task),
    ...(dlq ? { dlq } : {}),
    logger,
  });
}
