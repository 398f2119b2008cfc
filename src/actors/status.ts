/** Kafka Connect's runtime and target states, and the status an actor reports. */
import type { RestartStatus } from './restart-policy.js';

/** Runtime state of a connector (`STOPPED` is for connectors only). */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';
export type TaskState = Exclude<ConnectorState, 'STOPPED'>;

/** What the user asked for. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface InstanceStatus<S extends ConnectorState = ConnectorState> {
  readonly state: S;
  /** Stack trace of the failure that put the instance into FAILED. */
  readonly trace?: string;
  /** Present when a restart policy other than `none` is configured. */
  readonly restart?: RestartStatus;
  /** A task whose pipeline ended by itself (a bounded source); it stays RUNNING in Kafka Connect terms. */
  readonly finished?: boolean;
}

/**
 * The text Kafka Connect shows as `trace`: the stack of the error and of every `cause` below it
 * ("Caused by: …"), so the root failure inside a plugin is visible.
 */
export function traceOf(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 10) {
    seen.add(current);
    const text =
      current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : `Error: ${String(current)}`;
    parts.push(parts.length === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
