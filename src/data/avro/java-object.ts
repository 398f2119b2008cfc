/**
 * The Java objects Java Avro hands to AvroData for JSON found in a schema: Jackson's `JacksonUtils.toObject`
 * (field defaults, read for the field's schema; properties, read without one) and their `toString()`.
 */
import { javaDoubleToString, javaFloatToString } from '../java-numbers.js';
import { JsonNumber, type Json } from './json.js';
import type { AvroNode } from './schema-node.js';

export type JavaObject =
  | { readonly t: 'null' } // JsonProperties.NULL_VALUE
  | { readonly t: 'int' | 'float' | 'double'; readonly v: number }
  | { readonly t: 'long'; readonly v: number | bigint }
  | { readonly t: 'boolean'; readonly v: boolean }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'bytes'; readonly v: Uint8Array }
  | { readonly t: 'list'; readonly v: readonly (JavaObject | undefined)[] }
  | { readonly t: 'map'; readonly v: ReadonlyMap<string, JavaObject | undefined> };

export const NULL_VALUE: JavaObject = { t: 'null' };

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** `JacksonUtils.toObject(node, schema)`; undefined is Java's null (a value the schema cannot take). */
export function toJavaObject(j: Json, node?: AvroNode): JavaObject | undefined {
  if (j === null) return NULL_VALUE;
  if (node?.type === 'union') {
    for (const t of node.types) {
      if (t.type === 'null') continue;
      const o = toJavaObject(j, t);
      if (o !== undefined) return o;
    }
    return undefined;
  }
  const type = node?.type;
  if (typeof j === 'boolean') return { t: 'boolean', v: j };
  if (j instanceof JsonNumber) {
    if (j.kind === 'int' || j.kind === 'long') {
      if (type === undefined) return j.kind === 'int' ? { t: 'int', v: Number(j.value) } : { t: 'long', v: j.value };
      if (type === 'int') return j.fitsInt() ? { t: 'int', v: Number(j.value) } : { t: 'long', v: j.value };
      if (type === 'long') return { t: 'long', v: j.value };
      if (type === 'float') return { t: 'float', v: Math.fround(Number(j.value)) };
      if (type === 'double') return { t: 'double', v: Number(j.value) };
      return undefined;
    }
    if (j.kind === 'float' || j.kind === 'double') {
      const d = j.kind === 'float' ? Math.fround(Number(j.value)) : Number(j.value);
      if (type === undefined || type === 'double') return { t: 'double', v: d };
      if (type === 'float') return { t: 'float', v: Math.fround(d) };
    }
    return undefined;
  }
  if (typeof j === 'string') {
    if (type === undefined || type === 'string' || type === 'enum') return { t: 'string', v: j };
    if (type === 'bytes' || type === 'fixed') return { t: 'bytes', v: latin1Bytes(j) };
    return undefined;
  }
  if (Array.isArray(j)) {
    if (node !== undefined && node.type !== 'array') throw new Error(`Not an array: ${node.type}`);
    return { t: 'list', v: j.map((e) => toJavaObject(e, node?.items)) };
  }
  const out = new Map<string, JavaObject | undefined>();
  for (const [k, v] of j) {
    let s: AvroNode | undefined;
    if (node?.type === 'map') s = node.values;
    else if (node?.type === 'record') {
      const f = node.fields.find((x) => x.name === k);
      if (!f) throw new Error(`No field ${k} in record ${node.name}`);
      s = f.type;
    }
    out.set(k, toJavaObject(v, s));
  }
  return { t: 'map', v: out };
}

/** `JacksonUtils.toJsonNode(toObject(node))`: the JSON a property holds once Java has read it (floats as doubles). */
export function normalizedJson(j: Json): Json | undefined {
  const o = toJavaObject(j);
  return o === undefined ? undefined : javaObjectToJson(o);
}

function javaObjectToJson(o: JavaObject | undefined): Json {
  if (o === undefined) return null;
  switch (o.t) {
    case 'null':
      return null;
    case 'int':
      return JsonNumber.int(o.v);
    case 'long':
      return JsonNumber.long(o.v);
    case 'float':
      return JsonNumber.float(o.v);
    case 'double':
      return JsonNumber.double(o.v);
    case 'boolean':
    case 'string':
      return o.v;
    case 'bytes': {
      let text = '';
      for (const b of o.v) text += String.fromCharCode(b);
      return text;
    }
    case 'list':
      return o.v.map(javaObjectToJson);
    case 'map':
      return new Map([...o.v].map(([k, v]) => [k, javaObjectToJson(v)]));
  }
}

/** The Java object's `toString()` (Confluent copies `avro*` properties into Connect parameters with it). */
export function javaToString(o: JavaObject | undefined): string {
  if (o === undefined) return 'null';
  switch (o.t) {
    case 'null':
      return 'null';
    case 'int':
    case 'long':
      return String(o.v);
    case 'float':
      return javaFloatToString(o.v);
    case 'double':
      return javaDoubleToString(o.v);
    case 'boolean':
      return o.v ? 'true' : 'false';
    case 'string':
      return o.v;
    case 'bytes':
      return `[B@${o.v.length}`;
    case 'list':
      return `[${o.v.map(javaToString).join(', ')}]`;
    case 'map':
      return `{${[...o.v].map(([k, v]) => `${k}=${javaToString(v)}`).join(', ')}}`;
  }
}
