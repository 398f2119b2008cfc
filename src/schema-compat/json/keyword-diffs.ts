/** Confluent's diffs of the simple JSON Schema kinds: string, number, enum, const and not. */
import type { DiffContext } from './json-diff-context.js';
import type { JsonDifferenceType } from './json-difference.js';
import type { ConstNode, EnumNode, NotNode, NumberNode, StringNode } from './json-schema-model.js';
import { compareSchemas } from './json-schema-diff.js';
import { javaValueKey } from './json-value-key.js';

type Kinds = readonly [added: JsonDifferenceType, removed: JsonDifferenceType, increased: JsonDifferenceType, decreased: JsonDifferenceType];

/** One limit keyword: added, removed, raised or lowered. */
function compareLimit(ctx: DiffContext, keyword: string, original: number | undefined, update: number | undefined, kinds: Kinds): void {
  if (original === update) return;
  if (original === undefined) ctx.add(kinds[0], keyword);
  else if (update === undefined) ctx.add(kinds[1], keyword);
  else if (original < update) ctx.add(kinds[2], keyword);
  else if (original > update) ctx.add(kinds[3], keyword);
}

const num = (literal: string | undefined): number | undefined => (literal === undefined ? undefined : Number(literal));

export function compareStringSchemas(ctx: DiffContext, original: StringNode, update: StringNode): void {
  compareLimit(ctx, 'maxLength', original.maxLength, update.maxLength, ['MAX_LENGTH_ADDED', 'MAX_LENGTH_REMOVED', 'MAX_LENGTH_INCREASED', 'MAX_LENGTH_DECREASED']);
  compareLimit(ctx, 'minLength', original.minLength, update.minLength, ['MIN_LENGTH_ADDED', 'MIN_LENGTH_REMOVED', 'MIN_LENGTH_INCREASED', 'MIN_LENGTH_DECREASED']);
  if (original.pattern === undefined && update.pattern !== undefined) ctx.add('PATTERN_ADDED', 'pattern');
  else if (original.pattern !== undefined && update.pattern === undefined) ctx.add('PATTERN_REMOVED', 'pattern');
  else if (original.pattern !== update.pattern) ctx.add('PATTERN_CHANGED', 'pattern');
}

/** A decimal literal as an exact (unscaled, scale) pair, for Java's BigDecimal arithmetic. */
function decimal(literal: string): { unscaled: bigint; scale: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return { unscaled: 0n, scale: 0 };
  const [, sign, int, frac = '', exp = '0'] = m;
  return { unscaled: BigInt(`${sign}${int}${frac}`), scale: frac.length - Number(exp) };
}

/** Whether `a` is an exact multiple of `b` (`a.remainder(b) == 0`, b not zero). */
function isMultiple(a: string, b: string): boolean {
  const x = decimal(a);
  const y = decimal(b);
  if (y.unscaled === 0n) return false;
  const scale = Math.max(x.scale, y.scale);
  const ax = x.unscaled * 10n ** BigInt(scale - x.scale);
  const by = y.unscaled * 10n ** BigInt(scale - y.scale);
  return ax % by === 0n;
}

function decimalEquals(a: string, b: string): boolean {
  return isMultiple(a, b) && isMultiple(b, a) && Math.sign(Number(a)) === Math.sign(Number(b));
}

export function compareNumberSchemas(ctx: DiffContext, original: NumberNode, update: NumberNode): void {
  compareLimit(ctx, 'maximum', num(original.maximum), num(update.maximum), ['MAXIMUM_ADDED', 'MAXIMUM_REMOVED', 'MAXIMUM_INCREASED', 'MAXIMUM_DECREASED']);
  compareLimit(ctx, 'minimum', num(original.minimum), num(update.minimum), ['MINIMUM_ADDED', 'MINIMUM_REMOVED', 'MINIMUM_INCREASED', 'MINIMUM_DECREASED']);
  // Confluent compares a lowered exclusiveMaximum against the new `maximum` (and fails when there is none);
  // the new exclusiveMaximum is what is meant.
  compareLimit(ctx, 'exclusiveMaximum', num(original.exclusiveMaximum), num(update.exclusiveMaximum), [
    'EXCLUSIVE_MAXIMUM_ADDED', 'EXCLUSIVE_MAXIMUM_REMOVED', 'EXCLUSIVE_MAXIMUM_INCREASED', 'EXCLUSIVE_MAXIMUM_DECREASED',
  ]);
  compareLimit(ctx, 'exclusiveMinimum', num(original.exclusiveMinimum), num(update.exclusiveMinimum), [
    'EXCLUSIVE_MINIMUM_ADDED', 'EXCLUSIVE_MINIMUM_REMOVED', 'EXCLUSIVE_MINIMUM_INCREASED', 'EXCLUSIVE_MINIMUM_DECREASED',
  ]);
  const o = original.multipleOf;
  const u = update.multipleOf;
  const equal = o === undefined ? u === undefined : u !== undefined && decimalEquals(o, u);
  if (!equal) {
    if (o === undefined) ctx.add('MULTIPLE_OF_ADDED', 'multipleOf');
    else if (u === undefined) ctx.add('MULTIPLE_OF_REMOVED', 'multipleOf');
    else if (isMultiple(u, o)) ctx.add('MULTIPLE_OF_EXPANDED', 'multipleOf');
    else if (isMultiple(o, u)) ctx.add('MULTIPLE_OF_REDUCED', 'multipleOf');
    else ctx.add('MULTIPLE_OF_CHANGED', 'multipleOf');
  }
  if (original.requiresInteger !== update.requiresInteger) ctx.add(original.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED');
}

export function compareEnumSchemas(ctx: DiffContext, original: EnumNode, update: EnumNode): void {
  const o = new Set(original.possibleValues.map(javaValueKey));
  const u = new Set(update.possibleValues.map(javaValueKey));
  const uHasAll = [...o].every((v) => u.has(v));
  const oHasAll = [...u].every((v) => o.has(v));
  if (uHasAll && oHasAll) return;
  if (uHasAll) ctx.add('ENUM_ARRAY_EXTENDED', 'enum');
  else if (oHasAll) ctx.add('ENUM_ARRAY_NARROWED', 'enum');
  else ctx.add('ENUM_ARRAY_CHANGED', 'enum');
}

export function compareConstSchemas(ctx: DiffContext, original: ConstNode, update: ConstNode): void {
  if (javaValueKey(original.permittedValue) !== javaValueKey(update.permittedValue)) ctx.add('ENUM_ARRAY_CHANGED', 'const');
}

/** `not` turns the comparison around: the update may exclude less than the original did. */
export function compareNotSchemas(ctx: DiffContext, original: NotNode, update: NotNode): void {
  ctx.at('not', () => {
    const sub = ctx.subcontext();
    compareSchemas(sub, update.mustNotMatch, original.mustNotMatch);
    ctx.add(sub.isCompatible ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
  });
}
