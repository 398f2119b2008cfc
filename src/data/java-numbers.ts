import type { BigDecimal } from './big-decimal.js';

/**
 * Number ↔ text exactly as the JVM does it, for byte-compatibility with Kafka's JsonConverter (Jackson writes
 * doubles with `Double.toString`, floats with `Float.toString`, decimals with `BigDecimal.toString`).
 *
 * `Double.toString`/`Float.toString` follow the JDK 19+ specification (shortest decimal that rounds back, and
 * at least two digits when a two-digit decimal is closer): that is what Kafka prints on Java 19 and later
 * (Java 21 and 25 included). JDK 17 and older sometimes print one or two extra digits (e.g. `4.6339927102834509E17`
 * where JDK 19+ prints `4.633992710283451E17`); both forms parse back to the same number.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Digits (no leading zeros, no trailing zeros unless the digit string is "0") and decimal exponent of a positive finite number. */
function shortestDoubleDigits(abs: number): { digits: string; exp: number } {
  // toExponential() without argument gives the shortest digit string that reads back as the same double.
  const s = abs.toExponential();
  const e = s.indexOf('e');
  let digits = s.charCodeAt(1) === 46 /* . */ ? s[0]! + s.slice(2, e) : s.slice(0, e);
  let exp = Number(s.slice(e + 1));
  if (digits.length === 1 && abs < 2.2250738585072014e-308) {
    // (only a subnormal has so few bits that two decimals of length 1 and 2 can both round to it)
    // JDK 19+: when one digit suffices, the closest decimal of length 1 or 2 is chosen (e.g. 4.9E-324).
    const two = abs.toExponential(1);
    if (Number(two) === abs) {
      const te = two.indexOf('e');
      const d2 = two[0]! + two[2]!;
      if (d2[1] !== '0') {
        digits = d2;
        exp = Number(two.slice(te + 1));
      }
    }
  }
  return { digits, exp };
}

/** Java's layout of a digit string with exponent: plain for 1e-3 ≤ |v| < 1e7, else `d.dddE±n`. */
function javaLayout(neg: boolean, digits: string, exp: number): string {
  let out: string;
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      const intLen = exp + 1;
      const intPart = digits.length >= intLen ? digits.slice(0, intLen) : digits + '0'.repeat(intLen - digits.length);
      const frac = digits.length > intLen ? digits.slice(intLen) : '0';
      out = `${intPart}.${frac}`;
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`;
  }
  return neg ? `-${out}` : out;
}

/** Java's `Double.toString(d)` (JDK 19+). */
export function javaDoubleToString(d: number): string {
  if (d !== d) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const neg = d < 0;
  const abs = neg ? -d : d;
  if (abs < 1e7 && abs >= 1e-3) {
    // JS prints this range in plain notation with the same shortest digits as Java; integers need ".0".
    const s = String(d);
    return Number.isInteger(abs) ? `${s}.0` : s;
  }
  const { digits, exp } = shortestDoubleDigits(abs);
  return javaLayout(neg, digits, exp);
}

/** The float next to `f` towards +∞ (up) or −∞ (down); `f` must be a finite float32 value. */
function floatNeighbour(f: number, up: boolean): number {
  f32[0] = f;
  if (f === 0) {
    u32[0] = 1;
    return up ? f32[0]! : -f32[0]!;
  }
  if ((f > 0) === up) u32[0] = u32[0]! + 1;
  else u32[0] = u32[0]! - 1;
  return f32[0]!;
}

/** Exact comparison of a decimal text against a double: sign of (text − d). */
function compareDecimalTextToDouble(text: string, d: number): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return Number(text) < d ? -1 : Number(text) > d ? 1 : 0;
  let num = BigInt((m[2] ?? '') + (m[3] ?? '') || '0');
  if (m[1] === '-') num = -num;
  const exp10 = (m[4] ? Number(m[4]) : 0) - (m[3]?.length ?? 0);
  // d = mant * 2^e2 exactly
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, d);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else { mant |= 1n << 52n; e2 = bexp - 1075; }
  if (d < 0) mant = -mant;
  // compare num*10^exp10 with mant*2^e2, scaled to integers
  let left = num;
  let right = mant;
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  if (e2 >= 0) right <<= BigInt(e2);
  else left <<= BigInt(-e2);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Decimal text → nearest float32, correctly rounded from the decimal itself (as Java's `Float.parseFloat` /
 * `BigDecimal.floatValue`), avoiding the double-rounding error of `Math.fround(Number(text))`.
 */
export function parseFloat32(text: string): number {
  const x = Number(text);
  const f = Math.fround(x);
  if (x === f || !Number.isFinite(x) || !Number.isFinite(f)) return f;
  const other = floatNeighbour(f, x > f);
  if (!Number.isFinite(other)) return f;
  const mid = (f + other) / 2;
  if (x !== mid) return f;
  // The double lies exactly halfway between two floats: decide with the exact decimal value.
  const c = compareDecimalTextToDouble(text, mid);
  const towardsOther = x > f ? c > 0 : c < 0;
  if (c === 0) {
    f32[0] = f;
    return (u32[0]! & 1) === 0 ? f : other;
  }
  return towardsOther ? other : f;
}

/**
 * `toExponential` rounds a tie away from zero; Java picks the candidate with the even last digit. `s` is the
 * p-digit candidate for the positive float `abs`.
 */
function breakTie(abs: number, s: string, p: number): string {
  const t = abs.toExponential(p);
  const e = t.indexOf('e');
  if (t.charCodeAt(e - 1) !== 53 /* 5 */ || compareDecimalTextToDouble(t, abs) !== 0) return s;
  // Exactly halfway: the round-down candidate is t truncated to p digits.
  const down = t.slice(0, e - 1) + t.slice(e);
  const downDigits = down.slice(0, down.indexOf('e'));
  const lastDown = downDigits.charCodeAt(downDigits.length - 1) - 48;
  const upOk = parseFloat32(s) === abs;
  const downOk = parseFloat32(down) === abs;
  if (downOk && (lastDown % 2 === 0 || !upOk)) return down.endsWith('.') ? down.slice(0, -1) : down;
  return s;
}

/** Java's `Float.toString(f)` (JDK 19+); `f` is rounded to float32 first. */
export function javaFloatToString(value: number): string {
  const f = Math.fround(value);
  if (f !== f) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const neg = f < 0;
  const abs = neg ? -f : f;
  if (abs < 1e7 && Number.isInteger(abs)) return `${neg ? '-' : ''}${abs}.0`;
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = abs.toExponential(p - 1);
    if (parseFloat32(s) === abs) {
      if (p === 1) {
        const two = abs.toExponential(1);
        if (two[2] !== '0' && parseFloat32(two) === abs) {
          digits = two[0]! + two[2]!;
          exp = Number(two.slice(two.indexOf('e') + 1));
          break;
        }
      }
      const chosen = p > 1 ? breakTie(abs, s, p) : s;
      const e = chosen.indexOf('e');
      digits = (chosen[0]! + (chosen.charCodeAt(1) === 46 ? chosen.slice(2, e) : '')).replace(/0+$/, '') || '0';
      exp = Number(chosen.slice(e + 1));
      break;
    }
  }
  return javaLayout(neg, digits, exp);
}

/** Java's `BigDecimal.toString()`: plain unless the scale is negative or the adjusted exponent is below −6. */
export function javaBigDecimalToString(d: BigDecimal): string {
  const neg = d.unscaled < 0n;
  const coeff = (neg ? -d.unscaled : d.unscaled).toString();
  const adjusted = -d.scale + (coeff.length - 1);
  if (d.scale >= 0 && adjusted >= -6) return d.toString();
  let out = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
  out += adjusted >= 0 ? `E+${adjusted}` : `E${adjusted}`;
  return neg ? `-${out}` : out;
}
