/**
 * Sluice as a library: run pipelines in-process (`Sluice.pipeline`), and everything a plugin author needs
 * (the Connect data model, the connector/task API, converters).
 */

// Running pipelines
export { Sluice, Pipeline, type PipelineDefinition, type ConnectorDefinition, type ConfigInput } from './worker/embedded.js';
// Reactive pipelines in code: source(config).pipe(…your operators…).subscribe(sink(config))
export {
  source,
  sink,
  transform,
  mapAsync,
  observableSource,
  SourceStream,
  SinkSubscriber,
  NotARecordError,
  ObservableOverflowException,
  OriginReleasedError,
  type ReactiveOptions,
  type ConnectorHandle,
} from './reactive/index.js';
export { StandaloneHerder, type StandaloneHerderOptions } from './worker/standalone-herder.js';
export type {
  Herder,
  ConnectorInfo,
  ConnectorStateInfo,
  ConnectorStateEntry,
  TaskStateEntry,
  TaskInfo,
  TaskProgress,
  ConnectorTaskId,
  ConnectorType,
  InitialState,
} from './worker/herder.js';
export type { RestartRequest } from './worker/restart-plan.js';
export type { CompletionRule } from './worker/completion.js';
export {
  AlreadyExistsError,
  ConflictError,
  NotFoundError,
  PipelineConfigError,
  WorkerConfigError,
  type ConfigProblem,
} from './worker/errors.js';
export { ConnectorConfigError } from './connectors/validation.js';
export type { ConnectorState, TaskState, TargetState, Log } from './actors/index.js';
export type { RestartStatus, RestartPolicyKind } from './actors/restart-policy.js';
export type { TaskMetrics, TaskId } from './streams/contracts.js';
// Kafka Connect's REST API and /metrics for a worker: `await RestServer.start({ herder: pipeline.herder })`
export { RestServer, RestConfigError, type RestServerOptions } from './rest/index.js';

// A Confluent-compatible schema registry in process: `await startSchemaRegistry({ storage: { kind: 'file', path } })`
export { startSchemaRegistry, type StartSchemaRegistryOptions, type RunningSchemaRegistry, type RegistryStorage } from './registry/index.js';

// Plugin authors
export { PluginRegistry } from './connectors/registry.js';
export * from './connectors/api/index.js';
export * from './data/index.js';
export * from './converters/index.js';
// Both the plugin API and src/converters name these (the same shapes); the runtime's are the ones re-exported.
export type { Converter, HeaderConverter } from './converters/index.js';
