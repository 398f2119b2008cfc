/**
 * Reads the offsets file of Kafka Connect's standalone worker: `FileOffsetBackingStore.save()` writes one
 * `java.util.HashMap<byte[], byte[]>` with `ObjectOutputStream.writeObject` (Java's serialization stream format,
 * "Object Serialization Stream Protocol"). The keys and values are the same bytes Kafka Connect writes to an
 * offsets topic (`["<connector>",{partition}]` → offset JSON; a null value is a deleted offset).
 *
 * Only what that one call writes is understood: a HashMap (its class descriptor, the loadFactor/threshold fields,
 * then block data with the bucket count and size) whose keys and values are byte arrays or null. Anything else is
 * refused with what was found.
 */

/** Java's serialization stream starts with these four bytes (STREAM_MAGIC, STREAM_VERSION). */
export const JAVA_SERIALIZATION_MAGIC = Buffer.from([0xac, 0xed, 0x00, 0x05]);

const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_BLOCKDATALONG = 0x7a;
const BASE_WIRE_HANDLE = 0x7e0000;
const PRIMITIVE_SIZES: Readonly<Record<string, number>> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };

export class JavaOffsetsFormatError extends Error {
  override readonly name = 'JavaOffsetsFormatError';
}

interface ClassDesc {
  readonly name: string;
  readonly fields: ReadonlyArray<{ readonly type: string; readonly name: string }>;
  readonly superDesc: ClassDesc | null;
}

type Handle = ClassDesc | Buffer | string | 'object';

export function isJavaSerialized(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).equals(JAVA_SERIALIZATION_MAGIC);
}

/** The entries of a Java-serialized HashMap<byte[], byte[]>, in the stream's order. */
export function readJavaByteArrayMap(bytes: Uint8Array): Array<[Buffer | null, Buffer | null]> {
  return new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).byteArrayMap();
}

class Reader {
  #pos = 0;
  readonly #handles: Handle[] = [];
  constructor(readonly buf: Buffer) {}

  byteArrayMap(): Array<[Buffer | null, Buffer | null]> {
    if (!isJavaSerialized(this.buf)) throw this.#error('not a Java serialization stream');
    this.#pos = 4;
    this.#expect(TC_OBJECT, 'an object');
    const desc = this.#classDesc();
    if (desc?.name !== 'java.util.HashMap') throw this.#error(`a serialized ${desc?.name ?? 'null'}, not a java.util.HashMap`);
    this.#handles.push('object');
    for (const d of chain(desc)) for (const f of d.fields) this.#skipField(f.type, f.name);
    // HashMap.writeObject: the bucket count and the size in block data, then key, value, key, value, …
    const block = this.#u8();
    const blockLength = block === TC_BLOCKDATA ? this.#u8() : block === TC_BLOCKDATALONG ? this.#i32() : -1;
    if (blockLength < 8) throw this.#error('a HashMap without its bucket count and size');
    this.#i32();
    const size = this.#i32();
    this.#pos += blockLength - 8;
    if (size < 0) throw this.#error(`a negative map size ${size}`);
    const entries: Array<[Buffer | null, Buffer | null]> = [];
    for (let i = 0; i < size; i++) entries.push([this.#byteArrayOrNull('key'), this.#byteArrayOrNull('value')]);
    this.#expect(TC_ENDBLOCKDATA, 'the end of the map');
    return entries;
  }

  #byteArrayOrNull(what: string): Buffer | null {
    const tc = this.#u8();
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const h = this.#handle();
      if (Buffer.isBuffer(h)) return h;
      throw this.#error(`a map ${what} that refers to something other than a byte array`);
    }
    if (tc !== TC_ARRAY) throw this.#error(`a map ${what} that is not a byte array (type code 0x${tc.toString(16)})`);
    const desc = this.#classDesc();
    if (desc?.name !== '[B') throw this.#error(`a map ${what} of type ${desc?.name ?? 'null'}, not byte[]`);
    const length = this.#i32();
    if (length < 0 || this.#pos + length > this.buf.length) throw this.#error(`a byte array of length ${length} past the end`);
    const value = Buffer.from(this.buf.subarray(this.#pos, this.#pos + length));
    this.#pos += length;
    this.#handles.push(value);
    return value;
  }

  #classDesc(): ClassDesc | null {
    const tc = this.#u8();
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const h = this.#handle();
      if (typeof h === 'object' && !Buffer.isBuffer(h)) return h;
      throw this.#error('a class descriptor reference to something else');
    }
    if (tc !== TC_CLASSDESC) throw this.#error(`a class descriptor of type code 0x${tc.toString(16)} (proxy classes are not offsets)`);
    const name = this.#utf();
    this.#pos += 8; // serialVersionUID
    const handle = this.#handles.length;
    this.#handles.push('object');
    this.#u8(); // flags
    const count = this.#u16();
    const fields: Array<{ type: string; name: string }> = [];
    for (let i = 0; i < count; i++) {
      const type = String.fromCharCode(this.#u8());
      const fieldName = this.#utf();
      if (type === 'L' || type === '[') this.#stringObject();
      fields.push({ type, name: fieldName });
    }
    this.#expect(TC_ENDBLOCKDATA, 'the end of a class annotation');
    const desc: ClassDesc = { name, fields, superDesc: this.#classDesc() };
    this.#handles[handle] = desc;
    return desc;
  }

  #stringObject(): string {
    const tc = this.#u8();
    if (tc === TC_REFERENCE) {
      const h = this.#handle();
      if (typeof h === 'string') return h;
      throw this.#error('a field type reference to something other than a string');
    }
    if (tc !== TC_STRING) throw this.#error(`a field type of type code 0x${tc.toString(16)}`);
    const s = this.#utf();
    this.#handles.push(s);
    return s;
  }

  #skipField(type: string, name: string): void {
    const size = PRIMITIVE_SIZES[type];
    if (size === undefined) throw this.#error(`a HashMap with an object field ${name}`);
    this.#pos += size;
  }

  #handle(): Handle {
    const h = this.#handles[this.#i32() - BASE_WIRE_HANDLE];
    if (h === undefined) throw this.#error('a reference to nothing');
    return h;
  }

  #expect(tc: number, what: string): void {
    const got = this.#u8();
    if (got !== tc) throw this.#error(`type code 0x${got.toString(16)} where ${what} belongs`);
  }

  #need(n: number): void {
    if (this.#pos + n > this.buf.length) throw this.#error('the stream ends early');
  }
  #u8(): number {
    this.#need(1);
    return this.buf[this.#pos++]!;
  }
  #u16(): number {
    this.#need(2);
    const v = this.buf.readUInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }
  #i32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  #utf(): string {
    const length = this.#u16();
    this.#need(length);
    // Java's modified UTF-8 differs from UTF-8 only for U+0000 and supplementary characters: not in class names.
    const s = this.buf.toString('utf8', this.#pos, this.#pos + length);
    this.#pos += length;
    return s;
  }
  #error(found: string): JavaOffsetsFormatError {
    return new JavaOffsetsFormatError(`Java serialization stream: ${found} at byte ${this.#pos}`);
  }
}

function* chain(desc: ClassDesc): Generator<ClassDesc> {
  // Field values come superclass first.
  const all: ClassDesc[] = [];
  for (let d: ClassDesc | null = desc; d; d = d.superDesc) all.unshift(d);
  yield* all;
}
