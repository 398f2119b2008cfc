/**
 * Taps: an Observable of the records of a running connector, as they leave its transformation chain (source:
 * before the converters; sink: what `put` gets). Costs one flag check per record while nobody taps; a tap's
 * subscriber runs synchronously on the data path, so it should be quick (buffer or sample in RxJS if not).
 */
import { Observable, type Subscriber } from 'rxjs';
import type { ConnectRecord } from '../data/index.js';
import type { RecordTransform } from '../streams/contracts.js';

class TapPoint {
  readonly subscribers = new Set<Subscriber<ConnectRecord>>();
  active = false;

  emit(record: ConnectRecord): void {
    for (const s of this.subscribers) s.next(record);
  }
}

export class TapHub {
  readonly #points = new Map<string, TapPoint>();

  #point(connector: string): TapPoint {
    let p = this.#points.get(connector);
    if (!p) this.#points.set(connector, (p = new TapPoint()));
    return p;
  }

  /** The records of `connector`'s tasks (every task, also those started later) while subscribed. */
  observe(connector: string): Observable<ConnectRecord> {
    return new Observable<ConnectRecord>((subscriber) => {
      const point = this.#point(connector);
      point.subscribers.add(subscriber);
      point.active = true;
      return () => {
        point.subscribers.delete(subscriber);
        point.active = point.subscribers.size > 0;
      };
    });
  }

  /** A task's transform with the tap of its connector after it. */
  tapped<R extends ConnectRecord>(connector: string, transform: RecordTransform<R>): RecordTransform<R> {
    const point = this.#point(connector);
    return (record) => {
      const out = transform(record);
      if (point.active && out !== null) point.emit(out);
      return out;
    };
  }
}
