/** PostgreSQL's catalog: listing tables (with JDBC's table types), describing a table's columns for the sink. */
import { TableId } from '../../util/identifiers.js';
import type { ColumnDefinition, Session, TableDefinition } from '../dialect.js';

export async function defaultNamespace(session: Session): Promise<{ catalog: string | null; schema: string | null }> {
  const r = await session.execute('SELECT current_schema() AS s');
  return { catalog: null, schema: (r.rows[0]?.s as string | null) ?? 'public' };
}

export async function listTables(session: Session, opts: { schemaPattern: string | null; types: string[] }): Promise<Array<{ id: TableId; type: string }>> {
  const params: unknown[] = [];
  let where = `c.relkind IN ('r','p','v','m','f')`;
  if (opts.schemaPattern !== null) {
    params.push(opts.schemaPattern);
    where += ` AND n.nspname LIKE $${params.length}`;
  }
  const r = await session.execute(
    `SELECT n.nspname AS schema, c.relname AS name,
       CASE
         WHEN n.nspname IN ('pg_catalog','information_schema') THEN CASE c.relkind WHEN 'v' THEN 'SYSTEM VIEW' ELSE 'SYSTEM TABLE' END
         WHEN n.nspname LIKE 'pg\\_toast%' THEN 'SYSTEM TOAST TABLE'
         WHEN n.nspname LIKE 'pg\\_temp%' THEN CASE c.relkind WHEN 'v' THEN 'TEMPORARY VIEW' ELSE 'TEMPORARY TABLE' END
         ELSE CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
           WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' END
       END AS type
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE ${where}
     ORDER BY 3, 1, 2`,
    params,
  );
  const wanted = new Set(opts.types.map((t) => t.toUpperCase()));
  return r.rows
    .filter((row) => wanted.has(String(row.type)))
    .map((row) => ({ id: new TableId(null, String(row.schema), String(row.name)), type: String(row.type) }));
}

export async function describeTable(session: Session, id: TableId): Promise<TableDefinition | null> {
  const schema = id.schema ?? (await defaultNamespace(session)).schema;
  const rel = await session.execute(
    `SELECT c.oid AS oid, c.relkind AS kind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f')`,
    [schema, id.table],
  );
  const relRow = rel.rows[0];
  if (!relRow) return null;
  const cols = await session.execute(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS full_type, a.attnotnull AS notnull,
       a.atthasdef AS hasdef, a.attidentity AS identity,
       COALESCE(pg_get_expr(d.adbin, d.adrelid), '') AS defexpr,
       COALESCE(bt.typname, t.typname) AS typname, COALESCE(bt.typtype, t.typtype) AS typtype,
       COALESCE(bt.typcategory, t.typcategory) AS typcategory,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
       et.typname AS elemname, et.typtype AS elemtype, et.typcategory AS elemcategory,
       EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)) AS pk
     FROM pg_catalog.pg_attribute a
     JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
     LEFT JOIN pg_catalog.pg_type et ON et.oid = COALESCE(bt.typelem, t.typelem) AND COALESCE(bt.typcategory, t.typcategory) = 'A'
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [relRow.oid],
  );
  const kind = String(relRow.kind);
  const type = kind === 'v' ? 'VIEW' : kind === 'p' ? 'PARTITIONED TABLE' : kind === 'm' ? 'MATERIALIZED VIEW' : kind === 'f' ? 'FOREIGN TABLE' : 'TABLE';
  const columns: ColumnDefinition[] = cols.rows.map((row) => {
    const typmod = Number(row.typmod);
    const def = pgColumn(String(row.name), String(row.full_type), String(row.typname), String(row.typtype), String(row.typcategory), typmod);
    def.nullable = !pgBool(row.notnull);
    def.hasDefault = pgBool(row.hasdef) || String(row.identity ?? '') !== '';
    def.autoIncrement = String(row.identity ?? '') !== '' || String(row.defexpr).startsWith('nextval(');
    def.primaryKey = pgBool(row.pk);
    if (def.category === 'array' && row.elemname) {
      def.element = pgColumn('element', String(row.elemname), String(row.elemname), String(row.elemtype), String(row.elemcategory), typmod);
    }
    return def;
  });
  return { id: new TableId(null, schema, id.table), type, columns };
}

/** A sink column definition from catalog facts. */
function pgColumn(name: string, fullType: string, typname: string, typtype: string, typcategory: string, typmod: number): ColumnDefinition {
  const def: ColumnDefinition = {
    name, typeName: fullType, category: 'other', nullable: true, hasDefault: false, autoIncrement: false, primaryKey: false,
  };
  switch (typname) {
    case 'int2': Object.assign(def, { category: 'int', intBits: 16 }); break;
    case 'int4': Object.assign(def, { category: 'int', intBits: 32 }); break;
    case 'int8': case 'oid': Object.assign(def, { category: 'int', intBits: 64 }); break;
    case 'float4': case 'float8': def.category = 'float'; break;
    case 'numeric': {
      const { precision, scale } = numericTypmod(typmod);
      Object.assign(def, { category: 'decimal', precision, scale: precision === null ? null : scale });
      break;
    }
    case 'bool': def.category = 'bool'; break;
    case 'varchar': case 'bpchar':
      Object.assign(def, { category: 'string', maxLength: typmod >= 4 ? typmod - 4 : null });
      break;
    case 'text': case 'name': case 'char': case 'citext': case 'xml': def.category = 'string'; break;
    case 'bytea': def.category = 'bytes'; break;
    case 'date': def.category = 'date'; break;
    case 'time': case 'timetz': def.category = 'time'; break;
    case 'timestamp': Object.assign(def, { category: 'timestamp', timeKind: 'wall' }); break;
    case 'timestamptz': Object.assign(def, { category: 'timestamp', timeKind: 'instant' }); break;
    case 'json': case 'jsonb': def.category = 'json'; break;
    case 'uuid': def.category = 'uuid'; break;
    case 'bit': case 'varbit': def.category = 'bit'; break;
    default:
      if (typcategory === 'A') def.category = 'array';
      else if (typtype === 'e' || typcategory === 'S') def.category = 'string';
  }
  return def;
}

/** Precision and scale of a numeric type modifier; an unconstrained numeric has no precision and scale 127. */
export function numericTypmod(typmod: number): { precision: number | null; scale: number } {
  if (typmod < 4) return { precision: null, scale: 127 };
  const v = typmod - 4;
  let scale = v & 0x7ff;
  if (scale > 1023) scale -= 2048;
  return { precision: (v >> 16) & 0xffff, scale };
}

export function pgBool(v: unknown): boolean {
  return v === true || v === 't' || v === 'true';
}
