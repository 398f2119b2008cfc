/** PostgreSQL array literals (`{1,2,NULL,"a \"b\""}`, nested for several dimensions) ↔ JS arrays of text. */

export type PgArrayText = Array<string | null | PgArrayText>;

/** Parses an array literal into nested arrays of element text (null for NULL). `delimiter` is ',' except for box. */
export function parsePgArray(text: string, delimiter = ','): PgArrayText {
  let i = 0;
  // Optional dimension decoration: [1:3]={…}
  if (text[0] === '[') {
    const eq = text.indexOf('=');
    if (eq < 0) throw new Error(`malformed array literal: ${text}`);
    i = eq + 1;
  }
  const parse = (): PgArrayText => {
    if (text[i] !== '{') throw new Error(`malformed array literal: ${text}`);
    i++;
    const out: PgArrayText = [];
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      const c = text[i];
      if (c === '{') {
        out.push(parse());
      } else if (c === '"') {
        i++;
        let s = '';
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        if (text[i] !== '"') throw new Error(`malformed array literal: ${text}`);
        i++;
        out.push(s);
      } else {
        let j = i;
        while (j < text.length && text[j] !== delimiter && text[j] !== '}') j++;
        const raw = text.slice(i, j).trim();
        out.push(raw.toUpperCase() === 'NULL' ? null : raw);
        i = j;
      }
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      throw new Error(`malformed array literal: ${text}`);
    }
  };
  const result = parse();
  if (i !== text.length) throw new Error(`malformed array literal: ${text}`);
  return result;
}

/** An array literal of element texts (already formatted); every non-null element is quoted. */
export function formatPgArray(items: readonly unknown[], element: (v: unknown) => string): string {
  const parts: string[] = [];
  for (const v of items) {
    if (v === null || v === undefined) parts.push('NULL');
    else if (Array.isArray(v)) parts.push(formatPgArray(v, element));
    else parts.push('"' + element(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"');
  }
  return '{' + parts.join(',') + '}';
}
