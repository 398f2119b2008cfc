/**
 * One `put` (Confluent's JdbcDbWriter + BufferedRecords): records are planned first — destination table, shape,
 * CREATE/ALTER when needed (outside the transaction: DDL commits on MySQL), every value checked against its column —
 * then written in ONE transaction, per table in arrival order, with multi-row statements (COPY … FROM STDIN for plain
 * inserts on PostgreSQL). A buffer flushes on a shape change, at `batch.size`, and before a write that follows a
 * delete; within a flush, writes run before deletes, as Confluent's.
 *
 * A statement the database rejects for its data is replayed row by row inside savepoints to find the bad record.
 * Bad records go to the errant record reporter when there is one (the rest of the put is written); otherwise the put
 * fails with a DataException naming the record's topic, partition, offset and column.
 */
import { DataException, type SinkRecord } from '../../../data/index.js';
import type { ErrantRecordReporter } from '../../api/index.js';
import type { InsertMode } from '../config.js';
import { describeDbError, type ColumnDefinition, type Dialect, type Session, type SinkEncodeContext } from '../dialect/index.js';
import { BigDecimal } from '../../../data/index.js';
import type { TableId } from '../util/identifiers.js';
import { checkValue, normalizeSchemaless } from './check.js';
import { RecordShapeError, deleteShape, writeShape, type Shape, type ShapeConfig } from './shape.js';
import { TableAlterOrCreateException, type BoundShape, type DbStructure } from './structure.js';

export interface WriterConfig {
  insertMode: InsertMode;
  batchSize: number;
  deleteEnabled: boolean;
  tableNameFormat: string;
  shape: ShapeConfig;
  encode: SinkEncodeContext;
  redact: boolean;
  /** Use COPY for plain inserts on PostgreSQL. */
  useCopy: boolean;
}

interface Op {
  record: SinkRecord;
  kind: 'write' | 'delete';
  table: TableId;
  bound: BoundShape;
  /** Key values, then non-key values (writes). */
  values: unknown[];
}

/** Approximate statement size limit, for MySQL's max_allowed_packet. */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

export function recordContext(r: SinkRecord, path?: string): { topic: string; partition: number; offset: number; path?: string } {
  return { topic: r.topic, partition: r.kafkaPartition ?? -1, offset: r.kafkaOffset, ...(path ? { path } : {}) };
}

function copyEscape(s: string): string {
  return /[\\\n\r\t]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : s;
}

function keyString(values: readonly unknown[], n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const v = values[i];
    s += (v instanceof Date ? `d${v.getTime()}` : v instanceof BigDecimal ? `n${v.toString()}` : v instanceof Uint8Array ? `b${Buffer.from(v).toString('hex')}` : `${typeof v}${String(v)}`) + '\u0000';
  }
  return s;
}

/** Rough size of a parameter, for splitting statements. */
function approxSize(v: unknown): number {
  if (typeof v === 'string') return v.length + 3;
  if (v instanceof Uint8Array) return v.length * 2 + 3;
  return 12;
}

export class JdbcWriter {
  readonly #dialect: Dialect;
  readonly #structure: DbStructure;
  readonly #cfg: WriterConfig;
  readonly #shapes = new Map<string, Shape>();
  readonly #tableIds = new Map<string, TableId>();
  #defaults: { catalog: string | null; schema: string | null } | null = null;

  constructor(dialect: Dialect, structure: DbStructure, cfg: WriterConfig) {
    this.#dialect = dialect;
    this.#structure = structure;
    this.#cfg = cfg;
  }

  /** Forget session-bound state (after a reconnect). */
  reset(): void {
    this.#defaults = null;
    this.#structure.invalidate();
  }

  async #tableFor(session: Session, topic: string): Promise<TableId> {
    const hit = this.#tableIds.get(topic);
    if (hit) return hit;
    this.#defaults ??= await this.#dialect.defaultNamespace(session);
    const name = this.#cfg.tableNameFormat.split('${topic}').join(topic);
    let id: TableId;
    try {
      id = this.#dialect.qualify(this.#dialect.parseTableId(name), this.#defaults);
    } catch (e) {
      throw new RecordShapeError(`Invalid table name '${name}' from table.name.format: ${(e as Error).message}`);
    }
    this.#tableIds.set(topic, id);
    return id;
  }

  async #bad(record: SinkRecord, error: DataException, reporter: ErrantRecordReporter | null): Promise<void> {
    if (!reporter) throw error;
    await reporter.report(record, error);
  }

  /** Table, shape, DDL and value checks for one record; null when the record was reported as bad. */
  async #plan(session: Session, r: SinkRecord, reporter: ErrantRecordReporter | null, ddlFailures: Map<string, Error>): Promise<Op | null> {
    let table: TableId | undefined;
    try {
      table = await this.#tableFor(session, r.topic);
      let kind: Op['kind'] = 'write';
      let shape: Shape;
      if (r.value === null || r.value === undefined) {
        if (!this.#cfg.deleteEnabled) {
          throw new RecordShapeError('Record value is null (a tombstone) but delete.enabled is false: filter tombstones out or enable deletes with pk.mode=record_key');
        }
        kind = 'delete';
        shape = deleteShape(r, this.#cfg.shape, this.#shapes);
      } else {
        shape = writeShape(r, this.#cfg.shape, this.#shapes);
      }
      const ddlKey = `${table}\u0000${shape.id}`;
      const failed = ddlFailures.get(ddlKey);
      if (failed) throw failed;
      let bound: BoundShape;
      try {
        bound = await this.#structure.bind(session, table, shape);
      } catch (e) {
        if (e instanceof TableAlterOrCreateException) ddlFailures.set(ddlKey, e);
        throw e;
      }
      const cols = kind === 'delete' ? bound.keys : [...bound.keys, ...bound.nonKeys];
      const values = new Array<unknown>(cols.length);
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i]!;
        let v = c.field.get(r);
        if (c.field.schema === null && v !== null) v = normalizeSchemaless(v, c.def, this.#cfg.encode.zone);
        const why = checkValue(v, c.def, this.#cfg.redact);
        if (why) {
          await this.#bad(r, new DataException(`Cannot write record to ${table}: ${why}`, recordContext(r, c.def.name)), reporter);
          return null;
        }
        values[i] = v;
      }
      return { record: r, kind, table, bound, values };
    } catch (e) {
      if (e instanceof RecordShapeError || e instanceof TableAlterOrCreateException) {
        await this.#bad(r, new DataException(`Cannot write record${table ? ` to ${table}` : ''}: ${e.message}`, recordContext(r), { cause: e }), reporter);
        return null;
      }
      if (e instanceof DataException) {
        await this.#bad(r, e.withContext(recordContext(r)), reporter);
        return null;
      }
      throw e;
    }
  }

  /** Writes `records` in one transaction. Throws database errors that are not about the records' data. */
  async write(session: Session, records: readonly SinkRecord[], reporter: ErrantRecordReporter | null): Promise<void> {
    const ops: Op[] = [];
    const ddlFailures = new Map<string, Error>();
    for (const r of records) {
      const op = await this.#plan(session, r, reporter, ddlFailures);
      if (op) ops.push(op);
    }
    if (ops.length === 0) return;
    const byTable = new Map<string, Op[]>();
    for (const op of ops) {
      const k = op.table.toString();
      let list = byTable.get(k);
      if (!list) byTable.set(k, (list = []));
      list.push(op);
    }
    await session.execute('BEGIN');
    try {
      for (const list of byTable.values()) await this.#writeTable(session, list, reporter);
      await session.execute('COMMIT');
    } catch (e) {
      if (!session.broken) await session.execute('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  async #writeTable(session: Session, ops: Op[], reporter: ErrantRecordReporter | null): Promise<void> {
    let writes: Op[] = [];
    let deletes: Op[] = [];
    const flush = async (): Promise<void> => {
      if (writes.length > 0) await this.#flushWrites(session, writes, reporter);
      if (deletes.length > 0) await this.#flushDeletes(session, deletes, reporter);
      writes = [];
      deletes = [];
    };
    const limit = this.#cfg.batchSize > 0 ? this.#cfg.batchSize : Infinity;
    for (const op of ops) {
      if (op.kind === 'write') {
        if ((writes.length > 0 && writes[0]!.bound !== op.bound) || deletes.length > 0) await flush();
        writes.push(op);
      } else {
        if (deletes.length > 0 && deletes[0]!.bound !== op.bound) await flush();
        deletes.push(op);
      }
      if (writes.length + deletes.length >= limit) await flush();
    }
    await flush();
  }

  /** Keeps the last op per key (a multi-row upsert may not touch a row twice). */
  #dedupe(ops: Op[], keyCount: number): Op[] {
    if (keyCount === 0) return ops;
    const last = new Map<string, number>();
    ops.forEach((op, i) => last.set(keyString(op.values, keyCount), i));
    return last.size === ops.length ? ops : ops.filter((op, i) => last.get(keyString(op.values, keyCount)) === i);
  }

  #chunks(ops: Op[], columns: number, perRowFixed?: number): Op[][] {
    const maxRows = perRowFixed ?? Math.max(1, Math.floor(this.#dialect.maxParams / Math.max(1, columns)));
    const out: Op[][] = [];
    let cur: Op[] = [];
    let bytes = 0;
    for (const op of ops) {
      let size = 0;
      for (const v of op.values) size += approxSize(v);
      if (cur.length > 0 && (cur.length >= maxRows || bytes + size > MAX_STATEMENT_BYTES)) {
        out.push(cur);
        cur = [];
        bytes = 0;
      }
      cur.push(op);
      bytes += size;
    }
    if (cur.length > 0) out.push(cur);
    return out;
  }

  #encode(op: Op, order: 'keysFirst' | 'nonKeysFirst' | 'keysOnly'): unknown[] {
    const b = op.bound;
    const nk = b.keys.length;
    const out: unknown[] = [];
    const put = (i: number, def: ColumnDefinition, schema: import('../../../data/index.js').Schema | null): void => {
      out.push(this.#dialect.encodeParam(op.values[i], schema, def, this.#cfg.encode));
    };
    if (order === 'nonKeysFirst') {
      b.nonKeys.forEach((c, j) => put(nk + j, c.def, c.field.schema));
      b.keys.forEach((c, j) => put(j, c.def, c.field.schema));
    } else {
      b.keys.forEach((c, j) => put(j, c.def, c.field.schema));
      if (order === 'keysFirst') b.nonKeys.forEach((c, j) => put(nk + j, c.def, c.field.schema));
    }
    return out;
  }

  async #flushWrites(session: Session, all: Op[], reporter: ErrantRecordReporter | null): Promise<void> {
    const b = all[0]!.bound;
    const d = this.#dialect;
    const id = b.table.id;
    const keyNames = b.keys.map((c) => c.def.name);
    const nonKeyNames = b.nonKeys.map((c) => c.def.name);
    const mode = this.#cfg.insertMode;
    if (mode === 'update' && nonKeyNames.length === 0) return; // nothing to set
    const ops = mode === 'insert' ? all : this.#dedupe(all, keyNames.length);
    const cols = keyNames.length + nonKeyNames.length;
    const copy = mode === 'insert' && this.#cfg.useCopy && session.copyIn ? d.copySql(id, [...keyNames, ...nonKeyNames]) : null;

    const run = async (chunk: Op[]): Promise<void> => {
      if (copy) {
        await session.copyIn!(copy, this.#copyRows(chunk));
        return;
      }
      if (mode === 'insert') {
        await session.execute(d.insertSql(id, [...keyNames, ...nonKeyNames], chunk.length), chunk.flatMap((op) => this.#encode(op, 'keysFirst')));
      } else if (mode === 'upsert') {
        await session.execute(d.upsertSql(id, keyNames, nonKeyNames, chunk.length, b.defs), chunk.flatMap((op) => this.#encode(op, 'keysFirst')));
      } else {
        await session.execute(d.updateSql(id, keyNames, nonKeyNames, chunk.length, b.defs), chunk.flatMap((op) => this.#encode(op, 'nonKeysFirst')));
      }
    };
    const fixedRows = mode === 'update' && d.kind === 'mysql' ? 1 : copy ? Number.MAX_SAFE_INTEGER : undefined;
    for (const chunk of this.#chunks(ops, cols, fixedRows)) await this.#guarded(session, chunk, run, reporter);
  }

  *#copyRows(ops: Op[]): Generator<string> {
    let buf = '';
    for (const op of ops) {
      const cols = [...op.bound.keys, ...op.bound.nonKeys];
      let line = '';
      for (let i = 0; i < cols.length; i++) {
        const v = op.values[i];
        if (i > 0) line += '\t';
        line += v === null || v === undefined ? '\\N' : copyEscape(this.#dialect.encodeCopy(v, cols[i]!.field.schema, cols[i]!.def, this.#cfg.encode));
      }
      buf += line + '\n';
      if (buf.length >= 65536) {
        yield buf;
        buf = '';
      }
    }
    if (buf.length > 0) yield buf;
  }

  async #flushDeletes(session: Session, all: Op[], reporter: ErrantRecordReporter | null): Promise<void> {
    const b = all[0]!.bound;
    const keyNames = b.keys.map((c) => c.def.name);
    const ops = this.#dedupe(all, keyNames.length);
    const run = async (chunk: Op[]): Promise<void> => {
      await session.execute(this.#dialect.deleteSql(b.table.id, keyNames, chunk.length), chunk.flatMap((op) => this.#encode(op, 'keysOnly')));
    };
    for (const chunk of this.#chunks(ops, keyNames.length)) await this.#guarded(session, chunk, run, reporter);
  }

  /**
   * Runs a statement for `chunk` inside a savepoint (PostgreSQL aborts the whole transaction on an error otherwise;
   * MySQL rolls back just the statement). On a data error, replays the chunk one row at a time to find the bad rows.
   */
  async #guarded(session: Session, chunk: Op[], run: (ops: Op[]) => Promise<void>, reporter: ErrantRecordReporter | null): Promise<void> {
    const sp = this.#dialect.kind === 'postgresql';
    try {
      if (sp) await session.execute('SAVEPOINT sluice_batch');
      await run(chunk);
      if (sp) await session.execute('RELEASE SAVEPOINT sluice_batch');
      return;
    } catch (e) {
      if (session.broken || !this.#dialect.isDataError(e)) throw e;
      if (sp) await session.execute('ROLLBACK TO SAVEPOINT sluice_batch');
      if (chunk.length === 1) {
        await this.#rejected(chunk[0]!, e, reporter);
        return;
      }
    }
    for (const op of chunk) {
      try {
        if (sp) await session.execute('SAVEPOINT sluice_row');
        await run([op]);
        if (sp) await session.execute('RELEASE SAVEPOINT sluice_row');
      } catch (e) {
        if (session.broken || !this.#dialect.isDataError(e)) throw e;
        if (sp) await session.execute('ROLLBACK TO SAVEPOINT sluice_row');
        await this.#rejected(op, e, reporter);
      }
    }
  }

  async #rejected(op: Op, e: unknown, reporter: ErrantRecordReporter | null): Promise<void> {
    const column = (e as { column?: string }).column;
    const what = op.kind === 'delete' ? 'delete from' : 'write record to';
    const err = new DataException(`Cannot ${what} ${op.table}: ${this.#cfg.redact ? (e as { code?: string }).code ?? 'database error' : describeDbError(e)}`, recordContext(op.record, column), { cause: e });
    await this.#bad(op.record, err, reporter);
  }
}
