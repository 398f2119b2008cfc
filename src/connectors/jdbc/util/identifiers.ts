/**
 * Table identifiers (Confluent's `TableId`): up to three parts, catalog.schema.table. PostgreSQL tables are
 * `schema.table`; MySQL/MariaDB tables are `database.table` (the database is the JDBC catalog).
 */

export type QuoteMethod = 'always' | 'never';

export class TableId {
  readonly catalog: string | null;
  readonly schema: string | null;
  readonly table: string;
  readonly #fqn: string;

  constructor(catalog: string | null, schema: string | null, table: string) {
    this.catalog = catalog || null;
    this.schema = schema || null;
    this.table = table;
    this.#fqn = this.parts().join('.');
  }

  /** The parts that are set, outermost first. */
  parts(): string[] {
    const out: string[] = [];
    if (this.catalog !== null) out.push(this.catalog);
    if (this.schema !== null) out.push(this.schema);
    out.push(this.table);
    return out;
  }

  /** Unquoted fully-qualified name, as Confluent writes it into the source partition (`public.orders`). */
  toString(): string {
    return this.#fqn;
  }

  equals(other: TableId): boolean {
    return this.catalog === other.catalog && this.schema === other.schema && this.table === other.table;
  }
}

/** Quotes one identifier with `q` (doubling any embedded quote character). */
export function quoteIdentifier(name: string, q: string): string {
  return q + name.split(q).join(q + q) + q;
}

/**
 * Splits a possibly quoted, dot-separated name into parts: `"My.Schema".orders` → [`My.Schema`, `orders`].
 * Quote characters recognised: `"` and the backtick.
 */
export function splitQualifiedName(text: string): { parts: string[]; quoted: boolean[] } {
  const parts: string[] = [];
  const quoted: boolean[] = [];
  let i = 0;
  const s = text.trim();
  while (i <= s.length) {
    const c = s[i];
    if (c === '"' || c === '`') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= s.length) throw new Error(`Unterminated quoted identifier in '${text}'`);
        if (s[j] === c) {
          if (s[j + 1] === c) { out += c; j += 2; continue; }
          break;
        }
        out += s[j++];
      }
      parts.push(out);
      quoted.push(true);
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.') j++;
      parts.push(s.slice(i, j).trim());
      quoted.push(false);
      i = j;
    }
    if (i >= s.length) break;
    if (s[i] !== '.') throw new Error(`Unexpected character '${s[i]}' in identifier '${text}'`);
    i++;
  }
  return { parts, quoted };
}

/**
 * Splits a comma-separated list in which items may contain quoted identifiers with commas
 * (the `tables` task config: `"public"."a,b","public"."c"`).
 */
export function splitQuotedList(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      cur += c;
      if (c === quote) {
        if (text[i + 1] === quote) { cur += quote; i++; } else quote = null;
      }
    } else if (c === '"' || c === '`') {
      quote = c;
      cur += c;
    } else if (c === ',') {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}
