/** A registry over a file store in a temporary folder, and a small JSON client for its REST API. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSchemaRegistry, type RunningSchemaRegistry, type StartSchemaRegistryOptions } from '../../../src/registry/index.js';

export interface Answer {
  readonly status: number;
  readonly text: string;
  /** The parsed JSON body (undefined when it is not JSON). */
  readonly body: any;
  readonly contentType: string | null;
}

export interface TestRegistry extends RunningSchemaRegistry {
  readonly path: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-registry-'));
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed, contentType: res.headers.get('content-type') };
}

/** A registry on a free loopback port over `path` (default: a file in a new temporary folder). */
export async function fileRegistry(path = join(tempDir(), 'schemas.jsonl'), options: StartSchemaRegistryOptions = {}): Promise<TestRegistry> {
  const r = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'file', path }, ...options });
  return { ...r, path, close: () => r.close(), call: (method, p, body, headers) => call(r.url, method, p, body, headers) };
}

/** An Avro record schema with the given fields (`name:type`, `name:type=default`). */
export function avroRecord(name: string, ...fields: string[]): string {
  return JSON.stringify({
    type: 'record',
    name,
    fields: fields.map((f) => {
      const [decl, def] = f.split('=');
      const [n, t] = decl!.split(':');
      return def === undefined ? { name: n, type: t } : { name: n, type: t, default: JSON.parse(def) };
    }),
  });
}
