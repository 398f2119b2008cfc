/**
 * The schema text Confluent registers for a JSON Schema built by JsonSchemaData: everit's `Schema.toString()`
 * (ToStringVisitor: its key order, org.json's printing of maps and numbers) read back and written again by
 * Jackson (JsonSchema.canonicalString), compact.
 *
 * Key order follows Java's HashMaps where everit and org.json keep one: properties, the `connect.*` keywords,
 * `connect.parameters`, enum values, object defaults (see java-hash-order.ts).
 */
import { BigDecimal, DataException } from '../../data/index.js';
import { javaBigDecimalToString } from '../json/java-format.js';
import { copiedHashMapOrder, hashMapOrder, sizedHashMapOrder } from './java-hash-order.js';
import { JNumber, type OJson, type OObject } from './ordered-json.js';
import type { SchemaNode } from './schema-node.js';

/** The canonical text of an everit schema built from a Connect schema. */
export function canonicalSchemaText(node: SchemaNode): string {
  return printSchema(node);
}

const HEX = '0123456789ABCDEF';

/** A string literal as Jackson's character-based generator writes it (canonicalString is a Java String). */
function quote(s: string): string {
  if (!/["\\\u0000-\u001f]/.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return `${out}"`;
}

/**
 * A Java number as it ends up in the canonical text: org.json's `numberToString` drops trailing fraction zeros
 * (`12.0` → `12`), then Jackson reads integers as integers and everything else as an exact BigDecimal
 * (USE_BIG_DECIMAL_FOR_FLOATS) and prints `BigDecimal.toString()` (`1.0E10` → `1.0E+10`, `1.0E-5` → `0.000010`).
 */
function printNumber(javaText: string): string {
  let t = javaText;
  if (t.indexOf('.') > 0 && !/[eE]/.test(t)) {
    t = t.replace(/0+$/, '');
    if (t.endsWith('.')) t = t.slice(0, -1);
  }
  if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(t)) {
    throw new DataException(`Invalid default value: JSON does not allow the number ${javaText}`);
  }
  return /[.eE]/.test(t) ? javaBigDecimalToString(BigDecimal.parse(t)) : BigInt(t).toString();
}

type KeyOrder = (keys: string[]) => string[];

/** `new JSONObject(map)`: a HashMap sized to the map, filled in the map's own (HashMap) iteration order. */
const jsonObjectOfMap: KeyOrder = (keys) => sizedHashMapOrder(hashMapOrder(keys), keys.length);
/** A JSONObject built one `put` at a time (Jackson's JSONObjectDeserializer): a default HashMap. */
const jsonObjectPutByPut: KeyOrder = (keys) => hashMapOrder(keys);

/** An org.json value as org.json prints it, then as Jackson writes it again. */
function printValue(v: OJson, objectOrder: KeyOrder): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quote(v);
  if (v instanceof JNumber) return printNumber(v.text);
  if (Array.isArray(v)) return `[${v.map((x) => printValue(x, objectOrder)).join(',')}]`;
  return `{${objectOrder([...v.keys()]).map((k) => `${quote(k)}:${printValue(v.get(k)!, objectOrder)}`).join(',')}}`;
}

/** title, description, default, id, then the unprocessed keywords (ToStringVisitor.visitSchema). */
function commonParts(node: SchemaNode): string[] {
  const parts: string[] = [];
  if (node.title !== undefined) parts.push(`"title":${quote(node.title)}`);
  if (node.description !== undefined) parts.push(`"description":${quote(node.description)}`);
  if (node.defaultValue !== undefined && node.defaultValue !== null) parts.push(`"default":${printValue(node.defaultValue, jsonObjectPutByPut)}`);
  // the id keyword of draft 4, which everit assumes when the schema names no $schema
  if (node.id !== undefined) parts.push(`"id":${quote(node.id)}`);
  parts.push(...unprocessedParts(node.unprocessed));
  return parts;
}

/** JsonSchemaData fills a HashMap, which everit copies into another: both orders apply. */
function unprocessedParts(unprocessed: OObject): string[] {
  return copiedHashMapOrder(hashMapOrder([...unprocessed.keys()]))
    .map((k) => `${quote(k)}:${printValue(unprocessed.get(k)!, jsonObjectOfMap)}`);
}

function printSchema(node: SchemaNode): string {
  const parts: string[] = [];
  switch (node.kind) {
    case 'boolean':
      parts.push(...commonParts(node), '"type":"boolean"');
      break;
    case 'null':
      parts.push('"type":"null"', ...commonParts(node));
      break;
    case 'number':
      if (node.requiresInteger) parts.push('"type":"integer"');
      else if (node.requiresNumber) parts.push('"type":"number"');
      parts.push(...commonParts(node));
      break;
    case 'string':
      if (node.requiresString) parts.push('"type":"string"');
      if (node.format !== undefined) parts.push(`"format":${quote(node.format)}`);
      parts.push(...commonParts(node));
      break;
    case 'array':
      if (node.requiresArray) parts.push('"type":"array"');
      parts.push(...commonParts(node));
      if (node.items) parts.push(`"items":${printSchema(node.items)}`);
      break;
    case 'object': {
      if (node.requiresObject) parts.push('"type":"object"');
      if (!node.additionalProperties) parts.push('"additionalProperties":false');
      parts.push(...commonParts(node));
      if (node.required.length > 0) parts.push(`"required":[${node.required.map(quote).join(',')}]`);
      if (node.additionalSchema) parts.push(`"additionalProperties":${printSchema(node.additionalSchema)}`);
      if (node.properties.size > 0) {
        const names = hashMapOrder([...node.properties.keys()]);
        parts.push(`"properties":{${names.map((n) => `${quote(n)}:${printSchema(node.properties.get(n)!)}`).join(',')}}`);
      }
      break;
    }
    case 'combined':
      if (node.synthetic) throw new DataException('cannot print a synthetic combined schema');
      parts.push(...commonParts(node), `${quote(node.criterion)}:[${node.subschemas.map(printSchema).join(',')}]`);
      break;
    case 'enum': {
      // everit prints getPossibleValues(), a HashSet
      const values = node.values.every((v) => v === null || typeof v === 'string')
        ? hashMapOrder(node.values as (string | null)[])
        : node.values;
      parts.push(`"enum":[${values.map((v) => printValue(v, jsonObjectOfMap)).join(',')}]`, ...commonParts(node));
      break;
    }
    case 'const':
      parts.push(`"const":${printValue(node.value, jsonObjectOfMap)}`, ...commonParts(node));
      break;
    case 'ref':
      parts.push(`"$ref":${quote(node.ref)}`, ...commonParts(node));
      break;
    case 'empty':
      parts.push(...commonParts(node));
      break;
    case 'false':
      return 'false';
    case 'not':
    case 'conditional':
      throw new DataException(`cannot print a '${node.kind}' schema`);
  }
  return `{${parts.join(',')}}`;
}
