/**
 * A small method + path router: patterns of literal segments and `{name}` parameters, matched against the
 * URL-decoded segments of a path (so a subject holding `/` arrives whole when the client encoded it as %2F). A path
 * that matches no pattern is 404; one that matches with another method, 405 (as Jersey answers).
 */
export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  readonly body: unknown;
}

/** A JSON answer, or `raw` text sent as it is (the schema-only endpoints answer the schema text itself). */
export type RouteResponse = { readonly status?: number; readonly json: unknown } | { readonly status?: number; readonly raw: string };

export type Handler = (req: RouteRequest) => RouteResponse | Promise<RouteResponse>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: Handler; readonly params: Record<string, string> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed' };

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, segments: splitPath(pattern), handler });
    return this;
  }

  match(method: string, segments: readonly string[]): RouteMatch {
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** A request path's segments, each URL-decoded; null when one is not valid percent-encoding. */
export function pathSegments(pathname: string): string[] | null {
  try {
    return splitPath(pathname).map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = actual[i]!;
    else if (p !== actual[i]) return null;
  }
  return params;
}
