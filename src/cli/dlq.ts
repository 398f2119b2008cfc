/**
 * `sluice dlq replay`: re-produce the records of a dead letter queue to the topics they came from, once the
 * cause is fixed (see dlq-replay.ts).
 */
import { createKafkajsClient } from '../streams/index.js';
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
  --bootstrap-servers LIST     Kafka brokers, host:port[,host:port] (default 127.0.0.1:9092; also
                               --bootstrap-server, or SLUICE_BOOTSTRAP_SERVERS).
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
  bootstrapServers: string[];
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
  const servers = values['bootstrap-servers'] ?? values['bootstrap-server'] ?? env['SLUICE_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:9092';
  const bootstrapServers = servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of bootstrapServers) if (!/^\S+:\d+$/.test(s)) throw new UsageError(`--bootstrap-servers: "${s}" is not host:port`);
  const max = nonNegativeInt('--max', values.max);
  const idleMs = nonNegativeInt('--idle-ms', values['idle-ms']);
  return {
    from: values.from,
    ...(values.to ? { to: values.to } : {}),
    bootstrapServers,
    stages: (values['filter-stage'] ?? []).map((s) => s.trim().toUpperCase()).filter((s) => s !== ''),
    ...(max !== undefined ? { max } : {}),
    dryRun: values['dry-run'] ?? false,
    ...(values.group ? { group: values.group } : {}),
    ...(idleMs !== undefined ? { idleMs } : {}),
    json: values.json ?? false,
  };
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
  const kafka = client ?? createKafkajsClient({ brokers: args.bootstrapServers, clientId: 'sluice-dlq' });
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
