/** How Java prints numbers that a Jackson tree holds, so canonical texts match Confluent's byte for byte. */
import type { JsonNumber } from './json-text.js';

/** Java's `Double.toString` (JDK 19+, shortest digits): `100.0`, `0.001`, `1.0E7`, `1.5E-4`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(d).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1) || '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

/**
 * How Jackson's default ObjectMapper writes a number it read: an integral literal as an exact integer (int, long or
 * BigInteger node), anything else as a Java double (Avro's parser reads schemas this way).
 */
export function jacksonDefaultNumber(n: JsonNumber): string {
  if (n.literal === 'NaN' || n.literal.endsWith('Infinity')) return n.literal;
  if (n.isIntegral) return normalizeInteger(n.literal);
  return javaDoubleToString(n.value);
}

/**
 * How a Jackson mapper with USE_BIG_DECIMAL_FOR_FLOATS and exact big decimals writes a number it read (Confluent's
 * JSON Schema mapper): integers exact, other numbers as `BigDecimal.toString()` of the literal (`1.50`, `1E+2`).
 */
export function jacksonBigDecimalNumber(n: JsonNumber): string {
  if (n.literal === 'NaN' || n.literal.endsWith('Infinity')) return n.literal;
  if (n.isIntegral) return normalizeInteger(n.literal);
  return javaBigDecimalToString(n.literal);
}

function normalizeInteger(literal: string): string {
  return literal === '-0' ? '0' : literal;
}

/** Java's `new BigDecimal(literal).toString()` for a JSON number literal. */
export function javaBigDecimalToString(literal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return literal;
  const [, neg, intPart, fracPart = '', expPart = '0'] = m;
  let coeff = (intPart! + fracPart).replace(/^0+(?=\d)/, '');
  const scale = fracPart.length - Number(expPart);
  const isZero = /^0+$/.test(coeff);
  if (isZero) coeff = '0';
  const sign = neg && !isZero ? '-' : '';
  const adjusted = -scale + (coeff.length - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + coeff;
    if (coeff.length > scale) return `${sign}${coeff.slice(0, coeff.length - scale)}.${coeff.slice(coeff.length - scale)}`;
    return `${sign}0.${'0'.repeat(scale - coeff.length)}${coeff}`;
  }
  const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
  return `${sign}${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
}
