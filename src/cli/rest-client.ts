/** The CLI's client of a Kafka Connect REST API (Kafka Connect's or a Sluice worker's): `apply --url`, `migrate`. */

/** A Kafka Connect REST call that failed: unreachable, or answered 4xx/5xx (with the server's message). */
export class RestCallError extends Error {
  override readonly name = 'RestCallError';
}

/** JSON calls against `base`; a 4xx/5xx throws with the server's message (a 404 gives undefined when `accept404`). */
export function restApi(base: string) {
  const root = base.replace(/\/+$/, '');
  return async function call<T>(method: string, path: string, body?: unknown, accept404 = false): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new RestCallError(`${method} ${root}${path}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
    }
    const text = await res.text();
    if (res.status === 404 && accept404) return undefined;
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (res.status >= 400) {
      const message = (parsed as { message?: string } | null)?.message ?? text;
      throw new RestCallError(`${method} ${root}${path}: HTTP ${res.status}: ${message}`);
    }
    return parsed as T;
  };
}
