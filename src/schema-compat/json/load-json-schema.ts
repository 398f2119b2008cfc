/**
 * Loads JSON Schema documents into the everit-like model the way Confluent's `JsonSchema.rawSchema()` does with
 * everit's `SchemaLoader` (draft 4, 6 and 7; 2019-09 and 2020-12 are read with the same rules plus their renamed
 * keywords): each extractor takes the keywords it knows in turn, and a schema with keywords of several kinds becomes
 * a synthetic allOf. `$ref`s resolve within the document or into the referenced documents.
 */
import { InvalidSchemaError } from '../types.js';
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from '../json-text.js';
import type {
  ArrayNode,
  Criterion,
  JsonSchemaNode,
  NumberNode,
  ObjectNode,
  ReferenceNode,
  StringNode,
} from './json-schema-model.js';

export type Draft = 4 | 6 | 7 | 2019 | 2020;

const OBJECT_KEYWORDS_V4 = ['properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties', 'additionalProperties'];
const OBJECT_KEYWORDS_V6 = [...OBJECT_KEYWORDS_V4, 'propertyNames'];
const OBJECT_KEYWORDS_MODERN = [...OBJECT_KEYWORDS_V6, 'dependentRequired', 'dependentSchemas'];
const ARRAY_KEYWORDS_V4 = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
const ARRAY_KEYWORDS_V6 = [...ARRAY_KEYWORDS_V4, 'contains'];
const ARRAY_KEYWORDS_MODERN = [...ARRAY_KEYWORDS_V6, 'prefixItems'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const CONDITIONAL_KEYWORDS = ['if', 'then', 'else'];
const DEFAULT_BASE = 'mem://input/';

/** The draft a document declares with `$schema` (draft 7 when it declares none or an unknown one). */
export function draftOf(root: JsonValue): Draft {
  const url = isJsonObject(root) ? root.get('$schema') : undefined;
  if (typeof url !== 'string') return 7;
  const u = url.replace(/^https?:\/\//, '');
  if (u.startsWith('json-schema.org/draft-04/schema') || /^json-schema\.org\/schema#?$/.test(u)) return 4;
  if (u.startsWith('json-schema.org/draft-06/schema')) return 6;
  if (u.startsWith('json-schema.org/draft-07/schema')) return 7;
  if (u.startsWith('json-schema.org/draft/2019-09/schema')) return 2019;
  if (u.startsWith('json-schema.org/draft/2020-12/schema')) return 2020;
  return 7;
}

interface Document {
  readonly root: JsonValue;
  readonly base: string;
}

const invalid = (message: string): never => {
  throw new InvalidSchemaError(message);
};

function typeName(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  if (v instanceof JsonNumber) return v.isIntegral ? 'Integer' : 'Number';
  if (Array.isArray(v)) return 'JsonArray';
  return 'JsonObject';
}

function resolveUri(ref: string, base: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

function withoutFragment(uri: string): string {
  const i = uri.indexOf('#');
  return i < 0 ? uri : uri.slice(0, i);
}

/** Where a keyword sits, for messages: `#/properties/a`. */
type Where = string;

class Loader {
  private readonly loaded = new Map<JsonObject, JsonSchemaNode>();
  private readonly referenced: Document[] = [];
  private readonly draft: Draft;
  private readonly modern: boolean;

  constructor(private readonly rootDoc: Document, references: ReadonlyMap<string, JsonValue>) {
    this.draft = draftOf(rootDoc.root);
    this.modern = this.draft >= 2019;
    for (const [name, json] of references) {
      const id = isJsonObject(json) ? json.get(this.idKeyword()) : undefined;
      const base = resolveUri(typeof id === 'string' ? id : name, rootDoc.base);
      this.referenced.push({ root: json, base });
      this.aliases.set(resolveUri(name, rootDoc.base), this.referenced[this.referenced.length - 1]!);
      this.aliases.set(resolveUri(name, DEFAULT_BASE), this.referenced[this.referenced.length - 1]!);
    }
  }

  private readonly aliases = new Map<string, Document>();

  private idKeyword(): string {
    return this.draft === 4 ? 'id' : '$id';
  }

  private objectKeywords(): string[] {
    return this.draft === 4 ? OBJECT_KEYWORDS_V4 : this.modern ? OBJECT_KEYWORDS_MODERN : OBJECT_KEYWORDS_V6;
  }

  private arrayKeywords(): string[] {
    return this.draft === 4 ? ARRAY_KEYWORDS_V4 : this.modern ? ARRAY_KEYWORDS_MODERN : ARRAY_KEYWORDS_V6;
  }

  loadRoot(): JsonSchemaNode {
    const root = this.rootDoc.root;
    if (!isJsonObject(root) && typeof root !== 'boolean') {
      return invalid(`Invalid JSON schema: expected an object or boolean at the root, found ${typeName(root)}`);
    }
    return this.load(root, this.rootDoc, '#');
  }

  load(json: JsonValue, doc: Document, where: Where): JsonSchemaNode {
    if (typeof json === 'boolean') {
      return { kind: json ? 'true' : 'false', unprocessed: new Map(), source: json };
    }
    if (!isJsonObject(json)) return invalid(`${where}: expected type: Boolean or JsonObject, found: ${typeName(json)}`);
    const hit = this.loaded.get(json);
    if (hit) return hit;
    const node = this.loadObject(json, doc, where);
    this.loaded.set(json, node);
    return node;
  }

  private loadObject(json: JsonObject, doc: Document, where: Where): JsonSchemaNode {
    const consumed = new Set<string>();
    const has = (k: string): boolean => json.has(k) && !consumed.has(k);
    const extracted: JsonSchemaNode[] = [];

    if (json.has('$ref')) {
      consumed.add('$ref');
      extracted.push(this.reference(json.get('$ref')!, doc, where));
    } else {
      if (has('enum')) {
        const values = json.get('enum')!;
        if (!Array.isArray(values)) invalid(`${where}/enum: expected type: JsonArray, found: ${typeName(values)}`);
        consumed.add('enum');
        extracted.push({ kind: 'enum', possibleValues: values as JsonValue[], unprocessed: new Map(), source: json });
      }
      for (const criterion of ['allOf', 'anyOf', 'oneOf'] as Criterion[]) {
        if (!has(criterion)) continue;
        const list = json.get(criterion)!;
        if (!Array.isArray(list)) invalid(`${where}/${criterion}: expected type: JsonArray, found: ${typeName(list)}`);
        consumed.add(criterion);
        const subschemas = (list as JsonValue[]).map((s, i) => this.load(s, doc, `${where}/${criterion}/${i}`));
        extracted.push({ kind: 'combined', criterion, subschemas, unprocessed: new Map(), source: json });
      }
      if (has('not')) {
        consumed.add('not');
        extracted.push({ kind: 'not', mustNotMatch: this.load(json.get('not')!, doc, `${where}/not`), unprocessed: new Map(), source: json });
      }
      if (this.draft !== 4 && has('const')) {
        consumed.add('const');
        extracted.push({ kind: 'const', permittedValue: json.get('const')!, unprocessed: new Map(), source: json });
      }
      if (has('type')) {
        consumed.add('type');
        const type = json.get('type')!;
        if (Array.isArray(type)) {
          const subschemas = type.map((t) => {
            if (typeof t !== 'string') return invalid(`${where}/type: expected type: String, found: ${typeName(t)}`);
            return this.explicitType(t, json, doc, where, consumed);
          });
          extracted.push({ kind: 'combined', criterion: 'anyOf', subschemas, unprocessed: new Map(), source: json });
        } else if (typeof type === 'string') {
          extracted.push(this.explicitType(type, json, doc, where, consumed));
        } else {
          invalid(`${where}/type: expected type: String or JsonArray, found: ${typeName(type)}`);
        }
      }
      // What no extractor took yet decides which implied schemas the keywords describe.
      if (this.arrayKeywords().some(has)) extracted.push(this.arraySchema(json, doc, where, consumed));
      if (this.objectKeywords().some(has)) extracted.push(this.objectSchema(json, doc, where, consumed));
      if (NUMBER_KEYWORDS.some(has)) extracted.push(this.numberSchema(json, where, consumed, false));
      if (STRING_KEYWORDS.some(has)) extracted.push(this.stringSchema(json, where, consumed));
      if (this.draft >= 7 && CONDITIONAL_KEYWORDS.some(has)) {
        for (const k of CONDITIONAL_KEYWORDS) {
          if (json.has(k)) {
            consumed.add(k);
            this.load(json.get(k)!, doc, `${where}/${k}`);
          }
        }
        extracted.push({ kind: 'conditional', unprocessed: new Map(), source: json });
      }
    }

    let node: JsonSchemaNode;
    if (extracted.length === 0) node = { kind: 'empty', unprocessed: new Map(), source: json };
    else if (extracted.length === 1) node = extracted[0]!;
    else node = { kind: 'combined', criterion: 'allOf', subschemas: extracted, unprocessed: new Map(), source: json };

    this.commonProperties(node, json, where, consumed);
    if (this.modern) {
      for (const k of ['unevaluatedProperties', 'unevaluatedItems'] as const) {
        if (json.has(k) && !consumed.has(k)) {
          consumed.add(k);
          node[k] = this.load(json.get(k)!, doc, `${where}/${k}`);
        }
      }
    }
    const unprocessed: JsonObject = new Map();
    for (const [k, v] of json) if (!consumed.has(k)) unprocessed.set(k, v);
    node.unprocessed = unprocessed;
    return node;
  }

  private commonProperties(node: JsonSchemaNode, json: JsonObject, where: Where, consumed: Set<string>): void {
    const text = (k: string): string | undefined => {
      if (!json.has(k) || consumed.has(k)) return undefined;
      consumed.add(k);
      const v = json.get(k)!;
      if (typeof v !== 'string') return invalid(`${where}/${k}: expected type: String, found: ${typeName(v)}`);
      return v;
    };
    const id = text(this.idKeyword());
    if (id !== undefined) node.id = id;
    const title = text('title');
    if (title !== undefined) node.title = title;
    const description = text('description');
    if (description !== undefined) node.description = description;
    if (this.draft >= 7) {
      for (const k of ['readOnly', 'writeOnly']) {
        if (json.has(k) && !consumed.has(k)) {
          consumed.add(k);
          if (typeof json.get(k) !== 'boolean') invalid(`${where}/${k}: expected type: Boolean, found: ${typeName(json.get(k))}`);
        }
      }
    }
    if (json.has('default') && !consumed.has('default')) {
      consumed.add('default');
      node.defaultValue = json.get('default')!;
    }
  }

  private explicitType(type: string, json: JsonObject, doc: Document, where: Where, consumed: Set<string>): JsonSchemaNode {
    switch (type) {
      case 'string':
        return this.stringSchema(json, where, consumed);
      case 'integer':
        return this.numberSchema(json, where, consumed, true);
      case 'number':
        return this.numberSchema(json, where, consumed, false);
      case 'boolean':
        return { kind: 'boolean', unprocessed: new Map(), source: json };
      case 'null':
        return { kind: 'null', unprocessed: new Map(), source: json };
      case 'array':
        return this.arraySchema(json, doc, where, consumed);
      case 'object':
        return this.objectSchema(json, doc, where, consumed);
      default:
        return invalid(`${where}: unknown type: [${type}]`);
    }
  }

  private integer(json: JsonObject, k: string, where: Where): number | undefined {
    const v = json.get(k);
    if (v === undefined) return undefined;
    if (!(v instanceof JsonNumber)) return invalid(`${where}/${k}: expected type: Integer, found: ${typeName(v)}`);
    return Math.trunc(v.value);
  }

  private numberLiteral(json: JsonObject, k: string, where: Where): string | undefined {
    const v = json.get(k);
    if (v === undefined) return undefined;
    if (!(v instanceof JsonNumber)) return invalid(`${where}/${k}: expected type: Number, found: ${typeName(v)}`);
    return v.literal;
  }

  private stringSchema(json: JsonObject, where: Where, consumed: Set<string>): StringNode {
    STRING_KEYWORDS.forEach((k) => consumed.add(k));
    const node: StringNode = { kind: 'string', unprocessed: new Map(), source: json };
    const minLength = this.integer(json, 'minLength', where);
    if (minLength !== undefined) node.minLength = minLength;
    const maxLength = this.integer(json, 'maxLength', where);
    if (maxLength !== undefined) node.maxLength = maxLength;
    const pattern = json.get('pattern');
    if (pattern !== undefined) {
      if (typeof pattern !== 'string') invalid(`${where}/pattern: expected type: String, found: ${typeName(pattern)}`);
      node.pattern = pattern as string;
    }
    const format = json.get('format');
    if (format !== undefined && typeof format !== 'string') invalid(`${where}/format: expected type: String, found: ${typeName(format)}`);
    return node;
  }

  private numberSchema(json: JsonObject, where: Where, consumed: Set<string>, requiresInteger: boolean): NumberNode {
    NUMBER_KEYWORDS.forEach((k) => consumed.add(k));
    const node: NumberNode = { kind: 'number', requiresInteger, unprocessed: new Map(), source: json };
    const minimum = this.numberLiteral(json, 'minimum', where);
    if (minimum !== undefined) node.minimum = minimum;
    const maximum = this.numberLiteral(json, 'maximum', where);
    if (maximum !== undefined) node.maximum = maximum;
    const multipleOf = this.numberLiteral(json, 'multipleOf', where);
    if (multipleOf !== undefined) {
      if (Number(multipleOf) === 0) invalid(`${where}: multipleOf should not be 0`);
      node.multipleOf = multipleOf;
    }
    for (const k of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
      const v = json.get(k);
      if (v === undefined) continue;
      if (this.draft === 4) {
        // Draft 4's boolean form only makes the limit exclusive; it is not a limit of its own.
        if (typeof v !== 'boolean') invalid(`${where}/${k}: expected type: Boolean, found: ${typeName(v)}`);
      } else {
        const lit = this.numberLiteral(json, k, where);
        if (lit !== undefined) node[k] = lit;
      }
    }
    return node;
  }

  private objectSchema(json: JsonObject, doc: Document, where: Where, consumed: Set<string>): ObjectNode {
    this.objectKeywords().forEach((k) => consumed.add(k));
    const node: ObjectNode = {
      kind: 'object',
      properties: new Map(),
      required: [],
      additionalProperties: true,
      patternProperties: [],
      propertyDependencies: new Map(),
      schemaDependencies: new Map(),
      unprocessed: new Map(),
      source: json,
    };
    const minProperties = this.integer(json, 'minProperties', where);
    if (minProperties !== undefined) node.minProperties = minProperties;
    const maxProperties = this.integer(json, 'maxProperties', where);
    if (maxProperties !== undefined) node.maxProperties = maxProperties;
    const properties = json.get('properties');
    if (properties !== undefined) {
      if (!isJsonObject(properties)) invalid(`${where}/properties: expected type: JsonObject, found: ${typeName(properties)}`);
      for (const [name, def] of properties as JsonObject) {
        if (name === this.idKeyword() && !isJsonObject(def)) continue;
        node.properties.set(name, this.load(def, doc, `${where}/properties/${name}`));
      }
    }
    const additional = json.get('additionalProperties');
    if (typeof additional === 'boolean') node.additionalProperties = additional;
    else if (isJsonObject(additional)) node.schemaOfAdditionalProperties = this.load(additional, doc, `${where}/additionalProperties`);
    else if (additional !== undefined) invalid(`${where}/additionalProperties: expected type: Boolean or JsonObject, found: ${typeName(additional)}`);
    const required = json.get('required');
    if (required !== undefined) {
      if (!Array.isArray(required)) invalid(`${where}/required: expected type: JsonArray, found: ${typeName(required)}`);
      for (const r of required as JsonValue[]) {
        if (typeof r !== 'string') invalid(`${where}/required: expected type: String, found: ${typeName(r)}`);
        node.required.push(r as string);
      }
    }
    const patterns = json.get('patternProperties');
    if (patterns !== undefined) {
      if (!isJsonObject(patterns)) invalid(`${where}/patternProperties: expected type: JsonObject, found: ${typeName(patterns)}`);
      for (const [p, def] of patterns as JsonObject) node.patternProperties.push([p, this.load(def, doc, `${where}/patternProperties/${p}`)]);
    }
    const addDependencies = (deps: JsonValue | undefined, key: string, arraysOnly: boolean, schemasOnly: boolean): void => {
      if (deps === undefined) return;
      if (!isJsonObject(deps)) invalid(`${where}/${key}: expected type: JsonObject, found: ${typeName(deps)}`);
      for (const [name, dep] of deps as JsonObject) {
        if (Array.isArray(dep) && !schemasOnly) {
          node.propertyDependencies.set(name, dep.map((d) => (typeof d === 'string' ? d : invalid(`${where}/${key}/${name}: expected type: String, found: ${typeName(d)}`))));
        } else if ((isJsonObject(dep) || (typeof dep === 'boolean' && this.draft !== 4)) && !arraysOnly) {
          node.schemaDependencies.set(name, this.load(dep, doc, `${where}/${key}/${name}`));
        } else {
          invalid(`${where}/${key}/${name}: expected type: JsonArray or JsonObject, found: ${typeName(dep)}`);
        }
      }
    };
    addDependencies(json.get('dependencies'), 'dependencies', false, false);
    if (this.modern) {
      addDependencies(json.get('dependentRequired'), 'dependentRequired', true, false);
      addDependencies(json.get('dependentSchemas'), 'dependentSchemas', false, true);
    }
    if (this.draft !== 4 && json.has('propertyNames')) this.load(json.get('propertyNames')!, doc, `${where}/propertyNames`);
    return node;
  }

  private arraySchema(json: JsonObject, doc: Document, where: Where, consumed: Set<string>): ArrayNode {
    this.arrayKeywords().forEach((k) => consumed.add(k));
    const node: ArrayNode = { kind: 'array', additionalItems: true, uniqueItems: false, unprocessed: new Map(), source: json };
    const minItems = this.integer(json, 'minItems', where);
    if (minItems !== undefined) node.minItems = minItems;
    const maxItems = this.integer(json, 'maxItems', where);
    if (maxItems !== undefined) node.maxItems = maxItems;
    const unique = json.get('uniqueItems');
    if (unique !== undefined) {
      if (typeof unique !== 'boolean') invalid(`${where}/uniqueItems: expected type: Boolean, found: ${typeName(unique)}`);
      node.uniqueItems = unique as boolean;
    }
    const setAdditional = (v: JsonValue | undefined, key: string): void => {
      if (typeof v === 'boolean') node.additionalItems = v;
      else if (isJsonObject(v)) node.schemaOfAdditionalItems = this.load(v, doc, `${where}/${key}`);
      else if (v !== undefined) invalid(`${where}/${key}: expected type: Boolean or JsonObject, found: ${typeName(v)}`);
    };
    setAdditional(json.get('additionalItems'), 'additionalItems');
    const prefixItems = this.modern ? json.get('prefixItems') : undefined;
    const items = json.get('items');
    if (Array.isArray(prefixItems) || (this.modern && typeof items === 'boolean')) {
      // 2020-12 moved tuples to prefixItems; what follows them (or a boolean items) is what additionalItems was.
      if (Array.isArray(prefixItems)) node.itemSchemas = prefixItems.map((s, i) => this.load(s, doc, `${where}/prefixItems/${i}`));
      setAdditional(items, 'items');
    } else if (Array.isArray(items)) {
      node.itemSchemas = items.map((s, i) => this.load(s, doc, `${where}/items/${i}`));
    } else if (items !== undefined) {
      if (!isJsonObject(items) && typeof items !== 'boolean') invalid(`${where}/items: expected type: JsonObject or JsonArray, found: ${typeName(items)}`);
      node.allItemSchema = this.load(items, doc, `${where}/items`);
    }
    if (this.draft !== 4 && json.has('contains')) this.load(json.get('contains')!, doc, `${where}/contains`);
    return node;
  }

  private reference(ref: JsonValue, doc: Document, where: Where): ReferenceNode {
    if (typeof ref !== 'string') return invalid(`${where}/$ref: expected type: String, found: ${typeName(ref)}`);
    const absolute = resolveUri(ref, doc.base);
    const hash = ref.indexOf('#');
    const fragment = hash < 0 ? '' : decodeURIComponent(ref.slice(hash + 1));
    const target = ref.startsWith('#') ? doc : this.documentAt(withoutFragment(absolute), withoutFragment(ref));
    let json: JsonValue | undefined;
    if (target === 'meta-schema') json = true;
    else if (target === undefined) return invalid(`${where}: Unresolved $ref '${ref}'`);
    else json = this.pointer(target.root, fragment);
    if (json === undefined) return invalid(`${where}: Unresolved $ref '${ref}'`);
    const resolvedDoc = target === 'meta-schema' ? doc : target;
    let referred: JsonSchemaNode | undefined;
    const jsonTarget = json;
    return {
      kind: 'reference',
      refValue: ref,
      referred: () => (referred ??= this.load(jsonTarget, resolvedDoc, `${ref}`)),
      unprocessed: new Map(),
      source: ref,
    };
  }

  private documentAt(uri: string, asWritten: string): Document | 'meta-schema' | undefined {
    if (uri === withoutFragment(this.rootDoc.base)) return this.rootDoc;
    const hit = this.aliases.get(uri) ?? this.referenced.find((d) => withoutFragment(d.base) === uri);
    if (hit) return hit;
    const byName = this.aliases.get(resolveUri(asWritten, DEFAULT_BASE));
    if (byName) return byName;
    if (/^https?:\/\/json-schema\.org\//.test(uri)) return 'meta-schema';
    return undefined;
  }

  /** A JSON pointer into a document; `$defs` and `definitions` stand in for each other, as Confluent bridges them. */
  private pointer(root: JsonValue, fragment: string): JsonValue | undefined {
    if (fragment === '' || fragment === '/') return root;
    if (!fragment.startsWith('/')) return this.anchor(root, fragment);
    const tokens = fragment.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: JsonValue | undefined = root;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (Array.isArray(node)) node = node[Number(t)];
      else if (isJsonObject(node)) {
        let next = node.get(t);
        if (next === undefined && i === 0 && (t === '$defs' || t === 'definitions')) next = node.get(t === '$defs' ? 'definitions' : '$defs');
        node = next;
      } else return undefined;
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** A plain-name fragment: the subschema whose `$id` (or `$anchor`) is `#name`. */
  private anchor(root: JsonValue, name: string): JsonValue | undefined {
    const stack: JsonValue[] = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (isJsonObject(n)) {
        if (n.get(this.idKeyword()) === `#${name}` || n.get('$anchor') === name) return n;
        stack.push(...n.values());
      } else if (Array.isArray(n)) stack.push(...n);
    }
    return undefined;
  }
}

export function loadJsonSchema(root: JsonValue, references: ReadonlyMap<string, JsonValue>): JsonSchemaNode {
  const draft = draftOf(root);
  const id = isJsonObject(root) ? root.get(draft === 4 ? 'id' : '$id') : undefined;
  const base = resolveUri(typeof id === 'string' ? id : '', DEFAULT_BASE);
  return new Loader({ root, base }, references).loadRoot();
}
