/**
 * `sluice migrate --from KAFKA_CONNECT_URL (--to SLUICE_URL | --cluster NATS_URL --group GROUP_ID)`: moves every
 * connector of a Kafka Connect cluster to Sluice through both REST APIs (KIP-875 offsets). For each connector it
 * reads the config (placeholders as they are), the state (RUNNING / PAUSED / STOPPED) and the offsets, prints the
 * plan (which plugins Sluice has, which keys it will warn about) and, once confirmed, stops the connector in Kafka
 * Connect (so its offsets are final; --keep-source-running leaves it), creates it STOPPED in Sluice, writes its
 * offsets and brings it to the state it had. A connector the target already has, or whose plugin Sluice lacks, is
 * reported and left alone: a second run changes nothing.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ClusterClient } from '../cluster/distributed-client.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { PluginRegistry } from '../connectors/registry.js';
import { connectorConfigProblems } from '../connectors/validation.js';
import type { ConnectorOffset } from '../worker/herder.js';
import { withWorkerKeys } from '../worker/validate.js';
import { CommandFailure, EXIT_CONNECTOR, EXIT_OK, EXIT_UNAVAILABLE, exitCodeOf, usageFailed } from './command-exit.js';
import { loadPlugins } from './command-setup.js';
import type { CliIo } from './io.js';
import { RestCallError, restApi } from './rest-client.js';
import { clusterConnection } from './cluster-connection.js';
import { clusterFlagsProblem, type ClusterFlags } from './cluster-flags.js';

export const MIGRATE_USAGE = `Usage: sluice migrate --from URL (--to URL | --cluster NATS_URL --group GROUP_ID | --worker-config FILE) [options]

Moves every connector of a Kafka Connect cluster to Sluice: its config (placeholders as they are), its state and
its offsets, read through Kafka Connect's REST API. Prints the plan first; applies it once confirmed.

Options:
  --from URL               Kafka Connect's REST API (any worker), e.g. http://connect:8083 (required).
  --to URL                 A Sluice worker's REST API (standalone or distributed) to migrate to.
  --cluster NATS_URL       Or a Sluice cluster: its NATS server ...
  --group GROUP_ID         ... and its group.id.
  --worker-config FILE     Or a Sluice worker's config: its nats.* keys (TLS, credentials) and group.id.
  --dry-run                Print the plan; change nothing on either side.
  --yes                    Apply without asking (needed when not in a terminal).
  --keep-source-running    Do not stop each connector in Kafka Connect before reading its offsets (its offsets
                           then keep moving after they were read: records past them are processed twice).
  --json                   Print the plan and the outcome as JSON lines.
  --plugin MODULE          Load Sluice connector plugins from an ES module (repeatable).
`;

export type TargetState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface SourceConnector {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly state: TargetState;
  readonly offsets: readonly ConnectorOffset[];
}

export type PlanStep =
  | { readonly connector: string; readonly action: 'migrate'; readonly state: TargetState; readonly offsets: number; readonly warnings: readonly string[] }
  | { readonly connector: string; readonly action: 'skip'; readonly reason: string };

export interface MigrateTarget {
  has(name: string): Promise<boolean>;
  create(name: string, config: ConnectorConfig): Promise<void>;
  alterOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void>;
  setState(name: string, state: TargetState): Promise<void>;
  close(): Promise<void>;
}

const stateOf = (s: string | undefined): TargetState => (s === 'PAUSED' || s === 'STOPPED' ? s : 'RUNNING');

/** Every connector of a Kafka Connect cluster with its state and offsets, by name. */
export async function readSource(from: string): Promise<SourceConnector[]> {
  const call = restApi(from);
  type Expanded = Record<string, { info: { config: ConnectorConfig }; status: { connector: { state: string } } }>;
  const all = (await call<Expanded>('GET', '/connectors?expand=info&expand=status')) ?? {};
  const out: SourceConnector[] = [];
  for (const name of Object.keys(all).sort()) {
    const offsets = (await call<{ offsets: ConnectorOffset[] }>('GET', `/connectors/${encodeURIComponent(name)}/offsets`))?.offsets ?? [];
    out.push({ name, config: all[name]!.info.config, state: stateOf(all[name]!.status.connector.state), offsets });
  }
  return out;
}

/** What migrate would do with each connector (pure but for the target's `has`). */
export async function planMigration(source: readonly SourceConnector[], registry: PluginRegistry, target: Pick<MigrateTarget, 'has'>): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const c of source) {
    const cls = c.config['connector.class'] ?? '';
    try {
      registry.resolve(cls);
    } catch {
      steps.push({ connector: c.name, action: 'skip', reason: `Sluice has no connector plugin ${cls}` });
      continue;
    }
    if (await target.has(c.name)) {
      steps.push({ connector: c.name, action: 'skip', reason: 'the target already has a connector of this name (left as it is)' });
      continue;
    }
    const warnings: string[] = [];
    await connectorConfigProblems(registry, c.config, {
      ...withWorkerKeys({}, registry),
      onUnknownKeys: (_, keys) => warnings.push(...keys.map((k) => k.reason)),
    });
    steps.push({ connector: c.name, action: 'migrate', state: c.state, offsets: c.offsets.length, warnings });
  }
  return steps;
}

function restTarget(url: string): MigrateTarget {
  const call = restApi(url);
  const path = (name: string) => `/connectors/${encodeURIComponent(name)}`;
  return {
    has: async (name) => (await call('GET', `${path(name)}/config`, undefined, true)) !== undefined,
    create: async (name, config) => {
      await call('POST', '/connectors', { name, config, initial_state: 'STOPPED' });
    },
    alterOffsets: async (name, offsets) => {
      await call('PATCH', `${path(name)}/offsets`, { offsets });
    },
    setState: async (name, state) => {
      if (state !== 'STOPPED') await call('PUT', `${path(name)}/${state === 'PAUSED' ? 'pause' : 'resume'}`);
    },
    close: async () => {},
  };
}

async function clusterTarget(flags: ClusterFlags): Promise<MigrateTarget> {
  const { nats, group } = await clusterConnection(flags);
  const client = await ClusterClient.connect(nats, group);
  return {
    has: async (name) => client.connectorConfig(name) !== undefined,
    create: async (name, config) => {
      await client.addConnector(name, config, 'STOPPED');
    },
    alterOffsets: async (name, offsets) => {
      await client.call('alterConnectorOffsets', [name, offsets]);
    },
    setState: async (name, state) => {
      if (state !== 'STOPPED') await client.call(state === 'PAUSED' ? 'pauseConnector' : 'resumeConnector', [name]);
    },
    close: () => client.close(),
  };
}

/** Stops a connector in Kafka Connect and waits until it is STOPPED (its offsets are then final). */
async function stopInSource(from: string, name: string, timeoutMs = 60_000): Promise<void> {
  const call = restApi(from);
  const path = `/connectors/${encodeURIComponent(name)}`;
  await call('PUT', `${path}/stop`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await call<{ connector: { state: string }; tasks: unknown[] }>('GET', `${path}/status`);
    if (status?.connector.state === 'STOPPED' && status.tasks.length === 0) return;
    if (Date.now() > deadline) throw new RestCallError(`${name} did not stop in Kafka Connect within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function describe(step: PlanStep): string {
  if (step.action === 'skip') return `  skip     ${step.connector}: ${step.reason}`;
  const warn = step.warnings.length ? `; warnings: ${step.warnings.join('; ')}` : '';
  return `  migrate  ${step.connector}: ${step.state}, ${step.offsets} offset${step.offsets === 1 ? '' : 's'}${warn}`;
}

interface MigrateOptions {
  readonly from: string;
  readonly to?: string;
  readonly cluster?: string;
  readonly group?: string;
  readonly workerConfig?: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly keepSourceRunning: boolean;
  readonly json: boolean;
  readonly plugins: string[];
}

function parseMigrateArgs(argv: readonly string[]): MigrateOptions | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' }, to: { type: 'string' }, cluster: { type: 'string' }, group: { type: 'string' }, 'worker-config': { type: 'string' },
        'dry-run': { type: 'boolean' }, yes: { type: 'boolean' }, 'keep-source-running': { type: 'boolean' },
        json: { type: 'boolean' }, plugin: { type: 'string', multiple: true }, help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return (e as Error).message;
  }
  if (values.help) return 'help';
  if (!values.from) return 'sluice migrate needs --from KAFKA_CONNECT_URL';
  const { to, cluster, group } = values;
  const workerConfig = values['worker-config'];
  const flags = { ...(cluster !== undefined ? { cluster } : {}), ...(group !== undefined ? { group } : {}), ...(workerConfig !== undefined ? { workerConfig } : {}) };
  if (to !== undefined && Object.keys(flags).length > 0) return 'use either --to or --cluster/--group/--worker-config, not both';
  const missing = to === undefined ? clusterFlagsProblem(flags) : undefined;
  if (missing !== undefined) return `sluice migrate needs --to SLUICE_URL, or ${missing}`;
  return {
    from: values.from,
    ...(to !== undefined ? { to } : flags),
    dryRun: values['dry-run'] ?? false,
    yes: values.yes ?? false,
    keepSourceRunning: values['keep-source-running'] ?? false,
    json: values.json ?? false,
    plugins: values.plugin ?? [],
  };
}

async function confirmed(): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Apply this plan? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

export async function migrateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseMigrateArgs(argv);
  if (parsed === 'help') {
    io.stdout.write(MIGRATE_USAGE);
    return EXIT_OK;
  }
  if (typeof parsed === 'string') return usageFailed(io, parsed, 'sluice migrate --help');
  const o = parsed;
  return exitCodeOf(io, async () => {
    const registry = await loadPlugins(o.plugins);
    let source: SourceConnector[];
    try {
      source = await readSource(o.from);
    } catch (e) {
      throw new CommandFailure(EXIT_UNAVAILABLE, `sluice: cannot read Kafka Connect at ${o.from}: ${(e as Error).message}`);
    }
    let target: MigrateTarget;
    try {
      target = o.to !== undefined ? restTarget(o.to) : await clusterTarget(o);
    } catch (e) {
      throw new CommandFailure(EXIT_UNAVAILABLE, `sluice: cannot reach the Sluice cluster: ${(e as Error).message}`);
    }
    try {
      const plan = await planMigration(source, registry, target);
      const print = (line: string, json: object) => io.stdout.write(o.json ? `${JSON.stringify(json)}\n` : `${line}\n`);
      if (!o.json) io.stdout.write(`plan (${source.length} connector${source.length === 1 ? '' : 's'} in Kafka Connect at ${o.from}):\n`);
      for (const step of plan) print(describe(step), { plan: step });
      const todo = plan.filter((s): s is Extract<PlanStep, { action: 'migrate' }> => s.action === 'migrate');
      if (o.dryRun || todo.length === 0) {
        if (!o.json) io.stdout.write(o.dryRun ? 'dry run: nothing changed\n' : 'nothing to migrate\n');
        return EXIT_OK;
      }
      if (!o.yes && !(await confirmed())) {
        io.stderr.write('sluice: nothing changed (confirm in a terminal, or pass --yes)\n');
        return EXIT_OK;
      }
      let failed = 0;
      for (const step of todo) {
        const c = source.find((s) => s.name === step.connector)!;
        try {
          let offsets = c.offsets;
          if (!o.keepSourceRunning && c.state !== 'STOPPED') {
            await stopInSource(o.from, c.name);
            offsets = (await restApi(o.from)<{ offsets: ConnectorOffset[] }>('GET', `/connectors/${encodeURIComponent(c.name)}/offsets`))?.offsets ?? [];
          }
          await target.create(c.name, c.config);
          if (offsets.length > 0) await target.alterOffsets(c.name, offsets);
          await target.setState(c.name, c.state);
          print(`migrated ${c.name}: ${c.state}, ${offsets.length} offset${offsets.length === 1 ? '' : 's'}`, {
            migrated: c.name, state: c.state, offsets: offsets.length,
          });
        } catch (e) {
          failed++;
          print(`failed   ${c.name}: ${(e as Error).message}`, { failed: c.name, error: (e as Error).message });
        }
      }
      return failed > 0 ? EXIT_CONNECTOR : EXIT_OK;
    } finally {
      await target.close();
    }
  });
}
