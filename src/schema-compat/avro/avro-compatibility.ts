/**
 * Java Avro's `SchemaCompatibility.checkReaderWriterCompatibility`: can data written with `writer` be read with
 * `reader`? Every incompatibility is reported with its type, a JSON-pointer location in the reader schema and
 * Avro's detail message. Results are memoized per (reader, writer) node pair, which also ends recursion.
 */
import { aliasesOf, typeLabel, type AvroField, type AvroNamed, type AvroRecord, type AvroSchema } from './avro-schema.js';

export type AvroIncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface AvroIncompatibility {
  readonly type: AvroIncompatibilityType;
  /** A JSON pointer into the reader schema, e.g. `/fields/1/type`. */
  readonly location: string;
  readonly message: string;
}

interface Result {
  readonly state: 'COMPATIBLE' | 'INCOMPATIBLE' | 'RECURSION_IN_PROGRESS';
  readonly incompatibilities: readonly AvroIncompatibility[];
}

const COMPATIBLE: Result = { state: 'COMPATIBLE', incompatibilities: [] };
const IN_PROGRESS: Result = { state: 'RECURSION_IN_PROGRESS', incompatibilities: [] };

function merged(a: Result, b: Result): Result {
  if (b.incompatibilities.length === 0 && a.state !== 'COMPATIBLE') return a;
  return {
    state: a.state === 'COMPATIBLE' ? b.state : 'INCOMPATIBLE',
    incompatibilities: [...a.incompatibilities, ...b.incompatibilities],
  };
}

/** `location` holds the reference tokens from the root (whose token is ""), as Java's reversed deque. */
function pointer(location: readonly string[]): string {
  return `/${location
    .slice(1)
    .map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}

function incompatible(type: AvroIncompatibilityType, message: string, location: readonly string[]): Result {
  return { state: 'INCOMPATIBLE', incompatibilities: [{ type, location: pointer(location), message }] };
}

export function avroIncompatibilities(reader: AvroSchema, writer: AvroSchema): AvroIncompatibility[] {
  return [...new ReaderWriterChecker().check('', reader, writer, []).incompatibilities];
}

/** Java's `lookupWriterField`: the writer field named like the reader field or one of its aliases. */
function lookupWriterField(writer: AvroRecord, readerField: AvroField): AvroField | undefined {
  const hits: AvroField[] = [];
  const direct = writer.fields.find((f) => f.name === readerField.name);
  if (direct) hits.push(direct);
  for (const alias of readerField.aliases) {
    const f = writer.fields.find((g) => g.name === alias);
    if (f) hits.push(f);
  }
  if (hits.length > 1) {
    throw new Error(`Reader record field ${readerField.name} matches multiple fields in writer record schema ${writer.name.full}`);
  }
  return hits[0];
}

/** Java's `schemaNameEquals`: simple names equal, or a reader alias names the writer's full name. */
function schemaNameEquals(reader: AvroNamed, writer: AvroNamed): boolean {
  return reader.name.name === writer.name.name || aliasesOf(reader).includes(writer.name.full);
}

class ReaderWriterChecker {
  private readonly memo = new Map<AvroSchema, Map<AvroSchema, Result>>();

  /** Java's public two-argument `getCompatibility`: a fresh location, the shared memo. */
  private fresh(reader: AvroSchema, writer: AvroSchema): Result {
    return this.check('', reader, writer, []);
  }

  check(token: string, reader: AvroSchema, writer: AvroSchema, location: string[]): Result {
    location.push(token);
    let byWriter = this.memo.get(reader);
    if (!byWriter) this.memo.set(reader, (byWriter = new Map()));
    let result = byWriter.get(writer);
    if (result !== undefined) {
      if (result.state === 'RECURSION_IN_PROGRESS') result = COMPATIBLE;
    } else {
      byWriter.set(writer, IN_PROGRESS);
      result = this.calculate(reader, writer, location);
      byWriter.set(writer, result);
    }
    location.pop();
    return result;
  }

  private typeMismatch(reader: AvroSchema, writer: AvroSchema, location: string[]): Result {
    return incompatible(
      'TYPE_MISMATCH',
      `reader type: ${typeLabel(reader)} not compatible with writer type: ${typeLabel(writer)}`,
      location,
    );
  }

  private calculate(reader: AvroSchema, writer: AvroSchema, location: string[]): Result {
    let result = COMPATIBLE;
    if (reader.type === writer.type) {
      switch (reader.type) {
        case 'array':
          return merged(result, this.check('items', reader.items, (writer as typeof reader).items, location));
        case 'map':
          return merged(result, this.check('values', reader.values, (writer as typeof reader).values, location));
        case 'fixed': {
          const w = writer as typeof reader;
          result = merged(result, this.checkNames(reader, w, location));
          return merged(result, this.checkFixedSize(reader, w, location));
        }
        case 'enum': {
          const w = writer as typeof reader;
          result = merged(result, this.checkNames(reader, w, location));
          return merged(result, this.checkEnumSymbols(reader, w, location));
        }
        case 'record': {
          const w = writer as typeof reader;
          result = merged(result, this.checkNames(reader, w, location));
          return merged(result, this.checkRecordFields(reader, w, location));
        }
        case 'union': {
          (writer as typeof reader).types.forEach((writerBranch, i) => {
            location.push(String(i));
            if (this.fresh(reader, writerBranch).state === 'INCOMPATIBLE') {
              result = merged(
                result,
                incompatible('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeLabel(writerBranch)}`, location),
              );
            }
            location.pop();
          });
          return result;
        }
        default:
          return result;
      }
    }
    // A reader that can read every branch of a writer union can read the union.
    if (writer.type === 'union') {
      writer.types.forEach((branch, i) => {
        result = merged(result, this.check(String(i), reader, branch, location));
      });
      return result;
    }
    switch (reader.type) {
      case 'long':
        return writer.type === 'int' ? result : merged(result, this.typeMismatch(reader, writer, location));
      case 'float':
        return writer.type === 'int' || writer.type === 'long' ? result : merged(result, this.typeMismatch(reader, writer, location));
      case 'double':
        return writer.type === 'int' || writer.type === 'long' || writer.type === 'float'
          ? result
          : merged(result, this.typeMismatch(reader, writer, location));
      case 'bytes':
        return writer.type === 'string' ? result : merged(result, this.typeMismatch(reader, writer, location));
      case 'string':
        return writer.type === 'bytes' ? result : merged(result, this.typeMismatch(reader, writer, location));
      case 'union': {
        for (const branch of reader.types) {
          if (this.fresh(branch, writer).state === 'COMPATIBLE') return result;
        }
        return merged(
          result,
          incompatible('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeLabel(writer)}`, location),
        );
      }
      default:
        return merged(result, this.typeMismatch(reader, writer, location));
    }
  }

  private checkRecordFields(reader: AvroRecord, writer: AvroRecord, location: string[]): Result {
    let result = COMPATIBLE;
    location.push('fields');
    for (const readerField of reader.fields) {
      location.push(String(readerField.pos));
      const writerField = lookupWriterField(writer, readerField);
      if (writerField === undefined) {
        if (readerField.defaultValue === undefined) {
          const s = readerField.schema;
          if (s.type === 'enum' && s.enumDefault !== undefined) {
            result = merged(result, this.check('type', s, writer, location));
          } else {
            result = merged(result, incompatible('READER_FIELD_MISSING_DEFAULT_VALUE', readerField.name, location));
          }
        }
      } else {
        result = merged(result, this.check('type', readerField.schema, writerField.schema, location));
      }
      location.pop();
    }
    location.pop();
    return result;
  }

  private checkEnumSymbols(reader: AvroNamed & { type: 'enum' }, writer: AvroNamed & { type: 'enum' }, location: string[]): Result {
    let result = COMPATIBLE;
    location.push('symbols');
    const missing = [...new Set(writer.symbols)].filter((s) => !reader.symbols.includes(s)).sort(javaStringCompare);
    if (missing.length > 0 && !(reader.enumDefault !== undefined && reader.symbols.includes(reader.enumDefault))) {
      result = incompatible('MISSING_ENUM_SYMBOLS', `[${missing.join(', ')}]`, location);
    }
    location.pop();
    return result;
  }

  private checkFixedSize(reader: AvroNamed & { type: 'fixed' }, writer: AvroNamed & { type: 'fixed' }, location: string[]): Result {
    let result = COMPATIBLE;
    location.push('size');
    if (reader.size !== writer.size) {
      result = incompatible('FIXED_SIZE_MISMATCH', `expected: ${writer.size}, found: ${reader.size}`, location);
    }
    location.pop();
    return result;
  }

  private checkNames(reader: AvroNamed, writer: AvroNamed, location: string[]): Result {
    let result = COMPATIBLE;
    location.push('name');
    if (!schemaNameEquals(reader, writer)) {
      result = incompatible('NAME_MISMATCH', `expected: ${writer.name.full}`, location);
    }
    location.pop();
    return result;
  }
}

/** Java's `String.compareTo` (UTF-16 code units), the order of the TreeSet of missing symbols. */
function javaStringCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
