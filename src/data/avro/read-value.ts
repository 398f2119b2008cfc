/**
 * Avro binary → Connect value, as Java Avro's GenericDatumReader followed by AvroData.toConnectData: ints to
 * INT8/INT16/INT32 (narrowed as Java's byteValue/shortValue), longs to a number while safe and a bigint beyond,
 * enums to their symbol, fixed and bytes to Uint8Array, MapEntry arrays and Avro maps to Maps, records to Structs,
 * a union value to the Connect type of its branch (or to the field of an io.confluent.connect.avro.Union struct that
 * takes it, by AvroData's Java-class rules), logical types to BigDecimal and Date.
 *
 * With `avro.use.logical.type.converters`, Java Avro hands AvroData BigDecimal, LocalDate, Instant, UUID, … objects
 * for the logical types it knows, which AvroData cannot convert: such values fail here as they fail in Confluent's
 * converter. Compiled once per (Connect schema, Avro schema); errors name the field path.
 */
import { DataException } from '../errors.js';
import { schemaEquals } from '../equality.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { ByteReader } from './binary.js';
import { isUnionStruct } from './from-connect-default.js';
import { KEY_FIELD, VALUE_FIELD, maybeScrub } from './names.js';
import type { AvroDataSettings } from './options.js';
import { fullNameOf, schemaName, textProp, type AvroNode } from './schema-node.js';
import { narrowInt, toConnectLogical } from './to-connect-default.js';
import { isInstanceForSimpleSchema, unionMemberFieldName, type JavaClass } from './union-branch.js';

export type ValueReader = (r: ByteReader) => unknown;

export interface ReadOptions {
  /** `avro.use.logical.type.converters`: Java Avro converts logical types before AvroData sees them. */
  readonly logicalTypeConverters: boolean;
}

const INCOMPATIBLE_WITH_LOGICAL = ['avro.java.string', 'java-class', 'java-key-class', 'java-element-class'];

/** The Java class Java Avro's logical-type conversions give a value of this schema, when they apply. */
export function convertedLogicalClass(node: AvroNode): string | undefined {
  if (node.type === 'union') return undefined;
  const logical = textProp(node, 'logicalType');
  if (logical === undefined || INCOMPATIBLE_WITH_LOGICAL.some((p) => textProp(node, p) !== undefined)) return undefined;
  const intProp = (k: string): number | undefined => {
    const v = node.props.get(k);
    return v && typeof v === 'object' && 'kind' in v && v.kind === 'int' ? Number(v.value) : undefined;
  };
  switch (logical) {
    case 'decimal': {
      if (node.type !== 'bytes' && node.type !== 'fixed') return undefined;
      const precision = intProp('precision');
      const scale = node.props.has('scale') ? intProp('scale') : 0;
      if (precision === undefined || scale === undefined || precision <= 0 || scale < 0 || scale > precision) return undefined;
      if (node.type === 'fixed' && precision > Math.round(Math.floor(Math.log10(2) * (8 * node.size - 1)))) return undefined;
      return 'java.math.BigDecimal';
    }
    case 'big-decimal':
      return node.type === 'bytes' ? 'java.math.BigDecimal' : undefined;
    case 'uuid':
      return node.type === 'string' || (node.type === 'fixed' && node.size === 16) ? 'java.util.UUID' : undefined;
    case 'date':
      return node.type === 'int' ? 'java.time.LocalDate' : undefined;
    case 'time-millis':
      return node.type === 'int' ? 'java.time.LocalTime' : undefined;
    case 'time-micros':
      return node.type === 'long' ? 'java.time.LocalTime' : undefined;
    case 'timestamp-millis':
    case 'timestamp-micros':
    case 'timestamp-nanos':
      return node.type === 'long' ? 'java.time.Instant' : undefined;
    case 'local-timestamp-millis':
    case 'local-timestamp-micros':
    case 'local-timestamp-nanos':
      return node.type === 'long' ? 'java.time.LocalDateTime' : undefined;
    case 'duration':
      return node.type === 'fixed' && node.size === 12 ? 'org.apache.avro.util.TimePeriod' : undefined;
    default:
      return undefined;
  }
}

function childPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Reads past a value of this schema. */
export function skipper(node: AvroNode): ValueReader {
  switch (node.type) {
    case 'null':
      return () => null;
    case 'boolean':
      return (r) => r.readBoolean();
    case 'int':
    case 'long':
    case 'enum':
      return (r) => r.readLong();
    case 'float':
      return (r) => r.readFloat();
    case 'double':
      return (r) => r.readDouble();
    case 'bytes':
    case 'string':
      return (r) => r.readBytes();
    case 'fixed':
      return (r) => r.readFixed(node.size);
    case 'array': {
      let item: ValueReader | undefined;
      return (r) => {
        readBlocks(r, () => (item ??= skipper(node.items))(r));
        return null;
      };
    }
    case 'map': {
      let value: ValueReader | undefined;
      return (r) => {
        readBlocks(r, () => {
          r.readBytes();
          (value ??= skipper(node.values))(r);
        });
        return null;
      };
    }
    case 'record': {
      let fields: ValueReader[] | undefined;
      return (r) => {
        for (const f of (fields ??= node.fields.map((x) => skipper(x.type)))) f(r);
        return null;
      };
    }
    case 'union': {
      let branches: ValueReader[] | undefined;
      return (r) => {
        const i = r.readLong();
        const b = typeof i === 'number' ? (branches ??= node.types.map(skipper))[i] : undefined;
        if (!b) throw new DataException(`invalid Avro union index ${String(i)}`);
        return b(r);
      };
    }
  }
}

/** Reads items of an Avro array (blocks until the zero count). */
function readBlocks(r: ByteReader, each: () => void): void {
  for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount()) for (let i = 0; i < n; i++) each();
}

export class ValueReaders {
  constructor(
    readonly s: AvroDataSettings,
    readonly opts: ReadOptions,
  ) {}

  /** The reader of values written with `node` into Connect values of `schema` (the schema AvroData reads from `node`). */
  reader(schema: Schema, node: AvroNode, path = ''): ValueReader {
    if (node.type === 'union') return this.#union(schema, node, path);
    if (node.type === 'null') return this.#null(schema, path);
    const converted = this.opts.logicalTypeConverters ? convertedLogicalClass(node) : undefined;
    if (converted !== undefined) {
      const err = logicalConversionError(schema, converted, path);
      return () => {
        throw err;
      };
    }
    const raw = this.#raw(schema, node, path);
    if (schema.name === undefined) return raw;
    return (r) => {
      const v = raw(r);
      try {
        return toConnectLogical(schema, v);
      } catch (e) {
        throw e instanceof DataException ? e.withContext({ path }) : e;
      }
    };
  }

  #null(schema: Schema, path: string): ValueReader {
    return () => {
      if (!schema.optional) throw new DataException('Found null value for non-optional schema', { path });
      return null;
    };
  }

  #union(schema: Schema, node: Extract<AvroNode, { type: 'union' }>, path: string): ValueReader {
    const union = isUnionStruct(schema);
    const branches = node.types.map((t, i) => {
      if (t.type === 'null') return this.#null(schema, path);
      return union ? this.#unionField(schema, t, i, path) : this.reader(schema, t, path);
    });
    return (r) => {
      const i = r.readLong();
      const read = typeof i === 'number' ? branches[i] : undefined;
      if (!read) throw new DataException(`invalid Avro union index ${String(i)} for a union of ${node.types.length}`, { path });
      return read(r);
    };
  }

  /** The io.confluent.connect.avro.Union struct for a value of branch `index`, in the field AvroData picks. */
  #unionField(schema: Schema, branch: AvroNode, index: number, path: string): ValueReader {
    const s = this.s;
    const noMatch = new DataException('Did not find matching union field for data', { path });
    const pick = (cls: JavaClass) => schema.fields.find((f, i) =>
      isInstanceForSimpleSchema(f.schema, cls, i, s) || (cls.k === 'Record' && schemaEquals(cls.connect, f.schema)));
    const converted = this.opts.logicalTypeConverters ? convertedLogicalClass(branch) : undefined;
    if (converted !== undefined) {
      return () => {
        throw noMatch;
      };
    }
    if (branch.type === 'bytes') {
      // Which field takes bytes can depend on their length (a fixed-size field of that size comes first).
      return (r) => {
        const bytes = r.readBytes();
        const f = pick({ k: 'ByteBuffer', size: bytes.length });
        if (!f) throw noMatch;
        return new Struct(schema).put(f, toConnectLogical(f.schema, bytes));
      };
    }
    const field = pick(javaClassOf(branch, schema, index, s));
    if (!field) {
      const skip = skipper(branch);
      return (r) => {
        skip(r);
        throw noMatch;
      };
    }
    const read = this.reader(field.schema, branch, childPath(path, field.name));
    return (r) => new Struct(schema).put(field, read(r));
  }

  #raw(schema: Schema, node: Exclude<AvroNode, { type: 'union' | 'null' }>, path: string): ValueReader {
    const bad = (): ValueReader => {
      const err = new DataException(`Invalid type for ${schema.type}: Avro ${schemaName(node)}`, { path });
      return () => {
        throw err;
      };
    };
    switch (schema.type) {
      case 'INT8':
      case 'INT16':
      case 'INT32': {
        if (node.type !== 'int') return bad();
        const bits = schema.type === 'INT8' ? 8 : schema.type === 'INT16' ? 16 : 32;
        return bits === 32 ? (r) => r.readInt() : (r) => narrowInt(r.readInt(), bits);
      }
      case 'INT64':
        return node.type === 'long' ? (r) => r.readLong() : bad();
      case 'FLOAT32':
        return node.type === 'float' ? (r) => r.readFloat() : bad();
      case 'FLOAT64':
        return node.type === 'double' ? (r) => r.readDouble() : bad();
      case 'BOOLEAN':
        return node.type === 'boolean' ? (r) => r.readBoolean() : bad();
      case 'STRING':
        if (node.type === 'string') return (r) => r.readString();
        if (node.type === 'enum') {
          const symbols = node.symbols;
          return (r) => {
            const i = r.readLong();
            const sym = typeof i === 'number' ? symbols[i] : undefined;
            if (sym === undefined) throw new DataException(`invalid index ${String(i)} for the enum ${fullNameOf(node)}`, { path });
            return sym;
          };
        }
        return bad();
      case 'BYTES':
        if (node.type === 'bytes') return (r) => r.readBytes();
        if (node.type === 'fixed') return (r) => r.readFixed(node.size);
        return bad();
      case 'ARRAY': {
        if (node.type !== 'array') return bad();
        const item = this.reader(schema.valueSchema!, node.items, `${path}[]`);
        return (r) => {
          const out: unknown[] = [];
          readBlocks(r, () => out.push(item(r)));
          return out;
        };
      }
      case 'MAP':
        return this.#map(schema, node, path) ?? bad();
      case 'STRUCT':
        return node.type === 'record' ? this.#record(schema, node, path) : bad();
    }
  }

  #map(schema: Schema, node: AvroNode, path: string): ValueReader | undefined {
    if (node.type === 'map') {
      const value = this.reader(schema.valueSchema!, node.values, `${path}{}`);
      return (r) => {
        const out = new Map<string, unknown>();
        readBlocks(r, () => {
          const k = r.readString();
          out.set(k, value(r));
        });
        return out;
      };
    }
    if (node.type !== 'array' || node.items.type !== 'record') return undefined;
    const entry = node.items;
    const parts = entry.fields.map((f) => {
      if (f.name === KEY_FIELD) return this.reader(schema.keySchema!, f.type, `${path}{key}`);
      if (f.name === VALUE_FIELD) return this.reader(schema.valueSchema!, f.type, `${path}{}`);
      return skipper(f.type);
    });
    const keyAt = entry.fields.findIndex((f) => f.name === KEY_FIELD);
    const valueAt = entry.fields.findIndex((f) => f.name === VALUE_FIELD);
    return (r) => {
      const out = new Map<unknown, unknown>();
      readBlocks(r, () => {
        const vals = parts.map((p) => p(r));
        out.set(vals[keyAt], vals[valueAt]);
      });
      return out;
    };
  }

  #record(schema: Schema, node: Extract<AvroNode, { type: 'record' }>, path: string): ValueReader {
    const byAvroName = new Map(schema.fields.map((f) => [maybeScrub(f.name, this.s.scrubInvalidNames), f]));
    const parts = node.fields.map((af) => {
      const field = byAvroName.get(af.name);
      return field
        ? { field, read: this.reader(field.schema, af.type, childPath(path, field.name)) }
        : { field: undefined, read: skipper(af.type) };
    });
    for (const f of schema.fields) {
      if (!node.fields.some((af) => af.name === maybeScrub(f.name, this.s.scrubInvalidNames))) {
        throw new DataException(`the Avro record ${fullNameOf(node)} has no field ${f.name}`, { path: childPath(path, f.name) });
      }
    }
    return (r) => {
      const out = new Struct(schema);
      for (const { field, read } of parts) {
        const v = read(r);
        if (field) out.put(field, v);
      }
      return out;
    };
  }
}

/** The Java class of a value Java Avro reads for this union branch (for AvroData's union field match). */
function javaClassOf(branch: AvroNode, union: Schema, index: number, s: AvroDataSettings): JavaClass {
  switch (branch.type) {
    case 'int': return { k: 'Integer' };
    case 'long': return { k: 'Long' };
    case 'float': return { k: 'Float' };
    case 'double': return { k: 'Double' };
    case 'boolean': return { k: 'Boolean' };
    case 'string': return { k: 'CharSequence' };
    case 'fixed': return { k: 'Fixed', schema: branch };
    case 'enum': return { k: 'EnumSymbol', fullName: fullNameOf(branch) };
    case 'array': return { k: 'Collection' };
    case 'map': return { k: 'Map' };
    case 'record': {
      const f = union.field(unionMemberFieldName(branch, index, s));
      return f ? { k: 'Record', connect: f.schema } : { k: 'Other' };
    }
    default: return { k: 'Other' };
  }
}

function logicalConversionError(schema: Schema, javaClass: string, path: string): DataException {
  switch (schema.type) {
    case 'BYTES':
      return new DataException(`Invalid class for bytes type, expecting byte[] or ByteBuffer but found class ${javaClass}`, { path });
    case 'STRING':
      return new DataException(`Invalid class for string type, expecting String or CharSequence but found class ${javaClass}`, { path });
    default:
      return new DataException(`Invalid type for ${schema.type}: class ${javaClass}`, { path });
  }
}
