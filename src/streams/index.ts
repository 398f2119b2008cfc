export * from './contracts.js';
export * from './kafka/client.js';
export { createKafkajsClient, toBuffer, type KafkajsClientOptions } from './kafka/kafkajs-client.js';
export * from './kafka/client-settings.js';
export { SubmittedRecords, type SubmittedRecord, type CommittableOffsets } from './offsets/submitted-records.js';
export {
  OffsetFormatException,
  offsetKey,
  offsetValue,
  parseOffsetKey,
  readJson,
  writeJson,
  validateOffsetMap,
} from './offsets/offset-json.js';
export { FileOffsetStore, OffsetStoreException } from './offsets/file-offset-store.js';
export { MemoryOffsetStore } from './offsets/memory-offset-store.js';
export { startSourceTask, type SourcePipelineDeps } from './source/source-pipeline.js';
// The source path's operators: poll → transform → convert → produce → ack, and the offset commit beside them.
export {
  poll,
  transform as transformSource,
  convert as convertSource,
  produce,
  ack,
  SourceAcks,
  type SourceStageContext,
  type PolledBatch,
  type TransformedBatch,
  type ConvertedBatch,
  type ProducedBatch,
  type SentBatch,
} from './source/source-stages.js';
export { SourceOffsetCommitter } from './source/source-offsets.js';
export { TopicCreator, topicCreationGroups, groupFor, type TopicCreationGroup } from './source/topic-creation.js';
export { startSinkTask, type SinkPipelineDeps } from './sink/sink-pipeline.js';
export { sinkSubscription } from './sink/subscription.js';
// The sink path's operators: consume → convert → transform → put → commit.
export {
  ConsumedBatches,
  consume,
  convert as convertSink,
  transform as transformSink,
  put,
  commit,
  type SinkStageContext,
  type Delivery,
  type ConvertedDelivery,
  type TransformedDelivery,
} from './sink/sink-stages.js';
export { SinkOffsets, type SinkOffsetsDeps } from './sink/sink-offsets.js';
export { newMetrics } from './task-metrics.js';
export { Permits, type Permit } from './util/permits.js';
export { Valve } from './util/valve.js';
export { InProcessBroker, InProcessTopicException, type InProcessBrokerOptions } from './in-process/broker.js';
export { createInProcessClient } from './in-process/client.js';
export { murmur2, partitionForKey } from './in-process/murmur2.js';
export { createTransport, type Transport, type TransportOptions, type TransportHooks } from './transport.js';
export { RetryWithToleranceOperator, type StageCursor, type BatchOutcome } from './errors/retry-with-tolerance.js';
export {
  failOnError,
  type RecordErrorHandler,
  type RecordErrorContext,
  type ErrorDecision,
} from './errors/record-error-handler.js';
