/**
 * The wiring of a connector's transforms, as Kafka Connect's `ConnectorConfig.transformationStages` and
 * `TransformationChain` do it: `transforms=a,b`, `transforms.<a>.type`, `transforms.<a>.predicate`,
 * `transforms.<a>.negate`, `predicates=p`, `predicates.<p>.type`; every other `transforms.<a>.*` /
 * `predicates.<p>.*` key goes to the plugin with its prefix stripped.
 */
import { ConnectRecord, DataException, SinkRecord } from '../data/index.js';
import { ConfigDef, ConfigException, TransformException, type Predicate, type Transformation } from './transformation.js';
import type { ConfigKey, ConfigKeyInit } from '../connectors/api/config-def.js';
import { transformRegistry, type PluginKind, type TransformRegistry } from './registry.js';

export const TRANSFORMS_CONFIG = 'transforms';
export const PREDICATES_CONFIG = 'predicates';
export const PREDICATE_CONFIG = 'predicate';
export const NEGATE_CONFIG = 'negate';

type RawConnectorConfig = Readonly<Record<string, unknown>>;

/** One step of a chain: a transformation, optionally guarded by a predicate. */
export interface TransformStage<R extends ConnectRecord = ConnectRecord> {
  readonly alias: string;
  readonly className: string;
  readonly transformation: Transformation<R>;
  readonly predicate?: { readonly alias: string; readonly className: string; readonly instance: Predicate<R>; readonly negate: boolean };
}

export interface TransformChain<R extends ConnectRecord = ConnectRecord> {
  readonly stages: readonly TransformStage<R>[];
  /** Runs every stage in order; null when a stage dropped the record. Errors are TransformExceptions. */
  apply(record: R): R | null;
  close(): void;
}

export interface ChainOptions {
  registry?: TransformRegistry;
}

/** Kafka's LIST parsing of an alias list, refusing duplicates as ConnectorConfig's validator does. */
export function aliasList(config: RawConnectorConfig, key: string): string[] {
  const raw = config[key];
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw.map((v) => String(v).trim()) : String(raw).trim() === '' ? [] : String(raw).trim().split(/\s*,\s*/);
  if (new Set(list).size !== list.length) throw new ConfigException(key, list.join(','), 'Duplicate alias provided.');
  for (const a of list) if (a === '') throw new ConfigException(key, list.join(','), 'Empty alias provided.');
  return list;
}

/** Every `<prefix>*` key with the prefix stripped (Kafka's `originalsWithPrefix`). */
function withPrefix(config: RawConnectorConfig, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix) && v !== undefined) out[k.slice(prefix.length)] = v;
  return out;
}

function stringValue(config: RawConnectorConfig, key: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** A plugin's ConfigException re-keyed under its prefix, so the message names `transforms.<a>.<key>`. */
function prefixed(e: unknown, prefix: string, typeKey: string, className: string): unknown {
  if (!(e instanceof ConfigException)) return e;
  if (e.key !== undefined) {
    const full = prefix + e.key;
    const message = e.message
      .replace(`configuration ${e.key}:`, `configuration ${full}:`)
      .replace(`configuration "${e.key}"`, `configuration "${full}"`);
    return Object.assign(new ConfigException(undefined, undefined, message), { key: full });
  }
  return Object.assign(new ConfigException(undefined, undefined, `Invalid configuration of ${className} for ${prefix.slice(0, -1)}: ${e.message}`), {
    key: typeKey,
  });
}

function parseNegate(config: RawConnectorConfig, key: string): boolean {
  const v = config[key];
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new ConfigException(key, v, 'Expected value to be either true or false');
}

function instantiate<T>(
  registry: TransformRegistry,
  config: RawConnectorConfig,
  prefix: string,
  kind: PluginKind,
  strip: readonly string[],
): { className: string; instance: T } {
  const typeKey = `${prefix}type`;
  const type = stringValue(config, typeKey);
  if (type === undefined) throw Object.assign(ConfigException.missing(typeKey), { key: typeKey });
  const plugin = registry.resolve(type, kind, typeKey);
  const props = withPrefix(config, prefix);
  for (const k of ['type', ...strip]) delete props[k];
  const instance = plugin.create() as unknown as T & { configure(c: Record<string, unknown>): void };
  try {
    instance.configure(props);
  } catch (e) {
    throw prefixed(e, prefix, typeKey, plugin.className);
  }
  return { className: plugin.className, instance };
}

/**
 * Builds the transformation chain of a connector config. Throws a ConfigException naming the offending key for
 * an unknown alias or class, a missing type, a `negate` without a `predicate`, or a plugin config error.
 */
export function buildTransformChain<R extends ConnectRecord = ConnectRecord>(
  connectorConfig: RawConnectorConfig,
  options: ChainOptions = {},
): TransformChain<R> {
  const registry = options.registry ?? transformRegistry();
  const transformAliases = aliasList(connectorConfig, TRANSFORMS_CONFIG);
  const predicateAliases = aliasList(connectorConfig, PREDICATES_CONFIG);
  const built: (Transformation<R> | Predicate<R>)[] = [];
  const closeAll = (): void => {
    for (const b of built) {
      try {
        b.close();
      } catch {
        // closeQuietly, as Kafka does
      }
    }
  };
  try {
    // Every declared predicate must resolve and configure, even if no transform uses it (Kafka validates them all).
    for (const p of predicateAliases) {
      built.push(instantiate<Predicate<R>>(registry, connectorConfig, `${PREDICATES_CONFIG}.${p}.`, 'predicate', []).instance);
    }
    const stages: TransformStage<R>[] = [];
    for (const alias of transformAliases) {
      const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
      const predicateKey = prefix + PREDICATE_CONFIG;
      const negateKey = prefix + NEGATE_CONFIG;
      const predicateAlias = stringValue(connectorConfig, predicateKey);
      if (predicateAlias === undefined && connectorConfig[negateKey] !== undefined) {
        throw Object.assign(new ConfigException(undefined, undefined,
          `Config '${negateKey}' was provided but there is no config '${predicateKey}' defining a predicate to be negated.`), { key: negateKey });
      }
      const negate = parseNegate(connectorConfig, negateKey);
      const t = instantiate<Transformation<R>>(registry, connectorConfig, prefix, 'transformation', [PREDICATE_CONFIG, NEGATE_CONFIG]);
      built.push(t.instance);
      let predicate: TransformStage<R>['predicate'];
      if (predicateAlias !== undefined) {
        if (!predicateAliases.includes(predicateAlias)) {
          throw new ConfigException(predicateKey, predicateAlias, `Predicate alias '${predicateAlias}' is not listed in ${PREDICATES_CONFIG}`);
        }
        // Kafka gives each stage its own predicate instance.
        const p = instantiate<Predicate<R>>(registry, connectorConfig, `${PREDICATES_CONFIG}.${predicateAlias}.`, 'predicate', []);
        built.push(p.instance);
        predicate = { alias: predicateAlias, className: p.className, instance: p.instance, negate };
      }
      stages.push({ alias, className: t.className, transformation: t.instance, ...(predicate ? { predicate } : {}) });
    }
    return chainOf(stages, closeAll);
  } catch (e) {
    closeAll();
    throw e;
  }
}

function recordContext(record: ConnectRecord): { topic: string; partition?: number; offset?: number } {
  const ctx: { topic: string; partition?: number; offset?: number } = { topic: record.topic };
  if (record.kafkaPartition !== null) ctx.partition = record.kafkaPartition;
  if (record instanceof SinkRecord) ctx.offset = record.kafkaOffset;
  return ctx;
}

function wrap(e: unknown, what: string, alias: string, className: string, record: ConnectRecord): TransformException {
  const short = className.slice(className.lastIndexOf('.') + 1);
  const inner = e instanceof DataException ? e.reason : e instanceof Error ? e.message : String(e);
  const context = { ...recordContext(record), ...(e instanceof DataException ? e.context : {}) };
  return new TransformException(`${what} '${alias}' (${short}) failed: ${inner}`, context, { cause: e, alias, transformClass: className });
}

/** A chain over already-configured stages. */
export function chainOf<R extends ConnectRecord>(stages: readonly TransformStage<R>[], close?: () => void): TransformChain<R> {
  return {
    stages,
    apply(record: R): R | null {
      let current = record;
      for (const stage of stages) {
        if (stage.predicate) {
          let matched: boolean;
          try {
            matched = stage.predicate.instance.test(current);
          } catch (e) {
            throw wrap(e, 'Predicate', stage.predicate.alias, stage.predicate.className, current);
          }
          if (matched === stage.predicate.negate) continue;
        }
        let next: R | null;
        try {
          next = stage.transformation.apply(current);
        } catch (e) {
          throw wrap(e, 'Transform', stage.alias, stage.className, current);
        }
        if (next === null) return null;
        current = next;
      }
      return current;
    },
    close(): void {
      if (close) {
        close();
        return;
      }
      for (const s of stages) {
        try {
          s.transformation.close();
          s.predicate?.instance.close();
        } catch {
          // closeQuietly
        }
      }
    },
  };
}

/** The implicit keys every transformation alias has (Kafka's `TransformationStage` configs). */
function implicitTransformKeys(predicateAliases: readonly string[], config: RawConnectorConfig, prefix: string): ConfigDef {
  const predicateKey = prefix + PREDICATE_CONFIG;
  return new ConfigDef()
    .define({
      name: PREDICATE_CONFIG, type: 'STRING', defaultValue: null, importance: 'MEDIUM',
      validator: {
        ensureValid(_name, value) {
          const v = typeof value === 'string' ? value.trim() : value;
          if (v !== null && v !== '' && !predicateAliases.includes(String(v))) {
            throw new ConfigException(predicateKey, v, `Predicate alias '${String(v)}' is not listed in ${PREDICATES_CONFIG}`);
          }
        },
        describe: () => `one of the aliases in ${PREDICATES_CONFIG}`,
      },
      documentation: 'The alias of a predicate used to determine whether to apply this transformation.',
    })
    .define({
      name: NEGATE_CONFIG, type: 'BOOLEAN', defaultValue: false, importance: 'MEDIUM',
      validator: {
        ensureValid(name) {
          // ConfigDef checks a default against its validator when the key is defined (unprefixed): skip that.
          if (name !== prefix + NEGATE_CONFIG) return;
          if (config[prefix + NEGATE_CONFIG] !== undefined && stringValue(config, predicateKey) === undefined) {
            throw new ConfigException(prefix + NEGATE_CONFIG, config[prefix + NEGATE_CONFIG],
              `Config '${prefix + NEGATE_CONFIG}' was provided but there is no config '${predicateKey}' defining a predicate to be negated.`);
          }
        },
        describe: () => `only with ${PREDICATE_CONFIG}`,
      },
      documentation: 'Whether the configured predicate should be negated.',
    });
}

/**
 * The ConfigDef entries Kafka's `ConnectorConfig.enrich` adds for a connector config: per transform alias
 * `transforms.<a>.type`, `.predicate`, `.negate` and the transformation's own keys (group `Transforms: <a>`),
 * per predicate alias `predicates.<p>.type` and its own keys (group `Predicates: <p>`). Unknown classes keep
 * their `type` entry, whose validation reports the error; the own keys are then absent.
 */
export function transformsConfigDef(connectorConfig: RawConnectorConfig, options: ChainOptions = {}): ConfigDef {
  const registry = options.registry ?? transformRegistry();
  const def = new ConfigDef();
  let transformAliases: string[];
  let predicateAliases: string[];
  try {
    transformAliases = aliasList(connectorConfig, TRANSFORMS_CONFIG);
  } catch {
    transformAliases = [...new Set(String(connectorConfig[TRANSFORMS_CONFIG] ?? '').split(',').map((a) => a.trim()).filter(Boolean))];
  }
  try {
    predicateAliases = aliasList(connectorConfig, PREDICATES_CONFIG);
  } catch {
    predicateAliases = [...new Set(String(connectorConfig[PREDICATES_CONFIG] ?? '').split(',').map((a) => a.trim()).filter(Boolean))];
  }
  const embedPlugin = (alias: string, aliasConfig: string, kind: PluginKind): void => {
    const prefix = `${aliasConfig}.${alias}.`;
    const group = `${kind === 'transformation' ? 'Transforms' : 'Predicates'}: ${alias}`;
    const typeKey = `${prefix}type`;
    const kindName = kind === 'transformation' ? 'Transformation' : 'Predicate';
    def.define({
      name: typeKey,
      type: 'CLASS',
      importance: 'HIGH',
      group,
      orderInGroup: 0,
      width: 'LONG',
      displayName: `${kindName} type for ${alias}`,
      documentation: `Class for the '${alias}' ${kind}.`,
      validator: {
        ensureValid(name, value) {
          if (typeof value === 'string') registry.resolve(value, kind, name);
        },
        describe: () => `valid configs for ${alias} ${kind}`,
      },
    });
    const own = new ConfigDef();
    if (kind === 'transformation') own.merge(implicitTransformKeys(predicateAliases, connectorConfig, prefix));
    const type = stringValue(connectorConfig, typeKey);
    const plugin = type === undefined ? undefined : registry.find(type);
    if (plugin && plugin.kind === kind) {
      // The implicit predicate/negate keys mask a plugin's keys of the same name.
      for (const k of plugin.configDef.keys()) {
        if (kind === 'transformation' && (k.name === PREDICATE_CONFIG || k.name === NEGATE_CONFIG)) continue;
        if (!own.key(k.name)) copyKey(own, k);
      }
    }
    def.embed(prefix, group, 1, own);
  };
  for (const a of transformAliases) embedPlugin(a, TRANSFORMS_CONFIG, 'transformation');
  for (const p of predicateAliases) embedPlugin(p, PREDICATES_CONFIG, 'predicate');
  return def;
}

/** Defines a copy of `k` in `into` (ConfigDef has no per-key merge). */
function copyKey(into: ConfigDef, k: ConfigKey): void {
  const init: ConfigKeyInit = {
    name: k.name,
    type: k.type,
    importance: k.importance,
    documentation: k.documentation,
    width: k.width,
    displayName: k.displayName,
    dependents: k.dependents,
    internal: k.internal,
    ...(k.validator ? { validator: k.validator } : {}),
    ...(k.hasDefault ? { defaultValue: k.defaultValue } : {}),
  };
  into.define(init);
}

/** The own ConfigDef of a transformation/predicate class, or undefined (for `ValidationOptions.transformConfigDef`). */
export { pluginConfigDef as transformConfigDefFor } from './registry.js';
