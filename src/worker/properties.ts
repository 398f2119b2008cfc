/**
 * Java `.properties` text (java.util.Properties.load): what Kafka's FileConfigProvider reads, and what the
 * basic-auth extension's credentials file is. Key/value separators `=`, `:` or whitespace; `#` and `!` comments;
 * backslash line continuations; `\t \n \r \f \uXXXX` escapes; a later duplicate key wins.
 */

function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    switch (n) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else {
          out += 'u';
        }
        break;
      }
      default:
        out += n;
    }
  }
  return out;
}

/** The logical lines: comments and blank lines dropped, continuations joined, leading whitespace removed. */
function logicalLines(text: string): string[] {
  const physical = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let current: string | null = null;
  for (const raw of physical) {
    const line: string = current === null ? raw.replace(/^[ \t\f]+/, '') : raw.replace(/^[ \t\f]+/, '');
    if (current === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    // An odd number of trailing backslashes continues the line.
    const trailing = /\\*$/.exec(line)![0].length;
    const body = trailing % 2 === 1 ? line.slice(0, -1) : line;
    current = (current ?? '') + body;
    if (trailing % 2 === 0) {
      out.push(current);
      current = null;
    }
  }
  if (current !== null) out.push(current);
  return out;
}

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text.replace(/^\uFEFF/, ''))) {
    let i = 0;
    while (i < line.length) {
      const c = line[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      i++;
    }
    const key = line.slice(0, i);
    let j = i;
    while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
    if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
    while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
    out.set(unescape(key), unescape(line.slice(j)));
  }
  return out;
}
