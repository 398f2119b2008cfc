/**
 * A loaded JSON Schema, shaped like the everit-json-schema model Confluent's diff walks: one node kind per everit
 * schema class (an object schema, a number schema, a synthetic allOf for a schema with keywords of several kinds...).
 */
import type { JsonObject, JsonValue } from '../json-text.js';

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

interface Common {
  id?: string;
  title?: string;
  description?: string;
  /** Absent when the schema has no `default`; JSON null is a default. */
  defaultValue?: JsonValue;
  /** Keywords no loader step consumed (e.g. `connect.type`, `definitions`), as everit's unprocessed properties. */
  unprocessed: JsonObject;
  /** Keywords loaded as schemas where everit's modern-draft translation does (unevaluatedProperties/Items). */
  unevaluatedProperties?: JsonSchemaNode;
  unevaluatedItems?: JsonSchemaNode;
  /** The JSON this node was loaded from (used to tell duplicate subschemas apart). */
  source: JsonValue;
}

export interface EmptyNode extends Common { kind: 'empty' }
export interface TrueNode extends Common { kind: 'true' }
export interface FalseNode extends Common { kind: 'false' }
export interface NullNode extends Common { kind: 'null' }
export interface BooleanNode extends Common { kind: 'boolean' }

export interface StringNode extends Common {
  kind: 'string';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export interface NumberNode extends Common {
  kind: 'number';
  requiresInteger: boolean;
  /** Number literals as written, so `multipleOf` arithmetic can be exact. */
  minimum?: string;
  maximum?: string;
  exclusiveMinimum?: string;
  exclusiveMaximum?: string;
  multipleOf?: string;
}

export interface ObjectNode extends Common {
  kind: 'object';
  properties: Map<string, JsonSchemaNode>;
  required: string[];
  additionalProperties: boolean;
  schemaOfAdditionalProperties?: JsonSchemaNode;
  patternProperties: [pattern: string, schema: JsonSchemaNode][];
  propertyDependencies: Map<string, string[]>;
  schemaDependencies: Map<string, JsonSchemaNode>;
  minProperties?: number;
  maxProperties?: number;
}

export interface ArrayNode extends Common {
  kind: 'array';
  allItemSchema?: JsonSchemaNode;
  itemSchemas?: JsonSchemaNode[];
  additionalItems: boolean;
  schemaOfAdditionalItems?: JsonSchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
}

export interface EnumNode extends Common {
  kind: 'enum';
  possibleValues: JsonValue[];
}

export interface ConstNode extends Common {
  kind: 'const';
  permittedValue: JsonValue;
}

export interface NotNode extends Common {
  kind: 'not';
  mustNotMatch: JsonSchemaNode;
}

export interface CombinedNode extends Common {
  kind: 'combined';
  criterion: Criterion;
  subschemas: JsonSchemaNode[];
}

export interface ReferenceNode extends Common {
  kind: 'reference';
  refValue: string;
  /** The schema the reference points to, loaded on first use (references may be recursive). */
  referred(): JsonSchemaNode;
}

export interface ConditionalNode extends Common { kind: 'conditional' }

export type JsonSchemaNode =
  | EmptyNode
  | TrueNode
  | FalseNode
  | NullNode
  | BooleanNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | EnumNode
  | ConstNode
  | NotNode
  | CombinedNode
  | ReferenceNode
  | ConditionalNode;

/** everit's `EmptySchema` and its subclass `TrueSchema`. */
export function isEmptySchema(s: JsonSchemaNode): boolean {
  return s.kind === 'empty' || s.kind === 'true';
}
