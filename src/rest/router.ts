/**
 * A tiny router for the REST API: `METHOD /literal/{param}/…` patterns, percent-decoded path parameters that
 * never span a `/`, a trailing slash ignored (as Jersey does), 404 for an unknown path and 405 for a known path
 * with another method. Pure: no HTTP here.
 */

export type Params = Readonly<Record<string, string>>;

interface Route<H> {
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly handler: H;
}

type Segment = { readonly literal: string } | { readonly param: string };

export type RouteMatch<H> =
  | { readonly kind: 'found'; readonly handler: H; readonly params: Params }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

export class BadPathError extends Error {
  override readonly name = 'BadPathError';
}

function compile(pattern: string): Segment[] {
  if (!pattern.startsWith('/')) throw new Error(`route pattern must start with /: ${pattern}`);
  return splitPath(pattern).map((s) => {
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(s);
    return m ? { param: m[1]! } : { literal: s };
  });
}

/** `/a/b/` → [`a`, `b`]; `/` → []. Segments stay percent-encoded. */
export function splitPath(path: string): string[] {
  const parts = path.split('/');
  // leading '' from the initial '/', and a trailing '' from a trailing '/'
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export class Router<H> {
  readonly #routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.#routes.push({ method: method.toUpperCase(), segments: compile(pattern), handler });
    return this;
  }

  /** Matches a raw (still percent-encoded) path, without its query string. Throws BadPathError on a bad escape. */
  match(method: string, rawPath: string): RouteMatch<H> {
    const parts = splitPath(rawPath);
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method.toUpperCase()) return { kind: 'found', handler: route.handler, params };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i]!;
    if ('literal' in seg) {
      if (seg.literal !== part) return null;
    } else {
      if (part === '') return null;
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        throw new BadPathError(`malformed percent-encoding in path segment "${part}"`);
      }
      params[seg.param] = decoded;
    }
  }
  return params;
}
