/**
 * Pipeline files for `sluice run`: `{ "worker": {…}, "connectors": [{ "name", "config", "initial_state"? }] }`
 * (schema/pipeline.schema.json), or a bare Kafka Connect connector JSON as connect-standalone takes it (a flat
 * map with `name`, or `{"name","config","initial_state"?}`). Several files merge into one PipelineSpec. Every
 * problem in every file is collected and reported together in one PipelineFileError.
 */
import { readFile } from 'node:fs/promises';
import type { PluginRegistry } from '../connectors/registry.js';
import { unusedWorkerKeys, workerConfigProblems } from '../worker/worker-config-def.js';
import { connectorConfigProblems, type ProblemOptions } from '../connectors/validation.js';

export const INITIAL_STATES = ['RUNNING', 'PAUSED', 'STOPPED'] as const;
export type InitialState = (typeof INITIAL_STATES)[number];

export interface PipelineConnectorSpec {
  name: string;
  /** Kafka Connect's flat string map; `name` is always present and equals the connector's name. */
  config: Record<string, string>;
  initialState: InitialState;
  /** The file it came from. */
  file: string;
}

export interface PipelineSpec {
  worker: Record<string, string>;
  connectors: PipelineConnectorSpec[];
  /** Keys no connector or framework defines: kept (as Kafka Connect keeps them) and reported as warnings. */
  warnings?: PipelineProblem[];
}

export interface PipelineProblem {
  file: string;
  connector?: string;
  key?: string;
  reason: string;
}

export class PipelineFileError extends Error {
  override readonly name = 'PipelineFileError';
  constructor(readonly problems: readonly PipelineProblem[]) {
    super(`Invalid pipeline (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` + problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: PipelineProblem): string {
  const where = [p.file, p.connector !== undefined ? `connector "${p.connector}"` : undefined, p.key !== undefined ? `"${p.key}"` : undefined]
    .filter((x) => x !== undefined)
    .join(': ');
  return `  - ${where}: ${p.reason}`;
}

const PIPELINE_KEYS = ['$schema', 'worker', 'connectors'];
const CONNECTOR_ENTRY_KEYS = ['name', 'config', 'initial_state'];
/** Fields of Kafka's ConnectorInfo (`GET /connectors/{c}`) accepted and ignored, so exported configs load. */
const IGNORED_REQUEST_KEYS = ['tasks', 'type'];

/** One file's content, before cross-file checks. */
export interface ParsedPipelineFile {
  worker: Record<string, string>;
  connectors: PipelineConnectorSpec[];
  problems: PipelineProblem[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * A JSON config value as Kafka Connect's string: numbers and booleans as their text, arrays of scalars
 * comma-joined (for list keys). Returns a reason string when the value cannot be one.
 */
export function toConfigString(v: unknown): { value: string } | { reason: string } {
  switch (typeof v) {
    case 'string':
      return { value: v };
    case 'boolean':
      return { value: String(v) };
    case 'number':
      if (!Number.isFinite(v)) return { reason: `${v} is not a valid number` };
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
        return { reason: `the number ${v} is beyond 2^53 and lost precision when read from JSON; write it as a string` };
      }
      return { value: String(v) };
    default:
      break;
  }
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const item of v) {
      const c = typeof item === 'object' && item !== null ? { reason: '' } : toConfigString(item);
      if (!('value' in c) || item === null) return { reason: `list elements must be strings, numbers or booleans, got ${describeType(item)}` };
      parts.push(c.value);
    }
    return { value: parts.join(',') };
  }
  return { reason: `must be a string, number or boolean, got ${describeType(v)}` };
}

function stringMap(raw: Record<string, unknown>, file: string, problems: PipelineProblem[], connector?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(raw)) {
    const c = toConfigString(v);
    if ('value' in c) out[key] = c.value;
    else problems.push({ file, ...(connector !== undefined ? { connector } : {}), key, reason: c.reason });
  }
  return out;
}

function jsonErrorReason(e: Error, text: string): string {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return `invalid JSON: ${e.message}`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column}: ${e.message.replace(/\s*in JSON at position \d+.*$/s, '')}`;
}

function parseInitialState(raw: unknown, file: string, connector: string, problems: PipelineProblem[]): InitialState {
  if (raw === undefined || raw === null) return 'RUNNING';
  if (typeof raw === 'string' && (INITIAL_STATES as readonly string[]).includes(raw.toUpperCase())) return raw.toUpperCase() as InitialState;
  problems.push({ file, connector, key: 'initial_state', reason: `must be one of ${INITIAL_STATES.join(', ')}, got ${JSON.stringify(raw)}` });
  return 'RUNNING';
}

/** A connector given as `{name, config, initial_state?}` (a pipeline entry or Kafka's CreateConnectorRequest). */
function parseConnectorEntry(
  raw: Record<string, unknown>,
  file: string,
  where: string,
  allowed: readonly string[],
  problems: PipelineProblem[],
): PipelineConnectorSpec | undefined {
  const configRaw = raw['config'];
  const nameRaw = raw['name'] ?? (isPlainObject(configRaw) ? configRaw['name'] : undefined);
  const name = typeof nameRaw === 'string' && nameRaw.trim() !== '' ? nameRaw : undefined;
  const label = name ?? where;
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      problems.push({ file, connector: label, key, reason: `unknown key "${key}"; a connector entry has ${CONNECTOR_ENTRY_KEYS.join(', ')}` });
    }
  }
  if (name === undefined) {
    problems.push({ file, connector: label, key: 'name', reason: nameRaw === undefined ? 'missing required key "name"' : `"name" must be a non-empty string, got ${JSON.stringify(nameRaw)}` });
  }
  if (!isPlainObject(configRaw)) {
    problems.push({ file, connector: label, key: 'config', reason: configRaw === undefined ? 'missing required key "config"' : `"config" must be an object, got ${describeType(configRaw)}` });
    return undefined;
  }
  const config = stringMap(configRaw, file, problems, label);
  if (name !== undefined && config['name'] !== undefined && config['name'] !== name) {
    problems.push({ file, connector: name, key: 'name', reason: `config.name "${config['name']}" differs from the connector name "${name}"` });
  }
  const initialState = parseInitialState(raw['initial_state'], file, label, problems);
  if (name === undefined) return undefined;
  return { name, config: { ...config, name }, initialState, file };
}

/** Parses one file's text (no registry checks). Exposed for tests and for `sluice validate`. */
export function parsePipelineText(text: string, file: string): ParsedPipelineFile {
  const problems: PipelineProblem[] = [];
  const result: ParsedPipelineFile = { worker: {}, connectors: [], problems };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    problems.push({ file, reason: jsonErrorReason(e as Error, text) });
    return result;
  }
  if (!isPlainObject(doc)) {
    problems.push({ file, reason: `a pipeline file must hold a JSON object, got ${describeType(doc)}` });
    return result;
  }
  const isPipeline = PIPELINE_KEYS.some((k) => k in doc);
  if (isPipeline) {
    for (const key of Object.keys(doc)) {
      if (!PIPELINE_KEYS.includes(key)) {
        problems.push({ file, key, reason: `unknown top-level key "${key}"; a pipeline file has ${PIPELINE_KEYS.join(', ')}` });
      }
    }
    if (doc['$schema'] !== undefined && typeof doc['$schema'] !== 'string') {
      problems.push({ file, key: '$schema', reason: `"$schema" must be a string, got ${describeType(doc['$schema'])}` });
    }
    const worker = doc['worker'];
    if (worker !== undefined) {
      if (isPlainObject(worker)) result.worker = stringMap(worker, file, problems);
      else problems.push({ file, key: 'worker', reason: `"worker" must be an object of worker settings, got ${describeType(worker)}` });
    }
    const connectors = doc['connectors'];
    if (connectors !== undefined) {
      if (!Array.isArray(connectors)) {
        problems.push({ file, key: 'connectors', reason: `"connectors" must be an array, got ${describeType(connectors)}` });
      } else {
        connectors.forEach((entry, i) => {
          const where = `connectors[${i}]`;
          if (!isPlainObject(entry)) {
            problems.push({ file, connector: where, reason: `a connector entry must be an object, got ${describeType(entry)}` });
            return;
          }
          const c = parseConnectorEntry(entry, file, where, CONNECTOR_ENTRY_KEYS, problems);
          if (c) result.connectors.push(c);
        });
      }
    }
    return result;
  }
  if (isPlainObject(doc['config'])) {
    const c = parseConnectorEntry(doc, file, '(file)', [...CONNECTOR_ENTRY_KEYS, ...IGNORED_REQUEST_KEYS], problems);
    if (c) result.connectors.push(c);
    return result;
  }
  if ('name' in doc) {
    const name = doc['name'];
    if (typeof name !== 'string' || name.trim() === '') {
      problems.push({ file, key: 'name', reason: `"name" must be a non-empty string, got ${JSON.stringify(name)}` });
      return result;
    }
    const config = stringMap(doc, file, problems, name);
    result.connectors.push({ name, config, initialState: 'RUNNING', file });
    return result;
  }
  problems.push({
    file,
    reason: 'not a pipeline file (an object with "worker" and "connectors") nor a Kafka Connect connector config (an object with "name")',
  });
  return result;
}

/**
 * Reads, merges and checks pipeline files: worker keys must agree across files, connector names must be
 * unique, worker keys must be known worker settings, and every connector config must validate (its class
 * resolves, every defined key is valid). Keys nobody defines are kept and listed in `warnings`, with a
 * did-you-mean. Throws one PipelineFileError listing every problem.
 */
export async function loadPipelineFiles(
  paths: readonly string[],
  registry: PluginRegistry,
  options: ProblemOptions = {},
): Promise<PipelineSpec> {
  const problems: PipelineProblem[] = [];
  if (paths.length === 0) throw new PipelineFileError([{ file: '(none)', reason: 'no pipeline file given' }]);
  const worker: Record<string, string> = {};
  const workerOrigin = new Map<string, string>();
  const connectors: PipelineConnectorSpec[] = [];
  const byName = new Map<string, PipelineConnectorSpec>();

  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      problems.push({ file, reason: `cannot read the file: ${err.code === 'ENOENT' ? 'no such file' : err.message}` });
      continue;
    }
    const parsed = parsePipelineText(text, file);
    problems.push(...parsed.problems);
    for (const [key, value] of Object.entries(parsed.worker)) {
      const first = workerOrigin.get(key);
      if (first !== undefined && worker[key] !== value) {
        problems.push({ file, key, reason: `worker setting conflicts with ${first} ("${worker[key]}" there, "${value}" here)` });
        continue;
      }
      worker[key] = value;
      if (first === undefined) workerOrigin.set(key, file);
    }
    for (const c of parsed.connectors) {
      const prev = byName.get(c.name);
      if (prev) {
        problems.push({ file, connector: c.name, reason: `connector name "${c.name}" is already used${prev.file === file ? ' in this file' : ` in ${prev.file}`}` });
        continue;
      }
      byName.set(c.name, c);
      connectors.push(c);
    }
  }

  for (const p of workerConfigProblems(worker)) {
    problems.push({ file: (p.key && workerOrigin.get(p.key)) ?? paths[0]!, ...(p.key !== undefined ? { key: p.key } : {}), reason: p.reason });
  }
  const warnings: PipelineProblem[] = unusedWorkerKeys(worker).map((p) => ({
    file: (p.key && workerOrigin.get(p.key)) ?? paths[0]!,
    ...(p.key !== undefined ? { key: p.key } : {}),
    reason: p.reason,
  }));
  for (const c of connectors) {
    const onUnknownKeys = (_: string | undefined, keys: readonly { key?: string; reason: string }[]): void => {
      for (const k of keys) warnings.push({ file: c.file, connector: c.name, ...(k.key !== undefined ? { key: k.key } : {}), reason: k.reason });
    };
    // As the worker will check it: exactly-once needs `exactly.once.source.support=enabled` and a Kafka cluster.
    const exactlyOnceSource = (worker['exactly.once.source.support'] ?? '').trim().toLowerCase() === 'enabled' && (worker['bootstrap.servers'] ?? '').trim() !== '';
    for (const p of await connectorConfigProblems(registry, c.config, { ...options, onUnknownKeys, exactlyOnceSource })) {
      problems.push({ file: c.file, connector: c.name, ...(p.key !== undefined ? { key: p.key } : {}), reason: p.reason });
    }
  }
  if (connectors.length === 0 && problems.length === 0) {
    problems.push({ file: paths.join(', '), reason: 'no connectors defined' });
  }
  if (problems.length > 0) throw new PipelineFileError(problems);
  return { worker, connectors, ...(warnings.length > 0 ? { warnings } : {}) };
}
