/**
 * Operators for the records between `source()` and `sink()`:
 * - `transform(type, config)`: one of Kafka Connect's SMTs (or a plugin's) by class name or alias;
 * - `mapAsync(fn)`: an asynchronous step that keeps the order and each record's link to its source offset.
 * Synchronous RxJS operators (map, filter, tap, mergeMap into several records) need nothing: see origin.ts.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { ConnectRecord } from '../data/index.js';
import { buildTransformChain, type TransformRegistry } from '../transforms/index.js';
import { originOf, reenter, type Origin } from './origin.js';

/**
 * Applies one single message transform, configured as in a connector config without the `transforms.<alias>.`
 * prefix: `transform('InsertField$Value', { 'static.field': 'origin', 'static.value': 'pg' })`. A record the
 * transform filters out (e.g. `Filter` with a predicate) is dropped. Throws a ConfigException at once for a bad config.
 */
export function transform<R extends ConnectRecord>(
  type: string,
  config: Readonly<Record<string, string | number | boolean>> = {},
  options: { registry?: TransformRegistry } = {},
): OperatorFunction<R, R> {
  const prefixed: Record<string, string> = { transforms: 't', 'transforms.t.type': type };
  for (const [k, v] of Object.entries(config)) prefixed[`transforms.t.${k}`] = String(v);
  buildTransformChain<R>(prefixed, options).close(); // refuse a bad config where the operator is made
  return (records) =>
    new Observable<R>((subscriber) => {
      const chain = buildTransformChain<R>(prefixed, options);
      const subscription = records.subscribe({
        next(record) {
          try {
            const out = chain.apply(record);
            if (out !== null) subscriber.next(out);
          } catch (e) {
            subscriber.error(e);
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        chain.close();
      };
    });
}

/**
 * An asynchronous step between a source and a sink: `fn` runs on up to `concurrency` records at once and the
 * results come out in input order. What `fn` returns for a record counts as made from it (null or undefined drops
 * it), so the source commits its offset only once the result was flushed. A rejection errors the stream.
 */
export function mapAsync<T, R>(fn: (value: T, index: number) => Promise<R | null | undefined>, concurrency = 1): OperatorFunction<T, R> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  return (values) =>
    new Observable<R>((subscriber) => {
      interface Slot {
        readonly origin: Origin | null;
        settled: boolean;
        result?: R | null | undefined;
      }
      const queue: Slot[] = [];
      const waiting: Array<{ value: T; index: number; origin: Origin | null }> = [];
      let running = 0;
      let index = 0;
      let upstreamDone = false;
      // Failed, or nobody downstream any more: results are neither emitted nor acknowledged (their offsets stay).
      let over = false;

      const emitReady = () => {
        while (!over && queue.length > 0 && queue[0]!.settled) {
          const slot = queue.shift()!;
          const { result, origin } = slot;
          if (result !== null && result !== undefined) {
            try {
              if (origin) reenter(origin, () => subscriber.next(result));
              else subscriber.next(result);
            } catch (e) {
              over = true;
              subscriber.error(e);
            }
          }
          // A downstream that ended on this result (it failed there) leaves it unacknowledged.
          if (over || subscriber.closed) {
            over = true;
            return;
          }
          origin?.release();
        }
        if (!over && upstreamDone && queue.length === 0 && waiting.length === 0) subscriber.complete();
      };
      const start = (value: T, i: number, origin: Origin | null) => {
        const slot: Slot = { origin, settled: false };
        queue.push(slot);
        running++;
        let promise: Promise<R | null | undefined>;
        try {
          promise = Promise.resolve(fn(value, i));
        } catch (e) {
          promise = Promise.reject(e);
        }
        promise.then(
          (result) => {
            running--;
            slot.settled = true;
            slot.result = result;
            if (over) return;
            emitReady();
            const next = waiting.shift();
            if (next) start(next.value, next.index, next.origin);
          },
          (e: unknown) => {
            if (over) return;
            over = true;
            subscriber.error(e);
          },
        );
      };
      const subscription = values.subscribe({
        next(value) {
          try {
            const origin = originOf(value);
            origin?.retain(); // held until the result was emitted
            const i = index++;
            if (running < concurrency) start(value, i, origin);
            else waiting.push({ value, index: i, origin });
          } catch (e) {
            over = true;
            subscriber.error(e);
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete() {
          upstreamDone = true;
          emitReady();
        },
      });
      return () => {
        over = true;
        subscription.unsubscribe();
      };
    });
}
