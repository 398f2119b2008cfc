import { BigDecimal } from './big-decimal.js';
import { Decimal, LogicalDate, LogicalTime, LogicalTimestamp } from './logical.js';
import { Schema } from './schema.js';
import { validateValue } from './validate.js';

export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** An ordered multimap of headers (Connect's `ConnectHeaders`): duplicates allowed, insertion order kept. */
export class Headers implements Iterable<Header> {
  #items: Header[];

  constructor(items?: Iterable<Header>) {
    this.#items = items ? [...items] : []; // every record has Headers, most of them none: one array, not two
  }

  get size(): number {
    return this.#items.length;
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.#items[Symbol.iterator]();
  }

  /** Adds a header; a schema'd value is validated. */
  add(key: string, value: unknown, schema: Schema | null = null): this {
    if (schema) validateValue(schema, value, `header ${key}`);
    this.#items.push(Object.freeze({ key, schema, value: value ?? null }));
    return this;
  }
  addHeader(header: Header): this {
    return this.add(header.key, header.value, header.schema);
  }
  addString(key: string, value: string | null): this { return this.add(key, value, Schema.OPTIONAL_STRING); }
  addBoolean(key: string, value: boolean): this { return this.add(key, value, Schema.BOOLEAN); }
  addByte(key: string, value: number): this { return this.add(key, value, Schema.INT8); }
  addShort(key: string, value: number): this { return this.add(key, value, Schema.INT16); }
  addInt(key: string, value: number): this { return this.add(key, value, Schema.INT32); }
  addLong(key: string, value: number | bigint): this { return this.add(key, value, Schema.INT64); }
  addFloat(key: string, value: number): this { return this.add(key, value, Schema.FLOAT32); }
  addDouble(key: string, value: number): this { return this.add(key, value, Schema.FLOAT64); }
  addBytes(key: string, value: Uint8Array): this { return this.add(key, value, Schema.BYTES); }
  addDecimal(key: string, value: BigDecimal): this { return this.add(key, value, Decimal.schema(value.scale)); }
  addDate(key: string, value: Date): this { return this.add(key, value, LogicalDate.schema()); }
  addTime(key: string, value: Date): this { return this.add(key, value, LogicalTime.schema()); }
  addTimestamp(key: string, value: Date): this { return this.add(key, value, LogicalTimestamp.schema()); }

  allWithName(key: string): Header[] {
    return this.#items.filter((h) => h.key === key);
  }
  lastWithName(key: string): Header | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) if (this.#items[i]!.key === key) return this.#items[i];
    return undefined;
  }
  remove(key: string): this {
    this.#items = this.#items.filter((h) => h.key !== key);
    return this;
  }
  /** Keeps only the last header of each key (or of the given key). */
  retainLatest(key?: string): this {
    const lastIndex = new Map<string, number>();
    this.#items.forEach((h, i) => lastIndex.set(h.key, i));
    this.#items = this.#items.filter((h, i) => (key !== undefined && h.key !== key) || lastIndex.get(h.key) === i);
    return this;
  }
  clear(): this {
    this.#items = [];
    return this;
  }
  duplicate(): Headers {
    return new Headers(this.#items);
  }
  /** Replaces each header by what `fn` returns (null removes it). */
  apply(fn: (h: Header) => Header | null): this {
    this.#items = this.#items.map(fn).filter((h): h is Header => h !== null);
    return this;
  }
  toArray(): readonly Header[] {
    return this.#items;
  }
}
