/**
 * Taps: Observables of the records of a running connector, at a stage of its tasks' data path — `poll` (a
 * source's records as polled, a sink's as converted from what was consumed, before the transforms),
 * `transform` (as they leave the transformation chain: a source's before the converters, a sink's as `put` gets
 * them) or `bytes` (a source's as the converters made them for Kafka, a sink's as consumed). Costs one flag check per record while nobody taps; a tap's subscriber runs synchronously on the data
 * path, so it must be quick (the REST tap buffers and drops, never waits).
 */
import { Observable, type Subscriber } from 'rxjs';
import type { ConnectRecord } from '../data/index.js';
import { ConfigDef, type ConnectorConfig } from '../connectors/api/index.js';
import type { BytesTap, RecordTransform, TappedBytes } from '../streams/contracts.js';

export const TAP_PREFIX = 'sluice.tap.';
export const TAP_REDACT_FIELDS_CONFIG = 'sluice.tap.redact.fields';

/** The connector keys of the REST tap. */
export function tapConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: TAP_REDACT_FIELDS_CONFIG,
    type: 'LIST',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'Field names shown as "[redacted]" (at any depth of keys and values) by the REST tap of this connector; header values always are.',
    group: 'Tap (Sluice)',
    orderInGroup: 1,
  });
}

/** What a tap hides: fields by name (at any depth) and secret values (wherever they appear in a string). */
export interface Redaction {
  readonly fields: ReadonlySet<string>;
  readonly secrets: readonly string[];
}

/** The fields a tap of this connector redacts. */
export function redactedFields(config: ConnectorConfig): Set<string> {
  return new Set((tapConfigDef().parse(config)[TAP_REDACT_FIELDS_CONFIG] as string[]).map((f) => f.trim()).filter((f) => f !== ''));
}

export const TAP_STAGES = ['poll', 'transform', 'bytes'] as const;
export type TapStage = (typeof TAP_STAGES)[number];
/** What a tap at each stage sees. */
export type Tapped<S extends TapStage> = S extends 'bytes' ? TappedBytes : ConnectRecord;

class TapPoint<T> {
  readonly subscribers = new Set<Subscriber<T>>();
  active = false;

  emit(record: T): void {
    for (const s of this.subscribers) s.next(record);
  }
}

export class TapHub {
  readonly #points = new Map<string, TapPoint<unknown>>();
  readonly #observedChange = new Set<() => void>();

  #point<S extends TapStage>(connector: string, stage: S): TapPoint<Tapped<S>> {
    const key = `${stage}\u0000${connector}`;
    let p = this.#points.get(key);
    if (!p) this.#points.set(key, (p = new TapPoint()));
    return p as TapPoint<Tapped<S>>;
  }

  /** The records of `connector`'s tasks at `stage` (every task, also those started later) while subscribed. */
  observe<S extends TapStage = 'transform'>(connector: string, stage: S = 'transform' as S): Observable<Tapped<S>> {
    return new Observable<Tapped<S>>((subscriber) => {
      const point = this.#point(connector, stage);
      point.subscribers.add(subscriber);
      const was = point.active;
      point.active = true;
      if (!was) this.#changed();
      return () => {
        point.subscribers.delete(subscriber);
        point.active = point.subscribers.size > 0;
        if (!point.active) this.#changed();
      };
    });
  }

  /** The points someone observes now (a task thread taps the same ones). */
  observedPoints(): Array<{ connector: string; stage: TapStage }> {
    const out: Array<{ connector: string; stage: TapStage }> = [];
    for (const [key, point] of this.#points) {
      if (!point.active) continue;
      const [stage, connector] = key.split('\u0000') as [TapStage, string];
      out.push({ connector, stage });
    }
    return out;
  }

  /** Calls `listener` whenever a point starts or stops being observed; returns what unregisters it. */
  onObservedChange(listener: () => void): () => void {
    this.#observedChange.add(listener);
    return () => this.#observedChange.delete(listener);
  }

  /** Shows `record` to the observers of a point (records a task thread tapped). */
  emit<S extends TapStage>(connector: string, stage: S, record: Tapped<S>): void {
    const point = this.#point(connector, stage);
    if (point.active) point.emit(record);
  }

  #changed(): void {
    for (const l of this.#observedChange) l();
  }

  /** A task's transform with the taps of its connector before and after it. */
  tapped<R extends ConnectRecord>(connector: string, transform: RecordTransform<R>): RecordTransform<R> {
    const before = this.#point(connector, 'poll');
    const after = this.#point(connector, 'transform');
    return (record) => {
      if (before.active) before.emit(record);
      const out = transform(record);
      if (after.active && out !== null) after.emit(out);
      return out;
    };
  }

  /** Where a task of `connector` shows its records' bytes. */
  bytes(connector: string): BytesTap {
    return this.#point(connector, 'bytes') as BytesTap;
  }
}
