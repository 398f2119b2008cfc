/**
 * How a `sluice` command ends: its exit codes, `CommandFailure` (a step that ends the command early with a message
 * for stderr) and usage errors, reported the same way by every command.
 */
import type { CliIo } from './io.js';

/*
 * Kafka's connect-standalone exits 1 on a usage error, 2 on an error it stops for (a bad config) and 3 when Connect
 * fails to start or a connector cannot be created. Sluice keeps 1–3 and splits out what Kafka Connect, which never
 * exits for a failed task, has no code for; README.md ("Exit codes") documents them.
 */
export const EXIT_OK = 0;
/** A command line that cannot be understood. */
export const EXIT_USAGE = 1;
/** An invalid pipeline or worker config, a plugin module that cannot load, a worker config file that cannot be read. */
export const EXIT_CONFIG = 2;
/** A connector could not be created (run) or applied (apply), or it FAILED (run). */
export const EXIT_CONNECTOR = 3;
/** `sluice run` ended with a FAILED task (its connector, task and trace go to stderr). */
export const EXIT_TASK_FAILED = 4;
/** The worker could not start for want of a service: Kafka or NATS unreachable, the REST address in use. */
export const EXIT_UNAVAILABLE = 5;

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
