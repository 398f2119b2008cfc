/**
 * The `sluice` command. `bin/sluice.js` runs `main` without a build step. Each subcommand's module is imported
 * when it runs, so `sluice validate` or `--help` do not load the worker, the REST API or the Kafka client.
 */
import { readFileSync } from 'node:fs';
import { USAGE, UsageError, parseCommand } from './args.js';
import { processIo, type CliIo } from './io.js';
import { EXIT_OK, usageFailed } from './command-exit.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  // `sluice dlq …` and `sluice migrate …` have their own options (dlq.ts, migrate-command.ts).
  if (argv[0] === 'dlq') return (await import('./dlq.js')).dlqCommand(argv.slice(1), io);
  if (argv[0] === 'migrate') return (await import('./migrate-command.js')).migrateCommand(argv.slice(1), io);
  // `sluice registry …` and `sluice tap …` too (registry-command.ts, tap-command.ts).
  if (argv[0] === 'registry') return (await import('./registry-command.js')).registryCommand(argv.slice(1), io);
  if (argv[0] === 'tap') return (await import('./tap-command.js')).tapCommand(argv.slice(1), io);
  let command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailed(io, e.message, 'sluice --help');
  }
  switch (command.kind) {
    case 'help':
      io.stdout.write(USAGE);
      return EXIT_OK;
    case 'version':
      io.stdout.write(`sluice ${version()} (node ${process.version})\n`);
      return EXIT_OK;
    case 'run':
      return (await import('./run.js')).runCommand(command.options, io);
    case 'validate':
      return (await import('./validate-command.js')).validateCommand(command.files, command.plugins, command.json, io);
    case 'plugins':
      return (await import('./plugins-command.js')).pluginsCommand(command.plugins, command.json, command.all, io);
    case 'worker':
      return (await import('./worker-command.js')).workerCommand(command.options, io);
    case 'apply':
      return (await import('./apply-command.js')).applyCommand(command.options, io);
  }
}

/**
 * The process entry (bin/sluice.js): runs `main`, turns an unexpected throw into exit code 70 with its stack on
 * stderr, and exits — client libraries may leave sockets or timers behind after a clean stop; the work is done.
 */
export async function runAndExit(argv: readonly string[]): Promise<never> {
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    process.stderr.write(`sluice: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  }
  process.exit(process.exitCode);
}
