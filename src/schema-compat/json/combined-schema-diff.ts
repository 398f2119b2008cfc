/**
 * Confluent's `CombinedSchemaDiff`: a change of criterion (allOf/anyOf/oneOf), a change in the number of distinct
 * subschemas, and a one-to-one pairing of original with compatible updated subschemas that must cover the smaller side.
 */
import type { DiffContext } from './json-diff-context.js';
import type { JsonDifference } from './json-difference.js';
import type { CombinedNode, JsonSchemaNode } from './json-schema-model.js';
import { compareSchemas } from './json-schema-diff.js';
import { javaValueKey } from './json-value-key.js';
import { maximumMatching } from './bipartite-matching.js';

/** Subschemas with duplicates dropped (Confluent collects them into a set of equal schemas). */
function distinct(subschemas: readonly JsonSchemaNode[]): JsonSchemaNode[] {
  const seen = new Set<string>();
  return subschemas.filter((s) => {
    const key = `${s.kind}|${s.kind === 'combined' ? s.criterion : ''}|${javaValueKey(s.source)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function criterionChange(ctx: DiffContext, original: CombinedNode, update: CombinedNode): 'EXTENDED' | 'CHANGED' | undefined {
  if (original.criterion === update.criterion) return undefined;
  const singleton = (s: CombinedNode): boolean => s.subschemas.length === 1;
  const extended =
    update.criterion === 'anyOf' ||
    (singleton(original) && singleton(update)) ||
    (singleton(original) && update.criterion === 'oneOf') ||
    (singleton(update) && original.criterion === 'allOf');
  ctx.add(extended ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED');
  return extended ? 'EXTENDED' : 'CHANGED';
}

export function compareCombinedSchemas(ctx: DiffContext, original: CombinedNode, update: CombinedNode): void {
  if (criterionChange(ctx, original, update) === 'CHANGED') return;
  const o = distinct(original.subschemas);
  const u = distinct(update.subschemas);
  if (o.length < u.length) ctx.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  else if (o.length > u.length) ctx.add(original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');

  const compatible: (readonly JsonDifference[] | undefined)[][] = o.map((os, i) =>
    ctx.at(`${original.criterion}/${i}`, () =>
      u.map((us) => {
        const sub = ctx.subcontext();
        compareSchemas(sub, os, us);
        return sub.isCompatible ? sub.differences : undefined;
      }),
    ),
  );
  const matching = maximumMatching(o.length, u.length, (i) => u.flatMap((_, j) => (compatible[i]![j] !== undefined ? [j] : [])));
  for (const [i, j] of [...matching].sort(([a], [b]) => a - b)) ctx.addAll(compatible[i]![j]!);
  if (matching.size < Math.min(o.length, u.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}
