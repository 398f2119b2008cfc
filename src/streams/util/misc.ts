import type { TaskMetrics } from '../contracts.js';

export function newMetrics(): Required<TaskMetrics> {
  return {
    recordsPolled: 0,
    recordsWritten: 0,
    recordsFiltered: 0,
    batches: 0,
    offsetCommits: 0,
    offsetCommitFailures: 0,
    lastOffsetCommitMs: null,
    inFlightBatches: 0,
    recordsSent: 0,
    batchSizeMax: 0,
    pollTimeMs: 0,
    pollTimeMaxMs: 0,
    putBatches: 0,
    putTimeMs: 0,
    putTimeMaxMs: 0,
    offsetCommitTimeMs: 0,
    offsetCommitMaxTimeMs: 0,
    recordErrors: 0,
    recordsSkipped: 0,
    deadLetterQueueProduceRequests: 0,
    deadLetterQueueProduceFailures: 0,
  };
}
