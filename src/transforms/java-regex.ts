/**
 * Java regular expressions on a JavaScript engine: the syntax Kafka users write in `regex` / `pattern` /
 * `topics.regex` configs, translated by java-regex-translate.ts, `Matcher.matches()` (the whole input), and
 * `Matcher.replaceFirst` with Java's replacement syntax (`$1`, `${name}`, `\$`) on Java's group numbers.
 */
import { JavaRegexError, translateJavaPattern } from './java-regex-translate.js';

export { JavaRegexError } from './java-regex-translate.js';

/** Translates Java regex syntax into a JavaScript RegExp source and flags. */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  const { source, flags } = translateJavaPattern(pattern);
  return { source, flags };
}

/** Compiles a Java pattern; throws JavaRegexError when it is invalid or untranslatable. */
export function compileJavaRegex(pattern: string): RegExp {
  const { source, flags } = translateJavaPattern(pattern);
  return new RegExp(source, flags);
}

/** A compiled Java pattern with `matches()` (whole input) and `find()` (first occurrence) forms. */
export class JavaPattern {
  readonly pattern: string;
  readonly find: RegExp;
  readonly whole: RegExp;
  /** Java's capturing groups (the translation's own groups not counted). */
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;
  readonly #groupIndex: readonly number[];

  constructor(pattern: string) {
    this.pattern = pattern;
    const t = translateJavaPattern(pattern);
    this.find = new RegExp(t.source, t.flags);
    // Sticky from index 0 and forced to the very end: Java's matches().
    this.whole = new RegExp(`(?:${t.source})(?![^])`, `${t.flags}y`);
    this.groupCount = t.groupCount;
    this.groupNames = new Set(t.groupNames.keys());
    this.#groupIndex = t.groupIndex;
  }

  /** Java group `n` of a match of `find` or `whole`. */
  group(m: RegExpExecArray, n: number): string | undefined {
    return m[this.#groupIndex[n] ?? -1];
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
    else if ('group' in p) out += pattern.group(m, p.group) ?? '';
    else out += m.groups?.[p.name] ?? '';
  }
  return input.slice(0, m.index) + out + input.slice(m.index + m[0].length);
}
