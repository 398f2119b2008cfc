/**
 * Taps across a thread boundary. The main thread's TapHub tells each task thread which (connector, stage) points
 * someone observes; the thread observes the same point of its own TapHub (which its pipelines tap, at no cost
 * while nobody does) and sends each record over: bytes as they are, records with their schemas and values in
 * JsonConverter's envelope (schemas on, decimals BASE64: what Kafka Connect's own round trip keeps), rebuilt as
 * SourceRecord or SinkRecord on the main thread.
 */
import type { Subscription } from 'rxjs';
import { Headers, SinkRecord, SourceRecord, type ConnectRecord, type Header, type OffsetMap, type TimestampType } from '../../data/index.js';
import { JsonConverter } from '../../converters/json/json-converter.js';
import type { TappedBytes } from '../../streams/contracts.js';
import type { TapHub, TapStage } from '../taps.js';
import type { Rpc } from './rpc.js';

export interface TapPointKey {
  readonly connector: string;
  readonly stage: TapStage;
}

interface WireRecord {
  readonly kind: 'source' | 'sink';
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly timestamp: number | null;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: Uint8Array | null }>;
  readonly sourcePartition?: OffsetMap;
  readonly sourceOffset?: OffsetMap;
  readonly kafkaOffset?: number;
  readonly timestampType?: TimestampType;
  readonly originalTopic?: string;
  readonly originalKafkaPartition?: number;
  readonly originalKafkaOffset?: number;
}

function envelopeConverter(): JsonConverter {
  const c = new JsonConverter();
  c.configure({ 'schemas.enable': 'true', 'decimal.format': 'BASE64', 'replace.null.with.default': 'false' }, false);
  return c;
}

function toWire(record: ConnectRecord, json: JsonConverter): WireRecord {
  const headers = [...record.headers].map((h) => ({ key: h.key, value: json.fromConnectData(record.topic, h.schema, h.value) }));
  const common = {
    topic: record.topic,
    kafkaPartition: record.kafkaPartition,
    timestamp: record.timestamp,
    key: json.fromConnectData(record.topic, record.keySchema, record.key),
    value: json.fromConnectData(record.topic, record.valueSchema, record.value),
    headers,
  };
  if (record instanceof SourceRecord) return { kind: 'source', ...common, sourcePartition: record.sourcePartition, sourceOffset: record.sourceOffset };
  const s = record as SinkRecord;
  return {
    kind: 'sink', ...common, kafkaOffset: s.kafkaOffset, timestampType: s.timestampType, originalTopic: s.originalTopic,
    originalKafkaPartition: s.originalKafkaPartition, originalKafkaOffset: s.originalKafkaOffset,
  };
}

function fromWire(w: WireRecord, json: JsonConverter): ConnectRecord {
  const key = json.toConnectData(w.topic, w.key);
  const value = json.toConnectData(w.topic, w.value);
  const headers = new Headers(
    w.headers.map((h): Header => {
      const sv = json.toConnectData(w.topic, h.value);
      return { key: h.key, schema: sv.schema, value: sv.value };
    }),
  );
  const fields = { topic: w.topic, timestamp: w.timestamp, keySchema: key.schema, key: key.value, valueSchema: value.schema, value: value.value, headers };
  if (w.kind === 'source') return new SourceRecord({ ...fields, kafkaPartition: w.kafkaPartition, sourcePartition: w.sourcePartition ?? {}, sourceOffset: w.sourceOffset ?? {} });
  return new SinkRecord({
    ...fields, kafkaPartition: w.kafkaPartition ?? 0, kafkaOffset: w.kafkaOffset ?? 0, timestampType: w.timestampType ?? 'NoTimestampType',
    originalTopic: w.originalTopic ?? w.topic, originalKafkaPartition: w.originalKafkaPartition ?? 0, originalKafkaOffset: w.originalKafkaOffset ?? 0,
  });
}

/** Main thread: mirrors `hub`'s observed points to a thread and emits what it sends back. Returns the unwatch. */
export function serveTaps(rpc: Rpc, hub: TapHub): () => void {
  const json = envelopeConverter();
  rpc.handle('tap.record', ({ connector, stage, record }: TapPointKey & { record: WireRecord | TappedBytes }) => {
    hub.emit(connector, stage, stage === 'bytes' ? (record as TappedBytes) : fromWire(record as WireRecord, json));
  });
  rpc.notify('tap.points', hub.observedPoints());
  return hub.onObservedChange(() => rpc.notify('tap.points', hub.observedPoints()));
}

/** Task thread: observes on `hub` what the main thread's hub observes, and sends it over. */
export function forwardTaps(rpc: Rpc, hub: TapHub): void {
  const json = envelopeConverter();
  const watching = new Map<string, Subscription>();
  rpc.handle('tap.points', (points: TapPointKey[]) => {
    const wanted = new Set(points.map((p) => `${p.stage}\u0000${p.connector}`));
    for (const [key, sub] of watching) {
      if (!wanted.has(key)) {
        sub.unsubscribe();
        watching.delete(key);
      }
    }
    for (const { connector, stage } of points) {
      const key = `${stage}\u0000${connector}`;
      if (watching.has(key)) continue;
      watching.set(
        key,
        hub.observe(connector, stage).subscribe((record) => {
          const wire = stage === 'bytes' ? (record as TappedBytes) : toWire(record as ConnectRecord, json);
          rpc.notify('tap.record', { connector, stage, record: wire });
        }),
      );
    }
  });
}
