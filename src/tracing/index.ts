export { TaskTracer, StageSpan, TRACER_NAME, type SourceStage, type SinkStage, type StageOptions, type TracedTask } from './task-tracer.js';
export { traced } from './traced.js';
export { traceparentLinks, addTraceparent, MAX_LINKS, type HeaderLike, type WithHeaders } from './propagation.js';
export { TRACEPARENT, formatTraceparent, parseTraceparent, headerTraceparent, traceparentBytes } from './traceparent.js';
export * from './attributes.js';
