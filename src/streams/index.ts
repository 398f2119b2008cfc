export * from './contracts.js';
export * from './kafka/client.js';
export { createKafkajsClient, toBuffer, type KafkajsClientOptions } from './kafka/kafkajs-client.js';
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
export { TopicCreator, topicCreationGroups, groupFor, type TopicCreationGroup } from './source/topic-creation.js';
export { startSinkTask, sinkSubscription, type SinkPipelineDeps } from './sink/sink-pipeline.js';
export { InProcessBroker, InProcessTopicException, type InProcessBrokerOptions } from './in-process/broker.js';
export { createInProcessClient } from './in-process/client.js';
export { murmur2, partitionForKey } from './in-process/murmur2.js';
export { createTransport, type Transport, type TransportOptions, type TransportHooks } from './transport.js';
export {
  failOnError,
  type RecordErrorHandler,
  type RecordErrorContext,
  type ErrorDecision,
} from './errors/record-error-handler.js';
