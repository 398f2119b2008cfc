/**
 * Confluent's JSON Schema `SchemaDiff`: the differences between an original and an updated schema, each with the
 * path where it is. Compatibility is then the question whether every difference is of a compatible type.
 */
import { DiffContext, samePairs } from './json-diff-context.js';
import type { JsonDifference } from './json-difference.js';
import { isEmptySchema, type CombinedNode, type JsonSchemaNode } from './json-schema-model.js';
import { compareObjectSchemas } from './object-schema-diff.js';
import { compareArraySchemas } from './array-schema-diff.js';
import { compareCombinedSchemas } from './combined-schema-diff.js';
import {
  compareConstSchemas,
  compareEnumSchemas,
  compareNotSchemas,
  compareNumberSchemas,
  compareStringSchemas,
} from './keyword-diffs.js';
import { javaValueKey } from './json-value-key.js';

/**
 * All differences between `original` and `update`. Recursive cycles are first assumed compatible; the comparison
 * repeats with the pairs found incompatible until that set no longer changes (Confluent's fixpoint).
 */
export function jsonSchemaDifferences(original: JsonSchemaNode, update: JsonSchemaNode): JsonDifference[] {
  let seed = new Map<JsonSchemaNode, Map<JsonSchemaNode, readonly JsonDifference[]>>();
  for (;;) {
    const ctx = DiffContext.root(seed);
    compareSchemas(ctx, original, update);
    const incompatible = ctx.incompatiblePairs();
    if (!ctx.usedOptimisticTruncation || samePairs(incompatible, seed)) return ctx.differences;
    seed = incompatible;
  }
}

function dereference(s: JsonSchemaNode): JsonSchemaNode {
  let node = s;
  for (let hops = 0; node.kind === 'reference' && hops < 100; hops++) node = node.referred();
  return node;
}

export function compareSchemas(ctx: DiffContext, original: JsonSchemaNode | undefined, update: JsonSchemaNode | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) return ctx.add('SCHEMA_ADDED');
  if (update === undefined) return ctx.add('SCHEMA_REMOVED');
  const o = dereference(original);
  const u = dereference(update);
  ctx.addRebased(ctx.compareMemoized(o, u, (sub) => compareTypes(sub, o, u)));
}

/** The class equality of everit schemas; any two combined schemas count as the same class. */
function sameKind(a: JsonSchemaNode, b: JsonSchemaNode): boolean {
  return a.kind === b.kind;
}

function connectType(s: JsonSchemaNode): unknown {
  return s.unprocessed.get('connect.type');
}

/** A non-combined schema against a combined one: a union that still accepts the original, or a product it satisfies. */
function compareWithCombined(ctx: DiffContext, original: JsonSchemaNode, update: JsonSchemaNode): boolean {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) {
      const sub = ctx.subcontext();
      compareSchemas(sub, original, update.subschemas[0]);
      if (sub.isCompatible) {
        ctx.addAll(sub.differences);
        return true;
      }
    } else if (update.criterion === 'anyOf' || update.criterion === 'oneOf') {
      for (const s of update.subschemas) {
        const sub = ctx.subcontext();
        compareSchemas(sub, original, s);
        if (sub.isCompatible) {
          ctx.addAll(sub.differences);
          ctx.add('SUM_TYPE_EXTENDED');
          return true;
        }
      }
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) {
      const sub = ctx.subcontext();
      compareSchemas(sub, original.subschemas[0], update);
      if (sub.isCompatible) {
        ctx.addAll(sub.differences);
        return true;
      }
    } else if (original.criterion === 'allOf') {
      for (const s of (original as CombinedNode).subschemas) {
        const sub = ctx.subcontext();
        compareSchemas(sub, s, update);
        if (sub.isCompatible) {
          ctx.addAll(sub.differences);
          ctx.add('PRODUCT_TYPE_NARROWED');
          return true;
        }
      }
    }
  }
  return false;
}

function compareTypes(ctx: DiffContext, original: JsonSchemaNode, update: JsonSchemaNode): void {
  if (compareWithCombined(ctx, original, update)) return;
  if (!sameKind(original, update)) {
    if (original.kind === 'false' || isEmptySchema(update)) return;
    // Connect's decimals written as bytes may change JSON type (a fix in the JSON converter).
    if (connectType(original) === 'bytes' && connectType(update) === 'bytes') return;
    ctx.add('TYPE_CHANGED');
    return;
  }
  if (original.id !== update.id) ctx.add('ID_CHANGED');
  if (original.title !== update.title) ctx.add('TITLE_CHANGED');
  if (original.description !== update.description) ctx.add('DESCRIPTION_CHANGED');
  const oDefault = original.defaultValue === undefined ? undefined : javaValueKey(original.defaultValue);
  const uDefault = update.defaultValue === undefined ? undefined : javaValueKey(update.defaultValue);
  if (oDefault !== uDefault) ctx.add('DEFAULT_CHANGED');

  switch (original.kind) {
    case 'string':
      return compareStringSchemas(ctx, original, update as typeof original);
    case 'number':
      return compareNumberSchemas(ctx, original, update as typeof original);
    case 'const':
      return compareConstSchemas(ctx, original, update as typeof original);
    case 'enum':
      return compareEnumSchemas(ctx, original, update as typeof original);
    case 'combined':
      return compareCombinedSchemas(ctx, original, update as typeof original);
    case 'not':
      return compareNotSchemas(ctx, original, update as typeof original);
    case 'object':
      return compareObjectSchemas(ctx, original, update as typeof original);
    case 'array':
      return compareArraySchemas(ctx, original, update as typeof original);
    default:
      return;
  }
}
