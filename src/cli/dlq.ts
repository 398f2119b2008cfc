/**
 * `sluice dlq replay`: re-produce the records of a dead letter queue to the topics they came from, once the
 * cause is fixed (see dlq-replay.ts).
 */
import { readFile } from 'node:fs/promises';
import { createKafkajsClient } from '../streams/index.js';
import { parseProperties } from '../worker/properties.js';
import { configTransformerFromWorker } from '../worker/config-providers.js';
import { adminClientConfig, consumerClientConfig, producerClientConfig, workerClientProblems } from '../worker/client-configs.js';
import type { KafkaClient } from '../streams/kafka/client.js';
import { ReplayError, replayDlq, type ReplayResult } from './dlq-replay.js';
import { UsageError, nonNegativeInt, parseOptions } from './args.js';
import { EXIT_OK, usageFailed } from './command-exit.js';
import type { CliIo } from './io.js';

export const DLQ_USAGE = `Usage: sluice dlq replay --from DLQ_TOPIC [options]

Re-produces the records of a dead letter queue (original key, value, timestamp and headers, without the
__connect.errors.* headers) to the topic each came from (its __connect.errors.topic header), or to --to.
The replay commits its own consumer group after every acknowledged batch, so each record is replayed once;
run it again later and only records that arrived in the DLQ since are replayed.

Options:
  --from TOPIC                 The dead letter queue topic (required).
  --to TOPIC                   Send every record here instead of its __connect.errors.topic (required for a DLQ
                               written without errors.deadletterqueue.context.headers.enable=true).
  --bootstrap-servers LIST     Kafka brokers, host:port[,host:port] (default: the --worker-config file's
                               bootstrap.servers, else SLUICE_BOOTSTRAP_SERVERS, else 127.0.0.1:9092; also
                               --bootstrap-server).
  --worker-config FILE         A worker .properties file: its client settings reach the replay's clients as they
                               reach a worker's (producer.* to the producer, consumer.* to the consumer,
                               security.protocol, ssl.*, sasl.* and admin.* to the admin client), its
                               config.providers resolve \${provider:path:key} placeholders.
  --filter-stage STAGE         Only records that failed in this stage (VALUE_CONVERTER, TRANSFORMATION,
                               TASK_PUT, …); repeatable. The group then is per filter (see --group).
  --max N                      Replay at most N records (the rest stay for the next run).
  --dry-run                    Print what would be replayed; produce and commit nothing.
  --group ID                   Consumer group of the replay (default sluice-dlq-replay.<from>[.<STAGE>…]).
  --idle-ms N                  End once no new DLQ record came for N ms (default 5000).
  --json                       Print the counts as JSON.

Exit codes: 0 done; 1 usage error; 2 the replay could not run or stopped on a record it cannot route.
`;

interface DlqReplayArgs {
  from: string;
  to?: string;
  /** Absent: the worker config's bootstrap.servers, SLUICE_BOOTSTRAP_SERVERS or 127.0.0.1:9092. */
  bootstrapServers?: string[];
  workerConfig?: string;
  stages: string[];
  max?: number;
  dryRun: boolean;
  group?: string;
  idleMs?: number;
  json: boolean;
}

export function parseDlqArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { help: true } | DlqReplayArgs {
  const { values, positionals } = parseOptions(argv, {
    help: { type: 'boolean', short: 'h' },
    from: { type: 'string' },
    to: { type: 'string' },
    'bootstrap-servers': { type: 'string' },
    'bootstrap-server': { type: 'string' },
    'worker-config': { type: 'string' },
    'filter-stage': { type: 'string', multiple: true },
    max: { type: 'string' },
    'dry-run': { type: 'boolean' },
    group: { type: 'string' },
    'idle-ms': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help || positionals.length === 0) return { help: true };
  if (positionals[0] !== 'replay') throw new UsageError(`unknown dlq command "${positionals[0]}" (known: replay)`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if (!values.from) throw new UsageError('sluice dlq replay needs --from DLQ_TOPIC');
  const flag = values['bootstrap-servers'] ?? values['bootstrap-server'];
  const workerConfig = values['worker-config'];
  const servers = flag ?? (workerConfig === undefined ? (env['SLUICE_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:9092') : undefined);
  const bootstrapServers = servers === undefined ? undefined : serverList(servers, '--bootstrap-servers');
  const max = nonNegativeInt('--max', values.max);
  const idleMs = nonNegativeInt('--idle-ms', values['idle-ms']);
  return {
    from: values.from,
    ...(values.to ? { to: values.to } : {}),
    ...(bootstrapServers ? { bootstrapServers } : {}),
    ...(workerConfig !== undefined ? { workerConfig } : {}),
    stages: (values['filter-stage'] ?? []).map((s) => s.trim().toUpperCase()).filter((s) => s !== ''),
    ...(max !== undefined ? { max } : {}),
    dryRun: values['dry-run'] ?? false,
    ...(values.group ? { group: values.group } : {}),
    ...(idleMs !== undefined ? { idleMs } : {}),
    json: values.json ?? false,
  };
}

function serverList(servers: string, source: string): string[] {
  const list = servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of list) if (!/^\S+:\d+$/.test(s)) throw new UsageError(`${source}: "${s}" is not host:port`);
  return list;
}

/**
 * The replay's client: the worker file's client settings by Kafka Connect's precedence (its placeholders
 * resolved), the brokers from the flag, else the file, else SLUICE_BOOTSTRAP_SERVERS or 127.0.0.1:9092.
 */
async function replayClient(args: DlqReplayArgs, env: NodeJS.ProcessEnv): Promise<KafkaClient> {
  if (args.workerConfig === undefined) {
    return createKafkajsClient({ brokers: args.bootstrapServers ?? ['127.0.0.1:9092'], clientId: 'sluice-dlq' });
  }
  let text: string;
  try {
    text = await readFile(args.workerConfig, 'utf8');
  } catch (e) {
    throw new UsageError(`--worker-config: cannot read ${args.workerConfig}: ${(e as Error).message}`);
  }
  const raw = Object.fromEntries(parseProperties(text));
  let worker: Record<string, string>;
  try {
    worker = configTransformerFromWorker(raw).transform(raw);
  } catch (e) {
    throw new UsageError(`--worker-config ${args.workerConfig}: ${(e as Error).message}`);
  }
  const problems = workerClientProblems(worker);
  if (problems.length > 0) {
    throw new UsageError(`--worker-config ${args.workerConfig}: ${problems.map((p) => `${p.key}: ${p.reason}`).join('; ')}`);
  }
  const brokers =
    args.bootstrapServers ??
    serverList(worker['bootstrap.servers'] ?? env['SLUICE_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:9092', `${args.workerConfig}: bootstrap.servers`);
  return createKafkajsClient({
    brokers,
    clientId: 'sluice-dlq',
    properties: {
      producer: producerClientConfig(worker, {}, 'sluice-dlq').properties,
      consumer: consumerClientConfig(worker, {}, 'sluice-dlq', 'sluice-dlq').properties,
      admin: adminClientConfig(worker, null, 'sluice-dlq').properties,
    },
  });
}

function summary(r: ReplayResult, args: DlqReplayArgs): string {
  const verb = args.dryRun ? 'would replay' : 'replayed';
  const topics = Object.entries(r.byTopic).map(([t, n]) => `${t}: ${n}`).join(', ');
  return (
    `${verb} ${r.replayed} record${r.replayed === 1 ? '' : 's'} from ${args.from}${topics ? ` (${topics})` : ''}` +
    (r.filtered ? `; passed over ${r.filtered} not matching --filter-stage ${args.stages.join(',')}` : '') +
    `; group ${r.group}${args.dryRun ? ' (dry run: nothing produced or committed)' : ''}\n`
  );
}

export async function dlqCommand(argv: readonly string[], io: CliIo, client?: KafkaClient): Promise<number> {
  let args;
  try {
    args = parseDlqArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailed(io, e.message, 'sluice dlq --help');
  }
  if ('help' in args) {
    io.stdout.write(DLQ_USAGE);
    return EXIT_OK;
  }
  let kafka: KafkaClient;
  try {
    kafka = client ?? (await replayClient(args, process.env));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailed(io, e.message, 'sluice dlq --help');
  }
  try {
    const result = await replayDlq(
      kafka,
      {
        from: args.from,
        ...(args.to ? { to: args.to } : {}),
        stages: args.stages,
        ...(args.max !== undefined ? { max: args.max } : {}),
        dryRun: args.dryRun,
        ...(args.group ? { group: args.group } : {}),
        ...(args.idleMs !== undefined ? { idleMs: args.idleMs } : {}),
      },
      (line) => io.stdout.write(`${line}\n`),
    );
    io.stdout.write(args.json ? `${JSON.stringify({ ...result, dryRun: args.dryRun })}\n` : summary(result, args));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ReplayError) {
      io.stdout.write(args.json ? `${JSON.stringify({ ...e.partial, dryRun: args.dryRun, error: e.message })}\n` : summary(e.partial, args));
    }
    io.stderr.write(`sluice: dlq replay stopped: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
