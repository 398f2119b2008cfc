/**
 * Avro datum → Avro binary for a writer schema, as Java Avro's GenericDatumWriter with Confluent's name-aware
 * GenericData writes it: a union takes the branch named like the datum's type (or fails), a record's fields are
 * taken by name from the datum record (by position when it has no such field), numbers convert as Java's
 * `Number.intValue()`/`longValue()`/…, an enum symbol must be one of the writer's symbols, a fixed value must have
 * at least the fixed size (longer values are cut, as Java does). Compiled once per (datum shape, writer schema).
 */
import { DataException } from '../errors.js';
import { ByteWriter } from './binary.js';
import { shapeName, type Shape } from './from-connect-datum.js';
import { fullNameOf, schemaName, unionIndexNamed, type AvroNode } from './schema-node.js';

export type DatumWriter = (datum: unknown, out: ByteWriter) => void;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function mismatch(shape: Shape, node: AvroNode, path: string): DataException {
  return new DataException(`a ${describe(shape)} value cannot be written as Avro ${schemaName(node)}`, { path });
}

function describe(shape: Shape): string {
  return shape.k === 'choice' ? 'union' : shapeName(shape);
}

/** Java's `(int)` of a double: truncated, saturated, NaN → 0. */
function doubleToInt(d: number): number {
  if (d !== d) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

function doubleToLong(d: number): number | bigint {
  if (d !== d) return 0;
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t;
  const b = BigInt(t);
  return b > LONG_MAX ? LONG_MAX : b < LONG_MIN ? LONG_MIN : b;
}

function numeric(shape: Shape): boolean {
  return shape.k === 'int' || shape.k === 'long' || shape.k === 'float' || shape.k === 'double';
}

/** The value of a numeric datum as Java's `doubleValue()` sees it (a float datum is a float32). */
function doubleOf(shape: Shape, v: unknown): number {
  return shape.k === 'float' ? Math.fround(v as number) : Number(v);
}

export class DatumWriters {
  readonly #memo = new Map<Shape, Map<AvroNode, DatumWriter>>();

  /** The writer of datums of `shape` with writer schema `node`. */
  writer(shape: Shape, node: AvroNode, path = ''): DatumWriter {
    let byNode = this.#memo.get(shape);
    if (!byNode) this.#memo.set(shape, (byNode = new Map()));
    const known = byNode.get(node);
    if (known) return known;
    // A recursive shape (schemaless data) meets itself again: refer to the writer being built.
    let built: DatumWriter | undefined;
    byNode.set(node, (d, out) => built!(d, out));
    built = this.#build(shape, node, path);
    byNode.set(node, built);
    return built;
  }

  #build(shape: Shape, node: AvroNode, path: string): DatumWriter {
    const nonNull = this.#nonNull(shape, node, path);
    if (node.type === 'union') return nonNull;
    const nullable = node.type === 'null';
    return (d, out) => {
      if (d === null || d === undefined) {
        if (nullable) return;
        throw new DataException(`null value for (non-nullable) ${schemaName(node)}`, { path });
      }
      nonNull(d, out);
    };
  }

  #nonNull(shape: Shape, node: AvroNode, path: string): DatumWriter {
    if (node.type === 'union') return this.#union(shape, node, path);
    if (shape.k === 'choice') {
      const options = shape.options.map((o) => this.writer(o, node, path));
      return (d, out) => {
        const c = d as { i: number; v: unknown };
        options[c.i]!(c.v, out);
      };
    }
    switch (node.type) {
      case 'null':
        return () => {};
      case 'boolean':
        if (shape.k !== 'boolean') break;
        return (d, out) => out.writeBoolean(d as boolean);
      case 'int':
        if (!numeric(shape)) break;
        if (shape.k === 'int') return (d, out) => out.writeLong(d as number);
        if (shape.k === 'long') return (d, out) => out.writeLong(Number(BigInt.asIntN(32, BigInt(d as number | bigint))));
        return (d, out) => out.writeLong(doubleToInt(doubleOf(shape, d)));
      case 'long':
        if (!numeric(shape)) break;
        if (shape.k === 'int' || shape.k === 'long') return (d, out) => out.writeLong(d as number | bigint);
        return (d, out) => out.writeLong(doubleToLong(doubleOf(shape, d)));
      case 'float':
        if (!numeric(shape)) break;
        return (d, out) => out.writeFloat(doubleOf(shape, d));
      case 'double':
        if (!numeric(shape)) break;
        return (d, out) => out.writeDouble(doubleOf(shape, d));
      case 'string':
        if (shape.k !== 'string') break;
        return (d, out) => out.writeString(d as string);
      case 'bytes':
        if (shape.k !== 'bytes') break;
        return (d, out) => out.writeBytes(d as Uint8Array);
      case 'fixed': {
        if (shape.k !== 'fixed') break;
        const size = node.size;
        return (d, out) => {
          const b = d as Uint8Array;
          if (b.length < size) throw new DataException(`a value of ${b.length} bytes does not fill the fixed type ${fullNameOf(node)} of ${size} bytes`, { path });
          out.writeFixed(b.length === size ? b : b.subarray(0, size));
        };
      }
      case 'enum': {
        if (shape.k !== 'enum') break;
        const ordinals = new Map(node.symbols.map((sym, i) => [sym, i]));
        return (d, out) => {
          const i = ordinals.get(d as string);
          if (i === undefined) throw new DataException(`enum value not in enum: ${String(d)} is not a symbol of ${fullNameOf(node)}`, { path });
          out.writeLong(i);
        };
      }
      case 'array': {
        if (shape.k !== 'array') break;
        const item = this.writer(shape.items, node.items, `${path}[]`);
        return (d, out) => {
          const list = d as unknown[];
          if (list.length > 0) {
            out.writeLong(list.length);
            for (const e of list) item(e, out);
          }
          out.writeLong(0);
        };
      }
      case 'map': {
        if (shape.k !== 'map') break;
        const value = this.writer(shape.values, node.values, `${path}{}`);
        return (d, out) => {
          const entries = d as [string, unknown][];
          if (entries.length > 0) {
            out.writeLong(entries.length);
            for (const [k, v] of entries) {
              if (typeof k !== 'string') throw new DataException('a map key is null', { path });
              out.writeString(k);
              value(v, out);
            }
          }
          out.writeLong(0);
        };
      }
      case 'record': {
        if (shape.k !== 'record') break;
        const fields = node.fields.map((f, pos) => {
          const byName = shape.fields.findIndex((sf) => sf.name === f.name);
          const from = byName >= 0 ? byName : pos;
          const fieldPath = path ? `${path}.${f.name}` : f.name;
          if (from >= shape.fields.length) {
            return { from, write: (() => {
              throw new DataException(`the value has no field ${f.name} (nor a field at its position ${pos})`, { path: fieldPath });
            }) as DatumWriter };
          }
          return { from, write: this.writer(shape.fields[from]!.shape, f.type, fieldPath) };
        });
        return (d, out) => {
          const rec = d as unknown[];
          for (const { from, write } of fields) write(rec[from], out);
        };
      }
    }
    const bad = mismatch(shape, node, path);
    return () => {
      throw bad;
    };
  }

  #union(shape: Shape, node: Extract<AvroNode, { type: 'union' }>, path: string): DatumWriter {
    const nullIndex = unionIndexNamed(node, 'null');
    const branch = (s: Shape): DatumWriter => {
      const i = unionIndexNamed(node, shapeName(s));
      if (i < 0) {
        const err = new DataException(`Not in union ${node.types.map(schemaName).join(', ')}: a ${describe(s)} value`, { path });
        return () => {
          throw err;
        };
      }
      const write = this.writer(s, node.types[i]!, path);
      return (d, out) => {
        out.writeLong(i);
        write(d, out);
      };
    };
    const nonNull = shape.k === 'choice'
      ? (() => {
        const options = shape.options.map(branch);
        return ((d, out) => {
          const c = d as { i: number; v: unknown };
          options[c.i]!(c.v, out);
        }) as DatumWriter;
      })()
      : branch(shape);
    return (d, out) => {
      if (d === null || d === undefined) {
        if (nullIndex < 0) throw new DataException(`Not in union ${node.types.map(schemaName).join(', ')}: null`, { path });
        out.writeLong(nullIndex);
        return;
      }
      nonNull(d, out);
    };
  }
}

/** Writes one datum to a fresh buffer. */
export function writeDatum(write: DatumWriter, datum: unknown): Uint8Array {
  const out = new ByteWriter();
  write(datum, out);
  return out.toBytes();
}
