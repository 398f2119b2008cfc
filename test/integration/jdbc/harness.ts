/**
 * A tiny stand-in for the runtime, to drive the JDBC connectors through the plugin API against the real databases:
 * start the connector → taskConfigs → start tasks with an offset reader over committed offsets → poll; sinks get
 * SinkRecords through put / preCommit. Plus small admin clients for PostgreSQL and MariaDB.
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import type {
  ConnectorConfig, ErrantRecordReporter, OffsetStorageReader, SinkTaskContext, SourceConnectorContext, TopicPartition,
  TopicPartitionOffsets,
} from '../../../src/connectors/api/index.js';
import { JdbcSourceConnector, JdbcSourceTask } from '../../../src/connectors/jdbc/index.js';
import { SinkRecord, type OffsetMap, type Schema, type SourceRecord } from '../../../src/data/index.js';
import { MARIADB_CONFIG, PG_CONFIG, uniqueName } from '../../support/services.js';

process.env.SLUICE_JDBC_QUIET = '1';

export type Kind = 'postgresql' | 'mysql';
export const KINDS: Kind[] = ['postgresql', 'mysql'];

export function connectionConfig(kind: Kind): Record<string, string> {
  if (kind === 'postgresql') {
    return {
      'connection.url': `jdbc:postgresql://${PG_CONFIG.host}:${PG_CONFIG.port}/${PG_CONFIG.database}`,
      'connection.user': PG_CONFIG.user,
      ...(PG_CONFIG.password ? { 'connection.password': PG_CONFIG.password } : {}),
    };
  }
  return {
    'connection.url': `jdbc:mariadb://${MARIADB_CONFIG.host}:${MARIADB_CONFIG.port}/${MARIADB_CONFIG.database}`,
    'connection.user': MARIADB_CONFIG.user,
    ...(MARIADB_CONFIG.password ? { 'connection.password': MARIADB_CONFIG.password } : {}),
  };
}

/** Admin access to a test database. */
export interface Db {
  kind: Kind;
  /** Runs one statement. */
  exec(sql: string, params?: unknown[]): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Quotes an identifier. */
  q(name: string): string;
  /** Placeholder i (1-based). */
  p(i: number): string;
  /** The unquoted FQN of a table in the default schema/database (what the source partition holds). */
  fqn(table: string): string;
  /** A second connection, for transactions running beside the connector. */
  other(): Promise<Db>;
  close(): Promise<void>;
}

export async function openDb(kind: Kind): Promise<Db> {
  if (kind === 'postgresql') {
    const c = new pg.Client({ ...PG_CONFIG });
    await c.connect();
    await c.query("SET TimeZone = 'UTC'");
    return {
      kind,
      exec: async (sql, params) => { await c.query(sql, params); },
      rows: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[],
      q: (n) => `"${n}"`,
      p: (i) => `$${i}`,
      fqn: (t) => `public.${t}`,
      other: () => openDb(kind),
      close: () => c.end(),
    };
  }
  const c = await mysql.createConnection({ ...MARIADB_CONFIG, timezone: 'Z', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  await c.query("SET time_zone = '+00:00'");
  return {
    kind,
    exec: async (sql, params) => { await c.query(sql, params); },
    rows: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params))[0] as T[],
    q: (n) => `\`${n}\``,
    p: () => '?',
    fqn: (t) => `${MARIADB_CONFIG.database}.${t}`,
    other: () => openDb(kind),
    close: () => c.end(),
  };
}

/** A table name no other run uses. */
export function tableName(prefix: string): string {
  return uniqueName(prefix).toLowerCase();
}

/** Committed source offsets, keyed by the partition's JSON, as an offset store holds them. */
export class OffsetStore {
  readonly map = new Map<string, OffsetMap>();

  reader(): OffsetStorageReader {
    return {
      offset: async (p) => this.map.get(JSON.stringify(p)) ?? null,
      offsets: async (ps) => new Map(ps.map((p) => [p, this.map.get(JSON.stringify(p)) ?? null])),
    };
  }

  /** Commits the offsets of records (the last one per partition wins), as the runtime does once Kafka acked them. */
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) {
      if (r.sourceOffset === null || r.sourceOffset === undefined) continue;
      this.map.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
    }
  }
}

export class SourceHarness {
  readonly connector: JdbcSourceConnector;
  readonly offsets: OffsetStore;
  readonly reconfigurations: number[] = [];
  tasks: JdbcSourceTask[] = [];
  taskConfigs: ConnectorConfig[] = [];
  readonly #ac = new AbortController();

  private constructor(offsets: OffsetStore) {
    this.offsets = offsets;
    this.connector = new JdbcSourceConnector();
    const ctx: SourceConnectorContext = {
      offsetStorageReader: offsets.reader(),
      requestTaskReconfiguration: () => this.reconfigurations.push(Date.now()),
      raiseError: (e) => {
        throw e;
      },
    };
    this.connector.initialize(ctx);
  }

  static async start(config: Record<string, string>, opts: { maxTasks?: number; offsets?: OffsetStore } = {}): Promise<SourceHarness> {
    const h = new SourceHarness(opts.offsets ?? new OffsetStore());
    await h.connector.start(config);
    try {
      await h.startTasks(opts.maxTasks ?? 1);
    } catch (e) {
      await h.stop();
      throw e;
    }
    return h;
  }

  async startTasks(maxTasks: number): Promise<void> {
    this.taskConfigs = await this.connector.taskConfigs(maxTasks);
    this.tasks = [];
    for (const tc of this.taskConfigs) {
      const t = new JdbcSourceTask();
      t.initialize({ configs: () => tc, offsetStorageReader: this.offsets.reader() });
      try {
        await t.start(tc);
      } catch (e) {
        await t.stop();
        throw e;
      }
      this.tasks.push(t);
    }
  }

  async stopTasks(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
  }

  /** One poll of every task; offsets of what came back are committed. */
  async pollOnce(): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    for (const t of this.tasks) {
      const batch = await t.poll(this.#ac.signal);
      if (batch) {
        out.push(...batch);
        this.offsets.commit(batch);
      }
    }
    return out;
  }

  /** Polls until `done(records so far)` or the timeout; returns everything polled. */
  async pollUntil(done: (records: SourceRecord[]) => boolean, timeoutMs = 15_000): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (!done(out)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms with ${out.length} records`);
      out.push(...(await this.pollOnce()));
    }
    return out;
  }

  /** Polls for `ms` and returns whatever arrived. */
  async pollFor(ms: number): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) out.push(...(await this.pollOnce()));
    return out;
  }

  async stop(): Promise<void> {
    this.#ac.abort();
    await this.stopTasks();
    await this.connector.stop();
  }
}

/** A field of a record's struct value. */
export function field(r: SourceRecord | SinkRecord, name: string): unknown {
  return (r.value as { get(n: string): unknown }).get(name);
}

// -------------------------------------------------------------------------------------------- sinks

export interface SinkContextOptions {
  reporter?: ErrantRecordReporter | null;
}

export class RecordingReporter implements ErrantRecordReporter {
  readonly reported: Array<{ record: SinkRecord; error: Error }> = [];
  async report(record: SinkRecord, error: Error): Promise<void> {
    this.reported.push({ record, error });
  }
}

export function sinkContext(config: ConnectorConfig, opts: SinkContextOptions = {}): SinkTaskContext & { timeouts: number[] } {
  const timeouts: number[] = [];
  return {
    timeouts,
    configs: () => config,
    offset: () => {},
    timeout: (ms) => { timeouts.push(ms); },
    assignment: (): TopicPartition[] => [],
    pause: () => {},
    resume: () => {},
    requestCommit: () => {},
    errantRecordReporter: opts.reporter ?? null,
  };
}

let nextOffset = 0;

/** A SinkRecord at a fresh offset. */
export function sinkRecord(init: {
  topic: string; keySchema?: Schema | null; key?: unknown; valueSchema?: Schema | null; value: unknown; partition?: number; offset?: number;
}): SinkRecord {
  return new SinkRecord({
    topic: init.topic,
    kafkaPartition: init.partition ?? 0,
    kafkaOffset: init.offset ?? nextOffset++,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value,
  });
}

export const EMPTY_OFFSETS: TopicPartitionOffsets = new Map();

export async function dropTables(db: Db, ...tables: string[]): Promise<void> {
  for (const t of tables) await db.exec(`DROP TABLE IF EXISTS ${db.q(t)}`).catch(() => {});
}
