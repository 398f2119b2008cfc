/**
 * One `put` (Confluent's JdbcDbWriter + BufferedRecords): records are planned first — destination table, shape,
 * CREATE/ALTER when needed (outside the transaction: DDL commits on MySQL), every value checked against its column —
 * then written in ONE transaction, per table in arrival order, with multi-row statements. On PostgreSQL plain inserts
 * are a COPY … FROM STDIN, and upserts, updates and deletes COPY into a session-local staging table followed by one
 * set-based INSERT … SELECT … ON CONFLICT / UPDATE … FROM / DELETE … USING. A buffer flushes on a shape change, at `batch.size`, and before a write that follows a
 * delete; within a flush, writes run before deletes, as Confluent's.
 *
 * A statement the database rejects for its data is replayed row by row inside savepoints to find the bad record.
 * Bad records go to the errant record reporter when there is one (the rest of the put is written); otherwise the put
 * fails with a DataException naming the record's topic, partition, offset and column.
 */
import { DataException, type SinkRecord } from '../../../data/index.js';
import { ConnectException, type ErrantRecordReporter } from '../../api/index.js';
import type { InsertMode } from '../config.js';
import { describeDbError, type Dialect, type Session, type SinkEncodeContext } from '../dialect/index.js';
import { BigDecimal } from '../../../data/index.js';
import type { TableId } from '../util/identifiers.js';
import { checkValue, normalizeSchemaless } from './check.js';
import { RecordShapeError, deleteShape, writeShape, type Shape, type ShapeConfig } from './shape.js';
import { TableAlterOrCreateException, type BoundColumn, type BoundShape, type DbStructure } from './structure.js';

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

/** A problem of the connector's configuration against the database that no retry can fix: fails the task. */
export class SinkConfigurationError extends ConnectException {
  override readonly name = 'SinkConfigurationError';
}

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
  readonly #bound = new Map<string, BoundShape>();
  /** Staging tables of this session, per bound shape and column list. */
  readonly #stages = new Map<string, string>();
  #stageSeq = 0;
  #defaults: { catalog: string | null; schema: string | null } | null = null;

  constructor(dialect: Dialect, structure: DbStructure, cfg: WriterConfig) {
    this.#dialect = dialect;
    this.#structure = structure;
    this.#cfg = cfg;
  }

  /** Forget session-bound state (after a reconnect). */
  reset(): void {
    this.#defaults = null;
    this.#bound.clear();
    this.#stages.clear();
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

  /**
   * Table, shape, DDL and value checks for one record; null when the record was reported as bad. Synchronous when
   * the table and the shape's binding are known (the common case), so a put does not pay a promise per record.
   */
  #plan(session: Session, r: SinkRecord, reporter: ErrantRecordReporter | null, ddlFailures: Map<string, Error>): Op | null | Promise<Op | null> {
    let table: TableId | undefined;
    try {
      table = this.#tableIds.get(r.topic);
      if (!table) return this.#planSlow(session, r, reporter, ddlFailures);
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
      const bindKey = `${table.toString()}\u0000${shape.id}`;
      const failed = ddlFailures.get(bindKey);
      if (failed) throw failed;
      const bound = this.#bound.get(bindKey);
      if (!bound) return this.#planSlow(session, r, reporter, ddlFailures);
      const cols = kind === 'delete' ? bound.keys : bound.all;
      const values = new Array<unknown>(cols.length);
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i]!;
        let v = c.field.get(r);
        if (c.field.schema === null && v !== null) v = normalizeSchemaless(v, c.def, this.#cfg.encode.zone);
        const why = checkValue(v, c.def, this.#cfg.redact);
        if (why) return this.#badOrNull(r, new DataException(`Cannot write record to ${table}: ${why}`, recordContext(r, c.def.name)), reporter);
        values[i] = v;
      }
      return { record: r, kind, table, bound, values };
    } catch (e) {
      if (e instanceof RecordShapeError || e instanceof TableAlterOrCreateException) {
        return this.#badOrNull(r, new DataException(`Cannot write record${table ? ` to ${table}` : ''}: ${e.message}`, recordContext(r), { cause: e }), reporter);
      }
      if (e instanceof DataException) return this.#badOrNull(r, e.withContext(recordContext(r)), reporter);
      throw e;
    }
  }

  async #badOrNull(r: SinkRecord, error: DataException, reporter: ErrantRecordReporter | null): Promise<null> {
    await this.#bad(r, error, reporter);
    return null;
  }

  /** Resolves the table and the shape's binding (running DDL when needed), then plans synchronously. */
  async #planSlow(session: Session, r: SinkRecord, reporter: ErrantRecordReporter | null, ddlFailures: Map<string, Error>): Promise<Op | null> {
    let table: TableId | undefined;
    try {
      table = await this.#tableFor(session, r.topic);
      const shape = r.value === null || r.value === undefined
        ? (this.#cfg.deleteEnabled ? deleteShape(r, this.#cfg.shape, this.#shapes) : null)
        : writeShape(r, this.#cfg.shape, this.#shapes);
      if (shape) {
        const bindKey = `${table.toString()}\u0000${shape.id}`;
        if (!ddlFailures.has(bindKey) && !this.#bound.has(bindKey)) {
          try {
            this.#bound.set(bindKey, await this.#structure.bind(session, table, shape));
          } catch (e) {
            if (e instanceof TableAlterOrCreateException) ddlFailures.set(bindKey, e);
            else throw e;
          }
        }
      }
    } catch (e) {
      if (e instanceof RecordShapeError) {
        return this.#badOrNull(r, new DataException(`Cannot write record${table ? ` to ${table}` : ''}: ${e.message}`, recordContext(r), { cause: e }), reporter);
      }
      throw e;
    }
    return this.#plan(session, r, reporter, ddlFailures);
  }

  /** Writes `records` in one transaction. Throws database errors that are not about the records' data. */
  async write(session: Session, records: readonly SinkRecord[], reporter: ErrantRecordReporter | null): Promise<void> {
    const ops: Op[] = [];
    const ddlFailures = new Map<string, Error>();
    for (const r of records) {
      const planned = this.#plan(session, r, reporter, ddlFailures);
      const op = planned instanceof Promise ? await planned : planned;
      if (op) ops.push(op);
    }
    if (ops.length === 0) return;
    await this.#prepareStages(session, ops);
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

  /** Whether writes of this op go through a staging table (PostgreSQL upsert/update, deletes). */
  #staged(op: Op): boolean {
    if (!this.#dialect.staging) return false;
    return op.kind === 'delete' || this.#cfg.insertMode !== 'insert';
  }

  #stageKey(op: Op): string {
    return `${op.kind}\u0000${op.table.toString()}\u0000${(op.kind === 'delete' ? op.bound.keys : op.bound.all).map((c) => c.def.name).join('\u0000')}`;
  }

  /** Creates the staging tables this put needs, before its transaction (a rollback would drop them). */
  async #prepareStages(session: Session, ops: Op[]): Promise<void> {
    const staging = this.#dialect.staging;
    if (!staging) return;
    for (const op of ops) {
      if (!this.#staged(op)) continue;
      const key = this.#stageKey(op);
      if (this.#stages.has(key)) continue;
      const name = `sluice_stage_${++this.#stageSeq}`;
      const cols = (op.kind === 'delete' ? op.bound.keys : op.bound.all).map((c) => c.def.name);
      await session.execute(staging.createSql(name, op.table, cols));
      this.#stages.set(key, name);
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

  #encodeInto(out: unknown[], op: Op, order: 'keysFirst' | 'nonKeysFirst' | 'keysOnly'): void {
    const b = op.bound;
    const nk = b.keys.length;
    const d = this.#dialect;
    const ctx = this.#cfg.encode;
    if (order === 'nonKeysFirst') {
      for (let j = 0; j < b.nonKeys.length; j++) out.push(d.encodeParam(op.values[nk + j], b.nonKeys[j]!.field.schema, b.nonKeys[j]!.def, ctx));
      for (let j = 0; j < nk; j++) out.push(d.encodeParam(op.values[j], b.keys[j]!.field.schema, b.keys[j]!.def, ctx));
      return;
    }
    const n = order === 'keysOnly' ? nk : b.all.length;
    for (let j = 0; j < n; j++) out.push(d.encodeParam(op.values[j], b.all[j]!.field.schema, b.all[j]!.def, ctx));
  }

  async #flushWrites(session: Session, all: Op[], reporter: ErrantRecordReporter | null): Promise<void> {
    const b = all[0]!.bound;
    const d = this.#dialect;
    const id = b.table.id;
    const keyNames = b.keys.map((c) => c.def.name);
    const nonKeyNames = b.nonKeys.map((c) => c.def.name);
    const allNames = [...keyNames, ...nonKeyNames];
    const mode = this.#cfg.insertMode;
    if (mode === 'update' && nonKeyNames.length === 0) return; // nothing to set
    const ops = mode === 'insert' ? all : this.#dedupe(all, keyNames.length);
    const copy = mode === 'insert' && this.#cfg.useCopy && session.copyIn ? d.copySql(id, allNames) : null;
    const stage = this.#staged(all[0]!) && session.copyIn ? this.#stages.get(this.#stageKey(all[0]!)) : undefined;

    const run = async (chunk: Op[], single: boolean): Promise<void> => {
      if (copy && !single) {
        await session.copyIn!(copy, this.#copyRows(chunk, b.all));
        return;
      }
      if (stage && !single) {
        const staging = d.staging!;
        await session.execute(staging.clearSql(stage));
        await session.copyIn!(staging.copySql(stage, allNames), this.#copyRows(chunk, b.all));
        await session.execute(mode === 'upsert' ? staging.upsertSql(id, stage, keyNames, nonKeyNames) : staging.updateSql(id, stage, keyNames, nonKeyNames));
        return;
      }
      if (mode === 'insert') {
        await session.execute(d.insertSql(id, allNames, chunk.length), this.#params(chunk, 'keysFirst'));
      } else if (mode === 'upsert') {
        await session.execute(d.upsertSql(id, keyNames, nonKeyNames, chunk.length, b.defs), this.#params(chunk, 'keysFirst'));
      } else {
        await session.execute(d.updateSql(id, keyNames, nonKeyNames, chunk.length, b.defs), this.#params(chunk, 'nonKeysFirst'));
      }
    };
    const fixedRows = mode === 'update' && d.kind === 'mysql' ? 1 : copy || stage ? Number.MAX_SAFE_INTEGER : undefined;
    for (const chunk of this.#chunks(ops, allNames.length, fixedRows)) await this.#guarded(session, chunk, run, reporter);
  }

  #params(chunk: Op[], order: 'keysFirst' | 'nonKeysFirst' | 'keysOnly'): unknown[] {
    const out: unknown[] = [];
    for (const op of chunk) this.#encodeInto(out, op, order);
    return out;
  }

  *#copyRows(ops: Op[], cols: readonly BoundColumn[]): Generator<string> {
    const d = this.#dialect;
    const ctx = this.#cfg.encode;
    let buf = '';
    for (const op of ops) {
      const values = op.values;
      for (let i = 0; i < cols.length; i++) {
        const v = values[i];
        if (i > 0) buf += '\t';
        buf += v === null || v === undefined ? '\\N' : copyEscape(d.encodeCopy(v, cols[i]!.field.schema, cols[i]!.def, ctx));
      }
      buf += '\n';
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
    const stage = session.copyIn ? this.#stages.get(this.#stageKey(all[0]!)) : undefined;
    const run = async (chunk: Op[], single: boolean): Promise<void> => {
      if (stage && !single) {
        const staging = this.#dialect.staging!;
        await session.execute(staging.clearSql(stage));
        await session.copyIn!(staging.copySql(stage, keyNames), this.#copyRows(chunk, b.keys));
        await session.execute(staging.deleteSql(b.table.id, stage, keyNames));
        return;
      }
      await session.execute(this.#dialect.deleteSql(b.table.id, keyNames, chunk.length), this.#params(chunk, 'keysOnly'));
    };
    for (const chunk of this.#chunks(ops, keyNames.length, stage ? Number.MAX_SAFE_INTEGER : undefined)) await this.#guarded(session, chunk, run, reporter);
  }

  /**
   * Runs a statement for `chunk` inside a savepoint (PostgreSQL aborts the whole transaction on an error otherwise;
   * MySQL rolls back just the statement). On a data error, replays the chunk one row at a time to find the bad rows.
   */
  async #guarded(session: Session, chunk: Op[], run: (ops: Op[], single: boolean) => Promise<void>, reporter: ErrantRecordReporter | null): Promise<void> {
    const sp = this.#dialect.kind === 'postgresql';
    try {
      if (sp) await session.execute('SAVEPOINT sluice_batch');
      await run(chunk, false);
      if (sp) await session.execute('RELEASE SAVEPOINT sluice_batch');
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code === '42P10') {
        const op = chunk[0]!;
        throw new SinkConfigurationError(
          `insert.mode=upsert needs a primary key or unique constraint on exactly (${op.bound.keys.map((k) => k.def.name).join(', ')}) in ${op.table}, ` +
            `the pk.fields of pk.mode=${this.#cfg.shape.pkMode}: ${describeDbError(e)}`,
          { cause: e },
        );
      }
      if (session.broken || !this.#dialect.isDataError(e)) throw e;
      if (sp) await session.execute('ROLLBACK TO SAVEPOINT sluice_batch');
      if (chunk.length === 1 && !this.#dialect.staging) {
        await this.#rejected(chunk[0]!, e, reporter);
        return;
      }
    }
    for (const op of chunk) {
      try {
        if (sp) await session.execute('SAVEPOINT sluice_row');
        await run([op], true);
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
