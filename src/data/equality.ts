import { BigDecimal } from './big-decimal.js';
import type { Schema } from './schema.js';
import { Struct } from './struct.js';

/** Structural schema equality, as Connect's `ConnectSchema.equals` (every property, fields in order). */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (
    a.type !== b.type || a.optional !== b.optional || a.name !== b.name || a.version !== b.version ||
    a.doc !== b.doc || a.fields.length !== b.fields.length
  ) return false;
  if (!parametersEqual(a.parameters, b.parameters)) return false;
  if (!schemaEquals(a.keySchema, b.keySchema) || !schemaEquals(a.valueSchema, b.valueSchema)) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const fa = a.fields[i]!;
    const fb = b.fields[i]!;
    if (fa.name !== fb.name || !schemaEquals(fa.schema, fb.schema)) return false;
  }
  return valueEquals(a.defaultValue, b.defaultValue);
}

function parametersEqual(a: ReadonlyMap<string, string> | undefined, b: ReadonlyMap<string, string> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  if (!a || !b) return true;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/**
 * Deep equality of Connect values: bytes by content, maps and plain objects by entries, structs by schema
 * and fields, dates by time, decimals by value and scale; an INT64 held as number equals the same bigint.
 */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') &&
      Number.isInteger(Number(a)) && Number.isInteger(Number(b)) && BigInt(a as number) === BigInt(b as number);
  }
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof BigDecimal) return a.equals(b);
  if (a instanceof Struct || b instanceof Struct) {
    return a instanceof Struct && b instanceof Struct && a.equals(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i], b[i])) return false;
    return true;
  }
  const ea = entriesOf(a);
  const eb = entriesOf(b);
  if (!ea || !eb || ea.length !== eb.length) return false;
  // Keys may be values themselves (non-string map keys): match each entry of a to one of b.
  const used = new Array<boolean>(eb.length).fill(false);
  outer: for (const [ka, va] of ea) {
    for (let j = 0; j < eb.length; j++) {
      if (!used[j] && valueEquals(ka, eb[j]![0]) && valueEquals(va, eb[j]![1])) {
        used[j] = true;
        continue outer;
      }
    }
    return false;
  }
  return true;
}

function entriesOf(v: object): [unknown, unknown][] | undefined {
  if (v instanceof Map) return [...v.entries()];
  if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) return Object.entries(v);
  return undefined;
}
