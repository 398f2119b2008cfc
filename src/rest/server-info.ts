/**
 * `GET /`: ServerInfo. `version` is the Kafka Connect REST API version this server answers as, followed by
 * Sluice's own (`3.9.0-sluice-0.1.0`): tools that compare versions before using an endpoint (offsets need 3.5+,
 * PATCH config 3.8+) see a 3.9 server; `commit` is the git commit Sluice runs from (16 hex digits, as Kafka's) when
 * it runs from a checkout, else `unknown`.
 */
import { readFileSync } from 'node:fs';

export const KAFKA_CONNECT_API_VERSION = '3.9.0';

let cached: { version: string; commit: string } | undefined;

function packageRoot(): URL {
  return new URL('../../', import.meta.url);
}

function sluiceVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const git = new URL('.git/', packageRoot());
    const head = readFileSync(new URL('HEAD', git), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head.slice(0, 16);
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return 'unknown';
    try {
      return readFileSync(new URL(ref, git), 'utf8').trim().slice(0, 16);
    } catch {
      const packed = readFileSync(new URL('packed-refs', git), 'utf8');
      const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
      return line ? line.slice(0, 16) : 'unknown';
    }
  } catch {
    return 'unknown';
  }
}

export function serverVersion(): { version: string; commit: string } {
  cached ??= { version: `${KAFKA_CONNECT_API_VERSION}-sluice-${sluiceVersion()}`, commit: gitCommit() };
  return cached;
}
