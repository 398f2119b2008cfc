/**
 * One connector instance's lifecycle (Kafka Connect's WorkerConnector): start the Connector, ask it for task
 * configs (again whenever it requests a reconfiguration), and apply the target state. PAUSED and STOPPED both
 * stop the Connector instance; what happens to the tasks is the herder's business (paused vs removed).
 */
import { assign, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import { ConnectException } from '../connectors/api/index.js';
import type { AnyConnector, ConnectorConfig, ConnectorContext } from '../connectors/api/index.js';
import { NO_RESTART, decideRestart, type RestartPolicy, type RestartStatus } from './restart-policy.js';
import { traceOf, type ConnectorState, type InstanceStatus, type TargetState } from './status.js';
import { silentLog, type Log } from './log.js';

export interface ConnectorMachineInput {
  name: string;
  connector: AnyConnector;
  config: ConnectorConfig;
  target: TargetState;
  /** Turns the runtime's hooks into the context given to `initialize` (a source connector's adds an offset reader). */
  context?: (hooks: ConnectorContext) => ConnectorContext;
  /**
   * Receives the task configs each time the connector computed them; the herder compares them with the stored
   * set and restarts tasks when they changed. Awaited; a rejection fails the connector.
   */
  onTaskConfigs: (configs: ConnectorConfig[]) => void | Promise<void>;
  restartPolicy?: RestartPolicy;
  log?: Log;
  now?: () => number;
  random?: () => number;
}

export type ConnectorEvent =
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  /** Target state STOPPED: the instance stops; the actor stays. */
  | { type: 'STOP' }
  | { type: 'RESTART' }
  | { type: 'RECONFIGURE' }
  | { type: 'RAISE_ERROR'; error: unknown }
  /** Remove the connector: stop the instance and end the actor. */
  | { type: 'SHUTDOWN' };

export interface ConnectorContextData {
  name: string;
  connector: AnyConnector;
  config: ConnectorConfig;
  target: TargetState;
  hooks: ConnectorContext;
  onTaskConfigs: ConnectorMachineInput['onTaskConfigs'];
  policy: RestartPolicy;
  log: Log;
  now: () => number;
  random: () => number;
  instanceStarted: boolean;
  trace: string | null;
  attempts: number[];
  nextAttemptAt: number | null;
  exhausted: boolean;
  restarting: boolean;
  /** Requests that arrived while the Connector was starting; applied once start settles. */
  pendingReconfigure: boolean;
  pendingRestart: boolean;
  pendingShutdown: boolean;
}

export function tasksMaxOf(config: ConnectorConfig): { tasksMax: number; enforce: boolean } {
  const tasksMax = Number.parseInt(config['tasks.max'] ?? '1', 10);
  return {
    tasksMax: Number.isFinite(tasksMax) && tasksMax >= 1 ? tasksMax : 1,
    enforce: (config['tasks.max.enforce'] ?? 'true').trim().toLowerCase() !== 'false',
  };
}

/** `initialize` runs once per Connector instance, before its first start. */
const initialized = new WeakSet<AnyConnector>();

async function stopInstance(connector: AnyConnector, started: boolean): Promise<void> {
  if (started) await connector.stop();
}

const bufferTargets = {
  PAUSE: { actions: 'targetPaused' },
  RESUME: { actions: 'targetStarted' },
  STOP: { actions: 'targetStopped' },
} as const;

/** Events of a started instance (configuring and running). */
const whileStarted = {
  PAUSE: { target: 'pausing', actions: 'targetPaused' },
  STOP: { target: 'stopping', actions: 'targetStopped' },
  RESUME: {},
  RESTART: 'restarting',
  RAISE_ERROR: { target: 'failed', actions: 'recordFailure' },
  SHUTDOWN: 'shuttingDown',
} as const;

/** Once the instance has stopped: go where the target state (possibly changed meanwhile) says. */
function afterInstanceStopped(extra?: 'logStopFailure') {
  const actions = extra ? (['instanceStopped', extra] as const) : (['instanceStopped'] as const);
  return [
    { guard: 'pendingShutdown', target: 'shuttingDown', actions },
    { guard: 'targetPaused', target: 'paused', actions: [...actions, 'clearFailure'] },
    { guard: 'targetStopped', target: 'stopped', actions: [...actions, 'clearFailure'] },
    { target: 'starting', actions },
  ] as const;
}

export const connectorMachine = setup({
  types: {
    input: {} as ConnectorMachineInput,
    context: {} as ConnectorContextData,
    events: {} as ConnectorEvent,
  },
  actors: {
    startConnector: fromPromise<void, { c: ConnectorContextData }>(async ({ input: { c } }) => {
      if (!initialized.has(c.connector)) {
        // The context type depends on the connector type; the factory given by the herder builds the right one.
        (c.connector.initialize as (ctx: ConnectorContext) => void)(c.hooks);
        initialized.add(c.connector);
      }
      await c.connector.start(c.config);
    }),
    computeTaskConfigs: fromPromise<void, { c: ConnectorContextData }>(async ({ input: { c }, signal }) => {
      const { tasksMax, enforce } = tasksMaxOf(c.config);
      const configs = await c.connector.taskConfigs(tasksMax);
      if (configs.length > tasksMax) {
        const message =
          `The connector ${c.name} has generated ${configs.length} tasks, which is greater than ${tasksMax}, ` +
          'the maximum number of tasks it is configured to create.';
        if (enforce) throw new ConnectException(message + ' Set tasks.max.enforce=false to allow it (deprecated).');
        c.log.warn({ connector: c.name, tasks: configs.length, tasksMax }, message);
      }
      if (!signal.aborted) await c.onTaskConfigs(configs);
    }),
    stopConnector: fromPromise<void, { connector: AnyConnector; started: boolean }>(({ input }) =>
      stopInstance(input.connector, input.started),
    ),
  },
  guards: {
    targetPaused: ({ context }) => context.target === 'PAUSED',
    targetStopped: ({ context }) => context.target === 'STOPPED',
    targetStarted: ({ context }) => context.target === 'STARTED',
    pendingShutdown: ({ context }) => context.pendingShutdown,
    pendingRestart: ({ context }) => context.pendingRestart,
    pendingReconfigure: ({ context }) => context.pendingReconfigure,
    autoRestartScheduled: ({ context }) => context.nextAttemptAt !== null,
  },
  delays: {
    restartDelay: ({ context }) => Math.max(0, (context.nextAttemptAt ?? 0) - context.now()),
  },
  actions: {
    targetPaused: assign({ target: 'PAUSED' as const }),
    targetStarted: assign({ target: 'STARTED' as const }),
    targetStopped: assign({ target: 'STOPPED' as const }),
    recordFailure: assign(({ context, event }) => {
      const error = (event as { error?: unknown }).error;
      const decision = decideRestart(context.policy, context.attempts, context.now(), context.random);
      context.log.error({ connector: context.name, err: error, restart: decision.restart }, 'connector failed');
      return {
        trace: traceOf(error),
        restarting: false,
        attempts: decision.attempts,
        nextAttemptAt: decision.restart ? decision.nextAttemptAt : null,
        exhausted: !decision.restart && decision.reason === 'max-restarts',
      };
    }),
    instanceStarted: assign({ instanceStarted: true }),
    instanceStopped: assign({ instanceStarted: false }),
    clearFailure: assign({ trace: null, restarting: false }),
    logStopFailure: ({ context, event }) =>
      context.log.warn({ connector: context.name, err: (event as { error?: unknown }).error }, 'connector stop failed'),
  },
}).createMachine({
  id: 'connector',
  context: ({ input, self }) => {
    const alive = () => self.getSnapshot().status === 'active';
    const hooks: ConnectorContext = {
      requestTaskReconfiguration: () => {
        if (alive()) self.send({ type: 'RECONFIGURE' });
      },
      raiseError: (error: Error) => {
        if (alive()) self.send({ type: 'RAISE_ERROR', error });
      },
    };
    return {
      name: input.name,
      connector: input.connector,
      config: input.config,
      target: input.target,
      hooks: input.context ? input.context(hooks) : hooks,
      onTaskConfigs: input.onTaskConfigs,
      policy: input.restartPolicy ?? NO_RESTART,
      log: input.log ?? silentLog,
      now: input.now ?? Date.now,
      random: input.random ?? Math.random,
      instanceStarted: false,
      trace: null,
      attempts: [],
      nextAttemptAt: null,
      exhausted: false,
      restarting: false,
      pendingReconfigure: false,
      pendingRestart: false,
      pendingShutdown: false,
    };
  },
  initial: 'init',
  states: {
    init: {
      always: [
        { guard: 'targetPaused', target: 'paused' },
        { guard: 'targetStopped', target: 'stopped' },
        { target: 'starting' },
      ],
    },
    starting: {
      entry: assign({ pendingReconfigure: false }),
      invoke: {
        src: 'startConnector',
        input: ({ context }) => ({ c: context }),
        onDone: [
          { guard: 'pendingShutdown', target: 'shuttingDown', actions: 'instanceStarted' },
          { guard: 'pendingRestart', target: 'restarting', actions: 'instanceStarted' },
          { guard: 'targetPaused', target: 'pausing', actions: 'instanceStarted' },
          { guard: 'targetStopped', target: 'stopping', actions: 'instanceStarted' },
          { target: 'configuring', actions: ['instanceStarted', assign({ trace: null, restarting: false })] },
        ],
        onError: { target: 'failed', actions: ['recordFailure', 'instanceStopped'] },
      },
      on: {
        ...bufferTargets,
        RESTART: { actions: assign({ pendingRestart: true }) },
        SHUTDOWN: { actions: assign({ pendingShutdown: true }) },
        RAISE_ERROR: { target: 'failed', actions: 'recordFailure' },
      },
    },
    configuring: {
      tags: 'RUNNING',
      entry: assign({ pendingReconfigure: false }),
      invoke: {
        src: 'computeTaskConfigs',
        input: ({ context }) => ({ c: context }),
        onDone: [{ guard: 'pendingReconfigure', target: 'configuring', reenter: true }, { target: 'running' }],
        onError: { target: 'failed', actions: 'recordFailure' },
      },
      on: {
        ...whileStarted,
        RECONFIGURE: { actions: assign({ pendingReconfigure: true }) },
      },
    },
    running: {
      tags: 'RUNNING',
      on: {
        ...whileStarted,
        RECONFIGURE: 'configuring',
      },
    },
    pausing: {
      tags: 'PAUSED',
      invoke: {
        src: 'stopConnector',
        input: ({ context }) => ({ connector: context.connector, started: context.instanceStarted }),
        onDone: afterInstanceStopped(),
        onError: { target: 'failed', actions: ['recordFailure', 'instanceStopped'] },
      },
      on: { ...bufferTargets, SHUTDOWN: { actions: assign({ pendingShutdown: true }) } },
    },
    stopping: {
      tags: 'STOPPED',
      invoke: {
        src: 'stopConnector',
        input: ({ context }) => ({ connector: context.connector, started: context.instanceStarted }),
        onDone: afterInstanceStopped(),
        onError: { target: 'failed', actions: ['recordFailure', 'instanceStopped'] },
      },
      on: { ...bufferTargets, SHUTDOWN: { actions: assign({ pendingShutdown: true }) } },
    },
    paused: {
      tags: 'PAUSED',
      on: {
        RESUME: { target: 'starting', actions: 'targetStarted' },
        STOP: { target: 'stopped', actions: 'targetStopped' },
        SHUTDOWN: 'shuttingDown',
      },
    },
    stopped: {
      tags: 'STOPPED',
      on: {
        RESUME: { target: 'starting', actions: 'targetStarted' },
        PAUSE: { target: 'paused', actions: 'targetPaused' },
        SHUTDOWN: 'shuttingDown',
      },
    },
    failed: {
      tags: 'FAILED',
      after: {
        restartDelay: { guard: 'autoRestartScheduled', target: 'restarting', actions: assign({ nextAttemptAt: null }) },
      },
      on: {
        // The target changes; the status stays FAILED until a restart (as in Kafka Connect).
        ...bufferTargets,
        RESTART: { target: 'restarting', actions: assign({ nextAttemptAt: null, attempts: [], exhausted: false }) },
        SHUTDOWN: 'shuttingDown',
      },
    },
    restarting: {
      tags: 'RESTARTING',
      entry: assign({ restarting: true, pendingRestart: false }),
      invoke: {
        src: 'stopConnector',
        input: ({ context }) => ({ connector: context.connector, started: context.instanceStarted }),
        onDone: afterInstanceStopped(),
        onError: afterInstanceStopped('logStopFailure'),
      },
      on: { ...bufferTargets, SHUTDOWN: { actions: assign({ pendingShutdown: true }) } },
    },
    shuttingDown: {
      invoke: {
        src: 'stopConnector',
        input: ({ context }) => ({ connector: context.connector, started: context.instanceStarted }),
        onDone: 'done',
        onError: { target: 'done', actions: 'logStopFailure' },
      },
    },
    done: { type: 'final', entry: 'instanceStopped' },
  },
});

export type ConnectorActor = ActorRefFrom<typeof connectorMachine>;
export type ConnectorSnapshot = SnapshotFrom<typeof connectorMachine>;

function restartStatus(c: ConnectorContextData): RestartStatus | undefined {
  if (c.policy.kind === 'none') return undefined;
  const now = c.now();
  return {
    policy: c.policy.kind,
    restarts: c.attempts.filter((t) => t > now - c.policy.windowMs && t <= now).length,
    next_attempt_at: c.nextAttemptAt,
    exhausted: c.exhausted,
  };
}

/** The Kafka Connect state a connector snapshot stands for. */
export function connectorStatus(snapshot: ConnectorSnapshot): InstanceStatus<ConnectorState> {
  const c = snapshot.context;
  const restart = restartStatus(c);
  const extra = restart ? { restart } : {};
  if (snapshot.hasTag('FAILED')) return { state: 'FAILED', ...(c.trace ? { trace: c.trace } : {}), ...extra };
  for (const s of ['RUNNING', 'PAUSED', 'STOPPED', 'RESTARTING'] as const) {
    if (snapshot.hasTag(s)) return { state: s, ...extra };
  }
  if (snapshot.matches('starting')) return { state: c.restarting ? 'RESTARTING' : 'UNASSIGNED', ...extra };
  return { state: 'UNASSIGNED', ...extra };
}

/** The target state currently applied (what the user last asked for). */
export function connectorTarget(snapshot: ConnectorSnapshot): TargetState {
  return snapshot.context.target;
}
