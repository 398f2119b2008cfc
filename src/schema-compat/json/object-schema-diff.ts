/**
 * Confluent's `ObjectSchemaDiff`: required properties, properties added or removed under the content model of the
 * object (open, closed, or partially open through additionalProperties / patternProperties / unevaluatedProperties),
 * dependencies, additionalProperties and the property count limits.
 */
import { JavaHashKeys } from '../java-hash-order.js';
import type { DiffContext } from './json-diff-context.js';
import { isEmptySchema, type JsonSchemaNode, type ObjectNode } from './json-schema-model.js';
import { compareSchemas } from './json-schema-diff.js';

export function compareObjectSchemas(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  compareRequired(ctx, original, update);
  compareProperties(ctx, original, update);
  compareDependencies(ctx, original, update);
  compareAdditionalProperties(ctx, original, update);
  compareUnevaluatedProperties(ctx, original, update);
  compareCounts(ctx, original, update);
}

/** The union of two key sets in the order Confluent's `HashSet` walks it. */
function allKeys(original: Iterable<string>, update: Iterable<string>): string[] {
  return [...JavaHashKeys.copyOf(JavaHashKeys.of(original)).addAll(JavaHashKeys.of(update))];
}

function compareCounts(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  const limit = (k: 'maxProperties' | 'minProperties', up: 'MAX' | 'MIN'): void => {
    const o = original[k];
    const u = update[k];
    if (o === u) return;
    if (o === undefined) ctx.add(`${up}_PROPERTIES_ADDED`, k);
    else if (u === undefined) ctx.add(`${up}_PROPERTIES_REMOVED`, k);
    else if (o < u) ctx.add(`${up}_PROPERTIES_INCREASED`, k);
    else if (o > u) ctx.add(`${up}_PROPERTIES_DECREASED`, k);
  };
  limit('maxProperties', 'MAX');
  limit('minProperties', 'MIN');
}

function compareAdditionalProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('additionalProperties', () => {
    if (original.additionalProperties !== update.additionalProperties) {
      ctx.add(update.additionalProperties ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    } else if (original.schemaOfAdditionalProperties === undefined && update.schemaOfAdditionalProperties !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_NARROWED');
    } else if (update.schemaOfAdditionalProperties === undefined && original.schemaOfAdditionalProperties !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_EXTENDED');
    } else {
      compareSchemas(ctx, original.schemaOfAdditionalProperties, update.schemaOfAdditionalProperties);
    }
  });
}

function compareUnevaluatedProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  const o = original.unevaluatedProperties;
  const u = update.unevaluatedProperties;
  if (o === undefined && u === undefined) return;
  ctx.at('unevaluatedProperties', () => {
    if (o === undefined) ctx.add(u!.kind === 'false' ? 'UNEVALUATED_PROPERTIES_REMOVED' : 'UNEVALUATED_PROPERTIES_NARROWED');
    else if (u === undefined) ctx.add(o.kind === 'false' ? 'UNEVALUATED_PROPERTIES_ADDED' : 'UNEVALUATED_PROPERTIES_EXTENDED');
    else if (o.kind === 'false' && u.kind !== 'false') ctx.add('UNEVALUATED_PROPERTIES_ADDED');
    else if (o.kind !== 'false' && u.kind === 'false') ctx.add('UNEVALUATED_PROPERTIES_REMOVED');
    else if (isEmptySchema(o) && !isEmptySchema(u)) ctx.add('UNEVALUATED_PROPERTIES_NARROWED');
    else if (!isEmptySchema(o) && isEmptySchema(u)) ctx.add('UNEVALUATED_PROPERTIES_EXTENDED');
    else compareSchemas(ctx, o, u);
  });
}

function compareDependencies(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('dependencies', () => {
    for (const key of allKeys(original.propertyDependencies.keys(), update.propertyDependencies.keys())) {
      ctx.at(key, () => {
        const o = original.propertyDependencies.get(key);
        const u = update.propertyDependencies.get(key);
        if (u === undefined) ctx.add('DEPENDENCY_ARRAY_REMOVED');
        else if (o === undefined) ctx.add('DEPENDENCY_ARRAY_ADDED');
        else {
          const oSet = new Set(o);
          const uSet = new Set(u);
          const uHasAll = [...oSet].every((x) => uSet.has(x));
          const oHasAll = [...uSet].every((x) => oSet.has(x));
          if (uHasAll && oHasAll) return;
          if (uHasAll) ctx.add('DEPENDENCY_ARRAY_EXTENDED');
          else if (oHasAll) ctx.add('DEPENDENCY_ARRAY_NARROWED');
          else ctx.add('DEPENDENCY_ARRAY_CHANGED');
        }
      });
    }
    for (const key of allKeys(original.schemaDependencies.keys(), update.schemaDependencies.keys())) {
      ctx.at(key, () => {
        const o = original.schemaDependencies.get(key);
        const u = update.schemaDependencies.get(key);
        if (u === undefined) ctx.add('DEPENDENCY_SCHEMA_REMOVED');
        else if (o === undefined) ctx.add('DEPENDENCY_SCHEMA_ADDED');
        else compareSchemas(ctx, o, u);
      });
    }
  });
}

/** Fully open: additional properties allowed, no schema for them, no pattern properties, no constraining unevaluatedProperties. */
export function isOpenContentModel(s: ObjectNode): boolean {
  if (!s.additionalProperties || s.schemaOfAdditionalProperties !== undefined || s.patternProperties.length > 0) return false;
  const u = s.unevaluatedProperties;
  return u === undefined || isEmptySchema(u);
}

function patternMatches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    try {
      return new RegExp(pattern).test(key);
    } catch {
      return false;
    }
  }
}

/** The schema a partially open object gives a property it does not list, if any. */
function schemaFromPartiallyOpenContentModel(s: ObjectNode, key: string): JsonSchemaNode | undefined {
  for (const [pattern, schema] of s.patternProperties) if (patternMatches(pattern, key)) return schema;
  if (s.schemaOfAdditionalProperties !== undefined) return s.schemaOfAdditionalProperties;
  if (s.additionalProperties) {
    const u = s.unevaluatedProperties;
    if (u !== undefined && u.kind !== 'false' && !isEmptySchema(u)) return u;
  }
  return undefined;
}

function compareProperties(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('properties', () => {
    for (const key of allKeys(original.properties.keys(), update.properties.keys())) {
      ctx.at(key, () => {
        const o = original.properties.get(key);
        const u = update.properties.get(key);
        if (u === undefined) propertyRemoved(ctx, o!, update, key);
        else if (o === undefined) propertyAdded(ctx, u, original, update, key);
        else compareSchemas(ctx, o, u);
      });
    }
  });
}

/** Only the update's content model matters: a removed property is fine if the update still admits it. */
function propertyRemoved(ctx: DiffContext, o: JsonSchemaNode, update: ObjectNode, key: string): void {
  if (isOpenContentModel(update)) {
    ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
    return;
  }
  const partial = schemaFromPartiallyOpenContentModel(update, key);
  if (partial !== undefined) {
    const sub = ctx.subcontext();
    compareSchemas(sub, o, partial);
    ctx.addAll(sub.differences);
    ctx.add(sub.isCompatible ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  } else {
    ctx.add(o.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
  }
}

/** Only the original's content model matters: an added property is fine if the original could not have had it. */
function propertyAdded(ctx: DiffContext, u: JsonSchemaNode, original: ObjectNode, update: ObjectNode, key: string): void {
  const required = update.required.includes(key);
  if (isOpenContentModel(original)) {
    if (isEmptySchema(u)) ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
    else if (required) {
      ctx.add(u.defaultValue !== undefined ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    } else ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    return;
  }
  const partial = schemaFromPartiallyOpenContentModel(original, key);
  if (partial !== undefined) {
    const sub = ctx.subcontext();
    compareSchemas(sub, partial, u);
    ctx.addAll(sub.differences);
    ctx.add(sub.isCompatible ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  }
  if (required) {
    ctx.add(u.defaultValue !== undefined ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
  } else {
    ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
  }
}

function compareRequired(ctx: DiffContext, original: ObjectNode, update: ObjectNode): void {
  ctx.at('required', () => {
    for (const key of JavaHashKeys.of(original.properties.keys())) {
      if (!update.properties.has(key)) continue;
      ctx.at(key, () => {
        const wasRequired = original.required.includes(key);
        const isRequired = update.required.includes(key);
        if (wasRequired && !isRequired) ctx.add('REQUIRED_ATTRIBUTE_REMOVED');
        else if (!wasRequired && isRequired) {
          ctx.add(update.properties.get(key)!.defaultValue !== undefined ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED');
        }
      });
    }
  });
}
