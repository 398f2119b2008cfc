/** The `sluice` command line, parsed with node's util.parseArgs into one typed command. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { WorkerOptions } from './worker-command.js';
import type { ApplyOptions } from './apply-command.js';
import { clusterFlagsProblem } from './cluster-flags.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface RunOptions {
  readonly files: string[];
  readonly plugins: string[];
  readonly untilIdle: boolean;
  readonly keepRunning: boolean;
  /** --watch: reload the pipeline files when they change (and on SIGHUP); implies keepRunning. */
  readonly watch?: boolean;
  readonly idleMs: number;
  /** null: live view in a terminal, JSON log lines otherwise. */
  readonly view: 'live' | 'json' | null;
  readonly logLevel: LogLevel;
  /** --no-rest: do not serve the REST API (absent: serve it). */
  readonly noRest?: boolean;
}

export type Command =
  | { readonly kind: 'help'; readonly topic?: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly options: RunOptions }
  | { readonly kind: 'validate'; readonly files: string[]; readonly plugins: string[]; readonly json: boolean }
  | { readonly kind: 'plugins'; readonly plugins: string[]; readonly json: boolean; readonly all: boolean }
  | { readonly kind: 'worker'; readonly options: WorkerOptions }
  | { readonly kind: 'apply'; readonly options: ApplyOptions };

/** A command line that cannot be understood (exit code 1). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: sluice <command> [options]

Commands:
  run FILE...        Run a standalone worker with the connectors of the pipeline file(s).
  validate FILE...   Check pipeline files; print every problem (file, connector, key, reason).
  plugins            List the connector plugins and their config keys.
  dlq replay         Re-produce dead letter queue records to their original topics (sluice dlq --help).
  worker CONFIG      Run a distributed worker (a connect-distributed .properties or JSON worker config with
                     group.id, nats.url, bootstrap.servers, offset.storage.topic): it joins its group over NATS,
                     serves the REST API and runs what the group assigns it, until SIGTERM/SIGINT.
  apply FILE...      Create or update the connectors of pipeline files in a running cluster, idempotently:
                     --cluster NATS_URL --group GROUP_ID, or --worker-config FILE (a worker's config: its
                     nats.* keys and group.id, for a NATS with TLS or credentials), or --url REST_URL.
  migrate            Move every connector of a Kafka Connect cluster (config, state, offsets) to Sluice
                     (sluice migrate --help).
  tap CONNECTOR      Print the next records of a running connector as JSON lines (sluice tap --help).
  registry           Serve a Confluent-compatible schema registry for the Avro, Protobuf and JSON Schema
                     converters, stored in a Kafka _schemas topic or a file (sluice registry --help).

Options for run:
  --until-idle       End once no record moved for --idle-ms, whatever the sources (default: only a
                     pipeline whose source tasks are all finished ends by itself, once its sinks caught up).
  --idle-ms N        Quiet period before a pipeline counts as finished (default 1000). Without Kafka, a
                     bounded pipeline whose sinks committed every record ends without it.
  --keep-running     Never end by itself, like a Kafka Connect worker; stop with SIGTERM/SIGINT.
  --watch            Keep running and reload the pipeline files when they change, or on SIGHUP: a valid
                     change is applied connector by connector (added, removed, changed ones restarted; the
                     rest untouched); an invalid one changes nothing and every problem is printed.
  --no-rest          Do not serve the Kafka Connect REST API and /metrics (default: on the worker's
                     "listeners", http://127.0.0.1:8083 when unset).
  --view live|json   Live view (default in a terminal) or JSON log lines (default otherwise).
  --log-level LEVEL  trace, debug, info (default), warn, error, fatal, silent.
  --plugin MODULE    Load plugins from an ES module (default export or "plugins": one plugin or an array):
                     connectors, and converters, transforms, predicates, config providers named by class
                     in configs. Repeatable. Also for validate and plugins.

Options for worker: --log-level, --plugin, --no-rest. Options for apply: --cluster, --group, --worker-config, --url, --json, --plugin.

Options for validate and plugins:
  --json             Machine-readable output.
  --all              plugins: include the framework keys every connector accepts.

  -h, --help         Show this help.
  -v, --version      Show the version.

Exit codes: 0 ok; 1 usage error; 2 invalid pipeline or worker config, or the worker could not start;
3 a connector could not be created. SIGTERM/SIGINT stop gracefully (offsets committed) and exit 0.
`;

/** node's parseArgs, strict and with positionals; an unknown or malformed option is a UsageError. */
export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The value of an integer option (`--idle-ms 500`), or undefined when it is not given. */
export function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

function logLevel(raw: string | undefined): LogLevel {
  const level = raw ?? 'info';
  if (!LOG_LEVELS.includes(level as LogLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level as LogLevel;
}

export function parseCommand(argv: readonly string[]): Command {
  const { values, positionals } = parseOptions(argv, {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    'until-idle': { type: 'boolean' },
    'keep-running': { type: 'boolean' },
    watch: { type: 'boolean' },
    'no-rest': { type: 'boolean' },
    'idle-ms': { type: 'string' },
    view: { type: 'string' },
    'log-level': { type: 'string' },
    plugin: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    cluster: { type: 'string' },
    group: { type: 'string' },
    url: { type: 'string' },
    'worker-config': { type: 'string' },
  });
  const [command, ...rest] = positionals;
  if (values.version) return { kind: 'version' };
  if (values.help || command === undefined || command === 'help') {
    return { kind: 'help', ...(command && command !== 'help' ? { topic: command } : rest[0] ? { topic: rest[0] } : {}) };
  }
  const plugins = values.plugin ?? [];
  const only = (allowed: string[]) => {
    const given = Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined && k !== 'plugin');
    const bad = given.filter((k) => !allowed.includes(k));
    if (bad.length > 0) throw new UsageError(`option --${bad[0]} does not apply to "sluice ${command}"`);
  };
  switch (command) {
    case 'run': {
      only(['until-idle', 'keep-running', 'watch', 'idle-ms', 'view', 'log-level', 'no-rest']);
      if (values['until-idle'] && values.watch) throw new UsageError('--until-idle and --watch contradict each other');
      if (rest.length === 0) throw new UsageError('sluice run needs at least one pipeline file');
      if (values['until-idle'] && values['keep-running']) throw new UsageError('--until-idle and --keep-running contradict each other');
      const view = values.view;
      if (view !== undefined && view !== 'live' && view !== 'json') throw new UsageError(`--view must be live or json, got "${view}"`);
      const level = logLevel(values['log-level']);
      return {
        kind: 'run',
        options: {
          files: rest,
          plugins,
          untilIdle: values['until-idle'] ?? false,
          keepRunning: (values['keep-running'] ?? false) || (values.watch ?? false),
          ...(values.watch ? { watch: true } : {}),
          idleMs: nonNegativeInt('--idle-ms', values['idle-ms']) ?? 1000,
          view: (view as 'live' | 'json' | undefined) ?? null,
          logLevel: level,
          ...(values['no-rest'] ? { noRest: true } : {}),
        },
      };
    }
    case 'validate':
      only(['json']);
      if (rest.length === 0) throw new UsageError('sluice validate needs at least one pipeline file');
      return { kind: 'validate', files: rest, plugins, json: values.json ?? false };
    case 'plugins':
      only(['json', 'all']);
      if (rest.length > 0) throw new UsageError(`sluice plugins takes no arguments, got "${rest[0]}"`);
      return { kind: 'plugins', plugins, json: values.json ?? false, all: values.all ?? false };
    case 'worker': {
      only(['log-level', 'no-rest']);
      if (rest.length !== 1) throw new UsageError('sluice worker needs exactly one worker config file');
      const level = logLevel(values['log-level']);
      return { kind: 'worker', options: { config: rest[0]!, plugins, logLevel: level, ...(values['no-rest'] ? { noRest: true } : {}) } };
    }
    case 'apply': {
      only(['cluster', 'group', 'url', 'json', 'worker-config']);
      if (rest.length === 0) throw new UsageError('sluice apply needs at least one pipeline file');
      const { cluster, group, url } = values;
      const workerConfig = values['worker-config'];
      const flags = { ...(cluster !== undefined ? { cluster } : {}), ...(group !== undefined ? { group } : {}), ...(workerConfig !== undefined ? { workerConfig } : {}) };
      if (url !== undefined && Object.keys(flags).length > 0) throw new UsageError('use either --url or --cluster/--group/--worker-config, not both');
      const missing = url === undefined ? clusterFlagsProblem(flags) : undefined;
      if (missing !== undefined) throw new UsageError(`sluice apply needs ${missing}, or --url REST_URL`);
      return {
        kind: 'apply',
        options: { files: rest, plugins, json: values.json ?? false, ...(url !== undefined ? { url } : flags) },
      };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
