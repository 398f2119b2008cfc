/**
 * Connector config validation with Kafka Connect's response shape (`PUT /connector-plugins/{p}/config/validate`,
 * AbstractHerder.validateConnectorConfig): the framework keys, the connector's own `validate()` and the
 * cross-key checks, as ConfigInfos. Plus a throwing form for the CLI that lists every problem.
 */
import {
  ConfigDef,
  ConfigException,
  configValueToString,
  underPrefix,
  unknownKeyReason,
  type ConfigKey,
  type ConfigProblem,
  type ConfigType,
  type ConfigValue,
  type ConnectorPlugin,
} from './api/index.js';
import type { PluginRegistry } from './registry.js';
import { converterProblems } from './converter-problems.js';
import {
  CONNECTOR_PASSTHROUGH_PREFIXES,
  TOPIC_CREATION_PREFIX,
  connectorConfigDef,
  enrichConnectorConfigDef,
} from './framework-config.js';

export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  order: number;
  width: string;
  display_name: string;
  dependents: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

/** Hooks into the other plugin kinds, so validation can check converter classes and transform keys. */
export interface ValidationOptions {
  /**
   * Whether a converter / header converter class name or alias exists. Absent: the converters are built and
   * configured through src/converters (unknown classes and bad `<prefix>.*` settings are reported).
   */
  converterExists?: (name: string, kind: 'converter' | 'header_converter') => boolean;
  /** The own ConfigDef of a transformation or predicate class (keys without the `transforms.<alias>.` prefix). */
  transformConfigDef?: (type: string, kind: 'transformation' | 'predicate') => ConfigDef | undefined;
}

/** Kafka's `convertConfigKey`: a definition as the REST API shows it. */
export function configKeyInfo(key: ConfigKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: !key.hasDefault,
    default_value: key.hasDefault ? configValueToString(key.defaultValue, key.type) : null,
    importance: key.importance,
    documentation: key.documentation,
    group: key.group ?? null,
    order: key.orderInGroup,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
  };
}

/** `GET /connector-plugins/{p}/config`: the plugin's own keys, then the framework's (the plugin wins a name clash). */
export function pluginConfigKeyInfos(plugin: ConnectorPlugin): ConfigKeyInfo[] {
  const own = plugin.configDef().keys().filter((k) => !k.internal);
  const names = new Set(own.map((k) => k.name));
  const framework = connectorConfigDef(plugin.type).keys().filter((k) => !k.internal && !names.has(k.name));
  return [...own, ...framework].map(configKeyInfo);
}

function valueInfo(cv: ConfigValue, type: ConfigType | undefined): ConfigValueInfo {
  let value: string | null;
  if (cv.value === null || cv.value === undefined) value = null;
  else if (type && (typeof cv.value !== 'string' || type === 'PASSWORD')) value = configValueToString(cv.value, type);
  else value = typeof cv.value === 'string' ? cv.value : String(cv.value);
  const recType = type === 'LIST' ? 'STRING' : type;
  return {
    name: cv.name,
    value,
    recommended_values: cv.recommendedValues.map((r) => (recType ? configValueToString(r, recType) ?? '' : String(r))),
    errors: [...cv.errorMessages],
    visible: cv.visible,
  };
}

function addError(values: Map<string, ConfigValue>, key: string, raw: unknown, message: string): void {
  const cv = values.get(key) ?? { name: key, value: raw ?? null, recommendedValues: [], errorMessages: [], visible: true };
  if (!cv.errorMessages.includes(message)) cv.errorMessages.push(message);
  values.set(key, cv);
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function topicsList(raw: unknown): string[] {
  return typeof raw === 'string' ? raw.split(',').map((t) => t.trim()).filter((t) => t !== '') : [];
}

/** Kafka's `SinkConnectorConfig.validate`: exactly one of topics / topics.regex, and the DLQ topic is not consumed. */
function checkSinkTopics(config: Readonly<Record<string, string>>, values: Map<string, ConfigValue>): void {
  const topics = config['topics'];
  const regex = config['topics.regex'];
  const dlq = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  const hasTopics = !isBlank(topics);
  const hasRegex = !isBlank(regex);
  if (hasTopics && hasRegex) {
    const m = 'topics and topics.regex are mutually exclusive options, but both are set.';
    addError(values, 'topics', topics, m);
    addError(values, 'topics.regex', regex, m);
  }
  if (!hasTopics && !hasRegex) {
    const m = 'Must configure one of topics or topics.regex';
    addError(values, 'topics', topics ?? '', m);
    addError(values, 'topics.regex', regex ?? '', m);
  }
  if (dlq !== '') {
    const list = topicsList(topics);
    if (hasTopics && list.includes(dlq)) {
      addError(values, 'topics', topics,
        `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=[${list.join(', ')}]') consumed by the connector`);
    }
    if (hasRegex) {
      let matches = false;
      try {
        matches = new RegExp(`^(?:${regex})$`).test(dlq);
      } catch {
        // an invalid regex is already reported by the key's validator
      }
      if (matches) {
        addError(values, 'topics.regex', regex,
          `The DLQ topic '${dlq}' may not be included in the regex matching the topics ('topics.regex=${regex}') consumed by the connector`);
      }
    }
  }
}

function checkTransformRefs(config: Readonly<Record<string, string>>, values: Map<string, ConfigValue>): void {
  const predicates = new Set(topicsList(config['predicates']));
  for (const alias of new Set(topicsList(config['transforms']))) {
    const pKey = `transforms.${alias}.predicate`;
    const p = config[pKey];
    if (!isBlank(p) && !predicates.has(p!.trim())) {
      addError(values, pKey, p, `Predicate alias '${p!.trim()}' is not listed in predicates`);
    }
    const nKey = `transforms.${alias}.negate`;
    if (!isBlank(config[nKey]) && isBlank(p)) {
      addError(values, nKey, config[nKey], `${nKey} can only be used together with ${pKey}`);
    }
  }
}

function checkConverters(config: Readonly<Record<string, string>>, values: Map<string, ConfigValue>, options: ValidationOptions): void {
  const exists = options.converterExists;
  if (exists) {
    for (const [key, kind] of [['key.converter', 'converter'], ['value.converter', 'converter'], ['header.converter', 'header_converter']] as const) {
      const v = config[key];
      if (!isBlank(v) && !exists(v!.trim(), kind)) addError(values, key, v, `Class ${v!.trim()} could not be found.`);
    }
  } else {
    for (const p of converterProblems(config)) addError(values, p.key!, config[p.key!], p.reason);
  }
  if (!options.transformConfigDef) return;
  for (const [key, v] of Object.entries(config)) {
    const m = /^(transforms|predicates)\.([^.]+)\.type$/.exec(key);
    if (!m || isBlank(v)) continue;
    if (!options.transformConfigDef(v.trim(), m[1] === 'transforms' ? 'transformation' : 'predicate')) {
      addError(values, key, v, `Class ${v.trim()} could not be found.`);
    }
  }
}

function missingClass(config: Readonly<Record<string, string>>): ConfigException {
  const e = new ConfigException(undefined, undefined, `Connector config ${JSON.stringify(config)} contains no connector type`);
  return Object.assign(e, { key: 'connector.class' });
}

interface Validated {
  plugin: ConnectorPlugin;
  infos: ConfigInfos;
  /** Every key name the framework (enriched) or the connector defines. */
  definedKeys: Set<string>;
}

async function validate(
  registry: PluginRegistry,
  config: Readonly<Record<string, string>>,
  options: ValidationOptions,
): Promise<Validated> {
  const cls = config['connector.class'];
  if (isBlank(cls)) throw missingClass(config);
  const plugin = registry.resolve(cls!);
  const framework = enrichConnectorConfigDef(connectorConfigDef(plugin.type), plugin.type, config,
    (_prefix, _alias, kind, type) => (type ? options.transformConfigDef?.(type, kind) : undefined));
  const values = framework.validate(config);
  if (plugin.type === 'sink') checkSinkTopics(config, values);
  checkTransformRefs(config, values);
  checkConverters(config, values, options);

  const connector = plugin.create();
  const ownDef = connector.config();
  let own: Map<string, ConfigValue>;
  try {
    own = await connector.validate(config);
  } catch (e) {
    if (!(e instanceof ConfigException)) throw e;
    own = new Map();
    addError(own, e.key ?? 'connector.class', e.key ? config[e.key] : cls, e.key ? e.reason : e.message);
  }

  // Kafka's generateResult: definitions are the framework's then the connector's (which wins a clash in place);
  // values without a definition come first.
  const keys = new Map<string, ConfigKey>();
  for (const k of framework.keys()) if (!k.internal) keys.set(k.name, k);
  for (const k of ownDef.keys()) if (!k.internal) keys.set(k.name, k);
  const merged = new Map(values);
  for (const [name, cv] of own) {
    const prev = merged.get(name);
    if (!prev) merged.set(name, cv);
    else merged.set(name, { ...cv, errorMessages: [...new Set([...prev.errorMessages, ...cv.errorMessages])] });
  }

  const configs: ConfigInfo[] = [];
  let errorCount = 0;
  for (const [name, cv] of merged) {
    if (keys.has(name)) continue;
    const isInternal = framework.key(name)?.internal || ownDef.key(name)?.internal;
    if (isInternal) continue;
    configs.push({ definition: null, value: valueInfo(cv, undefined) });
    errorCount += cv.errorMessages.length;
  }
  for (const [name, key] of keys) {
    const cv = merged.get(name);
    configs.push({ definition: configKeyInfo(key), value: cv ? valueInfo(cv, key.type) : null });
    errorCount += cv?.errorMessages.length ?? 0;
  }
  const groups = [...new Set([...framework.groups(), ...ownDef.groups()])];
  const definedKeys = new Set([...framework.names(), ...ownDef.names()]);
  return { plugin, infos: { name: cls!, error_count: errorCount, groups, configs }, definedKeys };
}

/**
 * Validates a connector config as Kafka Connect's REST validate endpoint does. Throws a ConfigException
 * (key `connector.class`) when the class is missing or resolves to no plugin; everything else is reported
 * inside the result. Keys nobody defines are not reported (Kafka does not either).
 */
export async function validateConnectorConfig(
  registry: PluginRegistry,
  config: Readonly<Record<string, string>>,
  options: ValidationOptions = {},
): Promise<ConfigInfos> {
  return (await validate(registry, config, options)).infos;
}

export interface ProblemOptions extends ValidationOptions {
  /** Report keys that neither the framework nor the connector defines (outside the pass-through prefixes). Default true. */
  rejectUnknownKeys?: boolean;
  /** Key prefixes the caller validates itself (e.g. the worker's `sluice.restart.`), never reported as unknown. */
  allowedPrefixes?: readonly string[];
}

/** Every per-key problem of a connector config, as a flat list (never throws for an invalid config). */
export async function connectorConfigProblems(
  registry: PluginRegistry,
  config: Readonly<Record<string, string>>,
  options: ProblemOptions = {},
): Promise<ConfigProblem[]> {
  let v: Validated;
  try {
    v = await validate(registry, config, options);
  } catch (e) {
    if (e instanceof ConfigException) return [{ key: e.key ?? 'connector.class', reason: e.key ? e.reason : e.message }];
    throw e;
  }
  const problems: ConfigProblem[] = [];
  for (const c of v.infos.configs) {
    const key = c.value?.name ?? c.definition?.name;
    for (const reason of c.value?.errors ?? []) problems.push({ key, reason });
  }
  if (options.rejectUnknownKeys ?? true) {
    const allowedPrefixes = [
      ...(options.allowedPrefixes ?? []),
      ...CONNECTOR_PASSTHROUGH_PREFIXES,
      ...topicsList(config['transforms']).map((a) => `transforms.${a}.`),
      ...topicsList(config['predicates']).map((a) => `predicates.${a}.`),
      ...(v.plugin.type === 'source' ? [TOPIC_CREATION_PREFIX] : []),
    ];
    const known = [...v.definedKeys];
    for (const key of Object.keys(config)) {
      if (v.definedKeys.has(key) || underPrefix(key, allowedPrefixes)) continue;
      problems.push({ key, reason: unknownKeyReason(key, known, 'connector') });
    }
  }
  return problems;
}

/** A connector config that cannot be used: every problem with its key and reason. */
export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
  constructor(
    readonly connector: string | undefined,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid configuration for connector${connector ? ` "${connector}"` : ''}:\n` +
        problems.map((p) => `  - ${p.key ? `${p.key}: ` : ''}${p.reason}`).join('\n'),
    );
  }
}

/** Throws a ConnectorConfigError listing every problem, or returns the resolved plugin. */
export async function assertValidConnectorConfig(
  registry: PluginRegistry,
  config: Readonly<Record<string, string>>,
  options: ProblemOptions = {},
): Promise<ConnectorPlugin> {
  const problems = await connectorConfigProblems(registry, config, options);
  if (problems.length > 0) throw new ConnectorConfigError(config['name'], problems);
  return registry.resolve(config['connector.class']!);
}
