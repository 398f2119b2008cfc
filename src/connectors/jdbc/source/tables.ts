/** Which tables a source copies, how they are spread over tasks, and per-table column mappings. */
import { ConfigException } from '../../api/index.js';
import { S } from '../config.js';
import type { Dialect } from '../dialect/index.js';
import { TableId, splitQualifiedName, splitQuotedList } from '../util/identifiers.js';

export interface TableFilter {
  whitelist: string[];
  blacklist: string[];
  include: RegExp[];
  exclude: RegExp[];
}

export function tableFilter(values: Record<string, unknown>): TableFilter {
  const list = (k: string): string[] => ((values[k] as string[] | null) ?? []).filter((s) => s !== '');
  const regexes = (k: string): RegExp[] => list(k).map((r) => new RegExp(`^(?:${r})$`));
  return {
    whitelist: list(S.TABLE_WHITELIST),
    blacklist: list(S.TABLE_BLACKLIST),
    include: regexes(S.TABLE_INCLUDE_LIST),
    exclude: regexes(S.TABLE_EXCLUDE_LIST),
  };
}

/** Quoted fully-qualified name, as the dialect would write it with quoting on. */
export function quotedFqn(dialect: Dialect, id: TableId): string {
  return id.parts().map((p) => dialect.quoteAlways(p)).join('.');
}

/** Applies the whitelist/blacklist (exact: unquoted FQN, quoted FQN or bare name) or the include/exclude regexes. */
export function filterTables(dialect: Dialect, tables: readonly TableId[], f: TableFilter): TableId[] {
  const matches = (names: Set<string>, id: TableId): boolean =>
    names.has(id.toString()) || names.has(quotedFqn(dialect, id)) || names.has(id.table);
  if (f.whitelist.length > 0) {
    const names = new Set(f.whitelist);
    return tables.filter((t) => matches(names, t));
  }
  if (f.blacklist.length > 0) {
    const names = new Set(f.blacklist);
    return tables.filter((t) => !matches(names, t));
  }
  if (f.include.length > 0) {
    return tables.filter((t) => {
      const fqn = t.toString();
      return f.include.some((r) => r.test(fqn)) && !f.exclude.some((r) => r.test(fqn));
    });
  }
  return [...tables];
}

/** Confluent fails when two selected tables share a bare name: both would write to one topic. */
export function duplicateBareNames(tables: readonly TableId[]): string[] {
  const seen = new Map<string, TableId[]>();
  for (const t of tables) seen.set(t.table, [...(seen.get(t.table) ?? []), t]);
  return [...seen.values()].filter((v) => v.length > 1).map((v) => v.map((t) => t.toString()).join(' and '));
}

/** Kafka's ConnectorUtils.groupPartitions: contiguous chunks, the first (n % groups) one element longer. */
export function groupPartitions<T>(elements: readonly T[], numGroups: number): T[][] {
  if (numGroups <= 0) throw new Error('Number of groups must be positive.');
  const result: T[][] = [];
  const perGroup = Math.floor(elements.length / numGroups);
  const leftover = elements.length - numGroups * perGroup;
  let assigned = 0;
  for (let g = 0; g < numGroups; g++) {
    const n = g < leftover ? perGroup + 1 : perGroup;
    result.push(elements.slice(assigned, assigned + n));
    assigned += n;
  }
  return result;
}

/** The `tables` task config: quoted FQNs joined by commas. */
export function encodeTables(dialect: Dialect, tables: readonly TableId[]): string {
  return tables.map((t) => quotedFqn(dialect, t)).join(',');
}

export function decodeTables(dialect: Dialect, text: string): TableId[] {
  return splitQuotedList(text).map((item) => {
    const { parts } = splitQualifiedName(item);
    if (dialect.kind === 'postgresql') {
      return parts.length >= 2 ? new TableId(null, parts[parts.length - 2]!, parts[parts.length - 1]!) : new TableId(null, null, parts[0]!);
    }
    return parts.length >= 2 ? new TableId(parts[parts.length - 2]!, null, parts[parts.length - 1]!) : new TableId(null, null, parts[0]!);
  });
}

/** `regex:column` (incrementing) or `regex:[c1|c2]` (timestamp) mapping entries. */
export interface ColumnMapping {
  regex: RegExp;
  source: string;
  columns: string[];
}

export function parseColumnMappings(key: string, entries: readonly string[]): ColumnMapping[] {
  return entries.filter((e) => e.trim() !== '').map((e) => {
    const i = e.lastIndexOf(':');
    if (i <= 0) throw new ConfigException(key, e, 'Expected entries of the form regex:column');
    const source = e.slice(0, i).trim();
    let cols = e.slice(i + 1).trim();
    if (cols.startsWith('[') && cols.endsWith(']')) cols = cols.slice(1, -1);
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${source})$`);
    } catch (err) {
      throw new ConfigException(key, e, `Invalid regular expression: ${(err as Error).message}`);
    }
    return { regex, source, columns: cols.split('|').map((c) => c.trim()).filter((c) => c !== '') };
  });
}

/** The columns the mapping gives a table: exactly one entry may match; none gives null. */
export function mappedColumns(key: string, mappings: readonly ColumnMapping[], table: TableId): string[] | null {
  const fqn = table.toString();
  const hits = mappings.filter((m) => m.regex.test(fqn));
  if (hits.length > 1) {
    throw new ConfigException(key, hits.map((h) => h.source).join(','), `Table ${fqn} matches more than one mapping: ${hits.map((h) => h.source).join(', ')}`);
  }
  return hits[0]?.columns ?? null;
}
