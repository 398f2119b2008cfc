/**
 * A worker's replica of the group's status bucket (Kafka Connect's status topic): connector and task statuses
 * with the assignment generation they were written at, and the topics each connector used (KIP-558).
 *
 * Generation rules (Kafka's KafkaStatusBackingStore, §14 item 19 of the reference):
 * - a status written by another worker at an older generation than the one held is stale: ignored;
 * - an UNASSIGNED from another worker never replaces a RUNNING of a newer-or-equal generation (the worker that
 *   lost the task writes UNASSIGNED late; the new owner's RUNNING stands);
 * - `canWriteSafely` is the writer's side: a worker stopping a task writes UNASSIGNED/FAILED only if the status
 *   held is its own or not newer than its generation.
 */
import { parseKey } from './keys.js';
import type { KvChange } from './nats.js';

export type StatusState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

/** Kafka's status record: `{"state":…,"trace":null,"worker_id":…,"generation":…}` (trace written as null). */
export interface StatusValue {
  readonly state: StatusState;
  readonly trace: string | null;
  readonly worker_id: string;
  readonly generation: number;
}

/** Kafka's topic status record (KIP-558). */
export interface TopicStatusValue {
  readonly topic: { readonly name: string; readonly connector: string; readonly task: number; readonly discoverTimestamp: number };
}

export type StatusEvent =
  | { readonly type: 'connector'; readonly connector: string }
  | { readonly type: 'task'; readonly connector: string; readonly task: number }
  | { readonly type: 'topic'; readonly connector: string }
  | { readonly type: 'ignored'; readonly key: string }
  | { readonly type: 'none' };

/** Whether `next` replaces `held` (Kafka's rules above). */
export function acceptsStatus(held: StatusValue | undefined, next: StatusValue): boolean {
  if (!held || held.worker_id === next.worker_id) return true;
  if (next.generation < held.generation) return false;
  if (next.state === 'UNASSIGNED' && held.state === 'RUNNING' && next.generation <= held.generation) return false;
  return true;
}

/** Writer's side (Kafka's putSafe): a stopping worker's UNASSIGNED/FAILED must not overwrite a newer owner's status. */
export function canWriteSafely(held: StatusValue | undefined, workerId: string, generation: number): boolean {
  return !held || held.worker_id === workerId || held.generation <= generation;
}

export class StatusReplica {
  readonly connectors = new Map<string, StatusValue>();
  readonly tasks = new Map<string, Map<number, StatusValue>>();
  readonly topics = new Map<string, Map<string, TopicStatusValue>>();

  apply(c: KvChange): StatusEvent {
    const key = parseKey(c.key);
    switch (key.kind) {
      case 'connector': {
        if (c.deleted) this.connectors.delete(key.connector);
        else {
          const v = c.value as StatusValue;
          if (!acceptsStatus(this.connectors.get(key.connector), v)) return { type: 'ignored', key: c.key };
          this.connectors.set(key.connector, v);
        }
        return { type: 'connector', connector: key.connector };
      }
      case 'task': {
        let m = this.tasks.get(key.connector);
        if (c.deleted) {
          m?.delete(key.task);
          if (m?.size === 0) this.tasks.delete(key.connector);
        } else {
          if (!m) this.tasks.set(key.connector, (m = new Map()));
          const v = c.value as StatusValue;
          if (!acceptsStatus(m.get(key.task), v)) return { type: 'ignored', key: c.key };
          m.set(key.task, v);
        }
        return { type: 'task', connector: key.connector, task: key.task };
      }
      case 'topic': {
        let m = this.topics.get(key.connector);
        if (c.deleted) {
          m?.delete(key.topic);
          if (m?.size === 0) this.topics.delete(key.connector);
        } else {
          if (!m) this.topics.set(key.connector, (m = new Map()));
          m.set(key.topic, c.value as TopicStatusValue);
        }
        return { type: 'topic', connector: key.connector };
      }
      default:
        return { type: 'none' };
    }
  }

  task(connector: string, task: number): StatusValue | undefined {
    return this.tasks.get(connector)?.get(task);
  }
}
