/** MySQL's catalog (information_schema): listing tables with JDBC's table types, describing a table's columns for the sink. */
import { TableId } from '../../util/identifiers.js';
import type { ColumnDefinition, Session, TableDefinition } from '../dialect.js';

export async function defaultNamespace(session: Session): Promise<{ catalog: string | null; schema: string | null }> {
  const r = await session.execute('SELECT DATABASE() AS db');
  return { catalog: (r.rows[0]?.db as string | null) ?? null, schema: null };
}

export async function listTables(session: Session, opts: { catalogPattern: string | null; types: string[] }): Promise<Array<{ id: TableId; type: string }>> {
  const params: unknown[] = [];
  let where: string;
  if (opts.catalogPattern === null) {
    // No pattern: the database named in the URL (all user databases when none is).
    where = `(DATABASE() IS NULL AND TABLE_SCHEMA NOT IN ('mysql','information_schema','performance_schema','sys')) OR TABLE_SCHEMA = DATABASE()`;
  } else {
    params.push(opts.catalogPattern);
    where = 'TABLE_SCHEMA LIKE ?';
  }
  const r = await session.execute(
    `SELECT TABLE_SCHEMA AS cat, TABLE_NAME AS name,
       CASE
         WHEN TABLE_SCHEMA IN ('mysql','information_schema','performance_schema','sys') THEN
           CASE WHEN TABLE_TYPE LIKE '%VIEW' THEN 'SYSTEM VIEW' ELSE 'SYSTEM TABLE' END
         WHEN TABLE_TYPE = 'BASE TABLE' THEN 'TABLE'
         WHEN TABLE_TYPE = 'TEMPORARY' THEN 'LOCAL TEMPORARY'
         ELSE TABLE_TYPE
       END AS type
     FROM information_schema.TABLES WHERE ${where}
     ORDER BY 3, 1, 2`,
    params,
  );
  const wanted = new Set(opts.types.map((t) => t.toUpperCase()));
  return r.rows
    .filter((row) => wanted.has(String(row.type)))
    .map((row) => ({ id: new TableId(String(row.cat), null, String(row.name)), type: String(row.type) }));
}

export async function describeTable(session: Session, id: TableId): Promise<TableDefinition | null> {
  const catalog = id.catalog ?? (await defaultNamespace(session)).catalog;
  const t = await session.execute(
    'SELECT TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [catalog, id.table],
  );
  if (t.rows.length === 0) return null;
  const cols = await session.execute(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dtype, COLUMN_TYPE AS ctype, IS_NULLABLE AS nullable,
       COLUMN_DEFAULT AS dflt, EXTRA AS extra, COLUMN_KEY AS ckey, CHARACTER_MAXIMUM_LENGTH AS maxlen,
       NUMERIC_PRECISION AS prec, NUMERIC_SCALE AS scale
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [catalog, id.table],
  );
  const type = String(t.rows[0]!.type) === 'VIEW' ? 'VIEW' : 'TABLE';
  const columns = cols.rows.map((row): ColumnDefinition => {
    const dtype = String(row.dtype).toLowerCase();
    const ctype = String(row.ctype).toLowerCase();
    const nullable = String(row.nullable) === 'YES';
    const def: ColumnDefinition = {
      name: String(row.name),
      typeName: ctype,
      category: 'other',
      nullable,
      hasDefault: row.dflt !== null || nullable,
      autoIncrement: /auto_increment/i.test(String(row.extra ?? '')),
      primaryKey: String(row.ckey) === 'PRI',
      unsigned: /unsigned/.test(ctype),
    };
    const bits: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64 };
    if (bits[dtype]) Object.assign(def, { category: 'int', intBits: bits[dtype] });
    else if (dtype === 'float' || dtype === 'double' || dtype === 'real') def.category = 'float';
    else if (dtype === 'decimal' || dtype === 'numeric') Object.assign(def, { category: 'decimal', precision: Number(row.prec), scale: Number(row.scale) });
    else if (/char|text|enum|set/.test(dtype)) Object.assign(def, { category: 'string', maxLength: row.maxlen === null ? null : Number(row.maxlen) });
    else if (/binary|blob/.test(dtype)) Object.assign(def, { category: 'bytes', maxLength: row.maxlen === null ? null : Number(row.maxlen) });
    else if (dtype === 'date') def.category = 'date';
    else if (dtype === 'time') def.category = 'time';
    else if (dtype === 'datetime') Object.assign(def, { category: 'timestamp', timeKind: 'wall' });
    else if (dtype === 'timestamp') Object.assign(def, { category: 'timestamp', timeKind: 'instant' });
    else if (dtype === 'json') def.category = 'json';
    else if (dtype === 'bit') def.category = 'bit';
    else if (dtype === 'year') Object.assign(def, { category: 'int', intBits: 16 });
    else if (dtype === 'uuid') def.category = 'uuid';
    return def;
  });
  return { id: new TableId(catalog, null, id.table), type, columns };
}
