/**
 * One Kafka partition's writer (Confluent's TopicPartitionWriter): open temp files per encoded partition, the
 * rotation rules, the commit protocol and recovery.
 *
 * Commit (rotation) of every open file of this partition:
 *   1. close each temp file (flushed and made durable);
 *   2. append BEGIN, (temp, committed)…, END to the WAL (durable);
 *   3. rename each temp file to `<topic>+<partition>+<start>+<end><ext>` (atomic, directories fsynced);
 *   4. the committed offset becomes max(end) + 1 — the only offset preCommit reports.
 * Recovery (open, or after a storage failure): finish the complete WAL blocks' renames, delete this partition's
 * temp files, take the last committed end offset from the WAL (else from a scan of the committed file names),
 * truncate the WAL, and seek the consumer to end + 1. A crash at any point therefore loses no record and
 * writes none twice: files become visible only by rename, and resuming starts right after the last visible one.
 */
import { sleep, type TopicPartition } from '../api/index.js';
import { DataException, type Schema, type SinkRecord } from '../../data/index.js';
import type { Format, RecordWriter } from './formats/format.js';
import { committedFileName, parseCommittedFileName, resolveDirTemplate, TEMP_DIR } from './naming.js';
import type { Partitioner } from './partitioner/partitioner.js';
import { nextTimeAdjustedByDay, type Zone } from './partitioner/time.js';
import type { TimestampExtractor } from './partitioner/timestamp-extractor.js';
import type { SchemaCompatibilityChecker } from './schema-compat.js';
import { joinPath, listFilesRecursive, type Storage } from './storage/storage.js';
import { Wal, type WalEntry } from './wal.js';

export interface WriterLogger {
  info(msg: string): void;
  warn(msg: string, err?: unknown): void;
}

export interface WriterDeps {
  readonly storage: Storage;
  readonly format: Format;
  readonly partitioner: Partitioner;
  readonly compatibility: SchemaCompatibilityChecker;
  readonly topicsDirTemplate: string;
  readonly logsDirTemplate: string;
  readonly captureRegex: RegExp | null;
  readonly flushSize: number;
  readonly rotateIntervalMs: number;
  readonly rotateScheduleIntervalMs: number;
  readonly scheduleZone: Zone | null;
  readonly rotateOnIdle: boolean;
  readonly zeroPadWidth: number;
  /** Pause after a failed recovery before the task goes on (Confluent's context.timeout(retry.backoff.ms)). */
  readonly retryBackoffMs: number;
  readonly behaviorOnNullValues: 'ignore' | 'fail';
  readonly clock: () => number;
  readonly log: WriterLogger;
  /** Seek the consumer (SinkTaskContext.offset). */
  readonly seek: (offset: number) => void;
  /** Hands a bad record to the dead letter queue; null: bad records fail the task. */
  readonly reportErrant: ((record: SinkRecord, error: Error) => Promise<void>) | null;
}

interface OpenFile {
  readonly encodedPartition: string;
  readonly tempPath: string;
  readonly dir: string;
  readonly writer: RecordWriter;
  startOffset: number;
  endOffset: number;
}

function isDataError(e: unknown): boolean {
  return e instanceof DataException;
}

export class TopicPartitionWriter {
  readonly tp: TopicPartition;
  readonly #d: WriterDeps;
  readonly #topicsDir: string;
  readonly #tempDir: string;
  readonly #wal: Wal;
  readonly #extractor: TimestampExtractor | undefined;
  readonly #wallclockRotation: boolean;
  readonly #files = new Map<string, OpenFile>();
  #recordCounter = 0;
  /** Next offset after the last committed file (-1: unknown). */
  #committedNext = -1;
  /** Highest offset written to a temp file or committed (-1: none). */
  #lastWritten = -1;
  /** The first offset put since open; where to resume if nothing is committed yet. */
  #firstSeen = -1;
  #highestSeen = -1;
  #currentSchema: Schema | null | undefined = undefined;
  #lastRotate: number | null = null;
  #nextScheduledRotate = Number.POSITIVE_INFINITY;
  #lastWriteWall = 0;
  #needsRecovery = false;
  /** After a seek back: drop records above this offset until the re-read ones arrive. */
  #awaitingSeekAtOrBelow = -1;
  #closed = false;
  /** Committed-file directories created by this writer (forgotten on recovery, bounded). */
  readonly #knownDirs = new Set<string>();

  constructor(tp: TopicPartition, deps: WriterDeps) {
    this.tp = tp;
    this.#d = deps;
    const base = deps.storage.basePath;
    this.#topicsDir = joinPath(base || '/', resolveDirTemplate(deps.topicsDirTemplate, tp.topic, deps.captureRegex, 'topics.dir'));
    this.#tempDir = joinPath(this.#topicsDir, TEMP_DIR, tp.topic, String(tp.partition));
    const logDir = joinPath(base || '/', resolveDirTemplate(deps.logsDirTemplate, tp.topic, deps.captureRegex, 'logs.dir'), tp.topic, String(tp.partition));
    this.#wal = new Wal(deps.storage, logDir);
    this.#extractor = deps.partitioner.timestampExtractor;
    this.#wallclockRotation = !this.#extractor || this.#extractor.kind === 'Wallclock';
    const now = deps.clock();
    if (this.#wallclockRotation) this.#lastRotate = now;
    this.#resetSchedule(now);
  }

  /** The offset preCommit may report: the next offset after the last committed file, or null. */
  committedOffset(): number | null {
    return this.#committedNext >= 0 ? this.#committedNext : null;
  }

  /** Open temp files (for tests and metrics). */
  get openFiles(): number {
    return this.#files.size;
  }

  get recordsInOpenFiles(): number {
    return this.#recordCounter;
  }

  // ------------------------------------------------------------------------------------------------ recovery

  /**
   * Recovers this partition and seeks the consumer right after the last committed record (when one exists).
   * Returns that offset, or null when nothing was committed for this partition.
   */
  async recover(): Promise<number | null> {
    await this.#abortOpenFiles();
    this.#knownDirs.clear();
    const fromWal = await this.#wal.apply();
    await this.#d.storage.delete(this.#tempDir, true);
    let last = fromWal;
    if (last < 0) last = await this.#scanCommitted();
    await this.#wal.truncate();
    this.#needsRecovery = false;
    this.#recordCounter = 0;
    if (last >= 0) {
      this.#committedNext = last + 1;
      this.#lastWritten = last;
      this.#d.seek(last + 1);
      return last + 1;
    }
    this.#lastWritten = this.#committedNext >= 0 ? this.#committedNext - 1 : -1;
    return null;
  }

  /** Largest end offset among this partition's committed files below `<topics.dir>/<topic>/` (-1 if none). */
  async #scanCommitted(): Promise<number> {
    const dir = joinPath(this.#topicsDir, this.tp.topic);
    let max = -1;
    for (const f of await listFilesRecursive(this.#d.storage, dir)) {
      const c = parseCommittedFileName(f.name);
      if (c && c.topic === this.tp.topic && c.partition === this.tp.partition && c.endOffset > max) max = c.endOffset;
    }
    return max;
  }

  // ------------------------------------------------------------------------------------------------ writing

  /** Writes this partition's records (in offset order). Storage failures recover and seek back. */
  async write(records: readonly SinkRecord[]): Promise<void> {
    if (this.#closed) return;
    if (this.#needsRecovery) {
      // Whether or not recovery works now, this batch is dropped: after a successful recovery the consumer was
      // sought back and delivers these records again, in order.
      await this.#tryRecover();
      return;
    }
    for (const r of records) {
      if (r.kafkaOffset > this.#highestSeen) this.#highestSeen = r.kafkaOffset;
      if (this.#firstSeen < 0) this.#firstSeen = r.kafkaOffset;
    }
    for (const r of records) {
      if (this.#needsRecovery) return; // the rest is re-read after the seek
      if (this.#awaitingSeekAtOrBelow >= 0) {
        if (r.kafkaOffset > this.#awaitingSeekAtOrBelow) continue;
        this.#awaitingSeekAtOrBelow = -1;
      }
      if (r.kafkaOffset <= this.#lastWritten) continue; // already in a file (redelivery)
      try {
        await this.#writeRecord(r);
      } catch (e) {
        if (isDataError(e)) {
          if (!this.#d.reportErrant) throw e;
          await this.#d.reportErrant(r, e as Error);
          continue;
        }
        await this.#onStorageFailure(e);
        return;
      }
    }
    if (this.#needsRecovery) return;
    try {
      if (this.#recordCounter > 0 && this.#shouldRotate(null, this.#d.clock())) await this.#commit(null);
    } catch (e) {
      if (isDataError(e)) throw e;
      await this.#onStorageFailure(e);
    }
  }

  async #writeRecord(r: SinkRecord): Promise<void> {
    if (r.value === null || r.value === undefined) {
      if (this.#d.behaviorOnNullValues === 'fail') {
        throw new DataException('null value (tombstone) and behavior.on.null.values=fail', { topic: r.topic, partition: r.kafkaPartition ?? -1, offset: r.kafkaOffset });
      }
      return;
    }
    this.#d.format.check(r);
    const now = this.#d.clock();
    let rec = r;
    if (this.#d.format.schemaInFile) {
      if (this.#currentSchema === undefined) {
        this.#currentSchema = r.valueSchema;
      } else if (this.#d.compatibility.shouldChangeSchema(r, this.#currentSchema)) {
        if (this.#files.size > 0) await this.#commit(null);
        this.#currentSchema = r.valueSchema;
      }
      rec = this.#d.compatibility.project(r, this.#currentSchema);
    }
    if (this.#shouldRotate(rec, now)) await this.#commit(rec);
    const encoded = this.#d.partitioner.encodePartition(rec, now);
    let file = this.#files.get(encoded);
    if (!file) file = await this.#open(encoded);
    const pending = file.writer.write(rec);
    if (pending) await pending;
    if (file.startOffset < 0) file.startOffset = r.kafkaOffset;
    file.endOffset = r.kafkaOffset;
    this.#recordCounter++;
    this.#lastWritten = r.kafkaOffset;
    this.#lastWriteWall = now;
  }

  async #open(encoded: string): Promise<OpenFile> {
    const dir = joinPath(this.#topicsDir, this.#d.partitioner.generatePartitionedPath(this.tp.topic, encoded));
    const tempPath = joinPath(this.#tempDir, `${crypto.randomUUID()}_tmp${this.#d.format.extension}`);
    const out = await this.#d.storage.create(tempPath);
    let writer: RecordWriter;
    try {
      writer = this.#d.format.createWriter(out, this.#currentSchema ?? null);
    } catch (e) {
      await out.abort();
      throw e;
    }
    const f: OpenFile = { encodedPartition: encoded, tempPath, dir, writer, startOffset: -1, endOffset: -1 };
    this.#files.set(encoded, f);
    return f;
  }

  // ------------------------------------------------------------------------------------------------ rotation

  #resetSchedule(now: number): void {
    if (this.#d.rotateScheduleIntervalMs > 0 && this.#d.scheduleZone) {
      this.#nextScheduledRotate = nextTimeAdjustedByDay(now, this.#d.rotateScheduleIntervalMs, this.#d.scheduleZone);
    }
  }

  /** Confluent's shouldRotateAndMaybeUpdateTimers. */
  #shouldRotate(record: SinkRecord | null, now: number): boolean {
    let ts: number | null = null;
    if (this.#wallclockRotation) ts = now;
    else if (record && this.#d.rotateIntervalMs > 0) {
      ts = this.#extractor!.extract(record, now);
      if (this.#lastRotate === null) this.#lastRotate = ts;
    }
    const periodic = this.#d.rotateIntervalMs > 0 && ts !== null && this.#lastRotate !== null && ts - this.#lastRotate >= this.#d.rotateIntervalMs;
    const scheduled = this.#d.rotateScheduleIntervalMs > 0 && now >= this.#nextScheduledRotate;
    const size = this.#recordCounter >= this.#d.flushSize;
    return periodic || scheduled || size;
  }

  /**
   * Time-based checks without new records (from preCommit and every put): scheduled rotation, wall-clock
   * periodic rotation, and — with rotate.interval.on.idle — record-time rotation of an idle partition.
   */
  async checkIdleRotation(): Promise<void> {
    if (this.#closed || this.#needsRecovery) {
      if (this.#needsRecovery) await this.#tryRecover();
      return;
    }
    if (this.#recordCounter === 0) {
      const now = this.#d.clock();
      if (this.#d.rotateScheduleIntervalMs > 0 && now >= this.#nextScheduledRotate) this.#resetSchedule(now);
      return;
    }
    const now = this.#d.clock();
    let rotate = this.#shouldRotate(null, now);
    if (!rotate && this.#d.rotateOnIdle && !this.#wallclockRotation && this.#d.rotateIntervalMs > 0) {
      rotate = now - this.#lastWriteWall >= this.#d.rotateIntervalMs;
    }
    if (!rotate) return;
    try {
      await this.#commit(null);
    } catch (e) {
      if (isDataError(e)) throw e;
      await this.#onStorageFailure(e);
    }
  }

  /** Commits every open file of this partition (see the file comment). */
  async #commit(trigger: SinkRecord | null): Promise<void> {
    const now = this.#d.clock();
    const files = [...this.#files.values()].filter((f) => f.startOffset >= 0);
    const empty = [...this.#files.values()].filter((f) => f.startOffset < 0);
    this.#files.clear();
    for (const f of empty) await f.writer.abort();
    if (files.length > 0) {
      try {
        for (const f of files) await f.writer.close();
      } catch (e) {
        for (const f of files) await f.writer.abort().catch(() => {});
        throw e;
      }
      const entries: (WalEntry & { committedPath: string; tempPath: string; dir: string })[] = files.map((f) => {
        const name = committedFileName(this.tp.topic, this.tp.partition, f.startOffset, f.endOffset, this.#d.format.extension, this.#d.zeroPadWidth);
        const committedPath = joinPath(f.dir, name);
        return {
          tempFile: this.#wal.entryName(f.tempPath),
          committedFile: this.#wal.entryName(committedPath),
          committedPath,
          tempPath: f.tempPath,
          dir: f.dir,
        };
      });
      await this.#wal.append(entries);
      for (const e of entries) {
        if (!this.#knownDirs.has(e.dir)) {
          await this.#d.storage.mkdirs(e.dir);
          if (this.#knownDirs.size > 10_000) this.#knownDirs.clear();
          this.#knownDirs.add(e.dir);
        }
        if (await this.#d.storage.exists(e.committedPath)) {
          // Written before by a task that died after its rename: same offsets, same file. Drop ours.
          this.#d.log.warn(`${e.committedPath} exists already; discarding the duplicate temp file ${e.tempPath}`);
          await this.#d.storage.delete(e.tempPath);
          continue;
        }
        await this.#d.storage.rename(e.tempPath, e.committedPath);
      }
      let max = -1;
      for (const f of files) if (f.endOffset > max) max = f.endOffset;
      this.#committedNext = max + 1;
    }
    this.#recordCounter = 0;
    if (this.#wallclockRotation) this.#lastRotate = now;
    else if (trigger && this.#d.rotateIntervalMs > 0) this.#lastRotate = this.#extractor!.extract(trigger, now);
    else this.#lastRotate = null;
    this.#resetSchedule(now);
  }

  // ------------------------------------------------------------------------------------------------ failures

  async #onStorageFailure(e: unknown): Promise<void> {
    this.#d.log.warn(`${this.tp.topic}-${this.tp.partition}: storage failure, recovering: ${(e as Error)?.message ?? String(e)}`, e);
    this.#needsRecovery = true;
    await this.#abortOpenFiles();
    this.#recordCounter = 0;
    await this.#tryRecover();
  }

  /** Recovery after a failure; on success the consumer is sought back to the first uncommitted offset. */
  async #tryRecover(): Promise<boolean> {
    try {
      const seek = await this.recover();
      const resumeAt = seek ?? (this.#firstSeen >= 0 ? this.#firstSeen : -1);
      if (seek === null && resumeAt >= 0) this.#d.seek(resumeAt);
      this.#lastWritten = resumeAt >= 0 ? resumeAt - 1 : -1;
      // Records already fetched beyond what we have seen belong to the old position: drop them until the
      // re-read ones (at or below the highest offset seen so far) arrive.
      this.#awaitingSeekAtOrBelow = Math.max(this.#highestSeen, resumeAt);
      return true;
    } catch (err) {
      this.#needsRecovery = true;
      this.#d.log.warn(`${this.tp.topic}-${this.tp.partition}: recovery failed, retrying in ${this.#d.retryBackoffMs} ms: ${(err as Error)?.message ?? String(err)}`, err);
      // Records keep arriving meanwhile; they are dropped and read again after the seek that follows a recovery.
      await sleep(this.#d.retryBackoffMs);
      return false;
    }
  }

  async #abortOpenFiles(): Promise<void> {
    const files = [...this.#files.values()];
    this.#files.clear();
    for (const f of files) await f.writer.abort().catch(() => {});
  }

  /** Partition revoked or task stopping: temp files are discarded (their records are re-read by the next owner). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#abortOpenFiles();
  }
}

