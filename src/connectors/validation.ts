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
  type SourceConnector,
} from './api/index.js';
import type { PluginRegistry } from './registry.js';
import { converterProblems } from './converter-problems.js';
import { transformRegistry } from '../transforms/registry.js';
import { JavaPattern } from '../transforms/java-regex.js';
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
  /**
   * The class names recommended for `transforms.<alias>.type` / `predicates.<alias>.type` (UIs build their
   * drop-downs from them). Default: every registered transformation or predicate, sorted as Kafka's plugin set.
   */
  transformClasses?: (kind: 'transformation' | 'predicate') => readonly string[];
  /**
   * The worker runs source tasks exactly-once (`exactly.once.source.support=enabled`). Default false: a config
   * with `exactly.once.support=required` is refused, as a Kafka Connect worker without it refuses it.
   */
  exactlyOnceSource?: boolean;
}

function registeredTransformClasses(kind: 'transformation' | 'predicate'): string[] {
  return transformRegistry().plugins().filter((p) => p.kind === kind).map((p) => p.className).sort();
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
        matches = new JavaPattern(regex!.trim()).matches(dlq);
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

/** Kafka's ConfigDef message for a CLASS value that names no class. */
function classNotFound(key: string, value: string): string {
  return new ConfigException(key, value.trim(), `Class ${value.trim()} could not be found.`).message;
}

/** Kafka's ClassRecommender: every transformation (predicate) class for each `<alias>.type` key. */
function recommendTransformClasses(values: Map<string, ConfigValue>, options: ValidationOptions): void {
  const classes = options.transformClasses ?? registeredTransformClasses;
  for (const [key, cv] of values) {
    const m = /^(transforms|predicates)\.[^.]+\.type$/.exec(key);
    if (m) cv.recommendedValues = [...classes(m[1] === 'transforms' ? 'transformation' : 'predicate')];
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
      addError(values, nKey, config[nKey],
        `Config '${nKey}' was provided but there is no config '${pKey}' defining a predicate to be negated.`);
    }
  }
}

function checkConverters(config: Readonly<Record<string, string>>, values: Map<string, ConfigValue>, options: ValidationOptions): void {
  const exists = options.converterExists;
  const missing = new Set<string>();
  if (exists) {
    for (const [key, kind] of [['key.converter', 'converter'], ['value.converter', 'converter'], ['header.converter', 'header_converter']] as const) {
      const v = config[key];
      if (!isBlank(v) && !exists(v!.trim(), kind)) {
        addError(values, key, v, classNotFound(key, v!));
        missing.add(key);
      }
    }
  }
  // The settings of each converter the connector names (`value.converter.schemas.enable`, …), checked by
  // configuring it as the task will; with an `exists` hook, a class only it knows is not reported again here.
  for (const p of converterProblems(config)) {
    const isClassProblem = p.key === 'key.converter' || p.key === 'value.converter' || p.key === 'header.converter';
    if (exists && isClassProblem && p.reason.startsWith('Class ')) continue;
    if (![...missing].some((m) => p.key === m || p.key!.startsWith(`${m}.`))) addError(values, p.key!, config[p.key!], p.reason);
  }
  if (!options.transformConfigDef) return;
  for (const [key, v] of Object.entries(config)) {
    const m = /^(transforms|predicates)\.([^.]+)\.type$/.exec(key);
    if (!m || isBlank(v)) continue;
    if (!options.transformConfigDef(v.trim(), m[1] === 'transforms' ? 'transformation' : 'predicate')) {
      addError(values, key, v, classNotFound(key, v));
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
  /** Prefixes the connector reads keys under itself (ConfigDef.passThrough). */
  passThrough: string[];
}

/** An error from a connector's own preflight method, as Kafka words it. */
function unexpectedError(e: unknown): string {
  const message = e instanceof Error ? e.message.trim() : '';
  return 'An unexpected error occurred during validation' + (message ? `: ${message}` : '; please see the worker logs for more details.');
}

/** Kafka's DistributedHerder preflight checks of `exactly.once.support=required` and `transaction.boundary=connector`. */
async function checkExactlyOnce(
  connector: SourceConnector,
  config: Readonly<Record<string, string>>,
  values: Map<string, ConfigValue>,
  options: ValidationOptions,
): Promise<void> {
  const support = values.get('exactly.once.support');
  if (support && support.errorMessages.length === 0 && String(support.value).toLowerCase() === 'required') {
    if (!options.exactlyOnceSource) support.errorMessages.push('This worker does not have exactly-once source support enabled.');
    try {
      const answer = await connector.exactlyOnceSupport(config);
      if (answer === null || answer === undefined) {
        support.errorMessages.push(
          'The connector does not implement the API required for preflight validation of exactly-once source support. ' +
            'Please consult the documentation for the connector to determine whether it supports exactly-once semantics, ' +
            'and then consider reconfiguring the connector to use the value "requested" for this property (which will ' +
            'disable this preflight check and allow the connector to be created).',
        );
      } else if (answer !== 'SUPPORTED') {
        support.errorMessages.push('The connector does not support exactly-once semantics with the provided configuration.');
      }
    } catch (e) {
      support.errorMessages.push(unexpectedError(e));
    }
  }
  const boundary = values.get('transaction.boundary');
  if (boundary && boundary.errorMessages.length === 0 && String(boundary.value).toLowerCase() === 'connector') {
    try {
      const answer = await connector.canDefineTransactionBoundaries(config);
      if (answer === null || answer === undefined) {
        boundary.errorMessages.push(
          'This connector has returned a null value from its canDefineTransactionBoundaries method, which is not permitted. ' +
            "The connector will be treated as if it cannot define its own transaction boundaries, and cannot be configured with 'transaction.boundary' set to 'connector'.",
        );
      } else if (answer !== 'SUPPORTED') {
        boundary.errorMessages.push(
          'The connector does not support connector-defined transaction boundaries with the given configuration. ' +
            'Please reconfigure it to use a different transaction boundary definition.',
        );
      }
    } catch (e) {
      boundary.errorMessages.push(unexpectedError(e));
    }
  }
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
  recommendTransformClasses(values, options);
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

  if (connector.type === 'source') await checkExactlyOnce(connector, config, values, options);

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
  return { plugin, infos: { name: cls!, error_count: errorCount, groups, configs }, definedKeys, passThrough: ownDef.passThroughPrefixes() };
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
  /**
   * Report keys that neither the framework nor the connector defines (outside the pass-through prefixes) as
   * problems. Default false: like Kafka Connect, such keys are kept and passed to the connector (Confluent's
   * `connection.*` driver properties, a newer connector version's keys); they go to `onUnknownKeys` instead.
   */
  rejectUnknownKeys?: boolean;
  /** Key prefixes the caller validates itself (e.g. the worker's `sluice.restart.`), never reported as unknown. */
  allowedPrefixes?: readonly string[];
  /**
   * Receives the unknown keys of a config that is otherwise valid, each with its did-you-mean reason. Default:
   * one warning line on stderr, once per connector and key set (`warnOncePerConnector`).
   */
  onUnknownKeys?: UnknownKeysListener;
}

/** Called with a connector's unknown keys (key and reason, with a did-you-mean when one is near). */
export type UnknownKeysListener = (connector: string | undefined, keys: readonly ConfigProblem[]) => void;

/**
 * A listener that writes one warning per connector (and again only when new unknown keys appear), so a config
 * validated on every create, update and restart warns once, as Kafka Connect logs unused keys once per start.
 */
export function warnOncePerConnector(warn: (message: string) => void): UnknownKeysListener {
  const warned = new Map<string, Set<string>>();
  return (connector, keys) => {
    const name = connector ?? '';
    const seen = warned.get(name) ?? new Set<string>();
    const fresh = keys.filter((k) => k.key !== undefined && !seen.has(k.key));
    if (fresh.length === 0) return;
    for (const k of fresh) seen.add(k.key!);
    warned.set(name, seen);
    warn(
      `connector${connector ? ` "${connector}"` : ''}: ${fresh.map((k) => k.reason).join('; ')}; ` +
        `kept and passed to the connector, which ignores ${fresh.length === 1 ? 'it' : 'them'} unless it reads ${fresh.length === 1 ? 'it' : 'them'}`,
    );
  };
}

const stderrWarnings = warnOncePerConnector((m) => process.stderr.write(`WARN ${m}\n`));

/** The keys of `config` that nobody defines and no pass-through prefix covers, each with its did-you-mean reason. */
function unknownKeys(v: Validated, config: Readonly<Record<string, string>>, options: ProblemOptions): ConfigProblem[] {
  const allowedPrefixes = [
    ...(options.allowedPrefixes ?? []),
    ...CONNECTOR_PASSTHROUGH_PREFIXES,
    ...v.passThrough,
    ...topicsList(config['transforms']).map((a) => `transforms.${a}.`),
    ...topicsList(config['predicates']).map((a) => `predicates.${a}.`),
    ...(v.plugin.type === 'source' ? [TOPIC_CREATION_PREFIX] : []),
  ];
  const known = [...v.definedKeys];
  return Object.keys(config)
    .filter((key) => !v.definedKeys.has(key) && !underPrefix(key, allowedPrefixes))
    .map((key) => ({ key, reason: unknownKeyReason(key, known, 'connector') }));
}

/**
 * Every per-key problem of a connector config, as a flat list (never throws for an invalid config). Unknown keys
 * are not problems unless `rejectUnknownKeys`; a config with no problems hands them to `onUnknownKeys`.
 */
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
  const unknown = unknownKeys(v, config, options);
  if (options.rejectUnknownKeys) problems.push(...unknown);
  else if (unknown.length > 0 && problems.length === 0) (options.onUnknownKeys ?? stderrWarnings)(config['name'], unknown);
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
