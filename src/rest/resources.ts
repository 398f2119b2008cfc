/**
 * The REST resources (Kafka Connect's RootResource, ConnectorsResource, ConnectorPluginsResource,
 * LoggingResource) over the standalone herder: same paths, query parameters, bodies, status codes and error
 * messages. Plus `GET /metrics` (Prometheus).
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import { ConfigException } from '../connectors/api/index.js';
import { configKeyInfo, pluginConfigKeyInfos } from '../connectors/validation.js';
import type { StandaloneHerder } from '../worker/standalone-herder.js';
import type { Herder } from '../worker/herder.js';
import type { ConnectorOffset, InitialState } from '../worker/herder.js';
import { Router, type Params } from './router.js';
import { streamTap, tapRequest, type EventSink } from './tap.js';
import { redactedFields } from '../worker/taps.js';
import { RestError, badRequest, invalidConfigMessage, notFound, toRestError, HTTP_404 } from './errors.js';
import type { ConnectorStore } from './connector-store.js';
import { initialStateOf } from './connector-store.js';
import type { LoggerLevels } from './loggers.js';
import type { MetricsCollector } from './metrics.js';
import { EXPOSITION_CONTENT_TYPE, formatExposition } from './exposition.js';
import { serverVersion } from './server-info.js';
import type { RestSettings } from './config.js';

export interface RestRequest {
  readonly method: string;
  readonly params: Params;
  readonly query: URLSearchParams;
  /** The parsed JSON body (undefined when there was none). */
  readonly body: unknown;
  /** `http://host:port` as the client addressed this server. */
  readonly baseUrl: string;
}

export interface RestResponse {
  readonly status: number;
  /** JSON-serialised unless `text` is given; absent: no body. */
  readonly body?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A Server-Sent Events stream instead of a body: written until the promise settles, then closed. */
  readonly events?: (sink: EventSink) => Promise<void>;
}

export type Group = 'regular' | 'admin';

export interface RouteDef {
  readonly handler: (req: RestRequest) => RestResponse | Promise<RestResponse>;
  readonly group: Group;
  /** Requests to this path must be `application/json` (Jersey's @Consumes): a body of another type gets 415. */
  readonly jsonOnly: boolean;
  /** The handler reads a body (a request without a JSON content type gets 415). */
  readonly readsBody: boolean;
}

/**
 * What the REST API needs from a herder: the Herder interface plus the worker settings, the plugin registry and
 * validation. The standalone herder and the distributed one (src/cluster/distributed-herder.ts) both fit.
 */
export type RestHerder = Herder & Pick<StandaloneHerder, 'settings' | 'registry' | 'validateConfig' | 'secretValues'>;

export interface ResourceContext {
  readonly herder: RestHerder;
  readonly settings: RestSettings;
  readonly store: ConnectorStore | null;
  readonly loggers: LoggerLevels;
  readonly metrics: MetricsCollector;
  /** False while connectors are still being loaded (GET /health answers 503). */
  readonly isReady: () => boolean;
}

const INITIAL_STATES: readonly InitialState[] = ['RUNNING', 'PAUSED', 'STOPPED'];
const NULL_VALUE = 'Null value can not be supplied as the configuration value.';
const HEALTHY = 'Worker has completed startup and is ready to handle requests.';

const ok = (body: unknown, status = 200, headers?: Record<string, string>): RestResponse => ({ status, body, ...(headers ? { headers } : {}) });
const noContent = (status = 204): RestResponse => ({ status });

/** Jersey's boolean query parameters: `true` (any case) is true, anything else false. */
const flag = (q: URLSearchParams, name: string): boolean => (q.get(name) ?? '').toLowerCase() === 'true';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object as Kafka Connect's string map (numbers/booleans as their text, as Jackson coerces them). */
function configMap(v: unknown, what: string, allowNull: boolean): Record<string, string | null> {
  if (!isObject(v)) throw badRequest(`${what} must be a JSON object of string values`);
  const out: Record<string, string | null> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null) {
      out[k] = null;
      continue;
    }
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else throw badRequest(`${what}: the value of "${k}" must be a string, got ${Array.isArray(val) ? 'an array' : 'an object'}`);
  }
  if (!allowNull) {
    const nulls = Object.keys(out).filter((k) => out[k] === null);
    if (nulls.length > 0) {
      throw badRequest(invalidConfigMessage(nulls.map((key) => ({ key, reason: NULL_VALUE }))));
    }
  }
  return out;
}

const strings = (m: Record<string, string | null>): Record<string, string> => m as Record<string, string>;

/**
 * The longest connector name, in characters: Kafka's topic name limit. A connector's name ends up in names Kafka
 * bounds the same way (its sink group `connect-<name>`, the DLQ and topic names users derive from it) and in every
 * URL that addresses it; Kafka Connect sets no limit, and a 100,000-character name then answers 431 on every
 * path (its URL no longer fits the request line), so it can neither be read nor deleted.
 */
export const MAX_CONNECTOR_NAME_LENGTH = 249;

function checkNameLength(name: string): void {
  const length = [...name].length;
  if (length > MAX_CONNECTOR_NAME_LENGTH) {
    throw badRequest(`Connector name is too long: ${length} characters; the limit is ${MAX_CONNECTOR_NAME_LENGTH} (as for Kafka topic names)`);
  }
}

/** Kafka's checkAndPutConnectorConfigName, and the name length limit. */
function withName(name: string, config: Record<string, string>): Record<string, string> {
  checkNameLength(name);
  const included = config['name'];
  if (included !== undefined) {
    if (included !== name) {
      throw badRequest(`Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
    }
    return config;
  }
  return { ...config, name };
}

function taskParam(p: Params): number {
  const t = p['task']!;
  if (!/^-?\d+$/.test(t)) throw notFound(HTTP_404); // Jersey: an Integer path parameter that does not parse
  return Number(t);
}

/** Runs a herder call; maps its errors to Kafka Connect's statuses and texts. */
async function call<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toRestError(e);
  }
}

const normalizedPluginName = (n: string): string => (n.endsWith('Connector') ? n.slice(0, -'Connector'.length) : n);

export function buildRouter(ctx: ResourceContext): Router<RouteDef> {
  const { herder, store, loggers, settings } = ctx;
  const r = new Router<RouteDef>();
  const regular = (method: string, path: string, handler: RouteDef['handler'], opts: { jsonOnly?: boolean; readsBody?: boolean } = {}) =>
    r.add(method, path, { handler, group: 'regular', jsonOnly: opts.jsonOnly ?? true, readsBody: opts.readsBody ?? false });
  const admin = (method: string, path: string, handler: RouteDef['handler'], readsBody = false) =>
    r.add(method, path, { handler, group: 'admin', jsonOnly: true, readsBody });

  const persistState = async (name: string) => {
    if (store?.has(name)) await store.setState(name, initialStateOf(herder.targetState(name)));
  };

  // ---- root
  regular('GET', '/', async () => {
    const { version, commit } = serverVersion();
    let clusterId: string | null = null;
    try {
      clusterId = await herder.kafkaClusterId();
    } catch {
      clusterId = null;
    }
    return ok({ version, commit, kafka_cluster_id: clusterId });
  }, { jsonOnly: false });
  regular('GET', '/health', () =>
    ctx.isReady()
      ? ok({ status: 'healthy', message: HEALTHY })
      : ok({ status: 'starting', message: 'Worker is still starting up.' }, 503),
  { jsonOnly: false });
  regular('GET', '/metrics', () => ({
    status: 200,
    text: formatExposition(ctx.metrics.collect()),
    headers: { 'Content-Type': EXPOSITION_CONTENT_TYPE },
  }), { jsonOnly: false });

  // ---- connectors
  regular('GET', '/connectors', (req) => {
    const expand = req.query.getAll('expand');
    const names = herder.connectors();
    if (expand.length === 0) return ok(names);
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      try {
        const entry: Record<string, unknown> = {};
        for (const e of expand) {
          if (e === 'status') entry['status'] = herder.connectorStatus(name);
          else if (e === 'info') entry['info'] = herder.connectorInfo(name);
        }
        out[name] = entry;
      } catch {
        // deleted while listing: skipped, as Kafka Connect does
      }
    }
    return ok(out);
  });

  regular('POST', '/connectors', async (req) => {
    if (!isObject(req.body)) throw badRequest('The request body must be a JSON object {"name": …, "config": {…}}');
    const body = req.body;
    const name = typeof body['name'] === 'string' ? body['name'].trim() : '';
    if (body['config'] === undefined || body['config'] === null) throw badRequest('Connector config is missing from the request');
    const config = withName(name, strings(configMap(body['config'], 'config', false)));
    let initial: InitialState = 'RUNNING';
    if (body['initial_state'] !== undefined && body['initial_state'] !== null) {
      const s = String(body['initial_state']).toUpperCase();
      if (!INITIAL_STATES.includes(s as InitialState)) {
        throw badRequest(`Invalid initial_state "${String(body['initial_state'])}"; expected one of ${INITIAL_STATES.join(', ')}`);
      }
      initial = s as InitialState;
    }
    const info = await call(() => herder.addConnector(name, config, initial));
    await store?.put({ name, config: herder.connectorConfig(name), initial_state: initial });
    return ok(info, 201, { Location: `${req.baseUrl}/connectors/${encodeURIComponent(name)}` });
  }, { readsBody: true });

  regular('GET', '/connectors/{connector}', (req) => call(() => ok(herder.connectorInfo(req.params['connector']!))));

  regular('DELETE', '/connectors/{connector}', async (req) => {
    const name = req.params['connector']!;
    await call(() => herder.deleteConnector(name));
    await store?.remove(name);
    return noContent();
  });

  regular('GET', '/connectors/{connector}/config', (req) => call(() => ok(herder.connectorConfig(req.params['connector']!))));

  regular('PUT', '/connectors/{connector}/config', async (req) => {
    const name = req.params['connector']!;
    const config = withName(name, strings(configMap(req.body, 'The connector config', false)));
    const { created, info } = await call(() => herder.putConnectorConfig(name, config));
    if (created || store?.has(name)) {
      await store?.put({ name, config: herder.connectorConfig(name), initial_state: initialStateOf(herder.targetState(name)) });
    }
    return created
      ? ok(info, 201, { Location: `${req.baseUrl}/connectors/${encodeURIComponent(name)}` })
      : ok(info, 200);
  }, { readsBody: true });

  regular('PATCH', '/connectors/{connector}/config', async (req) => {
    const name = req.params['connector']!;
    const patch = configMap(req.body, 'The connector config patch', true);
    if (patch['name'] !== undefined && patch['name'] !== null && patch['name'] !== name) {
      throw badRequest(`Connector name configuration (${patch['name']}) doesn't match connector name in the URL (${name})`);
    }
    const info = await call(() => herder.patchConnectorConfig(name, patch));
    if (store?.has(name)) {
      await store.put({ name, config: herder.connectorConfig(name), initial_state: initialStateOf(herder.targetState(name)) });
    }
    return ok(info);
  }, { readsBody: true });

  regular('GET', '/connectors/{connector}/status', (req) => {
    const name = req.params['connector']!;
    try {
      return ok(herder.connectorStatus(name));
    } catch (e) {
      const err = toRestError(e);
      throw err.status === 404 ? notFound(`No status found for connector ${name}`) : err;
    }
  });

  regular('GET', '/connectors/{connector}/tap', async (req) => {
    const name = req.params['connector']!;
    const config = await call(() => herder.connectorConfig(name));
    // A distributed worker taps the tasks it runs itself (ask each worker for the others).
    const taps = (herder as Partial<Pick<StandaloneHerder, 'taps'>>).taps;
    if (!taps) throw new RestError(501, 'This worker has no live tap');
    const request = tapRequest(req.query);
    const redact = { fields: redactedFields(config), secrets: herder.secretValues(config) };
    return { status: 200, events: (sink) => streamTap(taps, name, redact, request, sink) };
  });

  regular('GET', '/connectors/{connector}/tasks', (req) => call(() => ok(herder.taskConfigs(req.params['connector']!))));

  regular('POST', '/connectors/{connector}/tasks', () => {
    throw new RestError(500, 'Kafka Connect in standalone mode does not support externally setting task configurations.');
  }, { readsBody: true });

  regular('PUT', '/connectors/{connector}/fence', async (req) => {
    if (!herder.fenceZombies) throw new RestError(500, 'Kafka Connect in standalone mode does not support exactly-once source connectors.');
    const fence = herder.fenceZombies.bind(herder);
    return call(async () => {
      await fence(req.params['connector']!);
      return noContent();
    });
  });

  regular('GET', '/connectors/{connector}/tasks-config', (req) =>
    call(() => {
      const name = req.params['connector']!;
      return ok(Object.fromEntries(herder.taskConfigs(name).map((t) => [`${name}-${t.id.task}`, t.config])));
    }),
  );

  regular('GET', '/connectors/{connector}/tasks/{task}/status', (req) => {
    const name = req.params['connector']!;
    const task = taskParam(req.params);
    try {
      return ok(herder.taskStatus(name, task));
    } catch (e) {
      const err = toRestError(e);
      throw err.status === 404 ? notFound(`No status found for task ${name}-${task}`) : err;
    }
  });

  regular('POST', '/connectors/{connector}/tasks/{task}/restart', async (req) => {
    const name = req.params['connector']!;
    const task = taskParam(req.params);
    await call(() => herder.restartTask(name, task));
    return noContent();
  });

  regular('POST', '/connectors/{connector}/restart', async (req) => {
    const name = req.params['connector']!;
    const includeTasks = flag(req.query, 'includeTasks');
    const onlyFailed = flag(req.query, 'onlyFailed');
    const status = await call(() => herder.restartConnector(name, { includeTasks, onlyFailed }));
    // Kafka Connect: the connector alone is restarted synchronously (204); otherwise 202 with the plan.
    return !includeTasks && !onlyFailed ? noContent() : ok(status, 202);
  });

  regular('PUT', '/connectors/{connector}/pause', async (req) => {
    const name = req.params['connector']!;
    await call(() => herder.pauseConnector(name).catch((e) => Promise.reject(unknownConnector(e, name))));
    await persistState(name);
    return noContent(202);
  });

  regular('PUT', '/connectors/{connector}/resume', async (req) => {
    const name = req.params['connector']!;
    await call(() => herder.resumeConnector(name).catch((e) => Promise.reject(unknownConnector(e, name))));
    await persistState(name);
    return noContent(202);
  });

  regular('PUT', '/connectors/{connector}/stop', async (req) => {
    const name = req.params['connector']!;
    await call(() => herder.stopConnector(name));
    await persistState(name);
    return noContent(204);
  });

  // ---- offsets (KIP-875)
  regular('GET', '/connectors/{connector}/offsets', (req) => call(async () => ok(await herder.connectorOffsets(req.params['connector']!))));

  regular('PATCH', '/connectors/{connector}/offsets', async (req) => {
    const name = req.params['connector']!;
    const body = req.body;
    const offsets = isObject(body) ? body['offsets'] : undefined;
    if (!Array.isArray(offsets) || offsets.length === 0) {
      // 404 first for an unknown connector, as the herder would answer
      await call(() => herder.connectorConfig(name));
      throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
    }
    const parsed: ConnectorOffset[] = offsets.map((o) => {
      if (!isObject(o)) throw badRequest('Every element of "offsets" must be an object {"partition": {…}, "offset": {…}}');
      return { partition: o['partition'] as ConnectorOffset['partition'], offset: (o['offset'] ?? null) as ConnectorOffset['offset'] };
    });
    const message = await call(() => herder.alterConnectorOffsets(name, parsed));
    return ok({ message });
  }, { readsBody: true });

  regular('DELETE', '/connectors/{connector}/offsets', async (req) => {
    const message = await call(() => herder.resetConnectorOffsets(req.params['connector']!));
    return ok({ message });
  });

  // ---- active topics (KIP-558)
  regular('GET', '/connectors/{connector}/topics', (req) => {
    if (!settings.topicTracking) throw new RestError(403, 'Topic tracking is disabled.');
    const name = req.params['connector']!;
    return ok({ [name]: { topics: herder.connectorActiveTopics(name) } });
  });

  regular('PUT', '/connectors/{connector}/topics/reset', (req) => {
    if (!settings.topicTracking) throw new RestError(403, 'Topic tracking is disabled.');
    if (!settings.topicTrackingReset) throw new RestError(403, 'Topic tracking reset is disabled.');
    herder.resetConnectorActiveTopics(req.params['connector']!);
    return noContent(202);
  });

  // ---- plugins
  regular('GET', '/connector-plugins', (req) => {
    const connectorsOnly = (req.query.get('connectorsOnly') ?? 'true').toLowerCase() !== 'false';
    const version = serverVersion().version;
    const out: Array<{ class: string; type: string; version?: string }> = herder.registry
      .list()
      .map((p) => ({ class: p.className, type: p.type, ...(p.version !== undefined ? { version: p.version } : {}) }));
    if (!connectorsOnly) {
      const transforms = herder.registry.transforms.plugins();
      for (const kind of ['transformation', 'predicate'] as const) {
        for (const t of [...transforms].filter((t) => t.kind === kind).sort((a, b) => a.className.localeCompare(b.className))) {
          out.push({ class: t.className, type: kind, version });
        }
      }
      const converters = herder.registry.converters;
      for (const c of converters.classNames('converter')) out.push({ class: c, type: 'converter', version });
      for (const c of converters.classNames('header')) out.push({ class: c, type: 'header_converter', version });
    }
    return ok(out);
  });

  regular('GET', '/connector-plugins/{plugin}/config', (req) => {
    const name = req.params['plugin']!;
    if (herder.registry.has(name)) return ok(pluginConfigKeyInfos(herder.registry.resolve(name)));
    const t = herder.registry.transforms.find(name);
    if (t) return ok(t.configDef.keys().filter((k) => !k.internal).map(configKeyInfo));
    const converters = [...herder.registry.converters.knownNames('converter'), ...herder.registry.converters.knownNames('header')];
    if (converters.includes(name)) return ok([]);
    throw notFound(`Unknown plugin ${name}.`);
  });

  regular('PUT', '/connector-plugins/{plugin}/config/validate', async (req) => {
    const plugin = req.params['plugin']!;
    const config = strings(configMap(req.body, 'The connector config', false));
    const cls = config['connector.class'];
    if (cls !== undefined && !normalizedPluginName(cls).endsWith(normalizedPluginName(plugin))) {
      throw badRequest(`Included connector type ${cls} does not match request type ${plugin}`);
    }
    try {
      return ok(await herder.validateConfig(config as ConnectorConfig));
    } catch (e) {
      if (e instanceof ConfigException) throw badRequest(e.message);
      throw toRestError(e);
    }
  }, { readsBody: true });

  // ---- loggers (admin group)
  admin('GET', '/admin/loggers', () => ok(loggers.all()));
  admin('GET', '/admin/loggers/{logger}', (req) => {
    const name = req.params['logger']!;
    const level = loggers.get(name);
    if (!level) throw notFound(`Logger ${name} not found.`);
    return ok(level);
  });
  admin('PUT', '/admin/loggers/{logger}', (req) => {
    const level = isObject(req.body) ? req.body['level'] : undefined;
    const affected = loggers.set(req.params['logger']!, level);
    const scope = (req.query.get('scope') ?? 'worker').toLowerCase();
    // Standalone: the cluster scope is this worker, but the answer is the cluster one (204), as Kafka Connect.
    return scope === 'cluster' ? noContent() : ok(affected);
  }, true);

  return r;
}

/** pause/resume of an unknown connector: Kafka's message is "Unknown connector <c>". */
function unknownConnector(e: unknown, name: string): unknown {
  const err = toRestError(e);
  return err.status === 404 ? notFound(`Unknown connector ${name}`) : e;
}
