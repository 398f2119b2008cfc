/**
 * Confluent's JSON Schema diff `Context`: the current path, the differences found so far, and a memo of compared
 * schema pairs shared by all sub-contexts. A pair met again while it is being compared is a recursive cycle and is
 * assumed compatible, unless an earlier fixpoint pass found it incompatible (the `incompatibleSeed`).
 */
import { JSON_COMPATIBLE_CHANGES, type JsonDifference, type JsonDifferenceType } from './json-difference.js';
import type { JsonSchemaNode } from './json-schema-model.js';

type PairMap<V> = Map<JsonSchemaNode, Map<JsonSchemaNode, V>>;

function pairGet<V>(m: PairMap<V>, a: JsonSchemaNode, b: JsonSchemaNode): V | undefined {
  return m.get(a)?.get(b);
}

function pairSet<V>(m: PairMap<V>, a: JsonSchemaNode, b: JsonSchemaNode, v: V): void {
  let inner = m.get(a);
  if (!inner) m.set(a, (inner = new Map()));
  inner.set(b, v);
}

function pairDelete<V>(m: PairMap<V>, a: JsonSchemaNode, b: JsonSchemaNode): void {
  m.get(a)?.delete(b);
}

interface Shared {
  readonly memo: PairMap<readonly JsonDifference[]>;
  readonly inProgress: PairMap<true>;
  readonly incompatibleSeed: PairMap<readonly JsonDifference[]>;
  optimismUsed: boolean;
}

export function isCompatibleChange(type: JsonDifferenceType): boolean {
  return JSON_COMPATIBLE_CHANGES.has(type);
}

export class DiffContext {
  readonly differences: JsonDifference[] = [];
  private readonly path: string[];

  private constructor(private readonly shared: Shared, path: readonly string[]) {
    this.path = [...path];
  }

  static root(incompatibleSeed: PairMap<readonly JsonDifference[]> = new Map()): DiffContext {
    return new DiffContext({ memo: new Map(), inProgress: new Map(), incompatibleSeed, optimismUsed: false }, []);
  }

  subcontext(): DiffContext {
    return new DiffContext(this.shared, this.path);
  }

  get usedOptimisticTruncation(): boolean {
    return this.shared.optimismUsed;
  }

  /** Runs `fn` with `segment` appended to the path. */
  at<T>(segment: string, fn: () => T): T {
    this.path.push(segment);
    try {
      return fn();
    } finally {
      this.path.pop();
    }
  }

  private pathText(): string {
    return `#/${this.path.join('/')}`;
  }

  add(type: JsonDifferenceType, attribute?: string): void {
    if (attribute === undefined) this.differences.push({ type, jsonPath: this.pathText() });
    else this.at(attribute, () => this.differences.push({ type, jsonPath: this.pathText() }));
  }

  addAll(differences: readonly JsonDifference[]): void {
    this.differences.push(...differences);
  }

  get isCompatible(): boolean {
    return this.differences.every((d) => isCompatibleChange(d.type));
  }

  /** The differences of comparing a pair, relative to the pair; cached, and cut at recursive cycles. */
  compareMemoized(original: JsonSchemaNode, update: JsonSchemaNode, compare: (ctx: DiffContext) => void): readonly JsonDifference[] {
    const cached = pairGet(this.shared.memo, original, update);
    if (cached) return cached;
    if (pairGet(this.shared.inProgress, original, update)) {
      const seeded = pairGet(this.shared.incompatibleSeed, original, update);
      if (seeded) return seeded;
      this.shared.optimismUsed = true;
      return [];
    }
    pairSet(this.shared.inProgress, original, update, true);
    try {
      const ctx = new DiffContext(this.shared, []);
      compare(ctx);
      const result = [...ctx.differences];
      pairSet(this.shared.memo, original, update, result);
      return result;
    } finally {
      pairDelete(this.shared.inProgress, original, update);
    }
  }

  /** Adds differences computed relative to a nested pair, prefixed with the current path. */
  addRebased(relative: readonly JsonDifference[]): void {
    if (this.path.length === 0) {
      this.differences.push(...relative);
      return;
    }
    const prefix = this.pathText();
    for (const d of relative) {
      this.differences.push({ type: d.type, jsonPath: d.jsonPath.length <= 2 ? prefix : `${prefix}/${d.jsonPath.slice(2)}` });
    }
  }

  /** The memoized pairs found incompatible, to seed the next fixpoint pass. */
  incompatiblePairs(): PairMap<readonly JsonDifference[]> {
    const out: PairMap<readonly JsonDifference[]> = new Map();
    for (const [a, inner] of this.shared.memo) {
      for (const [b, diffs] of inner) if (diffs.some((d) => !isCompatibleChange(d.type))) pairSet(out, a, b, diffs);
    }
    return out;
  }
}

export function samePairs(a: PairMap<unknown>, b: PairMap<unknown>): boolean {
  const count = (m: PairMap<unknown>): number => [...m.values()].reduce((n, inner) => n + inner.size, 0);
  if (count(a) !== count(b)) return false;
  for (const [x, inner] of a) for (const y of inner.keys()) if (pairGet(b, x, y) === undefined) return false;
  return true;
}
