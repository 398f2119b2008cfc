/**
 * OAUTHBEARER tokens as Kafka's OAuthBearerLoginCallbackHandler gets them: a client-credentials grant against
 * `sasl.oauthbearer.token.endpoint.url` (or the token in a `file:` URL), retried within
 * sasl.login.retry.backoff.max.ms, checked as a JWT with an `exp` and a subject claim, cached and fetched anew
 * before it expires (sasl.login.refresh.*). kafkajs calls the provider at every connection's authentication.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { OAuthLoginSettings, SaslSettings } from '../client-settings.js';

export type OAuthBearerSettings = Extract<SaslSettings, { mechanism: 'oauthbearer' }>;

export interface OAuthBearerToken {
  readonly value: string;
  readonly extensions?: Record<string, string>;
}

export class OAuthTokenError extends Error {
  override readonly name = 'OAuthTokenError';
}

const DEFAULT_LOGIN: OAuthLoginSettings = {
  retryBackoffMs: 100,
  retryBackoffMaxMs: 10_000,
  refreshWindowFactor: 0.8,
  refreshWindowJitter: 0.05,
  refreshMinPeriodSeconds: 60,
  refreshBufferSeconds: 300,
  subClaimName: 'sub',
  scopeClaimName: 'scope',
  clockSkewSeconds: 30,
  headerUrlencode: false,
};

/** HTTP statuses Kafka's HttpAccessTokenRetriever does not retry. */
const UNRETRYABLE = new Set([400, 401, 403, 404, 405, 406, 407, 409, 410, 411, 412, 413, 414, 415, 501, 505]);

class Unretryable extends Error {}

/** The token's `exp` (ms since the epoch) after checking it as LoginAccessTokenValidator does. */
export function tokenExpiry(token: string, login: OAuthLoginSettings, now = Date.now()): number {
  const parts = token.split('.');
  if (parts.length !== 3) throw new OAuthTokenError(`the access token is not a JWT (it has ${parts.length} parts, a JWT has 3)`);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new OAuthTokenError('the access token\'s payload is not JSON');
  }
  const exp = payload['exp'];
  if (typeof exp !== 'number') throw new OAuthTokenError('the access token has no exp claim');
  const sub = payload[login.subClaimName];
  if (typeof sub !== 'string' || sub.trim() === '') throw new OAuthTokenError(`the access token has no ${login.subClaimName} claim`);
  const expiresAt = exp * 1000;
  if (expiresAt + login.clockSkewSeconds * 1000 <= now) throw new OAuthTokenError('the access token has expired');
  return expiresAt;
}

/** When Kafka's ExpiringCredentialRefreshingLogin would refresh a token fetched at `fetchedAt`. */
export function refreshAt(fetchedAt: number, expiresAt: number, login: OAuthLoginSettings, random = Math.random): number {
  const lifetime = Math.max(0, expiresAt - fetchedAt);
  const factor = login.refreshWindowFactor + login.refreshWindowJitter * random();
  let at = fetchedAt + lifetime * factor;
  at = Math.min(at, expiresAt - login.refreshBufferSeconds * 1000);
  at = Math.max(at, fetchedAt + Math.min(login.refreshMinPeriodSeconds * 1000, lifetime));
  return Math.min(at, expiresAt);
}

async function post(settings: OAuthBearerSettings, login: OAuthLoginSettings): Promise<string> {
  const enc = (s: string) => (login.headerUrlencode ? encodeURIComponent(s).replace(/%20/g, '+') : s);
  const basic = Buffer.from(`${enc(settings.clientId)}:${enc(settings.clientSecret)}`).toString('base64');
  let body = 'grant_type=client_credentials';
  if (settings.scope !== undefined && settings.scope.trim() !== '') body += `&scope=${encodeURIComponent(settings.scope.trim())}`;
  const timeout = login.connectTimeoutMs !== undefined || login.readTimeoutMs !== undefined ? (login.connectTimeoutMs ?? 0) + (login.readTimeoutMs ?? 0) : undefined;
  const response = await fetch(settings.tokenEndpointUrl, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-cache' },
    body,
    ...(timeout !== undefined ? { signal: AbortSignal.timeout(timeout) } : {}),
  });
  const text = await response.text();
  if (!response.ok) {
    const message = `the token endpoint ${settings.tokenEndpointUrl} answered ${response.status}: ${text.slice(0, 200)}`;
    throw UNRETRYABLE.has(response.status) ? new Unretryable(message) : new Error(message);
  }
  let json: { access_token?: unknown };
  try {
    json = JSON.parse(text) as { access_token?: unknown };
  } catch {
    throw new Unretryable(`the token endpoint ${settings.tokenEndpointUrl} did not answer JSON: ${text.slice(0, 200)}`);
  }
  if (typeof json.access_token !== 'string' || json.access_token.trim() === '') {
    throw new Unretryable(`the token endpoint response did not contain an access_token value`);
  }
  return json.access_token.trim();
}

/** One token, with Kafka's retries: exponential backoff within retry.backoff.max.ms, none for client errors. */
export async function fetchToken(settings: OAuthBearerSettings, login: OAuthLoginSettings = settings.login ?? DEFAULT_LOGIN): Promise<string> {
  const url = new URL(settings.tokenEndpointUrl);
  if (url.protocol === 'file:') return (await readFile(fileURLToPath(url), 'utf8')).trim();
  const end = Date.now() + login.retryBackoffMaxMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await post(settings, login);
    } catch (e) {
      const wait = Math.min(login.retryBackoffMs * 2 ** (attempt - 1), end - Date.now());
      if (e instanceof Unretryable || wait <= 0) {
        throw new OAuthTokenError(`SASL OAUTHBEARER: no token from ${settings.tokenEndpointUrl} (attempt ${attempt}): ${(e as Error).message}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * kafkajs's `oauthBearerProvider`: the cached token while it is fresh, else a new one (one fetch at a time,
 * shared by the connections that authenticate meanwhile).
 */
export function oauthBearerProvider(settings: OAuthBearerSettings, now: () => number = Date.now): () => Promise<OAuthBearerToken> {
  const login = settings.login ?? DEFAULT_LOGIN;
  let cached: { token: OAuthBearerToken; refreshAt: number } | undefined;
  let pending: Promise<OAuthBearerToken> | undefined;
  const extensions = settings.extensions ? { ...settings.extensions } : undefined;
  return () => {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
    pending ??= (async () => {
      try {
        const fetchedAt = now();
        const value = await fetchToken(settings, login);
        const expiresAt = tokenExpiry(value, login, fetchedAt);
        const token: OAuthBearerToken = extensions ? { value, extensions } : { value };
        cached = { token, refreshAt: refreshAt(fetchedAt, expiresAt, login) };
        return token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}
