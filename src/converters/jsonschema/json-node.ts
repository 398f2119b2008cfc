/**
 * The JSON tree Confluent's JsonSchemaData builds from Connect values (Jackson's JsonNode), written either as
 * the payload (Jackson's UTF-8 generator) or as a schema's `default` (through org.json, as everit keeps it).
 */
import { DataException } from '../../data/index.js';
import { encodeBase64, quoteJson } from '../json/json-text.js';
import { JNumber, type OJson } from './ordered-json.js';

/** Jackson's BinaryNode: written as a base64 string. */
export class JBinary {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * A JSON node. Numbers carry the text Java prints for the value (`Double.toString`, `BigDecimal.toString`, …);
 * a non-finite float is `NaN`, `Infinity` or `-Infinity`. Objects keep insertion order.
 */
export type JsonNode = null | boolean | string | JNumber | JBinary | JsonNode[] | Map<string, JsonNode>;

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** The node as Jackson's UTF-8 generator writes it (non-finite numbers quoted, as WRITE_NAN_AS_STRINGS does). */
export function writeJsonNode(node: JsonNode): string {
  if (node === null) return 'null';
  if (typeof node === 'boolean') return node ? 'true' : 'false';
  if (typeof node === 'string') return quoteJson(node);
  if (node instanceof JNumber) return NON_FINITE.has(node.text) ? `"${node.text}"` : node.text;
  if (node instanceof JBinary) return `"${encodeBase64(node.bytes)}"`;
  if (Array.isArray(node)) {
    let out = '[';
    for (let i = 0; i < node.length; i++) out += (i ? ',' : '') + writeJsonNode(node[i]!);
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (const [k, v] of node) {
    out += `${first ? '' : ','}${quoteJson(k)}:${writeJsonNode(v)}`;
    first = false;
  }
  return out + '}';
}

/**
 * The value org.json holds for a `default` (JsonSchemaData.toJsonSchemaValue): binary as its base64 text;
 * a non-finite number is refused, as org.json refuses it.
 */
export function toSchemaDefault(node: JsonNode): OJson {
  if (node instanceof JBinary) return encodeBase64(node.bytes);
  if (node instanceof JNumber) {
    if (NON_FINITE.has(node.text)) throw new DataException(`Invalid default value: JSON does not allow non-finite numbers (${node.text})`);
    return node;
  }
  if (Array.isArray(node)) return node.map(toSchemaDefault);
  if (node instanceof Map) {
    const out = new Map<string, OJson>();
    for (const [k, v] of node) out.set(k, toSchemaDefault(v));
    return out;
  }
  return node;
}
