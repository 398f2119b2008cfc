/**
 * HTTP basic auth as Kafka Connect's basic-auth extension (BasicAuthSecurityRestExtension with its
 * PropertyFileLoginModule): a credentials file of `user: password` lines (Java properties: `user=password` works
 * too, `#` comments), checked on every request. Passwords are compared in constant time.
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { parseProperties } from '../worker/properties.js';
import { RestConfigError } from './config.js';

export const UNAUTHORIZED_MESSAGE = 'User cannot access the resource.';

export class BasicAuth {
  readonly #users: ReadonlyMap<string, Buffer>;

  constructor(credentials: ReadonlyMap<string, string>) {
    this.#users = new Map([...credentials].map(([u, p]) => [u, digest(p)]));
  }

  static fromFile(path: string): BasicAuth {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new RestConfigError(`cannot read the basic auth credentials file ${path}: ${(e as Error).message}`);
    }
    const users = parseProperties(text);
    if (users.size === 0) throw new RestConfigError(`the basic auth credentials file ${path} has no users`);
    return new BasicAuth(users);
  }

  get userCount(): number {
    return this.#users.size;
  }

  /** The user of a valid `Authorization: Basic …` header, or null. */
  check(authorization: string | undefined): string | null {
    if (!authorization) return null;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const user = decoded.slice(0, colon);
    const expected = this.#users.get(user);
    // Compare against something even for unknown users, so timing does not tell which users exist.
    const ok = timingSafeEqual(digest(decoded.slice(colon + 1)), expected ?? digest('\u0000no such user'));
    return ok && expected !== undefined ? user : null;
  }
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}
