/**
 * Java regular expressions on a JavaScript engine: the syntax Kafka users write in `regex` / `pattern` configs
 * translated to a RegExp (`\Q…\E` quoting, `\A` `\z` `\Z`, leading inline flags, POSIX `\p{…}` classes),
 * `Matcher.matches()` (the whole input), and `Matcher.replaceFirst` with Java's replacement syntax
 * (`$1`, `${name}`, `\$`). Constructs JavaScript cannot express (possessive quantifiers, atomic groups,
 * class intersections) are refused with a clear error rather than silently changing meaning.
 */

const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'A-Za-z',
  Digit: '0-9',
  Alnum: 'A-Za-z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: 'a-z',
  javaUpperCase: 'A-Z',
  javaWhitespace: ' \\t\\n\\x0B\\f\\r\\x1C-\\x1F',
  L: 'A-Za-z\\u00AA\\u00B5\\u00BA\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF',
  IsAlphabetic: 'A-Za-z',
  IsDigit: '0-9',
  IsLetter: 'A-Za-z',
};

/** A Java pattern JavaScript cannot run (Java's PatternSyntaxException, or a construct we refuse). */
export class JavaRegexError extends Error {
  override readonly name = 'JavaRegexError';
}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Translates Java regex syntax into a JavaScript RegExp source and flags. */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern;
  // Leading inline flags, e.g. (?i) or (?is).
  const inline = /^\(\?([imsux]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      else if (f === 's' && !flags.includes('s')) flags += 's';
      else if (f === 'm' && !flags.includes('m')) flags += 'm';
      else if (f === 'x' || f === 'u') throw new JavaRegexError(`inline flag (?${f}) is not supported: ${pattern}`);
    }
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = 0;
  let afterQuantifier = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      afterQuantifier = false;
      const n = src[i + 1];
      if (n === undefined) throw new JavaRegexError(`Unexpected internal error near index ${i + 1}: ${pattern}`);
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += escapeLiteral(lit);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (n === 'A' && !inClass) { out += '(?<![\\s\\S])'; i++; continue; }
      if (n === 'z' && !inClass) { out += '(?![\\s\\S])'; i++; continue; }
      if (n === 'Z' && !inClass) { out += '(?=\\n?(?![\\s\\S]))'; i++; continue; }
      if (n === 'p' || n === 'P') {
        const m = /^\{(?:Is)?([A-Za-z]+)\}/.exec(src.slice(i + 2)) ?? /^([A-Za-z])/.exec(src.slice(i + 2));
        const name = m?.[1];
        const cls = name !== undefined ? (POSIX_CLASSES[name] ?? POSIX_CLASSES[`Is${name}`]) : undefined;
        if (!m || cls === undefined) throw new JavaRegexError(`Unknown character property name near index ${i}: ${pattern}`);
        if (inClass && n === 'P') throw new JavaRegexError(`\\P{...} inside a character class is not supported: ${pattern}`);
        out += inClass ? cls : `[${n === 'P' ? '^' : ''}${cls}]`;
        i += 1 + m[0].length;
        continue;
      }
      if (n === 'h') { out += inClass ? ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000' : '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]'; i++; continue; }
      if (n === 'R' && !inClass) { out += '(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])'; i++; continue; }
      if (n === 'G' || n === 'X' || n === 'N') throw new JavaRegexError(`\\${n} is not supported: ${pattern}`);
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[') throw new JavaRegexError(`nested character classes / intersections are not supported: ${pattern}`);
      if (c === '&' && src[i + 1] === '&') throw new JavaRegexError(`character class intersection is not supported: ${pattern}`);
      if (c === ']') inClass = 0;
      out += c;
      continue;
    }
    if (c === '[') {
      afterQuantifier = false;
      inClass = 1;
      out += c;
      // A ']' right after '[' or '[^' is a literal in Java.
      if (src[i + 1] === '^') { out += '^'; i++; }
      if (src[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('>')) throw new JavaRegexError(`atomic groups are not supported: ${pattern}`);
      if (/^[imsux-]+[:)]/.test(rest)) throw new JavaRegexError(`inline flags inside the pattern are not supported: ${pattern}`);
    }
    if (c === '*' || c === '+' || c === '?') {
      if (afterQuantifier && c === '+') throw new JavaRegexError(`possessive quantifiers are not supported: ${pattern}`);
      // `x*?` is a lazy quantifier; a quantifier right after it is a syntax error RegExp reports.
      afterQuantifier = !afterQuantifier;
      out += c;
      continue;
    }
    const bounded = c === '{' ? /^\{\d+(?:,\d*)?\}/.exec(src.slice(i)) : null;
    if (bounded) {
      afterQuantifier = true;
      out += bounded[0];
      i += bounded[0].length - 1;
      continue;
    }
    afterQuantifier = false;
    out += c;
  }
  return { source: out, flags };
}

/** Compiles a Java pattern; throws JavaRegexError when it is invalid or untranslatable. */
export function compileJavaRegex(pattern: string): RegExp {
  const { source, flags } = translateJavaRegex(pattern);
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new JavaRegexError(`${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** A compiled Java pattern with `matches()` (whole input) and `find()` (first occurrence) forms. */
export class JavaPattern {
  readonly pattern: string;
  readonly find: RegExp;
  readonly whole: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;

  constructor(pattern: string) {
    this.pattern = pattern;
    this.find = compileJavaRegex(pattern);
    // Sticky from index 0 and forced to the very end: Java's matches(), whatever `m` does to ^ and $.
    this.whole = new RegExp(`(?:${this.find.source})(?![\\s\\S])`, `${this.find.flags}y`);
    this.groupCount = new RegExp(`${this.find.source}|`, this.find.flags).exec('')!.length - 1;
    const names = new Set<string>();
    for (const m of this.find.source.matchAll(/\(\?<([A-Za-z][A-Za-z0-9]*)>/g)) names.add(m[1]!);
    this.groupNames = names;
  }

  /** Java's `Matcher.matches()`: the whole input. */
  matches(input: string): boolean {
    this.whole.lastIndex = 0;
    return this.whole.test(input);
  }
}

type ReplacementPart = string | { group: number } | { name: string };

/**
 * Java's `Matcher.appendReplacement` syntax compiled once: `$n` takes as many digits as still name an
 * existing group, `${name}` a named group, `\x` is a literal x. Throws JavaRegexError as Java throws
 * IllegalArgumentException / IndexOutOfBoundsException.
 */
export function compileJavaReplacement(replacement: string, pattern: JavaPattern): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let lit = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new JavaRegexError('character to be escaped is missing');
      lit += replacement[i];
      continue;
    }
    if (c !== '$') {
      lit += c;
      continue;
    }
    i++;
    if (i >= replacement.length) throw new JavaRegexError('Illegal group reference: group index is missing');
    if (replacement[i] === '{') {
      const end = replacement.indexOf('}', i);
      const name = end < 0 ? '' : replacement.slice(i + 1, end);
      if (end < 0) throw new JavaRegexError("named capturing group is missing trailing '}'");
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new JavaRegexError('named capturing group has 0 length name');
      if (!pattern.groupNames.has(name)) throw new JavaRegexError(`No group with name {${name}}`);
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ name });
      i = end;
      continue;
    }
    const d = replacement.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new JavaRegexError('Illegal group reference');
    let group = d;
    while (i + 1 < replacement.length) {
      const nd = replacement.charCodeAt(i + 1) - 48;
      if (nd < 0 || nd > 9) break;
      const next = group * 10 + nd;
      if (next > pattern.groupCount) break;
      group = next;
      i++;
    }
    if (group > pattern.groupCount) throw new JavaRegexError(`No group ${group}`);
    if (lit) parts.push(lit);
    lit = '';
    parts.push({ group });
  }
  if (lit) parts.push(lit);
  return parts;
}

/**
 * Java's `Matcher.replaceFirst(replacement)`: the first match found from the start (which, for a pattern with
 * alternatives, need not be the whole input even when `matches()` was true) is replaced.
 */
export function javaReplaceFirst(input: string, pattern: JavaPattern, parts: readonly ReplacementPart[]): string {
  const m = pattern.find.exec(input);
  pattern.find.lastIndex = 0;
  if (!m) return input;
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if ('group' in p) out += m[p.group] ?? '';
    else out += m.groups?.[p.name] ?? '';
  }
  return input.slice(0, m.index) + out + input.slice(m.index + m[0].length);
}
