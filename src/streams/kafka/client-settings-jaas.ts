/**
 * `sasl.jaas.config` read as Kafka reads it (org.apache.kafka.common.security.JaasConfig): Java's StreamTokenizer
 * with `//` and `/* *\/` comments, `-`, `_` and `$` as word characters, quoted values with Java's escapes, and
 * `<loginModuleClass> <controlFlag> (<name>=<value>)* ;` per entry. A client takes exactly one entry
 * (JaasContext.loadClientContext).
 */

export interface JaasEntry {
  readonly loginModule: string;
  readonly controlFlag: 'required' | 'requisite' | 'sufficient' | 'optional';
  readonly options: Readonly<Record<string, string>>;
}

export class JaasConfigError extends Error {
  override readonly name = 'JaasConfigError';
}

type Token =
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'quoted'; readonly value: string }
  | { readonly kind: 'number' }
  | { readonly kind: 'char'; readonly value: string };

const isDigit = (c: string) => c >= '0' && c <= '9';
/** StreamTokenizer's default word characters plus Kafka's `-`, `_`, `$` (any char above U+00FF counts as one). */
function isAlpha(c: string): boolean {
  const code = c.charCodeAt(0);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || code >= 0xa0 || c === '-' || c === '_' || c === '$';
}
/** Numeric characters: a token starting with one of these is a number, which has no string value. */
const isNumeric = (c: string) => isDigit(c) || c === '.' || c === '-';

const ESCAPES: Readonly<Record<string, string>> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\u000b' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c.charCodeAt(0) <= 0x20) {
      i++;
      continue;
    }
    if (c === '/') {
      if (text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 2;
        continue;
      }
      // `//` and a lone `/` (the default comment character) both comment out the rest of the line.
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (isNumeric(c)) {
      // `-` binds as a number only when a digit or `.` follows (as in StreamTokenizer); otherwise it is a char.
      if (c === '-' && !(i + 1 < n && (isDigit(text[i + 1]!) || text[i + 1] === '.'))) {
        tokens.push({ kind: 'char', value: '-' });
        i++;
        continue;
      }
      i++;
      let dot = c === '.';
      while (i < n && (isDigit(text[i]!) || (text[i] === '.' && !dot))) {
        if (text[i] === '.') dot = true;
        i++;
      }
      tokens.push({ kind: 'number' });
      continue;
    }
    if (isAlpha(c)) {
      let j = i + 1;
      while (j < n && (isAlpha(text[j]!) || isNumeric(text[j]!))) j++;
      tokens.push({ kind: 'word', value: text.slice(i, j) });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      let out = '';
      i++;
      while (i < n && text[i] !== c && text[i] !== '\n' && text[i] !== '\r') {
        let ch = text[i]!;
        if (ch === '\\' && i + 1 < n) {
          const e = text[++i]!;
          if (e >= '0' && e <= '7') {
            // Up to three octal digits (the first at most 3 when there are three), as Java reads them.
            let digits = e;
            const max = e <= '3' ? 3 : 2;
            while (digits.length < max && i + 1 < n && text[i + 1]! >= '0' && text[i + 1]! <= '7') digits += text[++i]!;
            ch = String.fromCharCode(parseInt(digits, 8));
          } else {
            ch = ESCAPES[e] ?? e;
          }
        }
        out += ch;
        i++;
      }
      if (i < n && text[i] === c) i++;
      tokens.push({ kind: 'quoted', value: out });
      continue;
    }
    tokens.push({ kind: 'char', value: c });
    i++;
  }
  return tokens;
}

const sval = (t: Token | undefined): string | undefined => (t && (t.kind === 'word' || t.kind === 'quoted') ? t.value : undefined);

const FLAGS = ['required', 'requisite', 'sufficient', 'optional'] as const;

/** Every entry of a JAAS config; throws JaasConfigError with Kafka's message when it does not parse. */
export function parseJaasEntries(text: string): JaasEntry[] {
  const tokens = tokenize(text);
  const entries: JaasEntry[] = [];
  let i = 0;
  while (i < tokens.length) {
    const loginModule = sval(tokens[i++]);
    if (i >= tokens.length) throw new JaasConfigError('Login module control flag not specified in JAAS config');
    const flagText = sval(tokens[i++]);
    if (flagText === undefined) throw new JaasConfigError('Login module control flag is not available in the JAAS config');
    const flag = FLAGS.find((f) => f === flagText.toLowerCase());
    if (!flag) throw new JaasConfigError(`Invalid login module control flag '${flagText}' in JAAS config`);
    if (loginModule === undefined) throw new JaasConfigError('Login module name is missing in the JAAS config');
    const options: Record<string, string> = {};
    let terminated = false;
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t.kind === 'char' && t.value === ';') {
        terminated = true;
        break;
      }
      const key = sval(t);
      const eq = tokens[i++];
      const value = sval(tokens[i]);
      if (!(eq?.kind === 'char' && eq.value === '=') || i >= tokens.length || value === undefined) {
        throw new JaasConfigError(`Value not specified for key '${key ?? null}' in JAAS config`);
      }
      i++;
      // defineProperty: an option named __proto__ is an option like any other.
      Object.defineProperty(options, key ?? 'null', { value, enumerable: true, writable: true, configurable: true });
    }
    if (!terminated) throw new JaasConfigError('JAAS config entry not terminated by semi-colon');
    entries.push({ loginModule, controlFlag: flag, options });
  }
  if (entries.length === 0) throw new JaasConfigError('Login module not specified in JAAS config');
  return entries;
}

/** The one login module of a client's JAAS config (JaasContext.loadClientContext's rule). */
export function parseClientJaas(text: string): JaasEntry {
  const entries = parseJaasEntries(text);
  if (entries.length !== 1) throw new JaasConfigError(`JAAS config property contains ${entries.length} login modules, should be 1 module`);
  return entries[0]!;
}

/** A JAAS option value written so that parseJaasEntries reads it back as is. */
export function quoteJaasValue(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return `${out}"`;
}
