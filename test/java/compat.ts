/**
 * Runs Apache Kafka's own JsonConverter / SimpleHeaderConverter (test/java, built with Maven into
 * .stack/java-compat/) over a corpus of cases, and compares its bytes and decoded values with ours.
 *
 * Each case carries a Connect schema (as Kafka's schema JSON text), a value in a neutral tagged form, and the
 * bytes our converter wrote for it. Kafka then (a) writes the same logical value → its bytes must equal ours;
 * (b) reads our bytes → its decoded value must equal what we decode from the same bytes; (c) reads its own bytes →
 * we must decode those bytes to the same value (and, unless the case is lossy, to the original value).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import {
  BigDecimal,
  Decimal,
  LogicalDate,
  LogicalTime,
  LogicalTimestamp,
  Struct,
  type Schema,
} from '../../src/data/index.js';
import { JsonConverter, JsonNumberText, SimpleHeaderConverter, parseJson, type ConverterConfig } from '../../src/converters/index.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT_DIR = join(ROOT, '.stack/java-compat');
const POM = join(ROOT, 'test/java/pom.xml');
const JAVA_SRC = join(ROOT, 'test/java/src/main/java/dev/sluice/compat/JsonCompat.java');

// ---------------------------------------------------------------------------------------------------------------
// neutral values (see JsonCompat.java for the format)

export type Neutral = null | { t: string; v: unknown; scale?: number };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const dv = new DataView(new ArrayBuffer(8));

function float32Bits(n: number): string {
  f32[0] = n;
  return u32[0]!.toString(16).padStart(8, '0');
}
function float64Bits(n: number): string {
  dv.setFloat64(0, n);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
}
function b64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Our Connect value → the neutral form (the schema gives the Java type; schemaless values as Kafka would hold them). */
export function neutral(value: unknown, schema: Schema | null | undefined): Neutral {
  if (value === null || value === undefined) return null;
  if (schema) {
    switch (schema.name) {
      case Decimal.LOGICAL_NAME: {
        const d = value as BigDecimal;
        return { t: 'decimal', v: d.unscaled.toString(), scale: d.scale };
      }
      case LogicalDate.LOGICAL_NAME:
      case LogicalTime.LOGICAL_NAME:
      case LogicalTimestamp.LOGICAL_NAME:
        return { t: 'datetime', v: String((value as Date).getTime()) };
    }
    switch (schema.type) {
      case 'INT8': return { t: 'int8', v: String(value) };
      case 'INT16': return { t: 'int16', v: String(value) };
      case 'INT32': return { t: 'int32', v: String(value) };
      case 'INT64': return { t: 'int64', v: String(value) };
      case 'FLOAT32': return { t: 'float32', v: float32Bits(value as number) };
      case 'FLOAT64': return { t: 'float64', v: float64Bits(value as number) };
      case 'BOOLEAN': return { t: 'boolean', v: value };
      case 'STRING': return { t: 'string', v: value };
      case 'BYTES': return { t: 'bytes', v: b64(value as Uint8Array) };
      case 'ARRAY': return { t: 'array', v: (value as unknown[]).map((e) => neutral(e, schema.valueSchema)) };
      case 'MAP': {
        const entries = value instanceof Map ? [...value] : Object.entries(value as object);
        return { t: 'map', v: entries.map(([k, e]) => [neutral(k, schema.keySchema), neutral(e, schema.valueSchema)]) };
      }
      case 'STRUCT': {
        const s = value as Struct;
        return { t: 'struct', v: s.schema.fields.map((f) => [f.name, neutral(s.getWithoutDefault(f), f.schema)]) };
      }
    }
  }
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? { t: 'int64', v: String(value) } : { t: 'float64', v: float64Bits(value) };
    case 'bigint': return { t: 'int64', v: value.toString() };
    case 'string': return { t: 'string', v: value };
    case 'boolean': return { t: 'boolean', v: value };
  }
  if (value instanceof Uint8Array) return { t: 'bytes', v: b64(value) };
  if (value instanceof BigDecimal) return { t: 'decimal', v: value.unscaled.toString(), scale: value.scale };
  if (value instanceof Date) return { t: 'datetime', v: String(value.getTime()) };
  if (value instanceof Struct) return neutral(value, value.schema);
  if (Array.isArray(value)) return { t: 'array', v: value.map((e) => neutral(e, null)) };
  if (value instanceof Map) return { t: 'map', v: [...value].map(([k, e]) => [neutral(k, null), neutral(e, null)]) };
  if (typeof value === 'object') return { t: 'map', v: Object.entries(value).map(([k, e]) => [neutral(k, null), neutral(e, null)]) };
  throw new Error(`no neutral form for ${String(value)}`);
}

/**
 * Canonical text of a neutral value: map entries sorted (Kafka decodes maps into HashMaps). With `looseNumbers`
 * (schemaless values) INT64 and FLOAT64 compare by value: a JS number cannot tell Java's 2L from 2.0.
 */
export function canonical(n: unknown, looseNumbers = false): string {
  return JSON.stringify(sortMaps(n, looseNumbers));
}
function sortMaps(n: unknown, loose: boolean): unknown {
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return n.map((e) => sortMaps(e, loose));
  const o = n as { t: string; v: unknown; scale?: number };
  if (loose && /^(int8|int16|int32|int64|float32|float64)$/.test(o.t)) {
    if (o.t.startsWith('int')) return { t: 'number', v: o.v };
    let d: number;
    if (o.t === 'float32') {
      u32[0] = Number.parseInt(o.v as string, 16);
      d = f32[0]!;
    } else {
      dv.setBigUint64(0, BigInt(`0x${o.v as string}`));
      d = dv.getFloat64(0);
    }
    return { t: 'number', v: Number.isSafeInteger(d) && !Object.is(d, -0) ? String(d) : `f${float64Bits(d)}` };
  }
  if (o.t === 'map') {
    const entries = (o.v as unknown[][]).map(([k, v]) => [sortMaps(k, loose), sortMaps(v, loose)]);
    entries.sort((a, b) => (JSON.stringify(a[0]) < JSON.stringify(b[0]) ? -1 : 1));
    return { t: 'map', v: entries };
  }
  if (o.t === 'array' || o.t === 'struct') return { ...o, v: sortMaps(o.v, loose) };
  return o;
}

// ---------------------------------------------------------------------------------------------------------------
// cases

export interface CompatCase {
  id: string;
  /** `json` (JsonConverter, default) or `header` (SimpleHeaderConverter). */
  kind?: 'json' | 'header';
  config?: Record<string, string>;
  isKey?: boolean;
  schema: Schema | null;
  /** When present, both sides write this value. */
  value?: unknown;
  /** Bytes to read instead of (or as well as) ours: for read-only cases. */
  rawBytes?: Uint8Array | null;
  /** False when reading does not give the written value back (defaults, lossy schemaless forms). */
  roundTrip?: boolean;
  /** Where we read differently from Kafka on purpose (the reason): only the written bytes are compared. */
  knownDifference?: string;
}

interface JavaResult {
  id: string;
  schemaError?: string;
  javaBytes?: string | null;
  writeError?: string;
  decodedOurs?: { schema: string | null; value: Neutral };
  readError?: string;
  decodedJava?: { schema: string | null; value: Neutral };
  readJavaError?: string;
}

export interface Mismatch {
  id: string;
  what: string;
  ours: string;
  kafka: string;
}

function converterFor(c: CompatCase): JsonConverter | SimpleHeaderConverter {
  if (c.kind === 'header') return new SimpleHeaderConverter();
  return new JsonConverter(c.config ?? {}, c.isKey ?? false);
}

function write(c: CompatCase): { bytes?: Uint8Array | null; error?: string } {
  const conv = converterFor(c);
  try {
    const bytes = conv instanceof SimpleHeaderConverter
      ? conv.fromConnectHeader('topic', 'h', c.schema, c.value)
      : conv.fromConnectData('topic', c.schema, c.value);
    return { bytes };
  } catch (e) {
    return { error: String(e) };
  }
}

function schemaText(c: CompatCase, s: Schema | null): string | null {
  if (!s) return null;
  if (c.kind === 'header') return descriptor(s);
  // rendered as the reading converter renders it (a Decimal default follows decimal.format)
  return new JsonConverter({ ...c.config, 'schemas.enable': 'true' }, false).schemaToJson(s);
}

/** Same descriptor as JsonCompat.descriptor. */
export function descriptor(s: Schema | null | undefined): string {
  if (!s) return 'null';
  let out = s.type + (s.name ? `(${s.name})` : '') + (s.optional ? '?' : '');
  if (s.type === 'ARRAY') out += `<${descriptor(s.valueSchema)}>`;
  if (s.type === 'MAP') out += `<${descriptor(s.keySchema)},${descriptor(s.valueSchema)}>`;
  if (s.type === 'STRUCT') out += `{${s.fields.map((f) => `${f.name}:${descriptor(f.schema)}`).join(',')}}`;
  return out;
}

function read(c: CompatCase, bytes: Uint8Array | null): { decoded?: { schema: string | null; value: Neutral }; error?: string } {
  const conv = converterFor(c);
  try {
    const sv = conv instanceof SimpleHeaderConverter
      ? conv.toConnectHeader('topic', 'h', bytes)
      : conv.toConnectData('topic', bytes);
    return { decoded: { schema: schemaText(c, sv.schema), value: neutral(sv.value, sv.schema) } };
  } catch (e) {
    return { error: String(e) };
  }
}

function show(b: Uint8Array | null | undefined): string {
  if (b === undefined) return '(none)';
  if (b === null) return 'null (tombstone)';
  const text = Buffer.from(b).toString('utf8');
  return /[^\x20-\x7e]/.test(text) ? `${text}  [base64 ${b64(b)}]` : text;
}

function sameDecoded(
  c: CompatCase,
  ours: { schema: string | null; value: Neutral },
  kafka: { schema: string | null; value: Neutral },
): boolean {
  let oursSchema = ours.schema;
  // Kafka's Values makes ARRAY/MAP schemas without an element schema ("[]", "[null]"); ours are schemaless there.
  if (c.kind === 'header' && oursSchema === null && kafka.schema !== null && /<null|,null>/.test(kafka.schema)) oursSchema = kafka.schema;
  const loose = kafka.schema === null || c.kind === 'header';
  return oursSchema === kafka.schema && canonical(ours.value, loose) === canonical(kafka.value, loose);
}

/** Same JSON apart from how numbers are printed (JDK 17 prints some doubles/floats with more digits than JDK 19+). */
export function sameJsonUpToNumberFormat(a: Uint8Array, b: Uint8Array): boolean {
  // numbers compared as doubles, or (for FLOAT32 payloads) as floats
  const normWith = (round: (x: number) => number) => {
    const norm = (v: unknown): unknown => {
      if (v instanceof JsonNumberText) return `#${round(Number(v.text))}`;
      if (typeof v === 'number' || typeof v === 'bigint') return `#${round(Number(v))}`;
      if (Array.isArray(v)) return v.map(norm);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, norm(e)]));
      return v;
    };
    return norm;
  };
  try {
    const pa = parseJson(Buffer.from(a).toString('utf8'), { keepNumberText: true });
    const pb = parseJson(Buffer.from(b).toString('utf8'), { keepNumberText: true });
    return [(x: number) => x, Math.fround].some((r) => JSON.stringify(normWith(r)(pa)) === JSON.stringify(normWith(r)(pb)));
  } catch {
    return false;
  }
}

export interface CompareOptions {
  /** Kafka ran on JDK < 19: accept written bytes that differ only in how a double/float is printed (listed in `notes`). */
  legacyJdkNumberFormat?: boolean;
}

export function compare(
  cases: CompatCase[],
  results: JavaResult[],
  opts: CompareOptions = {},
): { mismatches: Mismatch[]; checks: number; notes: string[] } {
  const byId = new Map(results.map((r) => [r.id, r]));
  const mismatches: Mismatch[] = [];
  const notes: string[] = [];
  let checks = 0;
  const fail = (id: string, what: string, ours: string, kafka: string): void => { mismatches.push({ id, what, ours, kafka }); };
  for (const c of cases) {
    const r = byId.get(c.id);
    if (!r) { fail(c.id, 'no result from Kafka', '', ''); continue; }
    if (r.schemaError) { fail(c.id, 'Kafka could not parse the schema JSON we wrote', schemaText(c, c.schema) ?? '', r.schemaError); continue; }
    const ours = 'value' in c ? write(c) : undefined;
    if (ours) {
      checks++;
      const javaBytes = r.javaBytes === undefined ? undefined : r.javaBytes === null ? null : Buffer.from(r.javaBytes, 'base64');
      if (ours.error || r.writeError) {
        if (!(ours.error && r.writeError)) {
          fail(c.id, 'write: one side failed', ours.error ?? show(ours.bytes), r.writeError ?? show(javaBytes));
        }
      } else if (show(ours.bytes) !== show(javaBytes)) {
        if (opts.legacyJdkNumberFormat && ours.bytes && javaBytes && sameJsonUpToNumberFormat(ours.bytes, javaBytes)) {
          notes.push(`${c.id}: JDK < 19 prints ${show(javaBytes)} where JDK 19+ (and we) print ${show(ours.bytes)}`);
        } else {
          fail(c.id, 'write: bytes differ', show(ours.bytes), show(javaBytes));
        }
      }
      // (c) we read Kafka's bytes like Kafka does, and get the original value back
      if (javaBytes !== undefined && !c.knownDifference) {
        checks++;
        const mine = read(c, javaBytes);
        if (mine.error || r.readJavaError) {
          if (!(mine.error && r.readJavaError)) fail(c.id, "read Kafka's bytes: one side failed", mine.error ?? 'ok', r.readJavaError ?? 'ok');
        } else if (!sameDecoded(c, mine.decoded!, r.decodedJava!)) {
          fail(c.id, "read Kafka's bytes: decoded differently", JSON.stringify(mine.decoded), JSON.stringify(r.decodedJava));
        } else if (c.roundTrip !== false) {
          checks++;
          const expected = neutral(c.value, c.schema);
          if (canonical(mine.decoded!.value) !== canonical(expected)) {
            fail(c.id, "read Kafka's bytes: not the original value", JSON.stringify(mine.decoded!.value), JSON.stringify(expected));
          }
        }
      }
    }
    // (b) Kafka reads the bytes we wrote (or the raw bytes of a read-only case) as we do
    const input = 'rawBytes' in c ? c.rawBytes : ours?.bytes;
    if (input !== undefined && !ours?.error && !c.knownDifference) {
      checks++;
      const mine = read(c, input ?? null);
      if (mine.error || r.readError) {
        if (!(mine.error && r.readError)) fail(c.id, `read ${'rawBytes' in c ? 'raw' : 'our'} bytes: one side failed`, mine.error ?? JSON.stringify(mine.decoded), r.readError ?? JSON.stringify(r.decodedOurs));
      } else if (!sameDecoded(c, mine.decoded!, r.decodedOurs!)) {
        fail(c.id, `read ${'rawBytes' in c ? 'raw' : 'our'} bytes: decoded differently`, JSON.stringify(mine.decoded), JSON.stringify(r.decodedOurs));
      }
    }
  }
  return { mismatches, checks, notes };
}

export function formatMismatches(ms: Mismatch[]): string {
  return ms.map((m) => `✗ ${m.id} — ${m.what}\n    ours : ${m.ours}\n    kafka: ${m.kafka}`).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// running Kafka's side

export function corpusLine(c: CompatCase): string {
  const line: Record<string, unknown> = {
    id: c.id,
    kind: c.kind ?? 'json',
    config: c.config ?? {},
    isKey: c.isKey ?? false,
    schema: c.schema ? new JsonConverter({}, false).schemaToJson(c.schema) : null,
  };
  if ('value' in c) line.value = neutral(c.value, c.schema);
  const bytes = 'rawBytes' in c ? c.rawBytes : 'value' in c ? write(c).bytes : undefined;
  if (bytes !== undefined) line.bytes = bytes === null ? null : b64(bytes);
  return JSON.stringify(line);
}

function javaMajor(javaBin: string): number {
  const r = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!m) return 0;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * The JVM to run Kafka's converter on: `SLUICE_COMPAT_JAVA` (a java binary) if set, else a JDK 19+ found under
 * JAVA_HOME or /usr/lib/jvm (JDK 19+ prints doubles and floats as shortest decimals, as we do), else `java`.
 */
export function pickJava(): { bin: string; major: number } {
  const explicit = process.env.SLUICE_COMPAT_JAVA;
  if (explicit) return { bin: explicit, major: javaMajor(explicit) };
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, 'bin/java'));
  if (existsSync('/usr/lib/jvm')) {
    for (const d of readdirSync('/usr/lib/jvm').sort().reverse()) candidates.push(join('/usr/lib/jvm', d, 'bin/java'));
  }
  let best: { bin: string; major: number } | undefined;
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const major = javaMajor(bin);
    if (major >= 19 && (!best || major > best.major)) best = { bin, major };
  }
  return best ?? { bin: 'java', major: javaMajor('java') };
}

/** Builds test/java with Maven into .stack/java-compat unless it is up to date; returns the run classpath. */
export function buildOracle(log: (s: string) => void = () => {}): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const stampFile = join(OUT_DIR, 'build.stamp');
  const cpFile = join(OUT_DIR, 'classpath.txt');
  const classes = join(OUT_DIR, 'target/classes');
  const stamp = createHash('sha256').update(readFileSync(POM)).update(readFileSync(JAVA_SRC)).digest('hex');
  const upToDate = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(cpFile) &&
    existsSync(join(classes, 'dev/sluice/compat/JsonCompat.class'));
  if (!upToDate) {
    log('building the Kafka JsonConverter oracle with Maven (first run downloads Kafka jars)...');
    execFileSync('mvn', ['-q', '-B', '-f', POM, 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: ROOT,
    });
    writeFileSync(stampFile, stamp);
  }
  return `${classes}:${readFileSync(cpFile, 'utf8').trim()}`;
}

export function runOracle(cases: CompatCase[], java: { bin: string }, classpath: string): JavaResult[] {
  const corpus = join(OUT_DIR, 'corpus.jsonl');
  const out = join(OUT_DIR, 'results.jsonl');
  writeFileSync(corpus, cases.map(corpusLine).join('\n') + '\n');
  execFileSync(java.bin, ['-Duser.timezone=UTC', '-cp', classpath, 'dev.sluice.compat.JsonCompat', corpus, out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JavaResult);
}

export type { ConverterConfig };
