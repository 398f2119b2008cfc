/** A task's counters (TaskMetrics), and the arithmetic the pipelines do on them. */
import type { TaskMetrics } from './contracts.js';

/** Every counter of a fresh task at zero. */
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
    throttleTimeMs: 0,
    consumerLag: [],
    transactionsCommitted: 0,
    transactionsAborted: 0,
    transactionRecords: 0,
    transactionSizeMin: 0,
    transactionSizeMax: 0,
  };
}

/** One more polled (source) or consumed (sink) batch of `size` records. */
export function countBatch(m: Required<TaskMetrics>, size: number): void {
  m.recordsPolled += size;
  m.batches++;
  if (size > m.batchSizeMax) m.batchSizeMax = size;
}

/** A successful offset commit that took `ms`. */
export function countOffsetCommit(m: Required<TaskMetrics>, ms: number): void {
  m.offsetCommitTimeMs += ms;
  if (ms > m.offsetCommitMaxTimeMs) m.offsetCommitMaxTimeMs = ms;
  m.offsetCommits++;
  m.lastOffsetCommitMs = Date.now();
}
