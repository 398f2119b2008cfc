/**
 * The REST server's settings, from the worker config (Kafka Connect's RestServerConfig keys plus Sluice's):
 *
 *   listeners                     default here: http://127.0.0.1:8083 (Kafka: http://:8083, every interface)
 *   admin.listeners               unset: /admin/* on the listeners; empty: /admin/* disabled; else only there
 *   rest.extension.classes        org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension
 *                                 turns on basic auth with
 *   sluice.rest.basic.auth.file   the credentials file (`user: password` lines, Kafka's PropertyFileLoginModule file)
 *   sluice.rest.tls.cert.file     PEM certificate chain for https:// listeners
 *   sluice.rest.tls.key.file      PEM private key for https:// listeners
 *   sluice.rest.allow.insecure    true: allow a non-loopback listener without credentials (default false: refused)
 *   access.control.allow.origin / access.control.allow.methods   CORS, as Kafka Connect
 *   topic.tracking.enable / topic.tracking.allow.reset            KIP-558 switches
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { LISTENER_URI, listenerUriProblem } from '../worker/listener-uri.js';

export const BASIC_AUTH_EXTENSION = 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';
export const DEFAULT_LISTENER = 'http://127.0.0.1:8083';

export const REST_KEYS = {
  basicAuthFile: 'sluice.rest.basic.auth.file',
  tlsCertFile: 'sluice.rest.tls.cert.file',
  tlsKeyFile: 'sluice.rest.tls.key.file',
  allowInsecure: 'sluice.rest.allow.insecure',
} as const;

/** A REST configuration that cannot be used; the message names the key. */
export class RestConfigError extends Error {
  override readonly name = 'RestConfigError';
}

export interface Listener {
  readonly protocol: 'http' | 'https';
  /** '' = every interface (Kafka's empty host). */
  readonly host: string;
  readonly port: number;
  /** The text as configured. */
  readonly uri: string;
  /** Serves the regular resources, the admin ones (/admin/*), or both. */
  readonly regular: boolean;
  readonly admin: boolean;
}

export interface RestSettings {
  readonly listeners: readonly Listener[];
  readonly basicAuthFile: string | null;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  readonly allowInsecure: boolean;
  readonly allowOrigin: string;
  readonly allowMethods: string;
  readonly topicTracking: boolean;
  readonly topicTrackingReset: boolean;
}

const list = (v: string | undefined): string[] | null =>
  v === undefined ? null : v.split(',').map((s) => s.trim()).filter((s) => s !== '');

const bool = (raw: Readonly<Record<string, string>>, key: string, dflt: boolean): boolean => {
  const v = raw[key];
  if (v === undefined || v.trim() === '') return dflt;
  const t = v.trim().toLowerCase();
  if (t !== 'true' && t !== 'false') throw new RestConfigError(`${key}: expected true or false, got "${v}"`);
  return t === 'true';
};

/** `http://host:port`, `https://[::1]:8443`, `http://:8083` (empty host: every interface). */
export function parseListener(uri: string, key = 'listeners'): Omit<Listener, 'regular' | 'admin'> {
  const problem = listenerUriProblem(uri);
  if (problem) throw new RestConfigError(`${key}: ${problem}`);
  const m = LISTENER_URI.exec(uri.trim())!;
  const protocol = m[1]!.toLowerCase() as 'http' | 'https';
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  const port = m[3] === undefined ? (protocol === 'https' ? 443 : 80) : Number(m[3]);
  return { protocol, host, port, uri: uri.trim() };
}

export function parseRestSettings(raw: Readonly<Record<string, string>>): RestSettings {
  const regular = (list(raw['listeners']) ?? [DEFAULT_LISTENER]).map((u) => parseListener(u));
  if (regular.length === 0) throw new RestConfigError('listeners: at least one listener is needed for the REST API');
  const adminRaw = raw['admin.listeners'];
  const adminList = list(adminRaw);
  let listeners: Listener[];
  if (adminRaw === undefined) {
    listeners = regular.map((l) => ({ ...l, regular: true, admin: true }));
  } else if (adminList!.length === 0) {
    listeners = regular.map((l) => ({ ...l, regular: true, admin: false }));
  } else {
    const admins = adminList!.map((u) => parseListener(u, 'admin.listeners'));
    listeners = [...regular.map((l) => ({ ...l, regular: true, admin: false })), ...admins.map((l) => ({ ...l, regular: false, admin: true }))];
  }

  const extensions = list(raw['rest.extension.classes']) ?? [];
  for (const e of extensions) {
    if (e !== BASIC_AUTH_EXTENSION && e !== 'BasicAuthSecurityRestExtension') {
      throw new RestConfigError(`rest.extension.classes: unknown REST extension ${e} (Sluice has ${BASIC_AUTH_EXTENSION})`);
    }
  }
  const authFile = raw[REST_KEYS.basicAuthFile]?.trim() || null;
  if (extensions.length > 0 && authFile === null) {
    throw new RestConfigError(
      `rest.extension.classes lists the basic auth extension but ${REST_KEYS.basicAuthFile} is not set ` +
        '(the credentials file, one "user: password" per line)',
    );
  }

  const certFile = raw[REST_KEYS.tlsCertFile]?.trim() || null;
  const keyFile = raw[REST_KEYS.tlsKeyFile]?.trim() || null;
  if ((certFile === null) !== (keyFile === null)) {
    throw new RestConfigError(`${REST_KEYS.tlsCertFile} and ${REST_KEYS.tlsKeyFile} go together; set both`);
  }
  const https = listeners.filter((l) => l.protocol === 'https');
  if (https.length > 0 && certFile === null) {
    throw new RestConfigError(
      `listener ${https[0]!.uri} is https but no certificate is configured: set ${REST_KEYS.tlsCertFile} and ${REST_KEYS.tlsKeyFile} (PEM files)`,
    );
  }
  return {
    listeners,
    basicAuthFile: authFile,
    tls: certFile && keyFile ? { certFile, keyFile } : null,
    allowInsecure: bool(raw, REST_KEYS.allowInsecure, false),
    allowOrigin: raw['access.control.allow.origin']?.trim() ?? '',
    allowMethods: raw['access.control.allow.methods']?.trim() ?? '',
    topicTracking: bool(raw, 'topic.tracking.enable', true),
    topicTrackingReset: bool(raw, 'topic.tracking.allow.reset', true),
  };
}

export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) {
    const a = address.toLowerCase();
    return a === '::1' || a === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(a);
  }
  return false;
}

/** Whether a listener host only reaches this machine: a loopback address, or a name resolving only to loopback. */
export async function isLoopbackHost(host: string): Promise<boolean> {
  if (host === '' || host === '0.0.0.0' || host === '::') return false;
  if (isIP(host)) return isLoopbackAddress(host);
  if (host.toLowerCase() === 'localhost') return true;
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}

/**
 * Refuses a listener reachable from other machines when no credentials protect it (basic auth), unless
 * `sluice.rest.allow.insecure=true`.
 */
export async function checkExposure(settings: RestSettings): Promise<void> {
  if (settings.basicAuthFile !== null || settings.allowInsecure) return;
  for (const l of settings.listeners) {
    if (await isLoopbackHost(l.host)) continue;
    throw new RestConfigError(
      `refusing to serve the REST API on ${l.uri}: it is reachable from other machines and has no authentication. ` +
        `Enable basic auth (rest.extension.classes=${BASIC_AUTH_EXTENSION} and ${REST_KEYS.basicAuthFile}=<credentials file>), ` +
        `bind to a loopback address (e.g. http://127.0.0.1:${l.port}), or set ${REST_KEYS.allowInsecure}=true to accept the risk.`,
    );
  }
}
