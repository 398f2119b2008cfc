/** The `sluice` command. `bin/sluice.js` runs `main` without a build step. */
import { readFileSync } from 'node:fs';
import { USAGE, UsageError, parseCommand } from './args.js';
import { processIo, type CliIo } from './io.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate-command.js';
import { pluginsCommand } from './plugins-command.js';
import { dlqCommand } from './dlq.js';
import { workerCommand } from './worker-command.js';
import { applyCommand } from './apply-command.js';

export const EXIT_USAGE = 1;

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  // `sluice dlq …` has its own options (dlq.ts).
  if (argv[0] === 'dlq') return dlqCommand(argv.slice(1), io);
  let command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`sluice: ${e.message}\nRun "sluice --help" for usage.\n`);
    return EXIT_USAGE;
  }
  switch (command.kind) {
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case 'version':
      io.stdout.write(`sluice ${version()} (node ${process.version})\n`);
      return 0;
    case 'run':
      return runCommand(command.options, io);
    case 'validate':
      return validateCommand(command.files, command.plugins, command.json, io);
    case 'plugins':
      return pluginsCommand(command.plugins, command.json, command.all, io);
    case 'worker':
      return workerCommand(command.options, io);
    case 'apply':
      return applyCommand(command.options, io);
  }
}
