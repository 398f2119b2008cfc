/**
 * Name handling as Confluent's ProtobufData and ProtobufSchema do it: scrubbing invalid characters
 * (scrub.invalid.names), splitting a Connect name into package and message, and the map entry names protoc
 * and Guava's CaseFormat give (`my_map` ↔ `MyMapEntry`).
 */
import { DataException } from '../../data/index.js';
import { MAP_ENTRY_SUFFIX } from './connect-names.js';

const isWordChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
/** What java.net.URLEncoder leaves alone. */
const URL_SAFE = /[A-Za-z0-9.\-*_]/;

/** ProtobufData.doScrubName: URL-encodes, prefixes an `x` before a leading digit or `_`, then maps the rest to `_`. */
export function scrubName(name: string): string {
  if (name === '') return name;
  const ok = [...name].every(isWordChar) && !isDigit(name[0]!) && name[0] !== '_';
  if (ok) return name;
  let encoded = urlEncode(name);
  if (isDigit(encoded[0]!) || encoded[0] === '_') encoded = `x${encoded}`;
  return [...encoded].map((c) => (isWordChar(c) ? c : '_')).join('');
}

function urlEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (URL_SAFE.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** ProtobufData.splitName: `com.acme.Order` → package `com.acme`, message `Order` (each part scrubbed when asked). */
export function splitName(fullName: string, scrub: (s: string) => string): { namespace: string | undefined; name: string } {
  const parts = javaSplit(fullName, '.').map(scrub);
  if (parts.length === 0) throw new DataException(`'${fullName}' is not a valid Protobuf message name`);
  if (parts.length === 1) return { namespace: undefined, name: parts[0]! };
  return { namespace: parts.slice(0, -1).join('.'), name: parts[parts.length - 1]! };
}

/** The last dotted part of a name. */
export function lastPart(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** ProtobufSchema.toMapEntry: `my_map` → `MyMapEntry`, `tags` → `tagsEntry` (only names with `_` are camel-cased). */
export function toMapEntry(name: string): string {
  return (name.includes('_') ? lowerUnderscoreToUpperCamel(name) : name) + MAP_ENTRY_SUFFIX;
}

/** ProtobufSchema.toMapField: `pkg.MyMapEntry` → `pkg.my_map`. */
export function toMapField(name: string): string {
  const parts = javaSplit(name, '.');
  const last = parts[parts.length - 1] ?? '';
  if (last.endsWith(MAP_ENTRY_SUFFIX)) {
    parts[parts.length - 1] = upperCamelToLowerUnderscore(last.slice(0, -MAP_ENTRY_SUFFIX.length));
  }
  return parts.join('.');
}

const asciiUpper = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const firstCharOnlyToUpper = (w: string): string => (w === '' ? w : asciiUpper(w[0]!) + asciiLower(w.slice(1)));

/** Guava's CaseFormat.LOWER_UNDERSCORE.to(UPPER_CAMEL, s). */
function lowerUnderscoreToUpperCamel(s: string): string {
  return s.split('_').map(firstCharOnlyToUpper).join('');
}

/** Guava's CaseFormat.UPPER_CAMEL.to(LOWER_UNDERSCORE, s): a word starts at each ASCII capital. */
function upperCamelToLowerUnderscore(s: string): string {
  const words: string[] = [];
  let start = 0;
  for (let i = 1; i < s.length; i++) {
    if (s[i]! >= 'A' && s[i]! <= 'Z') {
      words.push(s.slice(start, i));
      start = i;
    }
  }
  words.push(s.slice(start));
  return words.map(asciiLower).join('_');
}
