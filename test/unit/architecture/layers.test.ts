// The floors of ARCHITECTURE.md, checked: every relative import in src/ goes to a floor its folder may import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../../src');
const PLUGINS = ['connectors/file', 'connectors/datagen', 'connectors/jdbc', 'connectors/hdfs'];
const BOTTOM = ['data', 'async', 'tls'];
/** Spans and `traceparent` through @opentelemetry/api only; the data path imports it, plugins never do. */
const TRACING = 'tracing';
const BELOW_STREAMS = [...BOTTOM, 'connectors/api', 'converters', 'transforms', TRACING];
const BELOW_WORKER = [...BELOW_STREAMS, 'connectors', ...PLUGINS, 'streams', 'actors'];

/** What each floor may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  data: [],
  async: [],
  tls: [],
  'schema-compat': [],
  [TRACING]: [],
  'connectors/api': BOTTOM,
  ...Object.fromEntries(PLUGINS.map((p) => [p, ['connectors/api', 'data']])),
  converters: ['data', 'tls', 'schema-compat'],
  transforms: [...BOTTOM, 'connectors/api', 'converters'],
  connectors: [...BOTTOM, 'connectors/api', 'converters', 'transforms', ...PLUGINS],
  streams: BELOW_STREAMS,
  actors: [...BOTTOM, 'connectors/api', 'streams'],
  worker: BELOW_WORKER,
  registry: [...BELOW_STREAMS, 'streams', 'schema-compat'],
  cluster: [...BELOW_WORKER, 'worker'],
  rest: [...BELOW_WORKER, 'worker'],
  reactive: [...BELOW_WORKER, 'worker'],
  testing: [...BELOW_WORKER, 'worker', 'reactive'],
  cli: [...BELOW_WORKER, 'worker', 'cluster', 'rest', 'registry'],
  'index.ts': [...BELOW_WORKER, 'worker', 'cluster', 'rest', 'registry', 'reactive'],
};

function floorOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  if (parts.length === 1) return parts[0]!;
  if (parts[0] === 'connectors' && parts.length > 2 && ['api', ...PLUGINS.map((p) => p.split('/')[1])].includes(parts[1]!)) {
    return `connectors/${parts[1]}`;
  }
  return parts[0]!;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('every import in src/ respects the floors of ARCHITECTURE.md', () => {
  const violations: string[] = [];
  const files = sources(SRC);
  assert.ok(files.length > 100, `found only ${files.length} source files`);
  for (const file of files) {
    const from = floorOf(file);
    const allowed = ALLOWED[from];
    assert.ok(allowed, `${relative(SRC, file)}: floor ${from} is not in the table; add it`);
    for (const m of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'|\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
      const target = floorOf(normalize(join(dirname(file), m[1] ?? m[2]!)));
      if (target !== from && !allowed.includes(target)) violations.push(`${relative(SRC, file)} (${from}) imports ${m[1] ?? m[2]} (${target})`);
    }
  }
  assert.deepEqual(violations, []);
});

/** The OpenTelemetry packages a floor may import: the API in the library, the SDK only where the command sets it up. */
function otelImportsAllowed(floor: string, pkg: string): boolean {
  if (pkg === '@opentelemetry/api') return floor === TRACING || floor === 'streams' || floor === 'worker' || floor === 'cli';
  return floor === 'cli';
}

test('only the sluice command imports the OpenTelemetry SDK; plugins import no OpenTelemetry at all', () => {
  const violations: string[] = [];
  for (const file of sources(SRC)) {
    const from = floorOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(@opentelemetry\/[^']+)'|\bimport\(\s*'(@opentelemetry\/[^']+)'\s*\)/g)) {
      const pkg = m[1] ?? m[2]!;
      if (!otelImportsAllowed(from, pkg)) violations.push(`${relative(SRC, file)} (${from}) imports ${pkg}`);
    }
  }
  assert.deepEqual(violations, []);
  assert.equal(otelImportsAllowed('connectors/file', '@opentelemetry/api'), false);
  assert.equal(otelImportsAllowed('streams', '@opentelemetry/sdk-trace-base'), false);
});

test('the floor check sees a violation when there is one', () => {
  const file = join(SRC, 'connectors/jdbc/x.ts');
  assert.equal(floorOf(file), 'connectors/jdbc');
  assert.equal(ALLOWED['connectors/jdbc']!.includes(floorOf(join(SRC, 'streams/index.ts'))), false);
  assert.equal(ALLOWED['worker']!.includes(floorOf(join(SRC, 'cluster/group.ts'))), false);
  assert.equal(ALLOWED['connectors/datagen']!.includes(floorOf(join(SRC, 'tracing/index.ts'))), false);
});
