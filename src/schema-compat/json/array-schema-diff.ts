/**
 * Confluent's `ArraySchemaDiff`: the item schema, tuple items added or removed under the content model of the array
 * (additionalItems / unevaluatedItems), and the item count, uniqueness and contains limits.
 */
import { JsonNumber, type JsonValue } from '../json-text.js';
import type { DiffContext } from './json-diff-context.js';
import type { JsonDifferenceType } from './json-difference.js';
import { isEmptySchema, type ArrayNode, type JsonSchemaNode } from './json-schema-model.js';
import { compareSchemas } from './json-schema-diff.js';

export function compareArraySchemas(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  ctx.at('items', () => compareSchemas(ctx, original.allItemSchema, update.allItemSchema));
  compareTupleItems(ctx, original, update);
  compareAdditionalItems(ctx, original, update);
  compareUnevaluatedItems(ctx, original, update);
  compareAttributes(ctx, original, update);
}

type Kinds = readonly [JsonDifferenceType, JsonDifferenceType, JsonDifferenceType, JsonDifferenceType];

function compareLimit(ctx: DiffContext, keyword: string, o: number | undefined, u: number | undefined, kinds: Kinds): void {
  if (o === u) return;
  if (o === undefined) ctx.add(kinds[0], keyword);
  else if (u === undefined) ctx.add(kinds[1], keyword);
  else if (o < u) ctx.add(kinds[2], keyword);
  else if (o > u) ctx.add(kinds[3], keyword);
}

/** maxContains/minContains stay unprocessed keywords in everit; Confluent reads them when they are numbers. */
function containsLimit(s: ArrayNode, keyword: string): number | undefined {
  const v: JsonValue | undefined = s.unprocessed.get(keyword);
  return v instanceof JsonNumber ? Math.trunc(v.value) : undefined;
}

function compareAttributes(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  compareLimit(ctx, 'maxItems', original.maxItems, update.maxItems, ['MAX_ITEMS_ADDED', 'MAX_ITEMS_REMOVED', 'MAX_ITEMS_INCREASED', 'MAX_ITEMS_DECREASED']);
  compareLimit(ctx, 'minItems', original.minItems, update.minItems, ['MIN_ITEMS_ADDED', 'MIN_ITEMS_REMOVED', 'MIN_ITEMS_INCREASED', 'MIN_ITEMS_DECREASED']);
  if (original.uniqueItems !== update.uniqueItems) ctx.add(original.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  compareLimit(ctx, 'maxContains', containsLimit(original, 'maxContains'), containsLimit(update, 'maxContains'), [
    'MAX_CONTAINS_ADDED', 'MAX_CONTAINS_REMOVED', 'MAX_CONTAINS_INCREASED', 'MAX_CONTAINS_DECREASED',
  ]);
  compareLimit(ctx, 'minContains', containsLimit(original, 'minContains'), containsLimit(update, 'minContains'), [
    'MIN_CONTAINS_ADDED', 'MIN_CONTAINS_REMOVED', 'MIN_CONTAINS_INCREASED', 'MIN_CONTAINS_DECREASED',
  ]);
}

function compareAdditionalItems(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  ctx.at('additionalItems', () => {
    if (original.additionalItems !== update.additionalItems) {
      ctx.add(original.additionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    } else if (original.schemaOfAdditionalItems === undefined && update.schemaOfAdditionalItems !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_NARROWED');
    } else if (update.schemaOfAdditionalItems === undefined && original.schemaOfAdditionalItems !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    } else {
      compareSchemas(ctx, original.schemaOfAdditionalItems, update.schemaOfAdditionalItems);
    }
  });
}

function compareUnevaluatedItems(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  const o = original.unevaluatedItems;
  const u = update.unevaluatedItems;
  if (o === undefined && u === undefined) return;
  ctx.at('unevaluatedItems', () => {
    if (o === undefined) ctx.add(u!.kind === 'false' ? 'UNEVALUATED_ITEMS_REMOVED' : 'UNEVALUATED_ITEMS_NARROWED');
    else if (u === undefined) ctx.add(o.kind === 'false' ? 'UNEVALUATED_ITEMS_ADDED' : 'UNEVALUATED_ITEMS_EXTENDED');
    else if (o.kind === 'false' && u.kind !== 'false') ctx.add('UNEVALUATED_ITEMS_ADDED');
    else if (o.kind !== 'false' && u.kind === 'false') ctx.add('UNEVALUATED_ITEMS_REMOVED');
    else if (isEmptySchema(o) && !isEmptySchema(u)) ctx.add('UNEVALUATED_ITEMS_NARROWED');
    else if (!isEmptySchema(o) && isEmptySchema(u)) ctx.add('UNEVALUATED_ITEMS_EXTENDED');
    else compareSchemas(ctx, o, u);
  });
}

function isOpenContentModel(s: ArrayNode): boolean {
  if (!s.additionalItems || s.schemaOfAdditionalItems !== undefined) return false;
  const u = s.unevaluatedItems;
  return u === undefined || isEmptySchema(u);
}

function schemaFromPartiallyOpenContentModel(s: ArrayNode): JsonSchemaNode | undefined {
  if (s.schemaOfAdditionalItems !== undefined) return s.schemaOfAdditionalItems;
  if (s.additionalItems) {
    const u = s.unevaluatedItems;
    if (u !== undefined && u.kind !== 'false' && !isEmptySchema(u)) return u;
  }
  return undefined;
}

function compareTupleItems(ctx: DiffContext, original: ArrayNode, update: ArrayNode): void {
  const o = original.itemSchemas ?? [];
  const u = update.itemSchemas ?? [];
  const common = Math.min(o.length, u.length);
  for (let i = 0; i < common; i++) ctx.at(`items/${i}`, () => compareSchemas(ctx, o[i], u[i]));
  for (let i = common; i < o.length; i++) {
    ctx.at(`items/${i}`, () => {
      if (isOpenContentModel(update)) {
        ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
        return;
      }
      const partial = schemaFromPartiallyOpenContentModel(update);
      if (partial !== undefined) {
        const sub = ctx.subcontext();
        compareSchemas(sub, o[i], partial);
        ctx.addAll(sub.differences);
        ctx.add(sub.isCompatible ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
      } else {
        ctx.add(o[i]!.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
      }
    });
  }
  for (let i = common; i < u.length; i++) {
    ctx.at(`items/${i}`, () => {
      if (isOpenContentModel(original)) {
        ctx.add(isEmptySchema(u[i]!) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL');
        return;
      }
      const partial = schemaFromPartiallyOpenContentModel(original);
      if (partial !== undefined) {
        const sub = ctx.subcontext();
        compareSchemas(sub, partial, u[i]);
        ctx.addAll(sub.differences);
        ctx.add(sub.isCompatible ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
      } else {
        ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
      }
    });
  }
}
