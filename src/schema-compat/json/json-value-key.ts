/**
 * A key under which two JSON values are equal exactly when the Java values Confluent compares are `equals`:
 * integers by value, decimals as BigDecimal (scale matters: 1.0 is not 1.00), objects regardless of member order.
 */
import { isJsonObject, jacksonString, JsonNumber, type JsonValue } from '../json-text.js';
import { javaBigDecimalToString } from '../java-numbers.js';

export function javaValueKey(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return jacksonString(v);
  if (v instanceof JsonNumber) {
    if (v.isIntegral && /^-?\d+$/.test(v.literal)) return `i${BigInt(v.literal).toString()}`;
    return `d${javaBigDecimalToString(v.literal)}`;
  }
  if (Array.isArray(v)) return `[${v.map(javaValueKey).join(',')}]`;
  if (isJsonObject(v)) {
    const entries = [...v].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${jacksonString(k)}:${javaValueKey(x)}`).join(',')}}`;
  }
  return String(v);
}
