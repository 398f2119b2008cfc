/**
 * Connect value → Avro binary in one pass: what from-connect-datum.ts (Connect value → datum) and write-datum.ts
 * (datum → bytes) do together, fused for the usual pairs of Connect type and writer schema (primitives and logical
 * types as their own Avro type, optional values in unions, arrays, string-keyed maps, structs as records) with no
 * datum in between. Any other subtree (union structs, enums, fixed, maps as MapEntry arrays, numbers written as
 * another Avro type, a record field the writer schema takes by position …) is written by that reference pair.
 *
 * A fused writer reports no errors of its own: whatever the reference might refuse or treat otherwise, it gives up
 * on (throws), and `fusedBinaryWriter` writes the value again through the reference, which writes the bytes or
 * throws its error. So bytes and errors stay the reference's, provided a fused writer only completes where the
 * reference writes the very same bytes.
 */
import { BigDecimal } from '../big-decimal.js';
import { schemaEquals } from '../equality.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from '../logical.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { ByteWriter } from './binary.js';
import { toStoredLogical } from './from-connect-default.js';
import { datumConverter, entriesOf, shapeName, underlying, type DatumConverter, type Shape } from './from-connect-datum.js';
import { javaHashMapOrder } from './java-hash-map.js';
import { maybeScrub } from './names.js';
import type { AvroDataSettings } from './options.js';
import { unionIndexNamed, type AvroNode, type RecordNode } from './schema-node.js';
import { writeUnscaled } from './unscaled-bytes.js';
import type { DatumWriters } from './write-datum.js';

export type ConnectWriter = (value: unknown, out: ByteWriter) => void;

const INT_RANGES = { INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647] } as const;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Thrown to leave a value to the reference; not an Error, so no stack is captured. */
const GIVE_UP = Symbol('leave it to the reference writer');

function giveUp(): never {
  throw GIVE_UP;
}

interface Ctx {
  readonly s: AvroDataSettings;
  /** The reference datum writers (shared with the caller's, so subtrees compile once). */
  readonly writers: DatumWriters;
}

/**
 * The writer of Connect values of `schema` (whose Avro schema is `derived`) with writer schema `target`. It may
 * give up on any value (see above); it never writes bytes the reference would not.
 */
export function connectWriter(schema: Schema, derived: AvroNode, target: AvroNode, s: AvroDataSettings, writers: DatumWriters): ConnectWriter {
  return valueWriter({ s, writers }, schema, derived, target, '');
}

/** The reference for one subtree: convert to a datum, write the datum. */
export function referenceWriter(datum: DatumConverter, writers: DatumWriters, target: AvroNode, path = ''): ConnectWriter {
  const write = writers.writer(datum.shape, target, path);
  const convert = datum.convert;
  return (v, out) => write(convert(v), out);
}

const shared = new ByteWriter(16 * 1024);
let busy = false;

/**
 * Payloads of `write` (views into one shared slab, see ByteWriter.take); a value it gives up on is written by
 * `reference` (which returns its own bytes or throws).
 */
export function fusedBinaryWriter(write: ConnectWriter, reference: (value: unknown) => Uint8Array): (value: unknown) => Uint8Array {
  return (value) => {
    // Re-entry cannot happen (nothing here calls out), but it must not interleave two payloads in the slab.
    if (busy) return reference(value);
    busy = true;
    try {
      write(value, shared);
      return shared.take();
    } catch {
      shared.discard();
    } finally {
      busy = false;
    }
    return reference(value);
  };
}

/** Null or a value of `schema`: the union branch (when `target` is a union) and the value. */
function valueWriter(ctx: Ctx, schema: Schema, derived: AvroNode, target: AvroNode, path: string): ConnectWriter {
  const datum = datumConverter(schema, derived, ctx.s, path);
  const shape = datum.shape;
  let branch = target;
  let index = -1;
  let nullIndex = -1;
  if (target.type === 'union' && shape.k !== 'choice') {
    // GenericData.resolveUnion by the datum's schema name, as write-datum.ts does.
    index = unionIndexNamed(target, shapeName(shape));
    if (index >= 0) branch = target.types[index]!;
    if (schema.optional) nullIndex = unionIndexNamed(target, 'null');
  }
  const fused = shape.k === 'choice' || branch.type === 'union' || branch.type === 'null'
    ? undefined
    : nonNullWriter(ctx, schema, derived, shape, branch, path);
  if (!fused) return referenceWriter(datum, ctx.writers, target, path);
  // Every non-null writer gives up on null and undefined itself.
  if (index < 0) return fused;
  return (v, out) => {
    if (v === null || v === undefined) {
      if (nullIndex < 0) giveUp();
      out.writeLong(nullIndex);
      return;
    }
    out.writeLong(index);
    fused(v, out);
  };
}

/** Non-null values of `schema` (of datum shape `shape`) as `node`, a writer schema that is no union; undefined: not fused. */
function nonNullWriter(ctx: Ctx, schema: Schema, derived: AvroNode, shape: Shape, node: AvroNode, path: string): ConnectWriter | undefined {
  if (schema.name === Decimal.LOGICAL_NAME && shape.k === 'bytes' && node.type === 'bytes') return decimalWriter(schema);
  const plain = plainWriter(ctx, schema, derived, shape, node, path);
  return plain && withStoredLogical(schema, plain);
}

/** AvroData's logical type conversion (from-connect-datum.ts withLogical) in front of `write`. */
function withStoredLogical(schema: Schema, write: ConnectWriter): ConnectWriter {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
    case LogicalDate.LOGICAL_NAME:
    case LogicalTime.LOGICAL_NAME:
      return (v, out) => write(toStoredLogical(schema, v), out);
    case LogicalTimestamp.LOGICAL_NAME:
      // toStoredLogical of a Timestamp, inline.
      return (v, out) => {
        if (!(v instanceof Date)) giveUp();
        write(v.getTime(), out);
      };
    default:
      return write;
  }
}

/** A Decimal on bytes: the unscaled value's two's complement written directly (Decimal.fromLogical, then bytes). */
function decimalWriter(schema: Schema): ConnectWriter | undefined {
  let scale: number;
  try {
    scale = Decimal.scaleOf(schema);
  } catch {
    return undefined;
  }
  return (v, out) => {
    if (!(v instanceof BigDecimal) || v.scale !== scale) giveUp();
    writeUnscaled(out, v.unscaled);
  };
}

function plainWriter(ctx: Ctx, schema: Schema, derived: AvroNode, shape: Shape, node: AvroNode, path: string): ConnectWriter | undefined {
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      if (node.type !== 'int' && node.type !== 'long') return undefined;
      const [lo, hi] = INT_RANGES[schema.type];
      return (v, out) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) giveUp();
        out.writeLong(v);
      };
    }
    case 'INT64':
      if (node.type !== 'long') return undefined;
      return (v, out) => {
        if (typeof v === 'number' ? !Number.isSafeInteger(v) : typeof v !== 'bigint' || v < LONG_MIN || v > LONG_MAX) giveUp();
        out.writeLong(v as number | bigint);
      };
    case 'FLOAT32':
      // A float datum is a float32 whichever way it is written.
      if (node.type === 'float') return (v, out) => (typeof v === 'number' ? out.writeFloat(Math.fround(v)) : giveUp());
      if (node.type === 'double') return (v, out) => (typeof v === 'number' ? out.writeDouble(Math.fround(v)) : giveUp());
      return undefined;
    case 'FLOAT64':
      if (node.type === 'double') return (v, out) => (typeof v === 'number' ? out.writeDouble(v) : giveUp());
      if (node.type === 'float') return (v, out) => (typeof v === 'number' ? out.writeFloat(v) : giveUp());
      return undefined;
    case 'BOOLEAN':
      if (node.type !== 'boolean') return undefined;
      return (v, out) => (typeof v === 'boolean' ? out.writeBoolean(v) : giveUp());
    case 'STRING':
      if (shape.k !== 'string' || node.type !== 'string') return undefined;
      return (v, out) => (typeof v === 'string' ? out.writeString(v) : giveUp());
    case 'BYTES':
      if (shape.k !== 'bytes' || node.type !== 'bytes') return undefined;
      return (v, out) => (v instanceof Uint8Array ? out.writeBytes(v) : giveUp());
    case 'ARRAY': {
      const list = underlying(schema, derived, ctx.s);
      if (shape.k !== 'array' || list.type !== 'array' || node.type !== 'array') return undefined;
      const item = valueWriter(ctx, schema.valueSchema!, list.items, node.items, `${path}[]`);
      return (v, out) => {
        if (!Array.isArray(v)) giveUp();
        const n = v.length;
        if (n > 0) {
          out.writeLong(n);
          for (let i = 0; i < n; i++) item(v[i], out);
        }
        out.writeLong(0);
      };
    }
    case 'MAP': {
      const map = underlying(schema, derived, ctx.s);
      if (shape.k !== 'map' || map.type !== 'map' || node.type !== 'map') return undefined;
      const value = valueWriter(ctx, schema.valueSchema!, map.values, node.values, `${path}{}`);
      return (v, out) => {
        const entries = entriesOf(v) ?? giveUp();
        const n = entries.length;
        const keys = new Array<string>(n);
        for (let i = 0; i < n; i++) {
          const k = entries[i]![0];
          if (typeof k !== 'string') giveUp();
          keys[i] = k;
        }
        if (n > 0) {
          // AvroData copies the map into a java.util.HashMap: its iteration order.
          out.writeLong(n);
          for (const i of javaHashMapOrder(keys)) {
            out.writeString(keys[i]!);
            value(entries[i]![1], out);
          }
        }
        out.writeLong(0);
      };
    }
    case 'STRUCT':
      if (shape.k !== 'record' || node.type !== 'record') return undefined;
      return structWriter(ctx, schema, derived, node, path);
  }
}

/**
 * A struct as the record `node`: the writer's fields in its order, each taking the Connect field mapped to the
 * derived record's field of that name (write-datum.ts: by position when there is none). Left to the reference
 * when that mapping is not one to one or leaves a Connect field unwritten (its value must still be checked).
 */
function structWriter(ctx: Ctx, schema: Schema, derived: AvroNode, node: RecordNode, path: string): ConnectWriter | undefined {
  const rec = underlying(schema, derived, ctx.s);
  if (rec.type !== 'record') return undefined;
  const byPos = new Array<number>(rec.fields.length).fill(-1);
  for (const f of schema.fields) {
    const name = maybeScrub(f.name, ctx.s.scrubInvalidNames);
    const pos = rec.fields.findIndex((af) => af.name === name);
    if (pos < 0 || byPos[pos] !== -1) return undefined;
    byPos[pos] = f.index;
  }
  if (byPos.includes(-1)) return undefined;
  const from = node.fields.map((wf, pos) => {
    const byName = rec.fields.findIndex((af) => af.name === wf.name);
    return byName >= 0 ? byName : pos;
  });
  if (from.some((p) => p >= rec.fields.length) || new Set(from).size !== rec.fields.length) return undefined;
  const fields = from.map((p) => schema.fields[byPos[p]!]!);
  const writes = fields.map((f, j) => valueWriter(ctx, f.schema, rec.fields[from[j]!]!.type, node.fields[j]!.type, path ? `${path}.${f.name}` : f.name));
  const indexes = fields.map((f) => f.index);
  // Struct.get: a null field reads as its schema's default.
  const defaults = fields.map((f) => f.schema.defaultValue ?? null);
  const withDefaults = !ctx.s.ignoreDefaultForNullables;
  const n = fields.length;
  return (v, out) => {
    if (!(v instanceof Struct)) giveUp();
    if (v.schema === schema) {
      const values = v.values();
      for (let j = 0; j < n; j++) {
        const x = values[indexes[j]!];
        writes[j]!(x === null && withDefaults ? defaults[j] : x, out);
      }
      return;
    }
    // A struct of an equal schema (as the reference accepts it): its own fields, by name.
    if (!schemaEquals(v.schema, schema)) giveUp();
    for (let j = 0; j < n; j++) writes[j]!(withDefaults ? v.get(fields[j]!) : v.getWithoutDefault(fields[j]!), out);
  };
}
