/**
 * Destination tables (Confluent's DbStructure): cached definitions, CREATE TABLE for `auto.create`, ALTER TABLE …
 * ADD for `auto.evolve` — only optional or defaulted fields, never type changes, drops or NOT NULL columns — and the
 * binding of a record shape's fields to the table's actual columns (exact name, else case-insensitive).
 */
import type { Schema } from '../../../data/index.js';
import { describeDbError, type ColumnDefinition, type DdlColumn, type Dialect, type Session, type TableDefinition } from '../dialect/index.js';
import type { TableId } from '../util/identifiers.js';
import type { Shape, ShapeColumn } from './shape.js';

/** DDL could not make the table fit the records (missing table/columns, refused evolution). */
export class TableAlterOrCreateException extends Error {
  override readonly name = 'TableAlterOrCreateException';
}

export interface BoundColumn {
  field: ShapeColumn;
  def: ColumnDefinition;
}

export interface BoundShape {
  shape: Shape;
  table: TableDefinition;
  keys: BoundColumn[];
  nonKeys: BoundColumn[];
  /** Keys then non-keys (the order of an op's values). */
  all: BoundColumn[];
  /** Column definitions by (actual) column name, for casts. */
  defs: ReadonlyMap<string, ColumnDefinition>;
}

export interface StructureConfig {
  autoCreate: boolean;
  autoEvolve: boolean;
  tableTypes: string[];
  maxRetries: number;
}

function fieldSpec(d: Dialect, c: ShapeColumn, isPk: boolean): DdlColumn {
  const schema = c.schema as Schema;
  const type = d.sqlTypeFor(schema, isPk);
  const dflt = schema.defaultValue;
  return {
    name: c.name,
    type,
    optional: !isPk && schema.optional,
    defaultLiteral: dflt !== null && dflt !== undefined ? d.defaultLiteral(schema, dflt) : null,
  };
}

export class DbStructure {
  readonly #dialect: Dialect;
  readonly #cfg: StructureConfig;
  readonly #tables = new Map<string, TableDefinition | null>();
  readonly #bound = new Map<string, BoundShape>();

  constructor(dialect: Dialect, cfg: StructureConfig) {
    this.#dialect = dialect;
    this.#cfg = cfg;
  }

  invalidate(): void {
    this.#tables.clear();
    this.#bound.clear();
  }

  async #definition(session: Session, id: TableId, refresh = false): Promise<TableDefinition | null> {
    const key = id.toString();
    if (!refresh && this.#tables.has(key)) return this.#tables.get(key)!;
    const def = await this.#dialect.describeTable(session, id);
    this.#tables.set(key, def);
    return def;
  }

  /** The shape bound to the table's columns, creating or evolving the table first when allowed. */
  async bind(session: Session, id: TableId, shape: Shape): Promise<BoundShape> {
    const cacheKey = `${id}\u0000${shape.id}`;
    const hit = this.#bound.get(cacheKey);
    if (hit) return hit;
    let def = await this.#definition(session, id);
    if (!def) def = await this.#create(session, id, shape);
    const allowed = new Set(this.#cfg.tableTypes.map((t) => t.toUpperCase()));
    if (!allowed.has(def.type) && !(def.type === 'MATERIALIZED VIEW' && allowed.has('VIEW'))) {
      throw new TableAlterOrCreateException(`${id} is a ${def.type}, which table.types (${this.#cfg.tableTypes.join(',')}) does not include`);
    }
    let missing = this.#missing(def, shape);
    if (missing.length > 0) {
      def = await this.#evolve(session, id, def, shape, missing);
      missing = this.#missing(def, shape);
      if (missing.length > 0) throw new TableAlterOrCreateException(`Table ${id} still lacks columns ${missing.map((m) => m.name).join(', ')} after ALTER TABLE`);
    }
    const find = (name: string): ColumnDefinition =>
      def!.columns.find((c) => c.name === name) ?? def!.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())!;
    const bindAll = (cols: ShapeColumn[]): BoundColumn[] => cols.map((field) => ({ field, def: find(field.name) }));
    const keys = bindAll(shape.keyColumns);
    const nonKeys = bindAll(shape.nonKeyColumns);
    const bound: BoundShape = {
      shape,
      table: def,
      keys,
      nonKeys,
      all: [...keys, ...nonKeys],
      defs: new Map(def.columns.map((c) => [c.name, c])),
    };
    if (this.#bound.size > 1000) this.#bound.clear();
    this.#bound.set(cacheKey, bound);
    return bound;
  }

  #missing(def: TableDefinition, shape: Shape): ShapeColumn[] {
    const exact = new Set(def.columns.map((c) => c.name));
    const lower = new Set(def.columns.map((c) => c.name.toLowerCase()));
    return [...shape.keyColumns, ...shape.nonKeyColumns].filter((c) => !exact.has(c.name) && !lower.has(c.name.toLowerCase()));
  }

  async #create(session: Session, id: TableId, shape: Shape): Promise<TableDefinition> {
    if (!this.#cfg.autoCreate) throw new TableAlterOrCreateException(`Table ${id} is missing and auto-creation is disabled`);
    const untyped = shape.createOrder.filter((c) => c.schema === null);
    if (untyped.length > 0) {
      throw new TableAlterOrCreateException(
        `Table ${id} is missing and cannot be created from schemaless records (no types for ${untyped.map((c) => c.name).join(', ')}): create the table, or send records with schemas`,
      );
    }
    const keyNames = new Set(shape.keyColumns.map((k) => k.name));
    let sql: string;
    try {
      sql = this.#dialect.createTableSql(id, shape.createOrder.map((c) => fieldSpec(this.#dialect, c, keyNames.has(c.name))), shape.keyColumns.map((k) => k.name));
    } catch (e) {
      throw new TableAlterOrCreateException(`Cannot create table ${id}: ${(e as Error).message}`, { cause: e });
    }
    try {
      await session.execute(sql);
    } catch (e) {
      // Another task may have created it first.
      const def = await this.#definition(session, id, true);
      if (def) return def;
      throw new TableAlterOrCreateException(`CREATE TABLE ${id} failed: ${describeDbError(e)}\n${sql}`, { cause: e });
    }
    const def = await this.#definition(session, id, true);
    if (!def) throw new TableAlterOrCreateException(`Table ${id} was created but cannot be described`);
    return def;
  }

  async #evolve(session: Session, id: TableId, def: TableDefinition, shape: Shape, missing: ShapeColumn[]): Promise<TableDefinition> {
    if (def.type === 'VIEW' || def.type === 'MATERIALIZED VIEW') {
      throw new TableAlterOrCreateException(`${id} is a view and lacks columns ${missing.map((m) => m.name).join(', ')}; views are never altered`);
    }
    const untyped = missing.filter((c) => c.schema === null);
    if (untyped.length > 0) {
      throw new TableAlterOrCreateException(
        `Table ${id} has no column for field(s) ${untyped.map((c) => c.name).join(', ')} of a schemaless record; its columns are ${def.columns.map((c) => c.name).join(', ')}. ` +
          'Add the columns, or leave the fields out with fields.whitelist',
      );
    }
    const keyNames = new Set(shape.keyColumns.map((k) => k.name));
    for (const c of missing) {
      const s = c.schema!;
      if (keyNames.has(c.name) || (!s.optional && (s.defaultValue === null || s.defaultValue === undefined))) {
        throw new TableAlterOrCreateException(
          `Cannot ALTER TABLE ${id} to add missing field ${c.name} (${s}), as the field is not optional and does not have a default value` +
            (keyNames.has(c.name) ? ' (primary key columns are never added to existing tables)' : ''),
        );
      }
    }
    if (!this.#cfg.autoEvolve) {
      throw new TableAlterOrCreateException(`Table ${id} is missing fields (${missing.map((m) => `${m.name}: ${m.schema}`).join(', ')}) and auto-evolution is disabled`);
    }
    let specs: ReturnType<typeof fieldSpec>[];
    try {
      specs = missing.map((c) => fieldSpec(this.#dialect, c, false));
    } catch (e) {
      throw new TableAlterOrCreateException(`Cannot add columns to ${id}: ${(e as Error).message}`, { cause: e });
    }
    let last: unknown;
    for (let attempt = 0; attempt <= this.#cfg.maxRetries; attempt++) {
      try {
        for (const sql of this.#dialect.alterTableSql(id, specs)) await session.execute(sql);
        return (await this.#definition(session, id, true))!;
      } catch (e) {
        last = e;
        // Someone else may have added them: re-read and check.
        const fresh = await this.#definition(session, id, true);
        if (fresh && this.#missing(fresh, shape).length === 0) return fresh;
        const still = fresh ? this.#missing(fresh, shape) : missing;
        specs = specs.filter((sp) => still.some((m) => m.name === sp.name));
      }
    }
    throw new TableAlterOrCreateException(`ALTER TABLE ${id} failed: ${describeDbError(last)}`, { cause: last });
  }
}
