/**
 * One task's lifecycle. The machine starts the task's pipeline (a TaskRun), watches `done`, applies the
 * target state (pause/resume), and stops or restarts it on request. A run whose `done` rejects puts the task
 * into FAILED with the stack trace; the restart policy may then schedule an automatic restart.
 */
import { assign, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { TaskId, TaskRun } from '../streams/contracts.js';
import { NO_RESTART, decideRestart, type RestartPolicy, type RestartStatus } from './restart-policy.js';
import { traceOf, type InstanceStatus, type TaskState } from './status.js';
import { silentLog, type Log } from './log.js';
import { within } from './timing.js';

export interface TaskMachineInput {
  id: TaskId;
  /** Builds and starts the task's pipeline; rejects when the task cannot start. */
  start: () => Promise<TaskRun>;
  target: 'STARTED' | 'PAUSED';
  /** Budget for a graceful stop (`task.shutdown.graceful.timeout.ms`). */
  shutdownTimeoutMs: number;
  restartPolicy?: RestartPolicy;
  log?: Log;
  now?: () => number;
  random?: () => number;
}

/** SHUTDOWN removes the task (stop gracefully, then the actor ends); tasks have no STOPPED target state. */
export type TaskEvent = { type: 'PAUSE' } | { type: 'RESUME' } | { type: 'RESTART' } | { type: 'SHUTDOWN' };

export interface TaskContext {
  id: TaskId;
  start: () => Promise<TaskRun>;
  target: 'STARTED' | 'PAUSED';
  shutdownTimeoutMs: number;
  policy: RestartPolicy;
  log: Log;
  now: () => number;
  random: () => number;
  run: TaskRun | null;
  trace: string | null;
  /** Times of automatic restarts (made or scheduled) in the policy window. */
  attempts: number[];
  nextAttemptAt: number | null;
  exhausted: boolean;
  /** The current start is a restart (status RESTARTING until it runs). */
  restarting: boolean;
  stopRequested: boolean;
}

/** Stops a run gracefully; never rejects (a failed final commit is logged, the run is over either way). */
export async function stopRun(run: TaskRun, timeoutMs: number, log: Log): Promise<void> {
  const fields = { connector: run.id.connector, task: run.id.task };
  const graceful = (async () => {
    await run.stop(timeoutMs);
    await run.done;
  })().then(
    () => 'stopped' as const,
    (error: unknown) => {
      log.warn({ ...fields, err: error }, 'task failed while stopping');
      return 'failed' as const;
    },
  );
  // The pipeline enforces its own budget; the margin only guards against a stop() that never settles.
  const outcome = await within(graceful, timeoutMs + 1000, () => 'timed-out' as const);
  if (outcome === 'timed-out') log.warn({ ...fields, timeoutMs }, 'task did not stop in time; abandoned');
}

export const taskMachine = setup({
  types: {
    input: {} as TaskMachineInput,
    context: {} as TaskContext,
    events: {} as TaskEvent,
  },
  actors: {
    startRun: fromPromise<TaskRun, { start: () => Promise<TaskRun> }>(async ({ input }) => {
      const run = await input.start();
      run.done.catch(() => {}); // observed by watchRun; this only keeps a rejection from being "unhandled" meanwhile
      return run;
    }),
    watchRun: fromPromise<void, { run: TaskRun }>(({ input }) => input.run.done),
    stopRun: fromPromise<void, { run: TaskRun | null; timeoutMs: number; log: Log }>(async ({ input }) => {
      if (input.run) await stopRun(input.run, input.timeoutMs, input.log);
    }),
  },
  guards: {
    stopRequested: ({ context }) => context.stopRequested,
    targetPaused: ({ context }) => context.target === 'PAUSED',
    autoRestartScheduled: ({ context }) => context.nextAttemptAt !== null,
  },
  delays: {
    restartDelay: ({ context }) => Math.max(0, (context.nextAttemptAt ?? 0) - context.now()),
  },
  actions: {
    pauseRun: ({ context }) => context.run?.pause(),
    resumeRun: ({ context }) => context.run?.resume(),
    targetPaused: assign({ target: 'PAUSED' as const }),
    targetStarted: assign({ target: 'STARTED' as const }),
    recordFailure: assign(({ context, event }) => {
      const error = (event as { error?: unknown }).error;
      const trace = traceOf(error);
      const decision = decideRestart(context.policy, context.attempts, context.now(), context.random);
      context.log.error(
        { connector: context.id.connector, task: context.id.task, err: error, restart: decision.restart },
        'task failed',
      );
      return {
        run: null,
        trace,
        restarting: false,
        attempts: decision.attempts,
        nextAttemptAt: decision.restart ? decision.nextAttemptAt : null,
        exhausted: !decision.restart && decision.reason === 'max-restarts',
      };
    }),
    beginAutoRestart: assign({ restarting: true, nextAttemptAt: null }),
    beginManualRestart: assign({ restarting: true, nextAttemptAt: null, attempts: [], exhausted: false }),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({
    id: input.id,
    start: input.start,
    target: input.target,
    shutdownTimeoutMs: input.shutdownTimeoutMs,
    policy: input.restartPolicy ?? NO_RESTART,
    log: input.log ?? silentLog,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
    run: null,
    trace: null,
    attempts: [],
    nextAttemptAt: null,
    exhausted: false,
    restarting: false,
    stopRequested: false,
  }),
  initial: 'starting',
  on: {
    PAUSE: { actions: 'targetPaused' },
    RESUME: { actions: 'targetStarted' },
  },
  states: {
    starting: {
      invoke: {
        src: 'startRun',
        input: ({ context }) => ({ start: context.start }),
        onDone: [
          { guard: 'stopRequested', target: 'stopping', actions: assign({ run: ({ event }) => event.output }) },
          { target: 'active', actions: assign({ run: ({ event }) => event.output, trace: null }) },
        ],
        onError: { target: 'failed', actions: 'recordFailure' },
      },
      on: { SHUTDOWN: { actions: assign({ stopRequested: true }) } },
    },
    active: {
      invoke: {
        src: 'watchRun',
        input: ({ context }) => ({ run: context.run! }),
        onDone: 'finished',
        onError: { target: 'failed', actions: 'recordFailure' },
      },
      initial: 'entering',
      states: {
        entering: {
          always: [{ guard: 'targetPaused', target: 'paused', actions: 'pauseRun' }, { target: 'running' }],
        },
        running: {
          tags: 'RUNNING',
          entry: assign({ restarting: false }),
          on: { PAUSE: { target: 'paused', actions: ['targetPaused', 'pauseRun'] } },
        },
        paused: {
          tags: 'PAUSED',
          entry: assign({ restarting: false }),
          on: { RESUME: { target: 'running', actions: ['targetStarted', 'resumeRun'] } },
        },
      },
      on: {
        SHUTDOWN: 'stopping',
        RESTART: 'restarting',
      },
    },
    /** The run ended by itself (a bounded source that is done). */
    finished: {
      tags: 'RUNNING',
      entry: assign({ run: null, restarting: false }),
      on: {
        SHUTDOWN: 'stopped',
        RESTART: { target: 'starting', actions: 'beginManualRestart' },
      },
    },
    failed: {
      tags: 'FAILED',
      after: {
        restartDelay: { guard: 'autoRestartScheduled', target: 'starting', actions: 'beginAutoRestart' },
      },
      on: {
        SHUTDOWN: 'stopped',
        RESTART: { target: 'starting', actions: 'beginManualRestart' },
      },
    },
    restarting: {
      tags: 'RESTARTING',
      entry: assign({ restarting: true }),
      invoke: {
        src: 'stopRun',
        input: ({ context }) => ({ run: context.run, timeoutMs: context.shutdownTimeoutMs, log: context.log }),
        onDone: { target: 'starting', actions: assign({ run: null, attempts: [], exhausted: false }) },
      },
      on: { SHUTDOWN: { actions: assign({ stopRequested: true }) } },
    },
    stopping: {
      tags: 'UNASSIGNED',
      invoke: {
        src: 'stopRun',
        input: ({ context }) => ({ run: context.run, timeoutMs: context.shutdownTimeoutMs, log: context.log }),
        onDone: 'stopped',
      },
    },
    stopped: {
      tags: 'UNASSIGNED',
      entry: assign({ run: null }),
      type: 'final',
    },
  },
});

export type TaskActor = ActorRefFrom<typeof taskMachine>;
export type TaskSnapshot = SnapshotFrom<typeof taskMachine>;

export function taskRestartStatus(context: TaskContext): RestartStatus | undefined {
  if (context.policy.kind === 'none') return undefined;
  return {
    policy: context.policy.kind,
    restarts: context.attempts.filter((t) => t > context.now() - context.policy.windowMs && t <= context.now()).length,
    next_attempt_at: context.nextAttemptAt,
    exhausted: context.exhausted,
  };
}

/** The Kafka Connect state a task snapshot stands for. */
export function taskStatus(snapshot: TaskSnapshot): InstanceStatus<TaskState> {
  const { context } = snapshot;
  const restart = taskRestartStatus(context);
  const extra = restart ? { restart } : {};
  if (snapshot.matches('starting')) return { state: context.restarting ? 'RESTARTING' : 'UNASSIGNED', ...extra };
  if (snapshot.hasTag('FAILED')) return { state: 'FAILED', ...(context.trace ? { trace: context.trace } : {}), ...extra };
  if (snapshot.matches('finished')) return { state: 'RUNNING', finished: true, ...extra };
  if (snapshot.hasTag('RUNNING')) return { state: 'RUNNING', ...extra };
  if (snapshot.hasTag('PAUSED')) return { state: 'PAUSED', ...extra };
  if (snapshot.hasTag('RESTARTING')) return { state: 'RESTARTING', ...extra };
  return { state: 'UNASSIGNED', ...extra };
}
