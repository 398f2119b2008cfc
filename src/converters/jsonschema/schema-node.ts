/**
 * A JSON Schema as everit-json-schema models it (the library behind Confluent's JsonSchema): one node per
 * schema class, the keywords it understood, and the rest kept as "unprocessed properties" (where the
 * `connect.*` annotations live). The loader builds these from schema text, `from-connect-schema.ts` builds them
 * from Connect schemas, `canonical-text.ts` prints them and `to-connect-schema.ts` turns them into Connect schemas.
 */
import type { OJson, OObject } from './ordered-json.js';

/** What every everit schema carries. Object-valued maps keep insertion (document) order. */
export interface NodeCommon {
  readonly title?: string;
  readonly description?: string;
  /** The `default` keyword; undefined when absent (a JSON null default is `null`). */
  readonly defaultValue?: OJson;
  readonly id?: string;
  readonly unprocessed: OObject;
}

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

export type SchemaNode = NodeCommon & (
  | { readonly kind: 'boolean' }
  | { readonly kind: 'null' }
  | { readonly kind: 'number'; readonly requiresInteger: boolean; readonly requiresNumber: boolean }
  | { readonly kind: 'string'; readonly requiresString: boolean; readonly format?: string }
  | { readonly kind: 'array'; readonly requiresArray: boolean; readonly items?: SchemaNode; readonly tupleItems?: readonly SchemaNode[] }
  | {
    readonly kind: 'object';
    readonly requiresObject: boolean;
    /** Property schemas in document (or Connect field) order; everit keeps them in a HashMap. */
    readonly properties: ReadonlyMap<string, SchemaNode>;
    readonly required: readonly string[];
    readonly additionalProperties: boolean;
    readonly additionalSchema?: SchemaNode;
  }
  | { readonly kind: 'combined'; readonly criterion: Criterion; readonly subschemas: readonly SchemaNode[]; readonly synthetic: boolean }
  | { readonly kind: 'enum'; readonly values: readonly OJson[] }
  | { readonly kind: 'const'; readonly value: OJson }
  /** `$ref`: `target()` resolves (once) to the referred schema, the same node for every `$ref` to one place. */
  | { readonly kind: 'ref'; readonly ref: string; readonly target: () => SchemaNode }
  /** `{}` / `true` (everit's EmptySchema / TrueSchema), `false`, `not`, `if`/`then`/`else`. */
  | { readonly kind: 'empty' | 'false' | 'not' | 'conditional' }
);

export type NodeOf<K extends SchemaNode['kind']> = Extract<SchemaNode, { kind: K }>;

/** The everit class name of a node, for messages. */
export function nodeClassName(node: SchemaNode): string {
  switch (node.kind) {
    case 'boolean': return 'BooleanSchema';
    case 'null': return 'NullSchema';
    case 'number': return 'NumberSchema';
    case 'string': return 'StringSchema';
    case 'array': return 'ArraySchema';
    case 'object': return 'ObjectSchema';
    case 'combined': return 'CombinedSchema';
    case 'enum': return 'EnumSchema';
    case 'const': return 'ConstSchema';
    case 'ref': return 'ReferenceSchema';
    case 'empty': return 'EmptySchema';
    case 'false': return 'FalseSchema';
    case 'not': return 'NotSchema';
    case 'conditional': return 'ConditionalSchema';
  }
}
