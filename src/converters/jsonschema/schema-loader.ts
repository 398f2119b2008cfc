/**
 * JSON Schema text → everit nodes, following everit-json-schema's SchemaLoader as Confluent's JsonSchema runs it
 * (draft 7 unless `$schema` names another draft, defaults kept, `definitions` also reachable as `$defs`):
 * which keywords make which schema, several at once make a synthetic allOf, the rest stays "unprocessed".
 *
 * `$ref` resolves inside the document (JSON pointers) and to the registry references given by name; every
 * `$ref` to one place shares one node, loaded when first asked for, so recursive schemas load.
 */
import { DataException } from '../../data/index.js';
import { hashMapOrder, sizedHashMapOrder } from './java-hash-order.js';
import { isOObject, parseOrderedJson, type OJson, type OObject } from './ordered-json.js';
import type { Criterion, SchemaNode } from './schema-node.js';

type Spec = 'draft4' | 'draft6' | 'draft7' | 'modern';

const V4_OBJECT_KEYWORDS = ['properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties', 'additionalProperties'];
const V6_OBJECT_KEYWORDS = [...V4_OBJECT_KEYWORDS, 'propertyNames'];
const V4_ARRAY_KEYWORDS = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
const V6_ARRAY_KEYWORDS = [...V4_ARRAY_KEYWORDS, 'contains'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const CONDITIONAL_KEYWORDS = ['if', 'then', 'else'];
/** everit looks for the combiners in a HashMap's key set, then collects the present ones into a HashSet. */
const COMBINERS = sizedHashMapOrder<Criterion>(['allOf', 'anyOf', 'oneOf'], 3);

function specOf(root: OJson): Spec {
  const url = isOObject(root) ? root.get('$schema') : undefined;
  if (typeof url !== 'string') return 'draft7';
  if (url.includes('draft-04')) return 'draft4';
  if (url.includes('draft-06')) return 'draft6';
  if (url.includes('2019-09') || url.includes('2020-12')) return 'modern';
  return 'draft7';
}

function describe(v: OJson | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isOObject(v)) return 'an object';
  return typeof v === 'object' ? 'a number' : `a ${typeof v}`;
}

/** URI reference resolution where both sides allow it; otherwise the reference as written, without a leading `./`. */
function resolveUri(base: string | undefined, ref: string): string {
  if (base !== undefined) {
    try {
      return new URL(ref, base).href;
    } catch {
      // base or ref is not a URL: compare as written
    }
  }
  return ref.replace(/^(?:\.\/)+/, '');
}

interface Doc {
  /** '' for the schema itself, else the reference's name. */
  readonly key: string;
  readonly json: OJson;
  readonly base: string | undefined;
}

/** Reads a registered JSON Schema; `resolved` holds each referenced schema's text by its reference name. */
export function loadJsonSchema(text: string, resolved: ReadonlyMap<string, string> = new Map()): SchemaNode {
  const json = parseOrderedJson(text, 'JSON Schema');
  return new Loader(json, resolved).root();
}

class Loader {
  readonly #spec: Spec;
  readonly #idKeyword: string;
  readonly #rootDoc: Doc;
  readonly #resolved: ReadonlyMap<string, string>;
  readonly #docs = new Map<string, Doc>();
  readonly #refTargets = new Map<string, SchemaNode>();

  constructor(json: OJson, resolved: ReadonlyMap<string, string>) {
    this.#spec = specOf(json);
    this.#idKeyword = this.#spec === 'draft4' ? 'id' : '$id';
    this.#resolved = resolved;
    this.#rootDoc = { key: '', json, base: this.#idOf(json, undefined) };
  }

  root(): SchemaNode {
    return this.#load(this.#rootDoc, this.#rootDoc.json, '#');
  }

  #idOf(json: OJson, base: string | undefined): string | undefined {
    const id = isOObject(json) ? json.get(this.#idKeyword) : undefined;
    return typeof id === 'string' ? resolveUri(base, id) : base;
  }

  #fail(where: string, reason: string): never {
    throw new DataException(`invalid JSON Schema at ${where}: ${reason}`);
  }

  #load(doc: Doc, json: OJson, where: string): SchemaNode {
    if (json === true) return { kind: 'empty', unprocessed: new Map() };
    if (json === false) return { kind: 'false', unprocessed: new Map() };
    if (!isOObject(json)) this.#fail(where, `expected an object or a boolean but found ${describe(json)}`);
    const consumed = new Set<string>();
    const take = (key: string): OJson | undefined => {
      if (!json.has(key)) return undefined;
      consumed.add(key);
      return json.get(key);
    };
    const found: SchemaNode[] = [];
    if (json.has('$ref')) {
      found.push(this.#ref(doc, take('$ref'), where));
    } else {
      this.#extract(doc, json, where, take, consumed, found);
    }
    let node: SchemaNode;
    if (found.length === 0) node = { kind: 'empty', unprocessed: new Map() };
    else if (found.length === 1) node = found[0]!;
    else node = { kind: 'combined', criterion: 'allOf', subschemas: found, synthetic: true, unprocessed: new Map() };

    const str = (key: string): string | undefined => {
      const v = take(key);
      if (v !== undefined && typeof v !== 'string') this.#fail(where, `${key} must be a string but is ${describe(v)}`);
      return v;
    };
    const id = str(this.#idKeyword);
    const title = str('title');
    const description = str('description');
    if (this.#spec === 'draft7') {
      take('readOnly');
      take('writeOnly');
    }
    const defaultValue = take('default');
    const unprocessed: OObject = new Map();
    for (const [k, v] of json) if (!consumed.has(k)) unprocessed.set(k, v);
    return {
      ...node,
      ...(id !== undefined && { id }),
      ...(title !== undefined && { title }),
      ...(description !== undefined && { description }),
      ...(defaultValue !== undefined && { defaultValue }),
      unprocessed,
    };
  }

  /** everit's extractors in their order: enum, combiners, not, const, type, then keywords that imply a type. */
  #extract(doc: Doc, json: OObject, where: string, take: (k: string) => OJson | undefined, consumed: Set<string>, found: SchemaNode[]): void {
    const enumValues = take('enum');
    if (enumValues !== undefined) {
      if (!Array.isArray(enumValues)) this.#fail(where, `enum must be an array but is ${describe(enumValues)}`);
      found.push({ kind: 'enum', values: enumValues, unprocessed: new Map() });
    }
    for (const criterion of hashMapOrder(COMBINERS.filter((c) => json.has(c)))) {
      const subs = take(criterion);
      if (!Array.isArray(subs)) this.#fail(where, `${criterion} must be an array but is ${describe(subs)}`);
      const subschemas = subs.map((s, i) => this.#load(doc, s, `${where}/${criterion}/${i}`));
      found.push({ kind: 'combined', criterion, subschemas, synthetic: false, unprocessed: new Map() });
    }
    if (take('not') !== undefined) found.push({ kind: 'not', unprocessed: new Map() });
    if (this.#spec !== 'draft4' && json.has('const')) found.push({ kind: 'const', value: take('const')!, unprocessed: new Map() });
    const type = take('type');
    if (type !== undefined) {
      if (typeof type === 'string') {
        found.push(this.#typed(doc, json, where, type, take));
      } else if (Array.isArray(type)) {
        const subschemas = type.map((t) => {
          if (typeof t !== 'string') this.#fail(where, `type must hold strings but holds ${describe(t)}`);
          return this.#typed(doc, json, where, t, take);
        });
        found.push({ kind: 'combined', criterion: 'anyOf', subschemas, synthetic: false, unprocessed: new Map() });
      } else {
        this.#fail(where, `type must be a string or an array but is ${describe(type)}`);
      }
    }
    const present = (keys: readonly string[]) => keys.some((k) => json.has(k) && !consumed.has(k));
    const arrayKeywords = this.#spec === 'draft4' ? V4_ARRAY_KEYWORDS : V6_ARRAY_KEYWORDS;
    const objectKeywords = this.#spec === 'draft4' ? V4_OBJECT_KEYWORDS : V6_OBJECT_KEYWORDS;
    const sniffed: SchemaNode[] = [];
    if (present(arrayKeywords)) sniffed.push(this.#array(doc, json, where, take, false));
    if (present(objectKeywords)) sniffed.push(this.#object(doc, json, where, take, false));
    if (present(NUMBER_KEYWORDS)) sniffed.push(this.#number(take, false, false));
    if (present(STRING_KEYWORDS)) sniffed.push(this.#string(take, false));
    if (this.#spec !== 'draft4' && this.#spec !== 'draft6' && present(CONDITIONAL_KEYWORDS)) {
      CONDITIONAL_KEYWORDS.forEach(take);
      sniffed.push({ kind: 'conditional', unprocessed: new Map() });
    }
    found.push(...sniffed);
  }

  #typed(doc: Doc, json: OObject, where: string, type: string, take: (k: string) => OJson | undefined): SchemaNode {
    switch (type) {
      case 'string': return this.#string(take, true);
      case 'integer': return this.#number(take, true, true);
      case 'number': return this.#number(take, false, true);
      case 'boolean': return { kind: 'boolean', unprocessed: new Map() };
      case 'null': return { kind: 'null', unprocessed: new Map() };
      case 'array': return this.#array(doc, json, where, take, true);
      case 'object': return this.#object(doc, json, where, take, true);
      default: return this.#fail(where, `unknown type: [${type}]`);
    }
  }

  #string(take: (k: string) => OJson | undefined, requiresString: boolean): SchemaNode {
    STRING_KEYWORDS.forEach(take);
    const format = take('format');
    return { kind: 'string', requiresString, ...(typeof format === 'string' && { format }), unprocessed: new Map() };
  }

  #number(take: (k: string) => OJson | undefined, requiresInteger: boolean, requiresNumber: boolean): SchemaNode {
    NUMBER_KEYWORDS.forEach(take);
    return { kind: 'number', requiresInteger, requiresNumber, unprocessed: new Map() };
  }

  #array(doc: Doc, json: OObject, where: string, take: (k: string) => OJson | undefined, requiresArray: boolean): SchemaNode {
    (this.#spec === 'draft4' ? V4_ARRAY_KEYWORDS : V6_ARRAY_KEYWORDS).forEach(take);
    const items = json.get('items');
    if (Array.isArray(items)) {
      const tupleItems = items.map((s, i) => this.#load(doc, s, `${where}/items/${i}`));
      return { kind: 'array', requiresArray, tupleItems, unprocessed: new Map() };
    }
    if (items === undefined) return { kind: 'array', requiresArray, unprocessed: new Map() };
    return { kind: 'array', requiresArray, items: this.#load(doc, items, `${where}/items`), unprocessed: new Map() };
  }

  #object(doc: Doc, json: OObject, where: string, take: (k: string) => OJson | undefined, requiresObject: boolean): SchemaNode {
    (this.#spec === 'draft4' ? V4_OBJECT_KEYWORDS : V6_OBJECT_KEYWORDS).forEach(take);
    const props = json.get('properties');
    const properties = new Map<string, SchemaNode>();
    if (props !== undefined) {
      if (!isOObject(props)) this.#fail(where, `properties must be an object but is ${describe(props)}`);
      for (const [name, s] of props) properties.set(name, this.#load(doc, s, `${where}/properties/${name}`));
    }
    const req = json.get('required');
    const required: string[] = [];
    if (Array.isArray(req)) for (const r of req) if (typeof r === 'string') required.push(r);
    const additional = json.get('additionalProperties');
    return {
      kind: 'object', requiresObject, properties, required,
      additionalProperties: additional !== false,
      ...(isOObject(additional) && { additionalSchema: this.#load(doc, additional, `${where}/additionalProperties`) }),
      unprocessed: new Map(),
    };
  }

  #ref(doc: Doc, ref: OJson | undefined, where: string): SchemaNode {
    if (typeof ref !== 'string') this.#fail(where, `$ref must be a string but is ${describe(ref)}`);
    let target: SchemaNode | undefined;
    return { kind: 'ref', ref, target: () => (target ??= this.#resolve(doc, ref)), unprocessed: new Map() };
  }

  /** The node a `$ref` points to: one node per place, however many `$ref`s name it. */
  #resolve(from: Doc, ref: string): SchemaNode {
    const hash = ref.indexOf('#');
    const docPart = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    const doc = docPart === '' ? from : this.#document(from, docPart, ref);
    let pointer: string;
    try {
      pointer = decodeURIComponent(fragment);
    } catch {
      throw new DataException(`cannot resolve $ref ${ref}: invalid fragment`);
    }
    if (pointer !== '' && !pointer.startsWith('/')) {
      throw new DataException(`cannot resolve $ref ${ref}: only JSON pointer fragments are supported, not anchors`);
    }
    const key = `${doc.key}#${pointer}`;
    let node = this.#refTargets.get(key);
    if (!node) {
      node = this.#load(doc, this.#evaluate(doc, pointer, ref), `${doc.key || ''}#${pointer}`);
      this.#refTargets.set(key, node);
    }
    return node;
  }

  #document(from: Doc, docPart: string, ref: string): Doc {
    const wanted = resolveUri(from.base, docPart);
    for (const name of this.#resolved.keys()) {
      if (name === docPart || resolveUri(this.#rootDoc.base, name) === wanted || resolveUri(undefined, name) === resolveUri(undefined, docPart)) {
        let doc = this.#docs.get(name);
        if (!doc) {
          const json = parseOrderedJson(this.#resolved.get(name)!, `JSON Schema reference ${name}`);
          doc = { key: name, json, base: this.#idOf(json, resolveUri(this.#rootDoc.base, name)) };
          this.#docs.set(name, doc);
        }
        return doc;
      }
    }
    if (this.#rootDoc.base !== undefined && wanted === this.#rootDoc.base) return this.#rootDoc;
    throw new DataException(`cannot resolve $ref ${ref}: no referenced schema named ${docPart}`);
  }

  /** A JSON pointer into a document; `/$defs/x` also finds `/definitions/x` (Confluent merges the two). */
  #evaluate(doc: Doc, pointer: string, ref: string): OJson {
    if (pointer === '') return doc.json;
    const segments = pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const walk = (start: OJson, segs: string[]): OJson | undefined => {
      let cur: OJson | undefined = start;
      for (const s of segs) {
        if (isOObject(cur)) cur = cur.get(s);
        else if (Array.isArray(cur) && /^(?:0|[1-9]\d*)$/.test(s)) cur = cur[Number(s)];
        else return undefined;
        if (cur === undefined) return undefined;
      }
      return cur;
    };
    let found = walk(doc.json, segments);
    if (found === undefined && segments[0] === '$defs') found = walk(doc.json, ['definitions', ...segments.slice(1)]);
    if (found === undefined) throw new DataException(`cannot resolve $ref ${ref}: nothing at ${pointer}${doc.key ? ` in ${doc.key}` : ''}`);
    return found;
  }
}
