/**
 * How a `sluice` command ends: its exit codes, `CommandFailure` (a step that ends the command early with a message
 * for stderr) and usage errors, reported the same way by every command.
 */
import type { CliIo } from './io.js';

export const EXIT_OK = 0;
/** A command line that cannot be understood. */
export const EXIT_USAGE = 1;
/** An invalid pipeline or worker config, a plugin module that cannot load, a worker or REST API that could not start. */
export const EXIT_CONFIG = 2;
/** A connector could not be created (run) or applied (apply). */
export const EXIT_CONNECTOR = 3;

/** Ends a command early: `message` goes to stderr and the command exits with `exitCode`. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a command's steps; a CommandFailure they throw becomes its message on stderr and its exit code. */
export async function exitCodeOf(io: CliIo, steps: () => Promise<number>): Promise<number> {
  try {
    return await steps();
  } catch (e) {
    if (!(e instanceof CommandFailure)) throw e;
    io.stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
    return e.exitCode;
  }
}

/** A command line that cannot be understood, reported the same way by every command (exit 1). */
export function usageFailed(io: CliIo, reason: string, helpCommand: string): number {
  io.stderr.write(`sluice: ${reason}\nRun "${helpCommand}" for usage.\n`);
  return EXIT_USAGE;
}

/** `1 problem`, `2 problems`. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
