/**
 * `sluice/testing`: run connectors and pipelines under virtual time (see README.md beside this file).
 */
export { VirtualClock, VirtualTimeoutError, type VirtualClockOptions, type RunUntilOptions } from './clock.js';
export { Harness, harness, RECORDER_NAME, type HarnessOptions } from './harness.js';
export {
  sourceTaskHarness,
  sinkTaskHarness,
  type SourceTaskHarness,
  type SinkTaskHarness,
  type SinkContextRequests,
  type SinkRecordFields,
} from './tasks.js';
