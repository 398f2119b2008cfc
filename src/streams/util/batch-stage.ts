/**
 * The two helpers every stage of both paths is built from. A batch that enters a stage either goes on (the
 * stage's result), or goes no further — dropped (null) or failed (a throw) — and then `drop` gives back what the
 * batch holds (the source's demand permit, the sink's consumer callback). No stage ever errors the Observable:
 * failures go to `fail`, so what is in flight below a failed batch still completes.
 */
import { type Observable, type OperatorFunction, concatMap, filter } from 'rxjs';
import type { BatchOutcome } from '../errors/retry-with-tolerance.js';

export interface StageHooks<A> {
  /** Called when the batch goes no further (null result or a throw). */
  drop(batch: A): void;
  /** Called with what a stage threw (after `drop`). */
  fail(error: unknown): void;
  /** Checked first: true drops the batch without running the stage. */
  skip?(): boolean;
}

/** One stage: `run` per batch, in arrival order, one at a time. */
export function batchStage<A, B>(hooks: StageHooks<A>, run: (batch: A) => B | null | Promise<B | null>): OperatorFunction<A, B> {
  const step = async (batch: A): Promise<Awaited<B> | null> => {
    if (hooks.skip?.()) {
      hooks.drop(batch);
      return null;
    }
    try {
      const out = (await run(batch)) as Awaited<B> | null;
      if (out === null) hooks.drop(batch);
      return out;
    } catch (e) {
      hooks.drop(batch);
      hooks.fail(e);
      return null;
    }
  };
  return (batches) =>
    batches.pipe(
      concatMap(step),
      filter((b): b is Awaited<B> => b !== null),
    ) as unknown as Observable<B>;
}

/**
 * A stage runner outcome as the stage's result: `done` → `next(...)`; `failed` → thrown (the stage fails the
 * task); `aborted` (a stop interrupted retries) → `onAborted()`, and the batch goes no further.
 */
export function afterOutcome<O, B>(
  outcome: BatchOutcome<O> | Promise<BatchOutcome<O>>,
  next: (done: Extract<BatchOutcome<O>, { kind: 'done' }>) => B,
  onAborted?: () => void,
): B | null | Promise<B | null> {
  const after = (o: BatchOutcome<O>): B | null => {
    if (o.kind === 'done') return next(o);
    if (o.kind === 'failed') throw o.failure;
    onAborted?.();
    return null;
  };
  return outcome instanceof Promise ? outcome.then(after) : after(outcome);
}
