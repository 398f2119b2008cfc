/**
 * Schemaless Connect data in Avro: AvroData's io.confluent.connect.avro.Anything record, one optional field per
 * kind of value (boolean, bytes, double, float, int, long, string, array of Anything, map as MapEntry records of
 * Anything). A JS integer within the int range is an int, other integers (and bigints) a long, other numbers a
 * double (Java would keep a Float a float: a JS number cannot tell).
 */
import { DataException } from '../errors.js';
import type { ByteReader } from './binary.js';
import { className } from './from-connect-default.js';
import { entriesOf, type DatumConverter, type Shape } from './from-connect-datum.js';
import { parseAvroSchema } from './parse-schema.js';
import { printSchema } from './print-schema.js';
import type { AvroNode } from './schema-node.js';

/** Java's `AvroData.ANYTHING_SCHEMA.toString()`. */
export const ANYTHING_SCHEMA_TEXT =
  '{"type":"record","name":"Anything","namespace":"io.confluent.connect.avro","fields":[' +
  '{"name":"boolean","type":["null","boolean"],"default":null},{"name":"bytes","type":["null","bytes"],"default":null},' +
  '{"name":"double","type":["null","double"],"default":null},{"name":"float","type":["null","float"],"default":null},' +
  '{"name":"int","type":["null","int"],"default":null},{"name":"long","type":["null","long"],"default":null},' +
  '{"name":"string","type":["null","string"],"default":null},' +
  '{"name":"array","type":["null",{"type":"array","items":"Anything"}],"default":null},' +
  '{"name":"map","type":["null",{"type":"array","items":{"type":"record","name":"MapEntry","fields":[' +
  '{"name":"key","type":"Anything"},{"name":"value","type":"Anything"}]}}],"default":null}]}';

let anything: AvroNode | undefined;

export function anythingSchema(): AvroNode {
  return (anything ??= parseAvroSchema(ANYTHING_SCHEMA_TEXT));
}

/** Is this Avro schema AvroData's Anything (so the Connect data is schemaless)? */
export function isAnythingSchema(node: AvroNode): boolean {
  return node.type === 'record' && node.name === 'Anything' && printSchema(node) === ANYTHING_SCHEMA_TEXT;
}

const FIELDS = ['boolean', 'bytes', 'double', 'float', 'int', 'long', 'string', 'array', 'map'] as const;
const AT = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<(typeof FIELDS)[number], number>;

const ANYTHING_SHAPE: Extract<Shape, { k: 'record' }> = { k: 'record', name: 'io.confluent.connect.avro.Anything', fields: [] };
const ENTRY_SHAPE: Shape = { k: 'record', name: 'io.confluent.connect.avro.MapEntry', fields: [{ name: 'key', shape: ANYTHING_SHAPE }, { name: 'value', shape: ANYTHING_SHAPE }] };
ANYTHING_SHAPE.fields.push(
  { name: 'boolean', shape: { k: 'boolean' } }, { name: 'bytes', shape: { k: 'bytes' } }, { name: 'double', shape: { k: 'double' } },
  { name: 'float', shape: { k: 'float' } }, { name: 'int', shape: { k: 'int' } }, { name: 'long', shape: { k: 'long' } },
  { name: 'string', shape: { k: 'string' } }, { name: 'array', shape: { k: 'array', items: ANYTHING_SHAPE } },
  { name: 'map', shape: { k: 'array', items: ENTRY_SHAPE } },
);

function record(field: (typeof FIELDS)[number] | undefined, value: unknown): unknown[] {
  const out = new Array<unknown>(FIELDS.length).fill(null);
  if (field) out[AT[field]] = value;
  return out;
}

/** A schemaless value as an Anything datum (nested nulls are empty Anything records). */
function toAnything(v: unknown): unknown[] {
  if (v === null || v === undefined) return record(undefined, null);
  if (typeof v === 'boolean') return record('boolean', v);
  if (typeof v === 'string') return record('string', v);
  if (typeof v === 'bigint') return record('long', v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return record('int', v);
    if (Number.isSafeInteger(v)) return record('long', v);
    return record('double', v);
  }
  if (v instanceof Uint8Array) return record('bytes', v);
  if (Array.isArray(v)) return record('array', v.map(toAnything));
  const entries = entriesOf(v);
  if (entries) return record('map', entries.map(([k, x]) => [toAnything(k), toAnything(x)]));
  throw new DataException(`Unknown Java type for schemaless data: ${className(v)}`);
}

export const schemalessConverter: DatumConverter = {
  shape: ANYTHING_SHAPE,
  convert: (v) => (v === null || v === undefined ? null : toAnything(v)),
};

/** Reads an Anything record as a schemaless Connect value. */
export function readAnything(r: ByteReader): unknown {
  let value: unknown = null;
  let found = false;
  const take = (read: () => unknown): void => {
    const branch = r.readLong();
    if (branch === 0) return;
    if (branch !== 1) throw new DataException(`invalid Avro union index ${String(branch)} in an Anything record`);
    const v = read();
    if (!found) {
      value = v;
      found = true;
    }
  };
  take(() => r.readBoolean());
  take(() => r.readBytes());
  take(() => r.readDouble());
  take(() => r.readFloat());
  take(() => r.readInt());
  take(() => r.readLong());
  take(() => r.readString());
  take(() => {
    const out: unknown[] = [];
    for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount()) for (let i = 0; i < n; i++) out.push(readAnything(r));
    return out;
  });
  take(() => {
    const out = new Map<unknown, unknown>();
    for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount()) {
      for (let i = 0; i < n; i++) {
        const k = readAnything(r);
        out.set(k, readAnything(r));
      }
    }
    return out;
  });
  return value;
}
