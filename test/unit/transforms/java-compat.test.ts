import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JavaDateFormat, JavaPattern, compileJavaReplacement, javaReplaceFirst, translateJavaRegex } from '../../../src/transforms/index.js';

describe('SimpleDateFormat subset', () => {
  const d = new Date(Date.UTC(2024, 1, 5, 13, 7, 9, 45)); // Monday 2024-02-05 13:07:09.045 UTC
  const fmt = (p: string, date = d) => new JavaDateFormat(p).format(date);

  test('formats every supported letter', () => {
    assert.equal(fmt('yyyy-MM-dd HH:mm:ss.SSS'), '2024-02-05 13:07:09.045');
    assert.equal(fmt("yyyy-MM-dd'T'HH:mm:ss.SSSZ"), '2024-02-05T13:07:09.045+0000');
    assert.equal(fmt("yyyy-MM-dd'T'HH:mm:ssX"), '2024-02-05T13:07:09Z');
    assert.equal(fmt('yyyyMMdd'), '20240205');
    assert.equal(fmt('yy M d H m s S'), '24 2 5 13 7 9 45');
    assert.equal(fmt('MMM MMMM E EEEE'), 'Feb February Mon Monday');
    assert.equal(fmt('hh h KK k a'), '01 1 01 13 PM');
    assert.equal(fmt('D F u w W G'), '36 1 1 6 2 AD');
    assert.equal(fmt('z zzzz'), 'UTC Coordinated Universal Time');
    assert.equal(fmt("'quoted ''text''' yyyy"), "quoted 'text' 2024");
    assert.equal(fmt('SSSSSS'), '000045');
    assert.equal(fmt('k', new Date(0)), '24');
    assert.equal(fmt('h a', new Date(0)), '12 AM');
  });

  test('week of year and week year follow US rules (week 1 holds January 1st)', () => {
    assert.equal(fmt('YYYY-ww', new Date(Date.UTC(2024, 11, 29))), '2025-01');
    assert.equal(fmt('yyyy-ww', new Date(Date.UTC(2024, 0, 1))), '2024-01');
    assert.equal(fmt('YYYY ww', new Date(Date.UTC(2022, 11, 31))), '2022 53');
  });

  test('refuses what Java refuses', () => {
    assert.throws(() => new JavaDateFormat('yyyy-bb'), /Illegal pattern character 'b'/);
    assert.throws(() => new JavaDateFormat("yyyy'T"), /Unterminated quote/);
    assert.throws(() => new JavaDateFormat('XXXX'), /invalid ISO 8601 format/);
  });

  test('parses leniently', () => {
    const parse = (p: string, s: string) => new JavaDateFormat(p).parse(s).toISOString();
    assert.equal(parse('yyyy-MM-dd', '2024-2-5'), '2024-02-05T00:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd', '2024-02-05junk'), '2024-02-05T00:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd HH:mm', '2024-02-05 25:61'), '2024-02-06T02:01:00.000Z');
    assert.equal(parse('yyyy-MM-dd', '  2024-02-05'), '2024-02-05T00:00:00.000Z');
    assert.equal(parse('yyyyMMdd', '20240205'), '2024-02-05T00:00:00.000Z');
    assert.equal(parse('MMM d, yyyy', 'feb 5, 2024'), '2024-02-05T00:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd HH:mm z', '2024-02-05 10:00 GMT+01:00'), '2024-02-05T09:00:00.000Z');
    assert.equal(parse("yyyy-MM-dd'T'HH:mm:ssX", '2024-02-05T10:00:00Z'), '2024-02-05T10:00:00.000Z');
    assert.equal(parse('yyyy-MM-dd G', '0044-03-15 BC'), '-000043-03-15T00:00:00.000Z');
    assert.throws(() => new JavaDateFormat('yyyy-MM-dd').parse('2024/02/05'), /Unparseable date/);
    assert.throws(() => new JavaDateFormat('yyyy-MM-dd').parse(''), /Unparseable date/);
    assert.throws(() => new JavaDateFormat('MMM').parse('Foo'), /Unparseable date/);
  });

  test('two-digit years land within 80 years before and 20 after now', () => {
    const y = new JavaDateFormat('yy').parse('00').getUTCFullYear();
    const now = new Date().getUTCFullYear();
    assert.ok(y > now - 80 && y <= now + 20, String(y));
    assert.equal(new JavaDateFormat('yyyy').parse('0024').getUTCFullYear(), 24);
  });

  test('property: format then parse is the identity for full patterns', () => {
    const patterns = ["yyyy-MM-dd'T'HH:mm:ss.SSSZ", 'yyyyMMddHHmmssSSS', 'dd MMM yyyy hh:mm:ss.SSS a', 'EEE, d MMMM yyyy HH:mm:ss.SSS z'];
    fc.assert(fc.property(fc.integer({ min: -62_000_000_000_000, max: 250_000_000_000_000 }), fc.constantFrom(...patterns), (ms, p) => {
      const f = new JavaDateFormat(p);
      assert.equal(f.parse(f.format(new Date(ms))).getTime(), ms);
    }));
  });
});

describe('Java regex on JavaScript', () => {
  test('matches() is a whole-input match; find is the first match', () => {
    const p = new JavaPattern('a|ab');
    assert.equal(p.matches('ab'), true);
    assert.equal(p.matches('abc'), false);
    assert.equal(new JavaPattern('(?i)orders-.*').matches('ORDERS-1'), true);
    assert.equal(new JavaPattern('\\Aab\\z').matches('ab'), true);
    assert.equal(new JavaPattern('\\p{Alpha}+\\p{Digit}').matches('abc1'), true);
    assert.equal(new JavaPattern('[\\p{Lower}]+').matches('abc'), true);
    assert.equal(new JavaPattern('\\Qa.b\\E').matches('a.b'), true);
    assert.equal(new JavaPattern('\\Qa.b\\E').matches('axb'), false);
    assert.equal(new JavaPattern('[]a]+').matches(']a]'), true);
  });

  test('group count and replacement parsing', () => {
    const p = new JavaPattern('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)');
    assert.equal(p.groupCount, 11);
    assert.equal(javaReplaceFirst('abcdefghijk', p, compileJavaReplacement('$11-$1', p)), 'k-a');
    const q = new JavaPattern('x(y)?');
    assert.equal(javaReplaceFirst('x', q, compileJavaReplacement('[$1]', q)), '[]');
    assert.throws(() => compileJavaReplacement('\\', q), /character to be escaped is missing/);
    assert.throws(() => compileJavaReplacement('${nope}', q), /No group with name/);
  });

  test('Java constructs JavaScript lacks are emulated, the rest refused, not reinterpreted', () => {
    assert.equal(new JavaPattern('a{2}b*?c+').matches('aabbcc'), true);
    for (const ok of ['a*+', 'a{2}+', '(?>a)', '[a-z&&[^e]]', 'a(?i)b']) translateJavaRegex(ok);
    for (const bad of ['\\p{InGreek}', '\\Ga', '(?U)a']) {
      assert.throws(() => translateJavaRegex(bad), (e: unknown) => e instanceof Error, bad);
    }
  });
});
