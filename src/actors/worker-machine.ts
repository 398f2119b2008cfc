/**
 * The worker's supervisor: the parent of every connector and task actor. A child that throws (a bug in a
 * machine action, a plugin throwing where the runtime did not expect it) is stopped and remembered as crashed
 * with its trace; the worker and its other children carry on. Children that reach their final state are
 * stopped so they do not pile up in the snapshot.
 */
import { assign, createActor, enqueueActions, setup, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { connectorMachine, type ConnectorMachineInput } from './connector-machine.js';
import { taskMachine, type TaskMachineInput } from './task-machine.js';
import { traceOf } from './status.js';
import { silentLog, type Log } from './log.js';

export type WorkerEvent =
  | { type: 'SPAWN_CONNECTOR'; id: string; input: ConnectorMachineInput }
  | { type: 'SPAWN_TASK'; id: string; input: TaskMachineInput }
  /** Stop a child at once (no graceful shutdown: send it SHUTDOWN first for that). */
  | { type: 'REMOVE'; id: string };

export interface CrashRecord {
  readonly trace: string;
  readonly at: number;
}

interface WorkerContext {
  log: Log;
  crashed: Record<string, CrashRecord>;
}

const actorIdOf = (event: { type: string; actorId?: string }, prefix: string): string =>
  event.actorId ?? event.type.slice(prefix.length);

export const workerMachine = setup({
  types: {
    input: {} as { log?: Log },
    context: {} as WorkerContext,
    events: {} as WorkerEvent,
  },
  actors: { connector: connectorMachine, task: taskMachine },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({ log: input.log ?? silentLog, crashed: {} }),
  on: {
    SPAWN_CONNECTOR: {
      actions: enqueueActions(({ enqueue, event, self }) => {
        if (self.getSnapshot().children[event.id]) enqueue.stopChild(event.id);
        enqueue.assign({ crashed: ({ context }) => withoutKey(context.crashed, event.id) });
        enqueue.spawnChild('connector', { id: event.id, input: event.input });
      }),
    },
    SPAWN_TASK: {
      actions: enqueueActions(({ enqueue, event, self }) => {
        if (self.getSnapshot().children[event.id]) enqueue.stopChild(event.id);
        enqueue.assign({ crashed: ({ context }) => withoutKey(context.crashed, event.id) });
        enqueue.spawnChild('task', { id: event.id, input: event.input });
      }),
    },
    REMOVE: {
      actions: enqueueActions(({ enqueue, event }) => {
        enqueue.stopChild(event.id);
        enqueue.assign({ crashed: ({ context }) => withoutKey(context.crashed, event.id) });
      }),
    },
    'xstate.error.actor.*': {
      actions: enqueueActions(({ enqueue, event, context }) => {
        const e = event as unknown as { type: string; actorId?: string; error: unknown };
        const id = actorIdOf(e, 'xstate.error.actor.');
        context.log.error({ actor: id, err: e.error }, 'actor crashed; the worker carries on');
        enqueue.stopChild(id);
        const crash: CrashRecord = { trace: traceOf(e.error), at: Date.now() };
        enqueue.assign({ crashed: { ...context.crashed, [id]: crash } });
      }),
    },
    'xstate.done.actor.*': {
      actions: enqueueActions(({ enqueue, event }) => {
        enqueue.stopChild(actorIdOf(event as unknown as { type: string; actorId?: string }, 'xstate.done.actor.'));
      }),
    },
  },
});

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

export type WorkerActor = ActorRefFrom<typeof workerMachine>;

/**
 * Starts the supervisor as a root actor. A root actor without an error observer would turn an error into an
 * uncaughtException; this one logs it instead.
 */
export function startWorkerActor(log: Log = silentLog): WorkerActor {
  const actor = createActor(workerMachine, { input: { log } });
  actor.subscribe({ error: (err) => log.error({ err }, 'worker supervisor failed') });
  actor.start();
  return actor;
}

/** The live child with this id, if any. */
export function childOf<T extends AnyActorRef = AnyActorRef>(worker: WorkerActor, id: string): T | undefined {
  return worker.getSnapshot().children[id] as T | undefined;
}

export function crashOf(worker: WorkerActor, id: string): CrashRecord | undefined {
  return worker.getSnapshot().context.crashed[id];
}
