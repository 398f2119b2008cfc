/**
 * Kafka Connect's ConfigDef: typed definitions for flat string-map configs, with coercion, validation that reports
 * every key's errors (the shape of the REST validate endpoint) and generated documentation.
 */

export const CONFIG_TYPES = ['BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** A config value that must never be printed: `toString()` and JSON give `[hidden]`. */
export class Password {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  value(): string {
    return this.#value;
  }
  toString(): string {
    return '[hidden]';
  }
  toJSON(): string {
    return '[hidden]';
  }
}

/** An invalid config value: names the key and the reason, as Kafka's ConfigException does. */
export class ConfigException extends Error {
  override readonly name = 'ConfigException';
  readonly key: string | undefined;
  readonly reason: string;
  constructor(key: string | undefined, value: unknown, reason: string) {
    super(
      key === undefined
        ? reason
        : `Invalid value ${value instanceof Password ? '[hidden]' : String(value)} for configuration ${key}: ${reason}`,
    );
    this.key = key;
    this.reason = reason;
  }
  static missing(key: string): ConfigException {
    const e = new ConfigException(undefined, undefined, `Missing required configuration "${key}" which has no default value.`);
    return Object.assign(e, { key });
  }
}

export interface Validator {
  /** Throws ConfigException when `value` (already parsed to its type) is not acceptable. */
  ensureValid(name: string, value: unknown): void;
  /** Human description for docs, e.g. `[1,...]`. */
  describe(): string;
}

const NO_DEFAULT: unique symbol = Symbol('NO_DEFAULT');
export type NoDefault = typeof NO_DEFAULT;

export interface ConfigKeyInit {
  name: string;
  type: ConfigType;
  /** Omit for a required key. May be given as the string form (parsed) or the typed value. */
  defaultValue?: unknown;
  validator?: Validator;
  importance: Importance;
  documentation: string;
  group?: string;
  orderInGroup?: number;
  width?: Width;
  displayName?: string;
  dependents?: string[];
  /** Internal keys are accepted but not documented or shown by validation. */
  internal?: boolean;
}

export interface ConfigKey extends Required<Omit<ConfigKeyInit, 'defaultValue' | 'validator' | 'group'>> {
  defaultValue: unknown | NoDefault;
  validator: Validator | undefined;
  group: string | undefined;
  hasDefault: boolean;
}

/** One key's validation result (Kafka's ConfigValue). */
export interface ConfigValue {
  name: string;
  value: unknown;
  recommendedValues: string[];
  errorMessages: string[];
  visible: boolean;
}

export type RawConfig = Readonly<Record<string, unknown>>;

/** One problem of a config: the key to blame (if one is) and why. */
export interface ConfigProblem {
  readonly key?: string;
  readonly reason: string;
}

/** Whether `key` lies under one of `prefixes` (and names something below it): keys passed through undefined. */
export function underPrefix(key: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => key.startsWith(p) && key.length > p.length);
}

/** The reason for an unknown key, with a "did you mean" when a known key is a small edit away. */
export function unknownKeyReason(key: string, known: readonly string[], what: string): string {
  const guess = closestName(key, known);
  return `unknown ${what} configuration key "${key}"` + (guess ? ` (did you mean "${guess}"?)` : '');
}

/** The candidate nearest to `word` if it is a few edits away (at most max(2, ⌊length/4⌋)), else undefined. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c, bestDist);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** Levenshtein distance, or `cap` as soon as the lengths alone rule out anything below it. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function parseType(name: string, value: unknown, type: ConfigType): unknown {
  if (value === null || value === undefined) return null;
  const trimmed = typeof value === 'string' ? value.trim() : value;
  const bad = (why: string): never => {
    throw new ConfigException(name, value, why);
  };
  switch (type) {
    case 'BOOLEAN':
      if (typeof trimmed === 'boolean') return trimmed;
      if (typeof trimmed === 'string') {
        if (trimmed.toLowerCase() === 'true') return true;
        if (trimmed.toLowerCase() === 'false') return false;
      }
      return bad('Expected value to be either true or false');
    case 'STRING':
    case 'CLASS':
      if (typeof value === 'string') return trimmed; // Kafka's ConfigDef trims string values
      if (type === 'CLASS' && typeof value === 'function') return value;
      return bad(`Expected value to be a string, but it was a ${typeof value}`);
    case 'PASSWORD':
      if (value instanceof Password) return value;
      if (typeof value === 'string') return new Password(value.trim());
      return bad('Expected value to be a string, but it was a ' + typeof value);
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      const limits = { INT: 2 ** 31, SHORT: 2 ** 15, LONG: 2 ** 63 }[type];
      let n: number | undefined;
      if (typeof trimmed === 'number' && Number.isInteger(trimmed)) n = trimmed;
      else if (typeof trimmed === 'bigint') n = Number(trimmed);
      else if (typeof trimmed === 'string' && /^[+-]?\d+$/.test(trimmed)) n = Number(trimmed);
      if (n === undefined) return bad(`Not a number of type ${type}`);
      if (n < -limits || n >= limits) return bad(`Not a number of type ${type}`);
      return n;
    }
    case 'DOUBLE': {
      const n = typeof trimmed === 'number' ? trimmed : typeof trimmed === 'string' && trimmed !== '' ? Number(trimmed) : NaN;
      if (Number.isNaN(n)) return bad('Not a number of type DOUBLE');
      return n;
    }
    case 'LIST':
      if (Array.isArray(value)) return value.map((v) => String(v).trim());
      if (typeof value === 'string') return trimmed === '' ? [] : (trimmed as string).split(/\s*,\s*/);
      return bad('Expected a comma separated list.');
  }
}

/** The string form of a typed value, as Kafka's ConfigDef.convertToString (lists comma-joined, passwords hidden). */
export function configValueToString(value: unknown, type: ConfigType): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'PASSWORD' || value instanceof Password) return '[hidden]';
  if (type === 'LIST' && Array.isArray(value)) return value.join(',');
  if (typeof value === 'function') return (value as { className?: string }).className ?? value.name;
  return String(value);
}

export class ConfigDef {
  readonly #keys = new Map<string, ConfigKey>();
  readonly #groups: string[] = [];
  readonly #passThrough: string[] = [];

  /**
   * Declares that keys under `prefix` are the plugin's own pass-through settings (Confluent JDBC's
   * `connection.*` driver properties): read from the raw config, never reported as unknown keys.
   */
  passThrough(prefix: string): this {
    if (!this.#passThrough.includes(prefix)) this.#passThrough.push(prefix);
    return this;
  }

  passThroughPrefixes(): string[] {
    return [...this.#passThrough];
  }

  define(init: ConfigKeyInit): this {
    if (this.#keys.has(init.name)) throw new ConfigException(undefined, undefined, `Configuration ${init.name} is defined twice.`);
    const hasDefault = 'defaultValue' in init;
    const key: ConfigKey = {
      name: init.name,
      type: init.type,
      defaultValue: hasDefault ? parseType(init.name, init.defaultValue, init.type) : NO_DEFAULT,
      hasDefault,
      validator: init.validator,
      importance: init.importance,
      documentation: init.documentation,
      group: init.group,
      orderInGroup: init.orderInGroup ?? -1,
      width: init.width ?? 'NONE',
      displayName: init.displayName ?? init.name,
      dependents: init.dependents ?? [],
      internal: init.internal ?? false,
    };
    if (hasDefault && key.defaultValue !== null && key.validator) key.validator.ensureValid(key.name, key.defaultValue);
    if (key.group && !this.#groups.includes(key.group)) this.#groups.push(key.group);
    this.#keys.set(init.name, key);
    return this;
  }

  /** All keys of `other` that this def does not have yet (Kafka's `ConfigDef(base)` + embed). */
  merge(other: ConfigDef): this {
    for (const k of other.keys()) if (!this.#keys.has(k.name)) this.#defineKey(k);
    for (const p of other.passThroughPrefixes()) this.passThrough(p);
    return this;
  }

  /** Every key of `other` under `prefix` (Kafka's `embed`), e.g. transform keys under `transforms.a.`. */
  embed(prefix: string, group: string, startOrder: number, other: ConfigDef): this {
    let order = startOrder;
    for (const k of other.keys()) {
      this.#defineKey({ ...k, name: prefix + k.name, group, orderInGroup: order++ });
    }
    return this;
  }

  #defineKey(key: ConfigKey): void {
    if (key.group && !this.#groups.includes(key.group)) this.#groups.push(key.group);
    this.#keys.set(key.name, key);
  }

  keys(): ConfigKey[] {
    return [...this.#keys.values()];
  }
  key(name: string): ConfigKey | undefined {
    return this.#keys.get(name);
  }
  names(): string[] {
    return [...this.#keys.keys()];
  }
  groups(): string[] {
    return [...this.#groups];
  }

  /** Typed values for every defined key; throws the first ConfigException (missing required key, bad type, validator). */
  parse(props: RawConfig): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.#keys.values()) out[key.name] = this.#parseKey(key, props);
    return out;
  }

  #parseKey(key: ConfigKey, props: RawConfig): unknown {
    let value: unknown;
    if (Object.hasOwn(props, key.name) && props[key.name] !== undefined) {
      value = parseType(key.name, props[key.name], key.type);
    } else if (!key.hasDefault) {
      throw ConfigException.missing(key.name);
    } else {
      value = key.defaultValue;
    }
    if (key.validator && value !== null) key.validator.ensureValid(key.name, value);
    return value;
  }

  /** Every key's result, with all errors collected (never throws for bad values). */
  validate(props: RawConfig): Map<string, ConfigValue> {
    const result = new Map<string, ConfigValue>();
    for (const key of this.#keys.values()) {
      const cv: ConfigValue = {
        name: key.name,
        value: Object.hasOwn(props, key.name) ? props[key.name] : key.hasDefault ? key.defaultValue : null,
        recommendedValues: [],
        errorMessages: [],
        visible: true,
      };
      try {
        cv.value = this.#parseKey(key, props);
      } catch (e) {
        if (!(e instanceof ConfigException)) throw e;
        cv.errorMessages.push(e.message);
      }
      result.set(key.name, cv);
    }
    return result;
  }

  /** Every error of `validate`, flattened to one problem per message, in key order. */
  problems(props: RawConfig): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const [key, cv] of this.validate(props)) for (const reason of cv.errorMessages) out.push({ key, reason });
    return out;
  }

  /**
   * Every key of `props` this def does not define and no `allowedPrefixes` covers, as a problem whose reason
   * suggests the nearest defined key (`what` names the config: "worker", "connector").
   */
  unknownKeyProblems(props: RawConfig, what: string, allowedPrefixes: readonly string[] = []): ConfigProblem[] {
    const names = this.names();
    return Object.keys(props)
      .filter((key) => !this.#keys.has(key) && !underPrefix(key, allowedPrefixes))
      .map((key) => ({ key, reason: unknownKeyReason(key, names, what) }));
  }

  /** Markdown reference of every non-internal key, grouped, for `sluice plugins` and the docs. */
  toMarkdown(): string {
    const lines: string[] = [];
    for (const k of this.keys().filter((k) => !k.internal)) {
      lines.push(`- \`${k.name}\` (${k.type.toLowerCase()}, ${k.importance.toLowerCase()}` +
        (k.hasDefault ? `, default \`${configValueToString(k.defaultValue, k.type) ?? 'null'}\`` : ', required') +
        (k.validator ? `, valid: ${k.validator.describe()}` : '') + `): ${k.documentation}`);
    }
    return lines.join('\n');
  }
}

export const Validators = {
  atLeast(min: number): Validator {
    return {
      ensureValid(name, value) {
        if (typeof value === 'number' && value < min) throw new ConfigException(name, value, `Value must be at least ${min}`);
      },
      describe: () => `[${min},...]`,
    };
  },
  between(min: number, max: number): Validator {
    return {
      ensureValid(name, value) {
        if (typeof value === 'number' && (value < min || value > max)) {
          throw new ConfigException(name, value, value < min ? `Value must be at least ${min}` : `Value must be no more than ${max}`);
        }
      },
      describe: () => `[${min},...,${max}]`,
    };
  },
  in(...allowed: string[]): Validator {
    return {
      ensureValid(name, value) {
        if (!allowed.includes(String(value))) throw new ConfigException(name, value, `String must be one of: ${allowed.join(', ')}`);
      },
      describe: () => `[${allowed.join(', ')}]`,
    };
  },
  inIgnoreCase(...allowed: string[]): Validator {
    const lower = allowed.map((a) => a.toLowerCase());
    return {
      ensureValid(name, value) {
        if (!lower.includes(String(value).toLowerCase())) {
          throw new ConfigException(name, value, `String must be one of (case insensitive): ${allowed.join(', ')}`);
        }
      },
      describe: () => `(case insensitive) [${allowed.join(', ')}]`,
    };
  },
  nonEmptyString(): Validator {
    return {
      ensureValid(name, value) {
        if (typeof value === 'string' && value.trim() === '') throw new ConfigException(name, value, 'String may not be empty');
      },
      describe: () => 'non-empty string',
    };
  },
  /** Every list element must pass `each`; optionally the list may not be empty. */
  list(each: Validator | undefined, allowEmpty = true): Validator {
    return {
      ensureValid(name, value) {
        if (!Array.isArray(value)) return;
        if (!allowEmpty && value.length === 0) throw new ConfigException(name, value, 'Empty list');
        for (const v of value) each?.ensureValid(name, v);
      },
      describe: () => (each ? `list of ${each.describe()}` : 'list'),
    };
  },
  /** Custom check: `test` returns an error message or undefined. */
  custom(description: string, test: (value: unknown) => string | undefined): Validator {
    return {
      ensureValid(name, value) {
        const why = test(value);
        if (why) throw new ConfigException(name, value, why);
      },
      describe: () => description,
    };
  },
} as const;
