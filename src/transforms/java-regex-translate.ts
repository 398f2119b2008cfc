/**
 * java.util.regex syntax → a JavaScript RegExp source (always compiled with the `u` flag, so code points match as
 * Java's do). What JavaScript lacks is emulated where the meaning can be kept exactly:
 * - inline flags anywhere, scoped `(?i:…)` and turned off `(?-i)`: `i` (ASCII, or Unicode with `u`), `s`, `m`,
 *   `x` (comments), `d` (UNIX_LINES), applied per atom, so no JS flag (and no Node version) is needed;
 * - possessive quantifiers `X*+` and atomic groups `(?>X)` as `(?=(X))\N` (a lookahead does not backtrack into
 *   X, and the backreference consumes what it matched); the extra groups are numbered apart from Java's;
 * - Java's ASCII `\s` `\v` `\h` `\R`, `.` and line anchors with Java's line terminators, `\Q…\E`, `\A` `\Z` `\z`,
 *   `\a` `\e` `\0oct` `\x{h}` `\cX`, POSIX and `java*` `\p{…}` classes, nested classes and `&&` intersections.
 * Anything else Java accepts but JavaScript cannot mean the same (`\G`, `\X`, `\N{…}`, `\b{g}`, Unicode blocks,
 * `(?U)`, `(?c)`) is refused with a JavaRegexError naming the construct.
 */

/** A Java pattern JavaScript cannot run (Java's PatternSyntaxException, or a construct we refuse). */
export class JavaRegexError extends Error {
  override readonly name = 'JavaRegexError';
}

export interface TranslatedRegex {
  /** The JavaScript source, for `new RegExp(source, 'u')`. */
  readonly source: string;
  readonly flags: string;
  /** Java's capturing-group count (groups added by the emulation not counted). */
  readonly groupCount: number;
  /** JavaScript group index of each Java group (index 0 is the whole match). */
  readonly groupIndex: readonly number[];
  /** Java's named groups → their Java group number. */
  readonly groupNames: ReadonlyMap<string, number>;
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
  u: boolean;
  d: boolean;
}

/** Output pieces; group numbers are resolved once the whole pattern is known. */
type Piece =
  | string
  | { open: 'java'; java: number; name?: string }
  | { open: 'emulation'; id: number }
  | { ref: 'java'; java: number }
  | { ref: 'emulation'; id: number };

/** One character of a class: a JS class body fragment (simple) or a single-character matcher (complex). */
type ClassNode =
  | { kind: 'set'; body: string; negated: boolean }
  | { kind: 'union'; items: ClassNode[] }
  | { kind: 'and'; items: ClassNode[] }
  | { kind: 'not'; item: ClassNode };

const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const JAVA_SPACE = '\\t-\\r ';
const HORIZONTAL_SPACE = ' \\t\\u00A0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VERTICAL_SPACE = '\\n-\\r\\u0085\\u2028\\u2029';
const JAVA_WHITESPACE = '\\t-\\r\\u001C-\\u001F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000';

/** `\p{…}` names Java knows → a JS class body fragment (for the `u` flag). */
const PROPERTIES: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\u0000-\\u007F', Alpha: 'A-Za-z', Digit: '0-9', Alnum: '0-9A-Za-z',
  Punct: '!-\\/:-@\\[-`{-~', Graph: '!-~', Print: ' -~', Blank: ' \\t', Cntrl: '\\u0000-\\u001F\\u007F',
  XDigit: '0-9A-Fa-f', Space: JAVA_SPACE,
  javaLowerCase: '\\p{Lowercase}', javaUpperCase: '\\p{Uppercase}', javaTitleCase: '\\p{Lt}',
  javaDigit: '\\p{Nd}', javaLetter: '\\p{L}', javaLetterOrDigit: '\\p{L}\\p{Nd}', javaAlphabetic: '\\p{Alphabetic}',
  javaIdeographic: '\\p{Ideographic}', javaSpaceChar: '\\p{Z}', javaWhitespace: JAVA_WHITESPACE,
  javaISOControl: '\\u0000-\\u001F\\u007F-\\u009F', javaMirrored: '\\p{Bidi_Mirrored}',
  IsAlphabetic: '\\p{Alphabetic}', IsIdeographic: '\\p{Ideographic}', IsLetter: '\\p{L}', IsLowercase: '\\p{Lowercase}',
  IsUppercase: '\\p{Uppercase}', IsTitlecase: '\\p{Lt}', IsPunctuation: '\\p{P}', IsControl: '\\p{Cc}',
  IsWhite_Space: '\\p{White_Space}', IsWhiteSpace: '\\p{White_Space}', IsDigit: '\\p{Nd}', IsHex_Digit: '\\p{Hex_Digit}',
  IsHexDigit: '\\p{Hex_Digit}', IsAssigned: '\\P{Cn}', IsNoncharacter_Code_Point: '\\p{Noncharacter_Code_Point}',
  IsEmoji: '\\p{Emoji}', IsJoin_Control: '\\p{Join_Control}',
};
const CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn', 'LC',
]);

function hex(cp: number): string {
  return `\\u{${cp.toString(16).toUpperCase()}}`;
}

/** A code point as a literal outside a class (`u` flag: only syntax characters may be escaped). */
function literal(cp: number): string {
  const c = String.fromCodePoint(cp);
  if (/[\\^$.*+?()[\]{}|/]/.test(c)) return `\\${c}`;
  if (/[0-9A-Za-z _,:;<>=!@#%&'"~`-]/.test(c)) return c;
  return hex(cp);
}

/** A code point inside a class body. */
function classLiteral(cp: number): string {
  return /[0-9A-Za-z]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : hex(cp);
}

function otherCases(cp: number, unicode: boolean): number[] {
  const c = String.fromCodePoint(cp);
  if (!unicode) {
    if (cp >= 0x61 && cp <= 0x7a) return [cp - 32];
    if (cp >= 0x41 && cp <= 0x5a) return [cp + 32];
    return [];
  }
  const out = new Set<number>();
  for (const v of [c.toUpperCase(), c.toLowerCase()]) if ([...v].length === 1 && v !== c) out.add(v.codePointAt(0)!);
  return [...out];
}

function isJavaSpace(c: string | undefined): boolean {
  return c !== undefined && /[ \t\n\x0B\f\r]/.test(c);
}

class Translator {
  readonly #p: string;
  #i = 0;
  readonly #out: Piece[] = [];
  #javaGroups = 0;
  #emulations = 0;
  #lastQuoted: number | undefined;
  readonly #names = new Map<string, number>();

  constructor(pattern: string) {
    this.#p = pattern;
  }

  #fail(what: string, at = this.#i): never {
    throw new JavaRegexError(`${what} near index ${at}: ${this.#p}`);
  }

  translate(): TranslatedRegex {
    const flags: Flags = { i: false, s: false, m: false, x: false, u: false, d: false };
    this.#alternation(flags, 0);
    if (this.#i < this.#p.length) this.#fail(this.#p[this.#i] === ')' ? "Unmatched closing ')'" : 'Unexpected character');
    // JS group numbers by opening order, Java's and the emulation's interleaved.
    const javaIndex: number[] = [0];
    const emulationIndex: number[] = [];
    let n = 0;
    for (const piece of this.#out) {
      if (typeof piece !== 'object' || !('open' in piece)) continue;
      n++;
      if (piece.open === 'java') javaIndex[piece.java] = n;
      else emulationIndex[piece.id] = n;
    }
    let source = '';
    for (const piece of this.#out) {
      if (typeof piece === 'string') source += piece;
      else if ('open' in piece) source += piece.open === 'java' && piece.name ? `(?<${piece.name}>` : '(';
      else if (piece.ref === 'emulation') source += `(?:\\${emulationIndex[piece.id]})`;
      else source += piece.java < javaIndex.length ? `(?:\\${javaIndex[piece.java]})` : '(?!)';
    }
    return { source, flags: 'u', groupCount: this.#javaGroups, groupIndex: javaIndex, groupNames: this.#names };
  }

  /** Alternatives until `)` or the end; `flags` may be changed by inline flags (they last to the group's end). */
  #alternation(flags: Flags, depth: number): void {
    for (;;) {
      this.#sequence(flags, depth);
      if (this.#p[this.#i] !== '|') return;
      this.#out.push('|');
      this.#i++;
    }
  }

  #sequence(flags: Flags, depth: number): void {
    for (;;) {
      this.#skipComments(flags);
      const c = this.#p[this.#i];
      if (c === undefined || c === '|' || c === ')') return;
      const start = this.#out.length;
      const quantifiable = this.#atom(flags, depth);
      this.#skipComments(flags);
      // \Q…\E pushes one piece per character: a quantifier takes the last one, as in Java.
      if (quantifiable) this.#quantifier(this.#lastQuoted ?? start, flags);
      else if (/[*+?]/.test(this.#p[this.#i] ?? '')) this.#fail(`Dangling meta character '${this.#p[this.#i]}'`);
      this.#lastQuoted = undefined;
    }
  }

  #skipComments(flags: Flags): void {
    if (!flags.x) return;
    for (;;) {
      const c = this.#p[this.#i];
      if (isJavaSpace(c)) this.#i++;
      else if (c === '#') {
        while (this.#i < this.#p.length && !/[\n\r\u0085\u2028\u2029]/.test(this.#p[this.#i]!)) this.#i++;
      } else return;
    }
  }

  /** A quantifier after the pieces from `start`: greedy, lazy (`?`) or possessive (`+`). */
  #quantifier(start: number, flags: Flags): void {
    const rest = this.#p.slice(this.#i);
    const m = /^(?:[*+?]|\{(\d+)(?:,(\d*))?\})/.exec(rest);
    if (!m) {
      if (rest.startsWith('{')) this.#fail('Illegal repetition');
      return;
    }
    if (m[1] !== undefined && m[2] !== undefined && m[2] !== '' && Number(m[2]) < Number(m[1])) this.#fail('Illegal repetition range');
    this.#i += m[0].length;
    this.#skipComments(flags);
    const mode = this.#p[this.#i];
    if (mode === '?') {
      this.#i++;
      this.#out.push(`${m[0]}?`);
    } else if (mode === '+') {
      this.#i++;
      this.#atomic(start, m[0]);
    } else {
      this.#out.push(m[0]);
    }
    this.#skipComments(flags);
    if (/^[*+?]/.test(this.#p[this.#i] ?? '') || /^\{\d/.test(this.#p.slice(this.#i))) this.#fail(`Dangling meta character '${this.#p[this.#i]}'`);
  }

  /**
   * Wraps the pieces from `start` (plus the quantifier `suffix`) as an atomic group: `(?=(X))\N`. For a
   * possessive quantifier on a group, each iteration is atomic too: Java's possessive loops take the first way
   * the group matches on every iteration (`(a|ab)++c` never matches "abc"), which is more than `(?>(X)*)`.
   */
  #atomic(start: number, suffix: string): void {
    const id = this.#emulations++;
    let inner = this.#out.splice(start);
    const head = inner[0];
    if (suffix !== '' && (typeof head === 'object' || (typeof head === 'string' && head.startsWith('(')))) {
      const each = this.#emulations++;
      inner = ['(?:(?=', { open: 'emulation', id: each }, ...inner, '))', { ref: 'emulation', id: each }, ')'];
    }
    this.#out.push('(?:(?=', { open: 'emulation', id }, ...inner, suffix, '))', { ref: 'emulation', id }, ')');
  }

  /** One atom; returns whether a quantifier may follow. */
  #atom(flags: Flags, depth: number): boolean {
    const c = this.#p[this.#i]!;
    switch (c) {
      case '(':
        return this.#group(flags, depth);
      case '[': {
        this.#i++;
        this.#out.push(renderClass(this.#classBody(flags)));
        return true;
      }
      case '.':
        this.#i++;
        this.#out.push(flags.s ? '[^]' : flags.d ? '[^\\n]' : `[^${LINE_TERMINATORS}]`);
        return true;
      case '^':
        this.#i++;
        if (!flags.m) this.#out.push('^');
        else this.#out.push(flags.d ? '(?:(?<![^])|(?<=\\n)(?=[^]))' : `(?:(?<![^])|(?<=[\\n\\u0085\\u2028\\u2029]|\\r(?!\\n))(?=[^]))`);
        return false;
      case '$':
        this.#i++;
        if (flags.d) this.#out.push(flags.m ? '(?=\\n|(?![^]))' : '(?=\\n?(?![^]))');
        else if (flags.m) this.#out.push(`(?!(?<=\\r)\\n)(?=[${LINE_TERMINATORS}]|(?![^]))`);
        else this.#out.push(`(?!(?<=\\r)\\n)(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![^]))`);
        return false;
      case '\\':
        return this.#escape(flags);
      case '*':
      case '+':
      case '?':
        this.#fail(`Dangling meta character '${c}'`);
        break;
      case '{':
        if (/^\{\d/.test(this.#p.slice(this.#i))) this.#fail(`Dangling meta character '{'`);
        break;
    }
    const cp = this.#p.codePointAt(this.#i)!;
    this.#i += cp > 0xffff ? 2 : 1;
    this.#char(cp, flags);
    return true;
  }

  #char(cp: number, flags: Flags): void {
    const others = flags.i ? otherCases(cp, flags.u) : [];
    this.#out.push(others.length === 0 ? literal(cp) : `[${[cp, ...others].map(classLiteral).join('')}]`);
  }

  #group(flags: Flags, depth: number): boolean {
    const rest = this.#p.slice(this.#i);
    const inner = (prefix: string, scoped: Flags): void => {
      this.#out.push(prefix);
      this.#alternation(scoped, depth + 1);
      if (this.#p[this.#i] !== ')') this.#fail('Unclosed group', this.#p.length);
      this.#i++;
      this.#out.push(')');
    };
    if (!rest.startsWith('(?')) {
      this.#i++;
      const java = ++this.#javaGroups;
      this.#out.push({ open: 'java', java });
      inner('', { ...flags });
      return true;
    }
    const named = /^\(\?<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
    if (named) {
      const name = named[1]!;
      if (this.#names.has(name)) this.#fail(`Named capturing group <${name}> is already defined`);
      this.#i += named[0].length;
      const java = ++this.#javaGroups;
      this.#names.set(name, java);
      this.#out.push({ open: 'java', java, name });
      inner('', { ...flags });
      return true;
    }
    // Lookarounds cannot be quantified with the `u` flag (Java allows it, and it means nothing useful).
    for (const [syntax, js, quantifiable] of [['(?:', '(?:', true], ['(?=', '(?=', false], ['(?!', '(?!', false], ['(?<=', '(?<=', false], ['(?<!', '(?<!', false]] as const) {
      if (rest.startsWith(syntax)) {
        this.#i += syntax.length;
        inner(js, { ...flags });
        return quantifiable;
      }
    }
    if (rest.startsWith('(?>')) {
      this.#i += 3;
      const start = this.#out.length;
      inner('(?:', { ...flags });
      this.#atomic(start, '');
      return true;
    }
    if (rest.startsWith('(?<')) this.#fail('Unknown look-behind group');
    const fm = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (!fm) this.#fail('Unknown inline modifier', this.#i + 2);
    const next = { ...flags };
    for (const [letters, on] of [[fm[1]!, true], [fm[2] ?? '', false]] as const) {
      for (const f of letters) {
        if (f === 'i' || f === 's' || f === 'm' || f === 'x' || f === 'u' || f === 'd') next[f] = on;
        else if (f === 'U') this.#fail('(?U) (UNICODE_CHARACTER_CLASS) is not supported');
        else if (f === 'c') this.#fail('(?c) (CANON_EQ) is not supported');
        else this.#fail('Unknown inline modifier', this.#i + 2);
      }
    }
    this.#i += fm[0].length;
    if (fm[3] === ':') {
      inner('(?:', next);
      return true;
    }
    Object.assign(flags, next); // (?i): from here to the end of the enclosing group
    return false;
  }

  /** An escape outside a class; returns whether a quantifier may follow. */
  #escape(flags: Flags): boolean {
    const at = this.#i;
    const n = this.#p[this.#i + 1];
    if (n === undefined) this.#fail('Unexpected internal error', this.#p.length);
    switch (n) {
      case 'A': this.#i += 2; this.#out.push('^'); return false;
      case 'z': this.#i += 2; this.#out.push('$'); return false;
      case 'Z':
        this.#i += 2;
        this.#out.push(flags.d ? '(?=\\n?(?![^]))' : `(?!(?<=\\r)\\n)(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![^]))`);
        return false;
      case 'b':
      case 'B':
        if (this.#p[this.#i + 2] === '{') this.#fail('\\b{g} (grapheme boundaries) is not supported');
        this.#i += 2;
        this.#out.push(`\\${n}`);
        return false;
      case 'G': this.#fail('\\G (end of the previous match) is not supported');
      // falls through (never: #fail throws)
      case 'X': this.#fail('\\X (grapheme clusters) is not supported');
      // falls through
      case 'R':
        this.#i += 2;
        this.#out.push('(?:\\r\\n|[\\n-\\r\\u0085\\u2028\\u2029])');
        return true;
      case 'Q': {
        const end = this.#p.indexOf('\\E', this.#i + 2);
        const text = this.#p.slice(this.#i + 2, end < 0 ? this.#p.length : end);
        this.#i = end < 0 ? this.#p.length : end + 2;
        const cps = [...text].map((ch) => ch.codePointAt(0)!);
        if (cps.length === 0) return false;
        for (const cp of cps) {
          this.#lastQuoted = this.#out.length;
          this.#char(cp, flags);
        }
        return true;
      }
      case 'E':
        this.#i += 2; // a stray \E is ignored, as Java does
        return false;
      case 'k': {
        const m = /^\\k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.#p.slice(this.#i));
        if (!m) this.#fail('\\k is not followed by \'<\' for named capturing group');
        const java = this.#names.get(m[1]!);
        if (java === undefined) this.#fail(`named capturing group <${m[1]}> does not exist`);
        this.#i += m[0].length;
        this.#backref(java, flags);
        return true;
      }
    }
    if (n >= '1' && n <= '9') {
      // Java takes further digits while they still name an existing group.
      let java = Number(n);
      let j = this.#i + 2;
      while (j < this.#p.length && /[0-9]/.test(this.#p[j]!) && java * 10 + Number(this.#p[j]) <= this.#javaGroups) {
        java = java * 10 + Number(this.#p[j]);
        j++;
      }
      this.#i = j;
      this.#backref(java, flags);
      return true;
    }
    const node = this.#classEscape(flags);
    if (node) {
      this.#out.push(renderClass(node));
      return true;
    }
    const cp = this.#charEscape();
    if (cp === undefined) this.#fail(`Illegal/unsupported escape sequence \\${n}`, at + 1);
    this.#char(cp, flags);
    return true;
  }

  #backref(java: number, flags: Flags): void {
    if (flags.i) this.#fail('a back reference under (?i) is not supported');
    this.#out.push({ ref: 'java', java });
  }

  /** `\d \w \s \h \v \p{…}` and their negations as a class node, or undefined (the caller handles the rest). */
  #classEscape(flags: Flags): ClassNode | undefined {
    const n = this.#p[this.#i + 1]!;
    const set = (body: string, negated: boolean): ClassNode => ({ kind: 'set', body, negated });
    const simple: Record<string, [string, boolean]> = {
      d: ['0-9', false], D: ['0-9', true], w: ['0-9A-Za-z_', false], W: ['0-9A-Za-z_', true],
      s: [JAVA_SPACE, false], S: [JAVA_SPACE, true], h: [HORIZONTAL_SPACE, false], H: [HORIZONTAL_SPACE, true],
      v: [VERTICAL_SPACE, false], V: [VERTICAL_SPACE, true],
    };
    const hit = simple[n];
    if (hit) {
      this.#i += 2;
      return set(hit[0], hit[1]);
    }
    if (n !== 'p' && n !== 'P') return undefined;
    const m = /^\{\^?([A-Za-z_][A-Za-z0-9_ =]*)\}|^([A-Za-z])/.exec(this.#p.slice(this.#i + 2));
    if (!m) this.#fail('Unknown character property name');
    const name = (m[1] ?? m[2])!;
    const negated = (n === 'P') !== m[0].startsWith('{^');
    this.#i += 2 + m[0].length;
    let body: string | undefined = PROPERTIES[name] ?? PROPERTIES[`Is${name}`];
    if (body === undefined) {
      const bare = name.replace(/^(?:Is|general_category=|gc=)/, '');
      if (CATEGORIES.has(bare)) body = `\\p{${bare}}`;
      else if (/^(?:Is|script=|sc=)/i.test(name)) {
        const script = name.replace(/^(?:Is|script=|sc=)/i, '');
        try {
          new RegExp(`\\p{Script=${script}}`, 'u');
          body = `\\p{Script=${script}}`;
        } catch {
          body = undefined;
        }
      } else if (/^(?:In|block=|blk=)/i.test(name)) {
        this.#fail(`Unicode blocks (\\p{${name}}) are not supported`);
      }
    }
    if (body === undefined) this.#fail(`Unknown character property name {${name}}`);
    // Java's (?i) makes \p{Lower} and \p{Upper} match both cases.
    if (flags.i && (body === 'a-z' || body === 'A-Z')) body = 'A-Za-z';
    return set(body, negated);
  }

  /** A single-character escape (`\t`, `\x41`, `\u0041`, `\0101`, `\cA`, `\.`) as its code point, or undefined. */
  #charEscape(): number | undefined {
    const rest = this.#p.slice(this.#i + 1);
    const fixed: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, a: 7, e: 27 };
    const c = rest[0]!;
    if (fixed[c] !== undefined) {
      this.#i += 2;
      return fixed[c];
    }
    let m: RegExpExecArray | null;
    if ((m = /^x\{([0-9a-fA-F]+)\}/.exec(rest)) || (m = /^x([0-9a-fA-F]{2})/.exec(rest)) || (m = /^u([0-9a-fA-F]{4})/.exec(rest))) {
      const cp = parseInt(m[1]!, 16);
      if (cp > 0x10ffff) this.#fail('Hexadecimal codepoint is too big');
      this.#i += 1 + m[0].length;
      return cp;
    }
    if ((m = /^0([0-3][0-7]{2}|[0-7]{1,2})/.exec(rest))) {
      this.#i += 1 + m[0].length;
      return parseInt(m[1]!, 8);
    }
    if (c === '0') this.#fail('Illegal octal escape sequence');
    if (c === 'c') {
      const t = rest[1];
      if (t === undefined) this.#fail('Illegal control escape sequence');
      this.#i += 3;
      return t.charCodeAt(0) ^ 64;
    }
    if (/[A-Za-z]/.test(c)) return undefined;
    const cp = rest.codePointAt(0)!;
    this.#i += 1 + (cp > 0xffff ? 2 : 1);
    return cp;
  }

  /** A class after its `[`, up to and including its `]`. */
  #classBody(flags: Flags): ClassNode {
    const open = this.#i - 1;
    let negated = false;
    if (this.#p[this.#i] === '^') {
      negated = true;
      this.#i++;
    }
    const operands: ClassNode[] = []; // the && operands
    let items: ClassNode[] = [];
    let body = '';
    let first = true;
    const flush = (): ClassNode => {
      const all = body === '' ? items : [{ kind: 'set', body, negated: false } as ClassNode, ...items];
      body = '';
      items = [];
      if (all.length === 1) return all[0]!;
      return { kind: 'union', items: all };
    };
    for (;;) {
      if (flags.x) while (isJavaSpace(this.#p[this.#i])) this.#i++;
      const c = this.#p[this.#i];
      if (c === undefined) this.#fail('Unclosed character class', this.#p.length - 1);
      if (c === ']' && !first) {
        this.#i++;
        break;
      }
      first = false;
      if (c === '[') {
        this.#i++;
        items.push(this.#classBody(flags));
        continue;
      }
      if (c === '&' && this.#p[this.#i + 1] === '&') {
        this.#i += 2;
        operands.push(flush());
        continue;
      }
      if (c === '\\') {
        const n = this.#p[this.#i + 1];
        if (n === 'Q') {
          const end = this.#p.indexOf('\\E', this.#i + 2);
          const text = this.#p.slice(this.#i + 2, end < 0 ? this.#p.length : end);
          this.#i = end < 0 ? this.#p.length : end + 2;
          for (const ch of text) body += this.#classChar(ch.codePointAt(0)!, flags);
          continue;
        }
        const node = this.#classEscape(flags);
        if (node) {
          if (node.kind === 'set' && !node.negated) body += node.body;
          else items.push(node);
          continue;
        }
      }
      const lo = this.#classAtom();
      if (this.#p[this.#i] === '-' && this.#p[this.#i + 1] !== ']' && this.#p[this.#i + 1] !== undefined && this.#p[this.#i + 1] !== '[' && !this.#p.startsWith('&&', this.#i + 1)) {
        this.#i++;
        if (this.#p[this.#i] === '\\' && /[dDwWsShHvVpP]/.test(this.#p[this.#i + 1] ?? '')) this.#fail('Illegal character range');
        const hi = this.#classAtom();
        if (hi < lo) this.#fail('Illegal character range');
        body += this.#classRange(lo, hi, flags);
      } else {
        body += this.#classChar(lo, flags);
      }
    }
    if (operands.length > 0) {
      operands.push(flush());
      const node: ClassNode = { kind: 'and', items: operands };
      return negated ? { kind: 'not', item: node } : node;
    }
    const node = flush();
    if (body === '' && items.length === 0 && operands.length === 0 && node.kind === 'union' && node.items.length === 0) {
      this.#fail('Unclosed character class', open);
    }
    if (!negated) return node;
    if (node.kind === 'set') return { ...node, negated: !node.negated };
    return { kind: 'not', item: node };
  }

  /** One literal character inside a class (an escape or the character itself) as a code point. */
  #classAtom(): number {
    if (this.#p[this.#i] === '\\') {
      const cp = this.#charEscape();
      if (cp === undefined) this.#fail(`Illegal/unsupported escape sequence \\${this.#p[this.#i + 1]}`, this.#i + 1);
      return cp;
    }
    const cp = this.#p.codePointAt(this.#i)!;
    this.#i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  #classChar(cp: number, flags: Flags): string {
    const others = flags.i ? otherCases(cp, flags.u) : [];
    return [cp, ...others].map(classLiteral).join('');
  }

  #classRange(lo: number, hi: number, flags: Flags): string {
    let out = `${classLiteral(lo)}-${classLiteral(hi)}`;
    if (!flags.i) return out;
    if (flags.u && hi > 0x7f) {
      for (let cp = Math.max(lo, 0x80); cp <= hi && cp - lo < 5000; cp++) {
        for (const o of otherCases(cp, true)) out += classLiteral(o);
      }
      if (hi - lo >= 5000) this.#fail('a case-insensitive Unicode range this large is not supported');
    }
    // The ASCII letters of the range in the other case.
    for (const [a, z, shift] of [[0x61, 0x7a, -32], [0x41, 0x5a, 32]] as const) {
      const from = Math.max(lo, a);
      const to = Math.min(hi, z);
      if (from <= to) out += `${classLiteral(from + shift)}-${classLiteral(to + shift)}`;
    }
    return out;
  }
}

/** A single-character matcher for a class node. */
function renderClass(node: ClassNode): string {
  switch (node.kind) {
    case 'set':
      return node.body === '' ? (node.negated ? '[^]' : '[]') : `[${node.negated ? '^' : ''}${node.body}]`;
    case 'union':
      return node.items.length === 0 ? '[]' : `(?:${node.items.map(renderClass).join('|')})`;
    case 'and':
      return `(?:${node.items.slice(0, -1).map((n) => `(?=${renderClass(n)})`).join('')}${renderClass(node.items[node.items.length - 1]!)})`;
    case 'not':
      return `(?:(?!${renderClass(node.item)})[^])`;
  }
}

/** Translates a java.util.regex pattern; throws JavaRegexError for what Java refuses or JavaScript cannot mean. */
export function translateJavaPattern(pattern: string): TranslatedRegex {
  const t = new Translator(pattern).translate();
  try {
    new RegExp(t.source, t.flags);
  } catch (e) {
    throw new JavaRegexError(`${(e as Error).message.replace(/^Invalid regular expression: /, '')} (in ${pattern})`);
  }
  return t;
}
