/**
 * Names in NATS: KV keys allow `[-/_=.a-zA-Z0-9]` with `.` separating tokens, bucket names `[-_a-zA-Z0-9]`.
 * Connector names, topics, group ids and worker ids can hold anything, so they are escaped into one token:
 * `[a-zA-Z0-9-]` stay, every other UTF-8 byte becomes `_xx` (lower-case hex). The escape is reversible and its
 * output is valid both as a key token and in a bucket name.
 */

const SAFE = /^[a-zA-Z0-9-]$/;

/** One KV key token (or bucket-name part) for any string. The empty string becomes `=`. */
export function escapeToken(s: string): string {
  if (s === '') return '=';
  let out = '';
  for (const ch of s) {
    if (SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out += '_' + b.toString(16).padStart(2, '0');
  }
  return out;
}

export function unescapeToken(t: string): string {
  if (t === '=') return '';
  const bytes: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '_') {
      const hex = t.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) throw new Error(`bad escape in key token "${t}"`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The JetStream KV buckets of a group (see the README in this folder for what each holds). */
export interface GroupBuckets {
  readonly config: string;
  readonly status: string;
  readonly members: string;
}

/** The group's buckets, `<prefix>_<group>_…` (`nats.kv.bucket.prefix`, default `sluice`). */
export function bucketsOf(groupId: string, prefix = 'sluice'): GroupBuckets {
  const g = escapeToken(groupId);
  return { config: `${prefix}_${g}_config`, status: `${prefix}_${g}_status`, members: `${prefix}_${g}_members` };
}

/** The subject a worker answers forwarded requests on (`<prefix>.<group>.rpc.<member>`). */
export const rpcSubject = (groupId: string, member: string, prefix = 'sluice'): string => `${prefix}.${escapeToken(groupId)}.rpc.${member}`;

// ---- config bucket keys (Kafka's config topic keys, with `.` instead of `-` between the parts)

export const LEADER_KEY = 'leader';
export const ASSIGNMENT_KEY = 'assignment';

export const configKeys = {
  connector: (c: string) => `connector.${escapeToken(c)}`,
  targetState: (c: string) => `target-state.${escapeToken(c)}`,
  task: (c: string, n: number) => `task.${escapeToken(c)}.${n}`,
  commit: (c: string) => `commit.${escapeToken(c)}`,
  restart: (c: string) => `restart.${escapeToken(c)}`,
  /** Kafka's task count record (`tasks-fencing-<c>`): the task count whose transactional ids were fenced. */
  taskCount: (c: string) => `task-count.${escapeToken(c)}`,
};

export const statusKeys = {
  connector: (c: string) => `connector.${escapeToken(c)}`,
  task: (c: string, n: number) => `task.${escapeToken(c)}.${n}`,
  topic: (c: string, topic: string) => `topic.${escapeToken(c)}.${escapeToken(topic)}`,
};

/** A parsed config- or status-bucket key. */
export type ParsedKey =
  | { kind: 'leader' | 'assignment' }
  | { kind: 'connector' | 'target-state' | 'commit' | 'restart' | 'task-count'; connector: string }
  | { kind: 'task'; connector: string; task: number }
  | { kind: 'topic'; connector: string; topic: string }
  | { kind: 'unknown' };

export function parseKey(key: string): ParsedKey {
  if (key === LEADER_KEY) return { kind: 'leader' };
  if (key === ASSIGNMENT_KEY) return { kind: 'assignment' };
  const parts = key.split('.');
  try {
    const [kind, a, b] = parts;
    if (parts.length === 2 && (kind === 'connector' || kind === 'target-state' || kind === 'commit' || kind === 'restart' || kind === 'task-count')) {
      return { kind, connector: unescapeToken(a!) };
    }
    if (parts.length === 3 && kind === 'task' && /^\d+$/.test(b!)) return { kind, connector: unescapeToken(a!), task: Number(b) };
    if (parts.length === 3 && kind === 'topic') return { kind, connector: unescapeToken(a!), topic: unescapeToken(b!) };
  } catch {
    // fall through
  }
  return { kind: 'unknown' };
}
