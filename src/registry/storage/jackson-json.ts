/**
 * Compact JSON text as Jackson's default ObjectMapper writes it (what Confluent's registry puts in `_schemas`): no
 * whitespace, fields in the given order, strings with Jackson's escapes — short forms for \b \t \n \f \r, `\u00XX`
 * (upper-case hex) for the other control characters, everything else as is (non-ASCII unescaped).
 */
export function jacksonJson(value: unknown): string {
  return JSON.stringify(value).replace(/(\\\\)|\\u00([0-9a-f]{2})/g, (m, escapedBackslash: string | undefined, hex: string | undefined) =>
    escapedBackslash !== undefined ? m : `\\u00${hex!.toUpperCase()}`,
  );
}
