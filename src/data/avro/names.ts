/** Confluent's AvroData names and properties, and the name rules of Java Avro and `scrub.invalid.names`. */
import { DataException } from '../errors.js';

export const AVRO_NAMESPACE = 'io.confluent.connect.avro';
export const DEFAULT_SCHEMA_NAME = 'ConnectDefault';
export const DEFAULT_SCHEMA_FULL_NAME = `${AVRO_NAMESPACE}.${DEFAULT_SCHEMA_NAME}`;
export const MAP_ENTRY_TYPE_NAME = 'MapEntry';
export const KEY_FIELD = 'key';
export const VALUE_FIELD = 'value';

export const CONNECT_NAME_PROP = 'connect.name';
export const CONNECT_DOC_PROP = 'connect.doc';
export const CONNECT_RECORD_DOC_PROP = 'connect.record.doc';
export const CONNECT_ENUM_DOC_PROP = 'connect.enum.doc';
export const CONNECT_VERSION_PROP = 'connect.version';
export const CONNECT_DEFAULT_VALUE_PROP = 'connect.default';
export const CONNECT_PARAMETERS_PROP = 'connect.parameters';
export const CONNECT_INTERNAL_TYPE_NAME = 'connect.internal.type';
export const CONNECT_TYPE_PROP = 'connect.type';
export const AVRO_RECORD_DOC_PROP = `${AVRO_NAMESPACE}.record.doc`;
export const AVRO_ENUM_DOC_PREFIX_PROP = `${AVRO_NAMESPACE}.enum.doc.`;
export const AVRO_FIELD_DOC_PREFIX_PROP = `${AVRO_NAMESPACE}.field.doc.`;
/** Marks a Connect default that came from an Avro field default (so it goes back there, not into connect.default). */
export const AVRO_FIELD_DEFAULT_FLAG_PROP = `${AVRO_NAMESPACE}.field.default`;
export const AVRO_ENUM_DEFAULT_PREFIX_PROP = `${AVRO_NAMESPACE}.enum.default.`;
export const AVRO_TYPE_UNION = `${AVRO_NAMESPACE}.Union`;
export const AVRO_TYPE_ENUM = `${AVRO_NAMESPACE}.Enum`;
export const AVRO_TYPE_ANYTHING = `${AVRO_NAMESPACE}.Anything`;
/** `generalized.sum.type.support`: Confluent's cross-format union and enum parameters. */
export const GENERALIZED_TYPE_UNION = 'org.apache.kafka.connect.data.Union';
export const GENERALIZED_TYPE_ENUM = 'org.apache.kafka.connect.data.Enum';
export const GENERALIZED_TYPE_UNION_PREFIX = 'connect_union_';
export const GENERALIZED_TYPE_UNION_FIELD_PREFIX = `${GENERALIZED_TYPE_UNION_PREFIX}field_`;
export const CONNECT_TYPE_INT8 = 'int8';
export const CONNECT_TYPE_INT16 = 'int16';
export const AVRO_PROP = 'avro';
export const AVRO_LOGICAL_TYPE_PROP = 'logicalType';
export const AVRO_LOGICAL_DECIMAL = 'decimal';
export const AVRO_LOGICAL_DATE = 'date';
export const AVRO_LOGICAL_TIME_MILLIS = 'time-millis';
export const AVRO_LOGICAL_TIMESTAMP_MILLIS = 'timestamp-millis';
export const AVRO_LOGICAL_DECIMAL_SCALE_PROP = 'scale';
export const AVRO_LOGICAL_DECIMAL_PRECISION_PROP = 'precision';
export const CONNECT_AVRO_FIXED_SIZE_PROP = 'connect.fixed.size';
export const CONNECT_AVRO_DECIMAL_PRECISION_PROP = 'connect.decimal.precision';
export const CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT = 64;

/** Java's `String.split("\\.")`: trailing empty strings dropped. */
function javaSplitDots(s: string): string[] {
  const parts = s.split('.');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function isPlainNameChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

const URL_SAFE = /[A-Za-z0-9.\-*_]/;

/** Java's `URLEncoder.encode(s, "UTF-8")`. */
function javaUrlEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (URL_SAFE.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** AvroData's `doScrubName`: URL-encode, prefix a leading digit with `x`, then every other character becomes `_`. */
export function scrubName(name: string): string {
  if (name === '') return name;
  let ok = true;
  for (let i = 0; i < name.length && ok; i++) ok = isPlainNameChar(name.charCodeAt(i));
  const first = name.charCodeAt(0);
  if (ok && !(first >= 48 && first <= 57)) return name;
  let encoded = javaUrlEncode(name);
  if (encoded.charCodeAt(0) >= 48 && encoded.charCodeAt(0) <= 57) encoded = `x${encoded}`;
  let out = '';
  for (let i = 0; i < encoded.length; i++) out += isPlainNameChar(encoded.charCodeAt(i)) ? encoded[i] : '_';
  return out;
}

export function maybeScrub(name: string, scrub: boolean): string {
  return scrub ? scrubName(name) : name;
}

/** AvroData's `splitName`: [namespace or null, name], every part scrubbed when `scrub` is on. */
export function splitName(fullName: string, scrub: boolean): [string | null, string] {
  if (fullName === '') return [null, fullName];
  const parts = javaSplitDots(fullName).map((p) => maybeScrub(p, scrub));
  if (parts.length === 0) throw new DataException(`invalid schema name '${fullName}'`);
  if (parts.length === 1) return [null, parts[0]!];
  return [parts.slice(0, -1).join('.'), parts[parts.length - 1]!];
}

export function scrubFullName(name: string | undefined, scrub: boolean): string | undefined {
  if (name === undefined || !scrub) return name;
  const [ns, n] = splitName(name, scrub);
  return ns === null ? n : `${ns}.${n}`;
}

const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

/** Java Avro's default name check (`NameValidator.UTF_VALIDATOR`), UTF-16 unit by unit as `Character.isLetter` does. */
export function validateAvroName(name: string, what = 'name'): string {
  const bad = (why: string): never => {
    throw new DataException(`invalid Avro ${what} '${name}': ${why}`);
  };
  if (name.length === 0) bad('empty name');
  const first = name[0]!;
  if (!(first === '_' || LETTER.test(first))) bad('illegal initial character');
  for (let i = 1; i < name.length; i++) {
    const c = name[i]!;
    if (!(c === '_' || LETTER_OR_DIGIT.test(c))) bad('illegal character');
  }
  return name;
}
