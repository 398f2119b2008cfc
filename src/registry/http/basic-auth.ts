/**
 * HTTP basic auth for the registry, as Confluent's `authentication.method=BASIC` with Jetty's
 * PropertyFileLoginModule: a credentials file of `user: password[,role…]` lines (`user=password` too; `#` and `!`
 * comments; roles are read past and not checked). Plain passwords only (Jetty's OBF:/MD5:/CRYPT: forms are not
 * decoded). Passwords are compared in constant time.
 */
import { readFileSync } from 'node:fs';
import { createHash, timingSafeEqual } from 'node:crypto';

export class BasicAuthConfigError extends Error {
  override readonly name = 'BasicAuthConfigError';
}

/** user → password of a credentials file's text. */
export function parseCredentials(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const sep = line.search(/[:=]/);
    if (sep <= 0) continue;
    const user = line.slice(0, sep).trim();
    const password = line.slice(sep + 1).split(',')[0]!.trim();
    users.set(user, password);
  }
  return users;
}

export function readCredentials(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BasicAuthConfigError(`cannot read the basic auth credentials file ${path}: ${(e as Error).message}`, { cause: e });
  }
  const users = parseCredentials(text);
  if (users.size === 0) throw new BasicAuthConfigError(`the basic auth credentials file ${path} has no users`);
  return users;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class BasicAuth {
  readonly #users: ReadonlyMap<string, Buffer>;

  constructor(credentials: ReadonlyMap<string, string>) {
    this.#users = new Map([...credentials].map(([u, p]) => [u, digest(p)]));
  }

  /** The user of a valid `Authorization: Basic …` header, or null. */
  check(authorization: string | undefined): string | null {
    const m = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const expected = this.#users.get(decoded.slice(0, colon));
    // Compared even for unknown users, so the time taken does not tell which users exist.
    const ok = timingSafeEqual(digest(decoded.slice(colon + 1)), expected ?? digest('\u0000no such user'));
    return ok && expected !== undefined ? decoded.slice(0, colon) : null;
  }
}
