export { source, SourceStream } from './source.js';
export { sink, SinkSubscriber, NotARecordError } from './sink.js';
export { transform, mapAsync } from './operators.js';
export { observableSource, ObservableOverflowException } from './observable-source.js';
export { OriginReleasedError } from './origin.js';
export type { ReactiveOptions, ConnectorHandle } from './connector-host.js';
