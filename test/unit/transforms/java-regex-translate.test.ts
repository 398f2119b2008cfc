// The Java-regex translation against java.util.regex itself: fixtures/java-regex-expected.jsonl was produced by
// Java 17 (fixtures/JavaRegexTable.java) from hand-picked patterns of real configs and 400 random patterns
// (fixtures/java-regex-cases.mjs, fast-check with a fixed seed). Every pattern Java compiles either behaves the
// same here (matches(), the first find() and its groups) or is refused naming a construct we do not emulate.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { JavaPattern, JavaRegexError, compileJavaReplacement, javaReplaceFirst } from '../../../src/transforms/java-regex.js';

interface Expected {
  pattern: string;
  error: boolean;
  results: Array<{ input: string; matches: boolean; find: null | [number, number, Array<string | null>] }>;
}

const rows: Expected[] = readFileSync(new URL('./fixtures/java-regex-expected.jsonl', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Expected);

/** What we refuse on purpose, and how the refusal names it. */
const REFUSED: Array<[RegExp, RegExp]> = [
  [/\\G/, /\\G/],
  [/\\p\{In/, /Unicode blocks/],
  [/\(\?U\)/, /UNICODE_CHARACTER_CLASS/],
];

/** Whether no capturing group sits inside a quantified or atomic part (then Java's group values are comparable). */
function compareGroups(pattern: string): boolean {
  let depth = 0;
  const stack: boolean[] = []; // per open group: does it capture or contain a capture?
  let captureInRepeat = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') { stack.push(pattern[i + 1] !== '?' || pattern[i + 2] === '<' && /[a-zA-Z]/.test(pattern[i + 3] ?? '')); depth++; if (pattern.startsWith('(?>', i)) stack[stack.length - 1] = stack[stack.length - 1]! || pattern.slice(i).includes('('); continue; }
    if (c === ')') {
      const had = stack.pop() ?? false;
      depth--;
      if (had && /^[*+?{]/.test(pattern.slice(i + 1))) captureInRepeat = true;
      if (had && stack.length > 0) stack[stack.length - 1] = true;
    }
  }
  return !captureInRepeat && !/\(\?>/.test(pattern) && !/\)[*+?}]\+/.test(pattern);
}

function compile(pattern: string): JavaPattern | JavaRegexError {
  try {
    return new JavaPattern(pattern);
  } catch (e) {
    if (e instanceof JavaRegexError) return e;
    throw e;
  }
}

describe('Java regex translation, against java.util.regex', () => {
  test(`${rows.length} patterns behave as in Java 17`, () => {
    const failures: string[] = [];
    for (const row of rows) {
      const p = compile(row.pattern);
      if (row.error) {
        if (!(p instanceof JavaRegexError)) failures.push(`${JSON.stringify(row.pattern)}: Java refuses it, we compiled it`);
        continue;
      }
      if (p instanceof JavaRegexError) {
        const refusal = REFUSED.find(([construct]) => construct.test(row.pattern));
        if (!refusal) failures.push(`${JSON.stringify(row.pattern)}: Java compiles it, we refused: ${p.message}`);
        else if (!refusal[1].test(p.message)) failures.push(`${JSON.stringify(row.pattern)}: refusal does not name the construct: ${p.message}`);
        continue;
      }
      for (const r of row.results) {
        const matches = p.matches(r.input);
        if (matches !== r.matches) failures.push(`${JSON.stringify(row.pattern)} matches(${JSON.stringify(r.input)}): Java ${r.matches}, we ${matches}`);
        p.find.lastIndex = 0;
        const m = p.find.exec(r.input);
        // Groups inside repeated or atomic parts differ in ways no translation can follow (JavaScript clears them
        // on each iteration; Java keeps a value even from a failed earlier attempt), so only spans are compared
        // for patterns that have such groups.
        const groups = (g: Array<string | null>) => (compareGroups(row.pattern) ? g : []);
        const find = m ? [m.index, m.index + m[0].length, groups(Array.from({ length: p.groupCount }, (_, k) => p.group(m, k + 1) ?? null))] : null;
        const expected = r.find ? [r.find[0], r.find[1], groups(r.find[2])] : null;
        if (JSON.stringify(find) !== JSON.stringify(expected)) {
          failures.push(`${JSON.stringify(row.pattern)} find(${JSON.stringify(r.input)}): Java ${JSON.stringify(r.find)}, we ${JSON.stringify(find)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test('what real configs use: (?i), possessive quantifiers, atomic groups, scoped flags', () => {
    assert.equal(new JavaPattern('(?i)orders\\..*').matches('ORDERS.v1'), true);
    assert.equal(new JavaPattern('orders-(?i:raw)').matches('orders-RAW'), true);
    assert.equal(new JavaPattern('orders-(?i:raw)').matches('ORDERS-raw'), false);
    assert.equal(new JavaPattern('a*+a').matches('aaa'), false, 'a possessive quantifier gives nothing back');
    assert.equal(new JavaPattern('(?>a|ab)c').matches('abc'), false, 'an atomic group keeps its first choice');
  });

  test('group numbers stay Java\'s when the emulation adds groups', () => {
    const p = new JavaPattern('(a++)(?>b)(c)');
    assert.equal(p.groupCount, 2);
    assert.equal(javaReplaceFirst('aabc', p, compileJavaReplacement('$2-$1', p)), 'c-aa');
  });

  test('refusals name the construct', () => {
    for (const [pattern, named] of [['\\Ga', /\\G/], ['\\X', /\\X/], ['\\p{InGreek}', /Unicode blocks/], ['(?U)a', /UNICODE_CHARACTER_CLASS/], ['(?c)a', /CANON_EQ/], ['(?i)(a)\\1', /back reference under \(\?i\)/]] as const) {
      assert.throws(() => new JavaPattern(pattern), (e: unknown) => e instanceof JavaRegexError && named.test(e.message), pattern);
    }
  });

  test('property: a possessive quantifier matches exactly where its atomic-group spelling does', () => {
    fc.assert(fc.property(
      fc.constantFrom('a', '[ab]', '(?:ab|a)', '(?:b?)'), fc.constantFrom('*', '+', '?', '{1,2}'), fc.array(fc.constantFrom('a', 'b'), { maxLength: 6 }).map((c) => c.join('')),
      (atom, q, input) => {
        const possessive = new JavaPattern(`${atom}${q}+b?`);
        const atomic = new JavaPattern(`(?>${atom}${q})b?`);
        assert.equal(possessive.matches(input), atomic.matches(input));
      },
    ));
  });

  test('property: (?i) matches what the pattern matches on either case of the input (ASCII)', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', 'c', '-', '.'), { minLength: 1, maxLength: 6 }).map((c) => c.join('')), (word) => {
      const p = new JavaPattern(`(?i)\\Q${word}\\E`);
      assert.equal(p.matches(word.toUpperCase()), true);
      assert.equal(p.matches(word), true);
    }));
  });
});
