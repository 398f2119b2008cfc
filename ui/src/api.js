// The dashboard's HTTP calls: the Kafka Connect REST API for every action, /ui/api/ for what only the dashboard
// needs. Same origin, so the browser sends the basic auth credentials it already has.

/** An answer other than 2xx, with Kafka Connect's `message`. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const enc = encodeURIComponent;

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (!res.ok) throw new ApiError(res.status, (parsed && parsed.message) || `HTTP ${res.status}`);
  return parsed;
}

export const api = {
  state: () => call('GET', '/ui/api/state'),
  shownConfig: (c) => call('GET', `/ui/api/connectors/${enc(c)}/config`),
  pause: (c) => call('PUT', `/connectors/${enc(c)}/pause`),
  resume: (c) => call('PUT', `/connectors/${enc(c)}/resume`),
  stop: (c) => call('PUT', `/connectors/${enc(c)}/stop`),
  restart: (c) => call('POST', `/connectors/${enc(c)}/restart?includeTasks=true&onlyFailed=false`),
  restartTask: (c, t) => call('POST', `/connectors/${enc(c)}/tasks/${t}/restart`),
  remove: (c) => call('DELETE', `/connectors/${enc(c)}`),
  create: (name, config) => call('POST', '/connectors', { name, config }),
  patchConfig: (c, patch) => call('PATCH', `/connectors/${enc(c)}/config`, patch),
  validate: (config) => call('PUT', `/connector-plugins/${enc(config['connector.class'] || 'unknown')}/config/validate`, config),
  plugins: () => call('GET', '/connector-plugins'),
  offsets: (c) => call('GET', `/connectors/${enc(c)}/offsets`),
  alterOffsets: (c, offsets) => call('PATCH', `/connectors/${enc(c)}/offsets`, { offsets }),
  resetOffsets: (c) => call('DELETE', `/connectors/${enc(c)}/offsets`),
};

/**
 * Per-key errors from a validate answer (ConfigInfos): key → messages, only keys that have some.
 */
export function errorsByKey(infos) {
  const out = {};
  for (const c of (infos && infos.configs) || []) {
    const v = c.value;
    if (v && v.errors && v.errors.length > 0) out[v.name] = v.errors;
  }
  return out;
}

/**
 * The PATCH body that turns `original` into `edited`: changed and new keys, removed keys as null. A value left
 * as `[hidden]` where the original was hidden is not sent (the worker keeps the secret it has).
 */
export function configPatch(original, edited) {
  const patch = {};
  for (const [k, v] of Object.entries(edited)) {
    if (original[k] === v) continue;
    if (v === '[hidden]' && original[k] === '[hidden]') continue;
    patch[k] = v;
  }
  for (const k of Object.keys(original)) if (!(k in edited)) patch[k] = null;
  return patch;
}
