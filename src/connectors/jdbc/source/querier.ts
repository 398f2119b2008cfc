/**
 * One table (or the custom query) of a source task: idle → querying (cursor open, rows pulled `batch.max.rows` at a
 * time across polls) → exhausted → idle again after `poll.interval.ms`. Builds Confluent's SQL for each mode, binds
 * the bounds, and attaches offsets in Confluent's format to every record.
 *
 * Timestamp bounds come from the database clock (`SELECT clock_timestamp()` / `UTC_TIMESTAMP(6)`, never the worker's
 * clock) minus `timestamp.delay.interval.ms`, and are bound in the column's own terms: instants for timestamptz /
 * TIMESTAMP columns, wall-clock time in `db.timezone` for timestamp / DATETIME columns.
 *
 * The guarantee: a row is read once its timestamp is older than database-now minus the delay. A row committed later
 * than that (its transaction took longer than the delay after stamping it) can be passed over when a later row was
 * already read; so set the delay above your longest write transaction. In `timestamp` mode the offset moves to a
 * timestamp only after every row carrying it was read (one row of read-ahead), so a restart in the middle of a run
 * of equal timestamps loses nothing.
 */
import {
  DataException, SchemaBuilder, SourceRecord, Struct, type OffsetMap, type Schema,
} from '../../../data/index.js';
import { ConnectException } from '../../api/index.js';
import type { Mode } from '../config.js';
import type { Dialect, RowCursor, Session, SourceColumn, SourceMappingOptions, TimeKind } from '../dialect/index.js';
import { offsetNumber } from '../dialect/source-values.js';
import type { TableId } from '../util/identifiers.js';
import { Instant } from '../util/temporal.js';
import type { Zone } from '../util/zone.js';

export const TABLE_KEY = 'table';
export const QUERY_KEY = 'query';
export const PROTOCOL_KEY = 'protocol';
export const INCREMENTING_FIELD = 'incrementing';
export const TIMESTAMP_FIELD = 'timestamp';
export const TIMESTAMP_NANOS_FIELD = 'timestamp_nanos';

/** Partition of a table in incremental modes (protocol v1): key order as Kafka Connect's HashMap writes it. */
export function partitionV1(table: TableId): OffsetMap {
  return { [PROTOCOL_KEY]: '1', [TABLE_KEY]: table.toString() };
}
/** Partition of a table in bulk mode, and the legacy (v0) partition read as a fallback. */
export function partitionV0(table: TableId): OffsetMap {
  return { [TABLE_KEY]: table.table };
}
export const QUERY_PARTITION: OffsetMap = Object.freeze({ [QUERY_KEY]: QUERY_KEY });

/** What identifies a result's columns for the schema: names, types and type modifiers. */
function fieldsKey(fields: readonly unknown[]): string {
  return JSON.stringify(fields.map((f) => {
    const x = f as Record<string, unknown>;
    return [x.name, x.dataTypeID ?? x.columnType, x.dataTypeModifier ?? x.decimals, x.columnLength, x.characterSet];
  }));
}

export interface OffsetState {
  ts: Instant | null;
  inc: bigint | null;
}

/** Confluent's offset map → state. `timestamp_nanos` replaces the sub-second part of `timestamp`. */
export function decodeOffset(map: OffsetMap | null): OffsetState {
  if (!map) return { ts: null, inc: null };
  const num = (v: unknown): bigint | null =>
    v === null || v === undefined ? null : typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  const inc = num(map[INCREMENTING_FIELD]);
  const ms = num(map[TIMESTAMP_FIELD]);
  let ts: Instant | null = null;
  if (ms !== null) {
    const msN = Number(ms);
    const nanos = num(map[TIMESTAMP_NANOS_FIELD]);
    const base = Instant.fromEpochMs(msN);
    ts = nanos !== null ? new Instant(base.seconds, Number(nanos)) : base;
  }
  return { ts, inc };
}

/** State → Confluent's offset map (key order as Java's HashMap iterates: timestamp_nanos, incrementing, timestamp). */
export function encodeOffset(s: OffsetState): OffsetMap {
  const out: Record<string, unknown> = {};
  if (s.ts !== null) out[TIMESTAMP_NANOS_FIELD] = s.ts.nanos;
  if (s.inc !== null) out[INCREMENTING_FIELD] = offsetNumber(s.inc);
  if (s.ts !== null) out[TIMESTAMP_FIELD] = s.ts.epochMs;
  return out;
}

export interface QuerierOptions {
  mode: Mode;
  dialect: Dialect;
  table: TableId | null;
  query: string | null;
  /** For messages: the table FQN, or "query". */
  label: string;
  suffix: string;
  topic: string;
  incrementingColumn: string | null;
  timestampColumns: string[];
  delayMs: number;
  zone: Zone;
  mapping: SourceMappingOptions;
  partition: OffsetMap;
  storedOffset: OffsetMap | null;
  /** timestamp.initial: epoch ms, -1 for database now, null for the beginning. */
  timestampInitial: number | null;
  schemaName: string | null;
  warn: (message: string) => void;
}

interface Mapped {
  key: string;
  columns: Array<SourceColumn | { name: string; unsupported: string }>;
  schema: Schema;
  /** Result index of every schema field. */
  included: Array<{ index: number; column: SourceColumn }>;
  incIndex: number;
  tsIndexes: Array<{ index: number; column: SourceColumn }>;
}

interface PendingRow {
  raw: unknown[];
  ts: Instant | null;
}

export class Querier {
  readonly options: QuerierOptions;
  lastUpdate = 0;
  #cursor: RowCursor | null = null;
  #offset: OffsetState;
  #mapped: Mapped | null = null;
  #tsKind: TimeKind | null = null;
  #pending: PendingRow | null = null;
  #warned = false;
  #fetchSize = 1000;

  constructor(options: QuerierOptions) {
    this.options = options;
    this.#offset = decodeOffset(options.storedOffset);
  }

  get querying(): boolean {
    return this.#cursor !== null;
  }

  get offset(): OffsetState {
    return this.#offset;
  }

  get usesTimestamp(): boolean {
    return this.options.mode === 'timestamp' || this.options.mode === 'timestamp+incrementing';
  }

  get usesIncrementing(): boolean {
    return this.options.mode === 'incrementing' || this.options.mode === 'timestamp+incrementing';
  }

  #baseQuery(): string {
    const o = this.options;
    if (o.query !== null) {
      const q = o.query.trim().replace(/;+\s*$/, '');
      // Criteria go around the query rather than after it, so a query with its own WHERE, GROUP BY or ORDER BY
      // works in incremental modes (kafka-connect-jdbc #566).
      return o.mode === 'bulk' ? q : `SELECT * FROM (${q}) AS sluice_query`;
    }
    return `SELECT * FROM ${o.dialect.tableSql(o.table!)}`;
  }

  #tsExpr(): string {
    const cols = this.options.timestampColumns.map((c) => this.options.dialect.quote(c));
    return cols.length === 1 ? cols[0]! : `COALESCE(${cols.join(',')})`;
  }

  /** The statement and parameters for the next execution. */
  async buildStatement(session: Session): Promise<{ sql: string; params: unknown[] }> {
    const o = this.options;
    const d = o.dialect;
    const p = (i: number): string => d.placeholder(i);
    const inc = o.incrementingColumn ? d.quote(o.incrementingColumn) : '';
    let sql = this.#baseQuery();
    const params: unknown[] = [];
    if (this.usesTimestamp) {
      const kind = this.#tsKind ?? (await this.#describeTimestampKind(session));
      const now = o.dialect.parseCurrentTime((await session.execute(d.currentTimeSql)).rows[0] ?? {});
      let begin = this.#offset.ts;
      if (begin === null) {
        if (o.timestampInitial === -1) begin = now;
        else if (o.timestampInitial !== null) begin = Instant.fromEpochMs(o.timestampInitial);
        else begin = Instant.EPOCH;
        // The seed becomes the offset, as Confluent's {"timestamp": …}.
        this.#offset = { ts: begin, inc: this.#offset.inc };
      }
      const end = now.minusMs(o.delayMs);
      const ts = this.#tsExpr();
      const b = d.bindTimestamp(begin, kind, o.zone);
      const e = d.bindTimestamp(end, kind, o.zone);
      if (o.mode === 'timestamp') {
        sql += ` WHERE ${ts} > ${p(1)} AND ${ts} < ${p(2)} ORDER BY ${ts} ASC`;
        params.push(b, e);
      } else {
        sql += ` WHERE ${ts} < ${p(1)} AND ((${ts} = ${p(2)} AND ${inc} > ${p(3)}) OR ${ts} > ${p(4)}) ORDER BY ${ts},${inc} ASC`;
        params.push(e, b, d.bindInteger(this.#offset.inc ?? -1n), b);
      }
    } else if (o.mode === 'incrementing') {
      sql += ` WHERE ${inc} > ${p(1)} ORDER BY ${inc} ASC`;
      params.push(d.bindInteger(this.#offset.inc ?? -1n));
    }
    if (o.suffix.trim() !== '') sql += ` ${o.suffix.trim()}`;
    return { sql, params };
  }

  async #describeTimestampKind(session: Session): Promise<TimeKind> {
    const o = this.options;
    const fields = await session.describeQuery(o.dialect.emptyResultSql(this.#baseQuery()));
    const mapped = await this.#map(session, fields);
    const first = mapped.tsIndexes[0]?.column;
    this.#tsKind = first?.timeKind ?? 'wall';
    return this.#tsKind;
  }

  /** Opens the cursor for the next run. */
  async start(session: Session, fetchSize: number): Promise<void> {
    if (!this.#mapped && this.options.dialect.sourceColumnsQuery) {
      // Column metadata needs queries, which cannot run while the cursor is open: describe the result first.
      await this.#map(session, await session.describeQuery(this.options.dialect.emptyResultSql(this.#baseQuery())));
    }
    const { sql, params } = await this.buildStatement(session);
    this.#pending = null;
    this.#fetchSize = fetchSize;
    this.#cursor = await session.openCursor(sql, params, fetchSize);
  }

  /** Closes the cursor; the querier waits `poll.interval.ms` from `now` before its next run. */
  async reset(now: number): Promise<void> {
    const c = this.#cursor;
    this.#cursor = null;
    this.#pending = null;
    this.lastUpdate = now;
    if (c) await c.close().catch(() => {});
  }

  /** Drops the cursor without talking to the database (the session is gone). */
  abandon(now: number): void {
    this.#cursor = null;
    this.#pending = null;
    this.lastUpdate = now;
  }

  async #map(session: Session, fields: readonly unknown[]): Promise<Mapped> {
    const key = fieldsKey(fields);
    if (this.#mapped && this.#mapped.key === key) return this.#mapped;
    const o = this.options;
    const columns = await o.dialect.sourceColumns(session, fields, o.mapping);
    const sb = SchemaBuilder.struct();
    if (o.schemaName) sb.name(o.schemaName);
    const included: Mapped['included'] = [];
    const unsupported: string[] = [];
    columns.forEach((c, index) => {
      if ('unsupported' in c) {
        unsupported.push(`${c.name} (${c.unsupported})`);
        return;
      }
      try {
        sb.field(c.name, c.schema);
      } catch (e) {
        throw new ConnectException(`Cannot build the record schema of ${o.label}: ${(e as Error).message}`, { cause: e });
      }
      included.push({ index, column: c });
    });
    if (unsupported.length > 0 && !this.#warned) {
      this.#warned = true;
      o.warn(`JDBC source: ${o.label}: columns of unsupported types are left out of the records: ${unsupported.join(', ')}`);
    }
    const find = (name: string): { index: number; column: SourceColumn } | undefined =>
      included.find((x) => x.column.name === name) ?? included.find((x) => x.column.name.toLowerCase() === name.toLowerCase());
    let incIndex = -1;
    if (this.usesIncrementing) {
      const hit = find(o.incrementingColumn!);
      if (!hit) throw new ConnectException(`Incrementing column ${o.incrementingColumn} is not in the result of ${o.label}`);
      if (!hit.column.integral) {
        throw new ConnectException(`Incrementing column ${o.incrementingColumn} of ${o.label} has type ${hit.column.typeName}; it must be an integer (or a decimal with scale 0)`);
      }
      incIndex = hit.index;
    }
    const tsIndexes: Mapped['tsIndexes'] = [];
    if (this.usesTimestamp) {
      for (const name of o.timestampColumns) {
        const hit = find(name);
        if (!hit) throw new ConnectException(`Timestamp column ${name} is not in the result of ${o.label}`);
        if (!hit.column.instant) throw new ConnectException(`Timestamp column ${name} of ${o.label} has type ${hit.column.typeName}, not a timestamp type`);
        tsIndexes.push(hit);
      }
      this.#tsKind = tsIndexes[0]?.column.timeKind ?? this.#tsKind;
    }
    this.#mapped = { key, columns, schema: sb.build(), included, incIndex, tsIndexes };
    return this.#mapped;
  }

  #rowTimestamp(m: Mapped, raw: unknown[]): Instant | null {
    for (const t of m.tsIndexes) {
      const v = raw[t.index];
      if (v !== null && v !== undefined) return t.column.instant!(v);
    }
    return null;
  }

  #record(m: Mapped, raw: unknown[], offset: OffsetMap): SourceRecord {
    const o = this.options;
    const struct = new Struct(m.schema);
    const fields = m.schema.fields;
    for (let i = 0; i < m.included.length; i++) {
      const { index, column } = m.included[i]!;
      const v = raw[index];
      let value: unknown = null;
      if (v !== null && v !== undefined) {
        try {
          value = column.convert(v);
        } catch (e) {
          throw new DataException(`Cannot read column ${column.name} (${column.typeName}) of ${o.label}: ${(e as Error).message}`, { path: column.name }, { cause: e });
        }
      }
      struct.put(fields[i]!, value);
    }
    return new SourceRecord({
      topic: o.topic,
      kafkaPartition: null,
      keySchema: null,
      key: null,
      valueSchema: m.schema,
      value: struct,
      sourcePartition: o.partition,
      // Bulk mode stores no offset (Kafka Connect writes none), as Confluent's bulk querier.
      sourceOffset: (o.mode === 'bulk' ? null : offset) as OffsetMap,
    });
  }

  /** Up to `n` records of the open cursor; `exhausted` once the result set ended. */
  async next(session: Session, n: number): Promise<{ records: SourceRecord[]; exhausted: boolean }> {
    const cursor = this.#cursor;
    if (!cursor) return { records: [], exhausted: true };
    const rows = await cursor.read(n);
    const exhausted = rows.length < n;
    if (rows.length === 0 && !this.#pending) return { records: [], exhausted: true };
    if (this.options.dialect.sourceColumnsQuery && this.#mapped?.key !== fieldsKey(cursor.fields)) {
      // The result's columns changed since they were described (ALTER TABLE): nothing of this run was emitted
      // yet, so close the cursor, describe these columns, and run the query again.
      const fields = cursor.fields;
      this.#cursor = null;
      await cursor.close();
      await this.#map(session, fields);
      await this.start(session, this.#fetchSize);
      return { records: [], exhausted: false };
    }
    const m = await this.#map(session, cursor.fields);
    const o = this.options;
    const records: SourceRecord[] = [];
    if (o.mode === 'timestamp') {
      const all: PendingRow[] = this.#pending ? [this.#pending] : [];
      for (const raw of rows) all.push({ raw, ts: this.#rowTimestamp(m, raw) });
      this.#pending = !exhausted && all.length > 0 ? all.pop()! : null;
      for (let i = 0; i < all.length; i++) {
        const cur = all[i]!;
        const next = i + 1 < all.length ? all[i + 1]! : this.#pending;
        // The offset moves to this row's timestamp only when no later row shares it.
        if (cur.ts !== null && (next === null || next.ts === null || cur.ts.compare(next.ts) < 0)) {
          this.#offset = { ts: cur.ts, inc: null };
        }
        records.push(this.#record(m, cur.raw, encodeOffset(this.#offset)));
      }
      return { records, exhausted };
    }
    for (const raw of rows) {
      if (o.mode !== 'bulk') {
        let inc = this.#offset.inc;
        if (m.incIndex >= 0) {
          const v = raw[m.incIndex];
          if (v === null || v === undefined) throw new ConnectException(`Null value for incrementing column ${o.incrementingColumn} of ${o.label}`);
          inc = BigInt(String(v).replace(/\.0*$/, ''));
        }
        const ts = m.tsIndexes.length > 0 ? this.#rowTimestamp(m, raw) : null;
        this.#offset = { ts, inc };
      }
      records.push(this.#record(m, raw, encodeOffset(this.#offset)));
    }
    return { records, exhausted };
  }
}
