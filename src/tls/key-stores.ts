/**
 * Key and trust material from Kafka's `ssl.*` store keys, as DefaultSslEngineFactory reads them: PEM (inline
 * `ssl.truststore.certificates` / `ssl.keystore.key` + `ssl.keystore.certificate.chain`, or PEM files) and
 * PKCS12 files. JKS is refused with the keytool command that converts it. Reads only the files the keys name.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext as tlsSecureContext } from 'node:tls';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';

/** node-forge, loaded the first time a PKCS12 store is read (~30 ms of start-up CPU otherwise). */
let forgeLib: typeof Forge | undefined;
const loadForge = (): typeof Forge => (forgeLib ??= createRequire(import.meta.url)('node-forge') as typeof Forge);

/** A store setting to change, and why (Kafka's ConfigException: the key and the reason). */
export interface StoreKeyProblem {
  readonly key: string;
  readonly reason: string;
}

export type StoreKind = 'keystore' | 'truststore';

export interface TrustMaterial {
  readonly ca: string[];
}

export interface KeyMaterial {
  readonly cert?: string;
  readonly key?: string;
  readonly pfx?: Buffer;
  readonly passphrase?: string;
}

/** A problem with a store, keyed by the property to change. */
export class StoreProblem extends Error {
  constructor(readonly problem: StoreKeyProblem) {
    super(`${problem.key}: ${problem.reason}`);
  }
}

const fail = (key: string, reason: string): never => {
  throw new StoreProblem({ key, reason });
};

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The PEM blocks of a text whose line breaks may have been flattened to spaces (as property files often carry
 * them), re-wrapped as Node reads PEM.
 */
export function pemBlocks(text: string, labels: readonly string[]): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (!labels.includes(m[1]!)) continue;
    const body = m[2]!.replace(/\s+/g, '');
    out.push(`-----BEGIN ${m[1]}-----\n${body.replace(/.{1,64}/g, '$&\n')}-----END ${m[1]}-----\n`);
  }
  return out;
}

const CERT_LABELS = ['CERTIFICATE'] as const;
const KEY_LABELS = ['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'] as const;

function certificates(key: string, text: string): string[] {
  const certs = pemBlocks(text, CERT_LABELS);
  if (certs.length === 0) fail(key, 'no PEM certificate (-----BEGIN CERTIFICATE-----) found');
  for (const c of certs) {
    try {
      new X509Certificate(c);
    } catch (e) {
      fail(key, `a PEM certificate does not parse: ${(e as Error).message}`);
    }
  }
  return certs;
}

/** The private key as unencrypted PKCS#8 PEM, so a wrong ssl.key.password shows here, not at the handshake. */
function privateKey(key: string, text: string, password: string | undefined): string {
  const [pem] = pemBlocks(text, KEY_LABELS);
  if (!pem) return fail(key, 'no PEM private key (-----BEGIN PRIVATE KEY----- or ENCRYPTED PRIVATE KEY) found');
  const encrypted = pem.startsWith('-----BEGIN ENCRYPTED');
  if (encrypted && password === undefined) fail('ssl.key.password', `the private key in ${key} is encrypted; set ssl.key.password`);
  try {
    return createPrivateKey({ key: pem, format: 'pem', ...(encrypted ? { passphrase: password } : {}) })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
  } catch (e) {
    return fail(encrypted ? 'ssl.key.password' : key, `the private key in ${key} cannot be read${encrypted ? ' with ssl.key.password' : ''}: ${(e as Error).message}`);
  }
}

function readStoreFile(locationKey: string, location: string): Buffer {
  try {
    return readFileSync(location);
  } catch (e) {
    return fail(locationKey, `cannot read ${location}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const JKS_MAGIC = 0xfeedfeed;
const isJks = (data: Buffer) => data.length >= 4 && data.readUInt32BE(0) === JKS_MAGIC;

function jksRefusal(kind: StoreKind, typeKey: string, location: string | undefined): StoreKeyProblem {
  const src = location ?? `<${kind}.jks>`;
  const dest = src.replace(/\.jks$/i, '') + '.p12';
  return {
    key: typeKey,
    reason:
      `JKS ${kind}s are not supported; convert it to PKCS12 with ` +
      `keytool -importkeystore -srckeystore ${src} -srcstoretype JKS -destkeystore ${dest} -deststoretype PKCS12 ` +
      `and set ssl.${kind}.type=PKCS12 and ssl.${kind}.location=${dest}`,
  };
}

/**
 * The store type Kafka would use: `ssl.<kind>.type` (default JKS). A file that is not JKS under the default type
 * is read as PKCS12, as Java's JKS key store does (keystore.type.compat).
 */
function storeType(kind: StoreKind, props: Readonly<Record<string, string>>, data: Buffer | undefined): 'PEM' | 'PKCS12' {
  const typeKey = `ssl.${kind}.type`;
  const given = props[typeKey]?.trim();
  const type = (given === undefined || given === '' ? 'JKS' : given).toUpperCase();
  const location = props[`ssl.${kind}.location`];
  if (type === 'PEM' || type === 'PKCS12') return type;
  if (type === 'JKS') {
    if (data && !isJks(data)) return 'PKCS12';
    throw new StoreProblem(jksRefusal(kind, given === undefined && location !== undefined ? `ssl.${kind}.location` : typeKey, location));
  }
  return fail(typeKey, `${given} ${kind}s are not supported; use PEM or PKCS12`);
}

/** Static checks of a store's keys (no file read), as Kafka's DefaultSslEngineFactory makes them. */
export function storeKeyProblems(kind: StoreKind, props: Readonly<Record<string, string>>): StoreKeyProblem[] {
  const problems: StoreKeyProblem[] = [];
  const typeKey = `ssl.${kind}.type`;
  const given = props[typeKey]?.trim();
  const type = (given === undefined || given === '' ? 'JKS' : given).toUpperCase();
  const location = props[`ssl.${kind}.location`];
  const password = props[`ssl.${kind}.password`];
  const inline = kind === 'truststore' ? props['ssl.truststore.certificates'] : props['ssl.keystore.key'];
  const inlineKey = kind === 'truststore' ? 'ssl.truststore.certificates' : 'ssl.keystore.key';
  if (!['JKS', 'PKCS12', 'PEM'].includes(type)) {
    problems.push({ key: typeKey, reason: `${given} ${kind}s are not supported; use PEM or PKCS12` });
  } else if (type === 'JKS' && given !== undefined && given !== '') {
    problems.push(jksRefusal(kind, typeKey, location));
  }
  if (inline !== undefined && type !== 'PEM') {
    problems.push({ key: inlineKey, reason: `${inlineKey} can be given only with ${typeKey}=PEM, but the ${kind} type is ${given ?? 'JKS (the default)'}` });
  }
  if (inline !== undefined && location !== undefined) {
    problems.push({ key: inlineKey, reason: `both ssl.${kind}.location and ${inlineKey} are given; give one` });
  }
  if (type === 'PEM' && password !== undefined && (inline !== undefined || location !== undefined)) {
    problems.push({
      key: `ssl.${kind}.password`,
      reason: kind === 'truststore' ? 'a PEM trust store takes no password' : 'a PEM key store takes no password; an encrypted key takes ssl.key.password',
    });
  }
  if (kind === 'keystore') {
    const chain = props['ssl.keystore.certificate.chain'];
    if (inline !== undefined && chain === undefined) problems.push({ key: 'ssl.keystore.certificate.chain', reason: 'ssl.keystore.key is given without its certificate chain' });
    if (inline === undefined && chain !== undefined) problems.push({ key: 'ssl.keystore.key', reason: 'ssl.keystore.certificate.chain is given without its private key' });
    if (type === 'PEM' && location === undefined && inline === undefined && chain === undefined && given !== undefined) {
      problems.push({ key: 'ssl.keystore.location', reason: 'ssl.keystore.type=PEM needs ssl.keystore.location or ssl.keystore.key with ssl.keystore.certificate.chain' });
    }
  }
  return problems;
}

/** The trusted CAs; undefined when no trust store is configured (the system's CAs are used, as Java's are). */
export function loadTrustMaterial(props: Readonly<Record<string, string>>): TrustMaterial | undefined {
  const inline = props['ssl.truststore.certificates'];
  if (inline !== undefined) return { ca: certificates('ssl.truststore.certificates', inline) };
  const location = props['ssl.truststore.location'];
  if (location === undefined || location.trim() === '') return undefined;
  const data = readStoreFile('ssl.truststore.location', location);
  if (storeType('truststore', props, data) === 'PEM') return { ca: certificates('ssl.truststore.location', data.toString('utf8')) };
  const { certs } = readPkcs12('truststore', data, props['ssl.truststore.password']);
  if (certs.length === 0) fail('ssl.truststore.location', `the PKCS12 trust store ${location} holds no certificate`);
  return { ca: certs };
}

/** The client's own certificate and key (mutual TLS); undefined when no key store is configured. */
export function loadKeyMaterial(props: Readonly<Record<string, string>>): KeyMaterial | undefined {
  const keyPassword = props['ssl.key.password'];
  const inlineKey = props['ssl.keystore.key'];
  if (inlineKey !== undefined) {
    const chain = certificates('ssl.keystore.certificate.chain', props['ssl.keystore.certificate.chain'] ?? '');
    return { cert: chain.join(''), key: privateKey('ssl.keystore.key', inlineKey, keyPassword) };
  }
  const location = props['ssl.keystore.location'];
  if (location === undefined || location.trim() === '') return undefined;
  const data = readStoreFile('ssl.keystore.location', location);
  if (storeType('keystore', props, data) === 'PEM') {
    const text = data.toString('utf8');
    return { cert: certificates('ssl.keystore.location', text).join(''), key: privateKey('ssl.keystore.location', text, keyPassword) };
  }
  const storePassword = props['ssl.keystore.password'];
  if (keyPassword !== undefined && storePassword !== undefined && keyPassword !== storePassword) {
    fail('ssl.key.password', 'a PKCS12 key store whose key password differs from ssl.keystore.password is not supported; re-export it with one password');
  }
  const passphrase = storePassword ?? keyPassword ?? '';
  const { keys } = readPkcs12('keystore', data, passphrase);
  if (keys === 0) fail('ssl.keystore.location', `the PKCS12 key store ${location} holds no private key`);
  try {
    tlsSecureContext({ pfx: data, passphrase });
  } catch (e) {
    fail('ssl.keystore.location', `the PKCS12 key store ${location} cannot be used: ${(e as Error).message}`);
  }
  return { pfx: data, passphrase };
}

/** Certificates (PEM) and the number of private keys in a PKCS12 file. */
function readPkcs12(kind: StoreKind, data: Buffer, password: string | undefined): { certs: string[]; keys: number } {
  const forge = loadForge();
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password ?? '');
  } catch (e) {
    const msg = (e as Error).message;
    const key = /password|MAC/i.test(msg) ? `ssl.${kind}.password` : `ssl.${kind}.location`;
    return fail(key, `the PKCS12 ${kind} cannot be read${password === undefined ? ' without a password' : ''}: ${msg}`);
  }
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((b) => (b.cert ? forge.pki.certificateToPem(b.cert) : undefined))
    .filter((c): c is string => c !== undefined);
  const shrouded = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? [];
  const plain = p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? [];
  return { certs: certs.map((c) => c.replace(/\r\n/g, '\n')), keys: shrouded.length + plain.length };
}
