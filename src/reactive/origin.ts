/**
 * Where a record between `source()` and `sink()` came from, so that a source offset is acknowledged only once
 * everything made from its record was flushed by a sink.
 *
 * A source emits each record inside `emitWithin(origin, …)`. Whatever the user's operators do synchronously with
 * it (map, filter, SMTs, tap, flatMap into several) happens inside that call, so a sink receiving a record then
 * knows its origin without any marker on the record. An operator that holds a record across an await must be
 * `mapAsync` (it retains the origin and emits inside it again); a record that is the emitted object itself is
 * found by identity too (`delay`, a `concatMap` that returns it). An origin counts its live descendants: the
 * emission, each record a sink holds, each record `mapAsync` holds. At zero the source record is done — flushed,
 * or dropped by a filter — and its offset may be committed.
 */

export class OriginReleasedError extends Error {
  override readonly name = 'OriginReleasedError';
}

/** The side of a source that hears about its records and can be asked to make its sinks flush. */
export interface OriginLink {
  /** Sinks that received this source's records: asked to flush when the source starts waiting for acknowledgements. */
  readonly flushers: Set<() => void>;
  /** How many of the source's tasks wait for their records to be done: while any does, a sink flushes after putting any of its records. */
  starved: number;
}

export class Origin {
  #live = 1;
  constructor(
    readonly link: OriginLink,
    readonly done: () => void,
  ) {}

  get released(): boolean {
    return this.#live === 0;
  }

  retain(): void {
    if (this.#live === 0) {
      throw new OriginReleasedError(
        'a record reached a sink after its source record was already acknowledged: an operator between source() and sink() ' +
          'held it across an await; use mapAsync for asynchronous steps',
      );
    }
    this.#live++;
  }

  release(): void {
    if (this.#live === 0) return;
    if (--this.#live === 0) this.done();
  }
}

let current: Origin | null = null;
const byRecord = new WeakMap<object, Origin>();

/**
 * Runs `emit` with `origin` as the origin of whatever reaches a sink synchronously; then drops the emission's own
 * hold — unless `stillOpen()` says the stream ended during it (an operator threw on this record, or the sink
 * failed): then the record stays unacknowledged and its offset is not committed.
 */
export function emitWithin(origin: Origin, record: object, emit: () => void, stillOpen: () => boolean): void {
  byRecord.set(record, origin);
  reenter(origin, emit);
  if (stillOpen()) origin.release();
}

/** Runs `fn` (an emission by `mapAsync`) with `origin` as the current origin. */
export function reenter(origin: Origin, fn: () => void): void {
  const previous = current;
  current = origin;
  try {
    fn();
  } finally {
    current = previous;
  }
}

/** The origin of a record arriving now: the emitted object's own, else the emission in progress; null if neither. */
export function originOf(record: unknown): Origin | null {
  const own = typeof record === 'object' && record !== null ? byRecord.get(record) : undefined;
  return own ?? current;
}
