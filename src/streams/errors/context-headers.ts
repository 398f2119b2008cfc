/**
 * The error context headers of dead letter queue records (Kafka's DeadLetterQueueReporter with
 * `errors.deadletterqueue.context.headers.enable=true`): UTF-8 strings, numbers in decimal. Sluice adds two
 * headers for records of source connectors (which have no Kafka coordinates): the source partition and source
 * offset as compact JSON.
 */
import type { KafkaHeader } from '../kafka/client.js';
import type { FailureStage, TaskId } from '../contracts.js';

export const ERROR_HEADER_PREFIX = '__connect.errors.';
export const ERROR_HEADER_ORIG_TOPIC = `${ERROR_HEADER_PREFIX}topic`;
export const ERROR_HEADER_ORIG_PARTITION = `${ERROR_HEADER_PREFIX}partition`;
export const ERROR_HEADER_ORIG_OFFSET = `${ERROR_HEADER_PREFIX}offset`;
export const ERROR_HEADER_CONNECTOR_NAME = `${ERROR_HEADER_PREFIX}connector.name`;
export const ERROR_HEADER_TASK_ID = `${ERROR_HEADER_PREFIX}task.id`;
export const ERROR_HEADER_STAGE = `${ERROR_HEADER_PREFIX}stage`;
export const ERROR_HEADER_EXECUTING_CLASS = `${ERROR_HEADER_PREFIX}class.name`;
export const ERROR_HEADER_EXCEPTION = `${ERROR_HEADER_PREFIX}exception.class.name`;
export const ERROR_HEADER_EXCEPTION_MESSAGE = `${ERROR_HEADER_PREFIX}exception.message`;
export const ERROR_HEADER_EXCEPTION_STACK_TRACE = `${ERROR_HEADER_PREFIX}exception.stacktrace`;
/** Sluice: a source record's source partition, compact JSON (`{"file":"a.txt"}`). */
export const ERROR_HEADER_SOURCE_PARTITION = `${ERROR_HEADER_PREFIX}source.partition`;
/** Sluice: a source record's source offset, compact JSON (`{"position":1042}`). */
export const ERROR_HEADER_SOURCE_OFFSET = `${ERROR_HEADER_PREFIX}source.offset`;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Java class names of the exceptions Kafka Connect code would have thrown for ours. */
const JAVA_EXCEPTIONS: Readonly<Record<string, string>> = {
  DataException: 'org.apache.kafka.connect.errors.DataException',
  TransformException: 'org.apache.kafka.connect.errors.DataException',
  SchemaException: 'org.apache.kafka.connect.errors.SchemaBuilderException',
  RetriableException: 'org.apache.kafka.connect.errors.RetriableException',
  ConnectException: 'org.apache.kafka.connect.errors.ConnectException',
  ConfigException: 'org.apache.kafka.common.config.ConfigException',
  OffsetFormatException: 'org.apache.kafka.connect.errors.DataException',
};

/** The exception's class name as the header carries it: the Java name where one corresponds, else the JS name. */
export function exceptionClassName(e: unknown): string {
  if (!(e instanceof Error)) return 'java.lang.Exception';
  return JAVA_EXCEPTIONS[e.name] ?? e.name;
}

export function exceptionMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The stack of the error and its causes ("Caused by: …"), as Kafka's ExceptionUtils.getStackTrace does. */
export function stackTraceOf(e: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = e;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 10) {
    seen.add(current);
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : `Error: ${String(current)}`;
    parts.push(parts.length === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

export interface ErrorHeaderInput {
  readonly id: TaskId;
  readonly stage: FailureStage;
  /** The class that was executing (converter, transformation, task), Java-style. */
  readonly executingClass: string;
  readonly error: unknown;
  /** Sink: the consumed record's coordinates. Source: the target topic (and partition if the record set one). */
  readonly topic?: string;
  readonly partition?: number | null;
  readonly offset?: number | null;
  /** Source records only. */
  readonly sourcePartition?: string;
  readonly sourceOffset?: string;
}

const str = (key: string, value: string): KafkaHeader => ({ key, value: enc.encode(value) });

/**
 * The `__connect.errors.*` headers, in Kafka's order: topic, partition, offset (when known), connector.name,
 * task.id, stage, class.name, exception.class.name, exception.message, exception.stacktrace; then Sluice's
 * source.partition / source.offset for source records. A message of null is left out, as Kafka does.
 */
export function contextHeaders(input: ErrorHeaderInput): KafkaHeader[] {
  const out: KafkaHeader[] = [];
  if (input.topic !== undefined) out.push(str(ERROR_HEADER_ORIG_TOPIC, input.topic));
  if (input.partition !== undefined && input.partition !== null) out.push(str(ERROR_HEADER_ORIG_PARTITION, String(input.partition)));
  if (input.offset !== undefined && input.offset !== null) out.push(str(ERROR_HEADER_ORIG_OFFSET, String(input.offset)));
  out.push(str(ERROR_HEADER_CONNECTOR_NAME, input.id.connector));
  out.push(str(ERROR_HEADER_TASK_ID, String(input.id.task)));
  out.push(str(ERROR_HEADER_STAGE, input.stage));
  out.push(str(ERROR_HEADER_EXECUTING_CLASS, input.executingClass));
  if (input.error !== undefined) {
    out.push(str(ERROR_HEADER_EXCEPTION, exceptionClassName(input.error)));
    const message = input.error instanceof Error ? input.error.message : String(input.error);
    if (message !== '') out.push(str(ERROR_HEADER_EXCEPTION_MESSAGE, message));
    out.push(str(ERROR_HEADER_EXCEPTION_STACK_TRACE, stackTraceOf(input.error)));
  }
  if (input.sourcePartition !== undefined) out.push(str(ERROR_HEADER_SOURCE_PARTITION, input.sourcePartition));
  if (input.sourceOffset !== undefined) out.push(str(ERROR_HEADER_SOURCE_OFFSET, input.sourceOffset));
  return out;
}

/** Whether a header is one of the error context headers (`__connect.errors.*`). */
export function isErrorHeader(key: string): boolean {
  return key.startsWith(ERROR_HEADER_PREFIX);
}

/** The headers of a DLQ record without the error context ones (what a replay re-produces). */
export function withoutErrorHeaders(headers: readonly KafkaHeader[]): KafkaHeader[] {
  return headers.filter((h) => !isErrorHeader(h.key));
}

/** The text of the last header with this key, or undefined. */
export function headerText(headers: readonly KafkaHeader[], key: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const h = headers[i]!;
    if (h.key === key) return h.value === null ? undefined : dec.decode(h.value);
  }
  return undefined;
}
