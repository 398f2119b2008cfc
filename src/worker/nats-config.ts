/**
 * How a distributed worker reaches NATS: the `nats.*` worker keys, checked with the key and the reason, and the
 * settings the cluster's NATS seam (src/cluster/nats.ts) connects with. Secrets (`nats.password`, `nats.token`)
 * are PASSWORD-typed and may be `${provider:path:key}` placeholders of the worker's config providers; files are
 * read when the worker connects, so a rotated `.creds` file or seed is picked up at the next reconnect.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigDef, Validators, type ConfigProblem } from '../connectors/api/index.js';

/** How the worker authenticates to NATS: at most one kind, as nats-server accepts one per connection. */
export type NatsAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly user: string; readonly password: string }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'nkey'; readonly seedFile: string }
  | { readonly kind: 'creds'; readonly credsFile: string };

export interface NatsTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface NatsSettings {
  /** `nats://` or `tls://` URLs; the client fails over between them and reconnects forever. */
  readonly servers: readonly string[];
  /** TLS when a `tls://` URL or any `nats.tls.*` key is given (or the server requires it). */
  readonly tls?: NatsTls;
  readonly auth: NatsAuth;
  /** JetStream domain or API prefix (one of them), for leaf nodes and multi-tenant accounts. */
  readonly jetstream: { readonly domain?: string; readonly apiPrefix?: string };
  /** Replicas of the group's KV buckets: 1 on a single server, 3 (or 5) on a NATS cluster. */
  readonly kvReplicas: number;
  /** The group's buckets are `<prefix>_<group>_config|status|members`. */
  readonly bucketPrefix: string;
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_BUCKET_PREFIX = 'sluice';

/** Defines the `nats.*` keys on a worker's ConfigDef. */
export function defineNatsKeys(def: ConfigDef): ConfigDef {
  const d = (name: string, type: 'STRING' | 'INT' | 'PASSWORD', defaultValue: unknown, documentation: string, extra: object = {}) =>
    def.define({ name, type, defaultValue, importance: 'HIGH', documentation, ...extra });
  d('nats.url', 'STRING', DEFAULT_NATS_URL, 'Sluice: the NATS server(s) (JetStream enabled) the workers of the group coordinate through; comma-separated nats:// or tls:// URLs.');
  d('nats.tls.ca.location', 'STRING', null, 'Sluice: PEM file of the certificate authorities that vouch for the NATS servers (TLS on when set).');
  d('nats.tls.cert.location', 'STRING', null, 'Sluice: PEM client certificate for NATS servers that verify clients (with nats.tls.key.location).');
  d('nats.tls.key.location', 'STRING', null, 'Sluice: PEM private key of nats.tls.cert.location.');
  d('nats.user', 'STRING', null, 'Sluice: NATS user name (with nats.password).');
  d('nats.password', 'PASSWORD', null, 'Sluice: NATS password of nats.user.');
  d('nats.token', 'PASSWORD', null, 'Sluice: NATS authentication token.');
  d('nats.nkey.seed.location', 'STRING', null, 'Sluice: file holding the user NKey seed (SU…) the worker signs the server\'s nonce with.');
  d('nats.creds.location', 'STRING', null, 'Sluice: a NATS .creds file (user JWT and NKey seed), as nsc writes it (operator/JWT mode, Synadia Cloud).');
  d('nats.jetstream.domain', 'STRING', null, 'Sluice: the JetStream domain of the buckets (leaf-node setups).');
  d('nats.jetstream.api.prefix', 'STRING', null, 'Sluice: the JetStream API prefix, for JetStream imported from another account (instead of a domain).');
  d('nats.kv.replicas', 'INT', 1, 'Sluice: replicas of the group\'s KV buckets when they are created (1–5; 3 on a three-node NATS cluster).', {
    validator: Validators.between(1, 5),
  });
  d('nats.kv.bucket.prefix', 'STRING', DEFAULT_BUCKET_PREFIX, 'Sluice: the group\'s buckets are named <prefix>_<group.id>_config|status|members.', {
    validator: Validators.custom('[-_a-zA-Z0-9]+', (v) => (typeof v === 'string' && !/^[-_a-zA-Z0-9]+$/.test(v) ? 'must be letters, digits, - and _ only (a NATS bucket name part)' : undefined)),
  });
  return def;
}

type Values = Readonly<Record<string, string | undefined>>;

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

const fileProblem = (key: string, path: string): ConfigProblem | undefined => {
  if (!existsSync(path)) return { key, reason: `file ${path} does not exist` };
  if (!statSync(path).isFile()) return { key, reason: `${path} is not a file` };
  return undefined;
};

/** The servers of `nats.url`, or the problems with them. */
function serversOf(url: string): { servers: string[]; problems: ConfigProblem[] } {
  const servers = url.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const problems: ConfigProblem[] = [];
  if (servers.length === 0) problems.push({ key: 'nats.url', reason: 'no server given' });
  for (const s of servers) {
    const m = /^(nats|tls):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/\s]+)(?::(\d+))?\/?$/i.exec(s);
    if (!m) problems.push({ key: 'nats.url', reason: `${s} is not a nats://host:port or tls://host:port URL` });
    else if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) problems.push({ key: 'nats.url', reason: `${s}: port ${m[3]} is out of range` });
  }
  return { servers, problems };
}

/**
 * Checks the `nats.*` values (placeholders already resolved): URLs, files that must exist, keys that go
 * together and kinds of authentication that exclude each other.
 */
export function natsProblems(v: Values): ConfigProblem[] {
  const problems: ConfigProblem[] = [...serversOf(v['nats.url'] ?? DEFAULT_NATS_URL).problems];
  const cert = v['nats.tls.cert.location'];
  const key = v['nats.tls.key.location'];
  if (present(cert) !== present(key)) {
    problems.push(present(cert)
      ? { key: 'nats.tls.key.location', reason: 'must be set with nats.tls.cert.location (the client certificate\'s private key)' }
      : { key: 'nats.tls.cert.location', reason: 'must be set with nats.tls.key.location (the certificate of that private key)' });
  }
  for (const k of ['nats.tls.ca.location', 'nats.tls.cert.location', 'nats.tls.key.location', 'nats.nkey.seed.location', 'nats.creds.location']) {
    const path = v[k];
    if (present(path)) {
      const p = fileProblem(k, path);
      if (p) problems.push(p);
    }
  }
  if (present(v['nats.password']) && !present(v['nats.user'])) problems.push({ key: 'nats.user', reason: 'must be set with nats.password' });
  if (present(v['nats.user']) && !present(v['nats.password'])) problems.push({ key: 'nats.password', reason: 'must be set with nats.user' });
  const kinds = [
    ['nats.user', present(v['nats.user'])],
    ['nats.token', present(v['nats.token'])],
    ['nats.nkey.seed.location', present(v['nats.nkey.seed.location'])],
    ['nats.creds.location', present(v['nats.creds.location'])],
  ].filter(([, on]) => on).map(([k]) => k as string);
  if (kinds.length > 1) problems.push({ key: kinds[1]!, reason: `one way to authenticate to NATS at a time: ${kinds.join(', ')} are set` });
  const seed = v['nats.nkey.seed.location'];
  if (present(seed) && existsSync(seed) && statSync(seed).isFile()) {
    const text = readFileSync(seed, 'utf8').trim();
    if (!/^SU[A-Z2-7]{56}$/.test(text)) problems.push({ key: 'nats.nkey.seed.location', reason: `${seed} does not hold a user NKey seed (one line starting with SU)` });
  }
  const creds = v['nats.creds.location'];
  if (present(creds) && existsSync(creds) && statSync(creds).isFile()) {
    const text = readFileSync(creds, 'utf8');
    if (!/-----BEGIN NATS USER JWT-----/.test(text) || !/-----BEGIN USER NKEY SEED-----/.test(text)) {
      problems.push({ key: 'nats.creds.location', reason: `${creds} is not a NATS .creds file (a user JWT and an NKey seed)` });
    }
  }
  if (present(v['nats.jetstream.domain']) && present(v['nats.jetstream.api.prefix'])) {
    problems.push({ key: 'nats.jetstream.api.prefix', reason: 'set nats.jetstream.domain or nats.jetstream.api.prefix, not both' });
  }
  return problems;
}

/** The settings of checked values (natsProblems returned nothing). */
export function natsSettingsOf(v: Values): NatsSettings {
  const { servers } = serversOf(v['nats.url'] ?? DEFAULT_NATS_URL);
  const tlsKeys = { caFile: v['nats.tls.ca.location'], certFile: v['nats.tls.cert.location'], keyFile: v['nats.tls.key.location'] };
  const tls = Object.fromEntries(Object.entries(tlsKeys).filter(([, p]) => present(p))) as NatsTls;
  const wantsTls = Object.keys(tls).length > 0 || servers.some((s) => /^tls:/i.test(s));
  const auth: NatsAuth = present(v['nats.user'])
    ? { kind: 'user', user: v['nats.user'], password: v['nats.password'] ?? '' }
    : present(v['nats.token'])
      ? { kind: 'token', token: v['nats.token'] }
      : present(v['nats.nkey.seed.location'])
        ? { kind: 'nkey', seedFile: v['nats.nkey.seed.location'] }
        : present(v['nats.creds.location'])
          ? { kind: 'creds', credsFile: v['nats.creds.location'] }
          : { kind: 'none' };
  const domain = v['nats.jetstream.domain'];
  const apiPrefix = v['nats.jetstream.api.prefix'];
  return {
    servers,
    ...(wantsTls ? { tls } : {}),
    auth,
    jetstream: { ...(present(domain) ? { domain } : {}), ...(present(apiPrefix) ? { apiPrefix } : {}) },
    kvReplicas: Number(v['nats.kv.replicas'] ?? 1),
    bucketPrefix: present(v['nats.kv.bucket.prefix']) ? v['nats.kv.bucket.prefix'] : DEFAULT_BUCKET_PREFIX,
  };
}

/** A plain open NATS at the given URL(s) (tests, `--cluster URL` without a worker config). */
export function natsSettingsForUrl(url: string): NatsSettings {
  return natsSettingsOf({ 'nats.url': url });
}
