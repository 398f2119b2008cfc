/**
 * Sluice's opt-in automatic restart of FAILED connectors and tasks (Kafka Connect has none; off by default).
 * The math is pure: the machines keep the attempt history and ask `decideRestart` what to do next.
 */
import { ConfigDef, ConfigException, Validators } from '../connectors/api/index.js';
import type { ConnectorConfig } from '../connectors/api/index.js';

export const RESTART_POLICY_CONFIG = 'sluice.restart.policy';
export const RESTART_BACKOFF_INITIAL_MS_CONFIG = 'sluice.restart.backoff.initial.ms';
export const RESTART_BACKOFF_MAX_MS_CONFIG = 'sluice.restart.backoff.max.ms';
export const RESTART_MAX_RESTARTS_CONFIG = 'sluice.restart.max.restarts';
export const RESTART_WINDOW_MS_CONFIG = 'sluice.restart.window.ms';

export type RestartPolicyKind = 'none' | 'on-failure';

export interface RestartPolicy {
  readonly kind: RestartPolicyKind;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Automatic restarts allowed within `windowMs`; -1 = unlimited. */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

export const NO_RESTART: RestartPolicy = Object.freeze({
  kind: 'none',
  initialBackoffMs: 1000,
  maxBackoffMs: 60_000,
  maxRestarts: 10,
  windowMs: 600_000,
});

const GROUP = 'Restart policy (Sluice)';

/** The restart-policy keys of a connector config (merged into the connector config definition). */
export function restartPolicyConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: RESTART_POLICY_CONFIG,
      type: 'STRING',
      defaultValue: NO_RESTART.kind,
      validator: Validators.in('none', 'on-failure'),
      importance: 'MEDIUM',
      documentation:
        'Restart a FAILED connector or task automatically: `none` (Kafka Connect behaviour) or `on-failure` ' +
        '(exponential backoff with jitter, at most `sluice.restart.max.restarts` within `sluice.restart.window.ms`).',
      group: GROUP,
      orderInGroup: 1,
    })
    .define({
      name: RESTART_BACKOFF_INITIAL_MS_CONFIG,
      type: 'LONG',
      defaultValue: NO_RESTART.initialBackoffMs,
      validator: Validators.atLeast(0),
      importance: 'LOW',
      documentation: 'Backoff before the first automatic restart; doubles with each further restart in the window.',
      group: GROUP,
      orderInGroup: 2,
    })
    .define({
      name: RESTART_BACKOFF_MAX_MS_CONFIG,
      type: 'LONG',
      defaultValue: NO_RESTART.maxBackoffMs,
      validator: Validators.atLeast(0),
      importance: 'LOW',
      documentation: 'Upper bound of the backoff between automatic restarts.',
      group: GROUP,
      orderInGroup: 3,
    })
    .define({
      name: RESTART_MAX_RESTARTS_CONFIG,
      type: 'INT',
      defaultValue: NO_RESTART.maxRestarts,
      validator: Validators.atLeast(-1),
      importance: 'LOW',
      documentation: 'Automatic restarts allowed within the window before the instance stays FAILED; -1 = unlimited.',
      group: GROUP,
      orderInGroup: 4,
    })
    .define({
      name: RESTART_WINDOW_MS_CONFIG,
      type: 'LONG',
      defaultValue: NO_RESTART.windowMs,
      validator: Validators.atLeast(1),
      importance: 'LOW',
      documentation: 'Sliding window over which automatic restarts are counted.',
      group: GROUP,
      orderInGroup: 5,
    });
}

/** The policy a connector config asks for; throws ConfigException (key + reason) on a bad value. */
export function parseRestartPolicy(config: ConnectorConfig): RestartPolicy {
  const v = restartPolicyConfigDef().parse(config);
  const policy: RestartPolicy = {
    kind: v[RESTART_POLICY_CONFIG] as RestartPolicyKind,
    initialBackoffMs: v[RESTART_BACKOFF_INITIAL_MS_CONFIG] as number,
    maxBackoffMs: v[RESTART_BACKOFF_MAX_MS_CONFIG] as number,
    maxRestarts: v[RESTART_MAX_RESTARTS_CONFIG] as number,
    windowMs: v[RESTART_WINDOW_MS_CONFIG] as number,
  };
  if (policy.maxBackoffMs < policy.initialBackoffMs) {
    throw new ConfigException(
      RESTART_BACKOFF_MAX_MS_CONFIG,
      policy.maxBackoffMs,
      `must be at least ${RESTART_BACKOFF_INITIAL_MS_CONFIG} (${policy.initialBackoffMs})`,
    );
  }
  return policy;
}

/**
 * Delay before automatic restart number `n + 1` in the window (n = restarts already made): the exponential
 * step `min(max, initial·2^n)`, then "equal jitter" — a uniform value in [step/2, step] — so workers restarting
 * together spread out while the delay still grows. `random` returns a value in [0, 1).
 */
export function backoffDelay(policy: RestartPolicy, n: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(n, 52));
  const half = step / 2;
  return Math.min(policy.maxBackoffMs, Math.round(half + random() * half));
}

/** The automatic restarts that still count: those within the window ending at `now`. */
export function attemptsInWindow(policy: RestartPolicy, attempts: readonly number[], now: number): number[] {
  return attempts.filter((t) => t > now - policy.windowMs);
}

export type RestartDecision =
  | { readonly restart: false; readonly reason: 'policy-none' | 'max-restarts'; readonly attempts: number[] }
  | {
      readonly restart: true;
      readonly delayMs: number;
      readonly nextAttemptAt: number;
      /** The history including this attempt (the machine stores it once the restart happens). */
      readonly attempts: number[];
    };

/** What to do after a failure at `now`, given when earlier automatic restarts happened. */
export function decideRestart(
  policy: RestartPolicy,
  attempts: readonly number[],
  now: number,
  random: () => number = Math.random,
): RestartDecision {
  const recent = attemptsInWindow(policy, attempts, now);
  if (policy.kind === 'none') return { restart: false, reason: 'policy-none', attempts: recent };
  if (policy.maxRestarts >= 0 && recent.length >= policy.maxRestarts) {
    return { restart: false, reason: 'max-restarts', attempts: recent };
  }
  const delayMs = backoffDelay(policy, recent.length, random);
  const nextAttemptAt = now + delayMs;
  return { restart: true, delayMs, nextAttemptAt, attempts: [...recent, nextAttemptAt] };
}

/** What the status shows about the policy (our extension of Kafka Connect's status shape). */
export interface RestartStatus {
  readonly policy: RestartPolicyKind;
  /** Automatic restarts within the current window. */
  readonly restarts: number;
  /** Epoch ms of the scheduled automatic restart, or null. */
  readonly next_attempt_at: number | null;
  /** True once `sluice.restart.max.restarts` was reached: the instance stays FAILED until restarted by hand. */
  readonly exhausted: boolean;
}
