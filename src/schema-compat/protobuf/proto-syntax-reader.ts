/**
 * The character reader under the `.proto` parser, ported from Square Wire's `SyntaxReader` so that what parses (and
 * how names, numbers and strings are read) matches what Confluent's registry accepts.
 */

export class ProtoSyntaxError extends Error {
  override readonly name = 'ProtoSyntaxError';
}

const isWordChar = (c: string, allowDots: boolean): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '-' || (allowDots && c === '.');

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export class ProtoSyntaxReader {
  private pos = 0;
  private line = 0;
  private lineStart = 0;

  constructor(private readonly data: string) {}

  exhausted(): boolean {
    return this.pos === this.data.length;
  }

  location(): string {
    return `${this.line + 1}:${this.pos - this.lineStart + 1}`;
  }

  unexpected(message: string, location = this.location()): ProtoSyntaxError {
    return new ProtoSyntaxError(`Syntax error in ${location}: ${message}`);
  }

  expect(condition: boolean, message: () => string, location?: string): void {
    if (!condition) throw this.unexpected(message(), location);
  }

  readChar(): string {
    const c = this.peekChar();
    this.pos++;
    return c;
  }

  require(c: string): void {
    const read = this.readChar();
    this.expect(read === c, () => `expected '${c}' but was '${read}'`);
  }

  peekChar(): string {
    this.skipWhitespace(true);
    this.expect(this.pos < this.data.length, () => 'unexpected end of file');
    return this.data[this.pos]!;
  }

  /** Consumes `c` if it is next. */
  peekCharIs(c: string): boolean {
    if (this.peekChar() === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  pushBack(c: string): void {
    if (this.data[this.pos - 1] !== c) throw new Error('pushBack mismatch');
    this.pos--;
  }

  readString(): string {
    this.skipWhitespace(true);
    const c = this.peekChar();
    return c === '"' || c === "'" ? this.readQuotedString() : this.readWord();
  }

  readQuotedString(): string {
    let startQuote = this.readChar();
    this.expect(startQuote === '"' || startQuote === "'", () => 'expected quoted string');
    let result = '';
    while (this.pos < this.data.length) {
      let c = this.data[this.pos++]!;
      if (c === startQuote) {
        // Adjacent strings are concatenated.
        const next = this.peekChar();
        if (next === '"' || next === "'") {
          startQuote = this.readChar();
          continue;
        }
        return result;
      }
      if (c === '\\') {
        this.expect(this.pos < this.data.length, () => 'unexpected end of file');
        c = this.data[this.pos++]!;
        switch (c) {
          case 'a': c = '\u0007'; break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'n': c = '\n'; break;
          case 'r': c = '\r'; break;
          case 't': c = '\t'; break;
          case 'v': c = '\u000b'; break;
          case 'x':
          case 'X':
            c = this.readNumericEscape(16, 2);
            break;
          default:
            if (c >= '0' && c <= '7') {
              this.pos--;
              c = this.readNumericEscape(8, 3);
            }
        }
      }
      result += c;
      if (c === '\n') this.newline();
    }
    throw this.unexpected('unterminated string');
  }

  private readNumericEscape(radix: number, len: number): string {
    let value = -1;
    const end = Math.min(this.pos + len, this.data.length);
    while (this.pos < end) {
      const digit = parseInt(this.data[this.pos]!, 16);
      if (Number.isNaN(digit) || digit >= radix) break;
      value = value < 0 ? digit : value * radix + digit;
      this.pos++;
    }
    this.expect(value >= 0, () => 'expected a digit after \\x or \\X');
    return String.fromCharCode(value);
  }

  /** A (paren-wrapped), [square-wrapped] or naked name; `retainWrap` keeps the wrapping punctuation. */
  readName(allowLeadingDigit = true, retainWrap = false, allowDots = true): string {
    const c = this.peekChar();
    if (c === '(' || c === '[') {
      this.pos++;
      const word = this.readWord(allowLeadingDigit);
      const close = c === '(' ? ')' : ']';
      this.expect(this.readChar() === close, () => `expected '${close}'`);
      return retainWrap ? `${c}${word}${close}` : word;
    }
    return this.readWord(allowLeadingDigit, allowDots);
  }

  /** A scalar, map or type name, `name` being its first word when already read. */
  readDataType(name: string = this.readWord()): string {
    if (name === 'map') {
      this.expect(this.readChar() === '<', () => "expected '<'");
      const keyType = this.readDataType();
      this.expect(this.readChar() === ',', () => "expected ','");
      const valueType = this.readDataType();
      this.expect(this.readChar() === '>', () => "expected '>'");
      return `map<${keyType}, ${valueType}>`;
    }
    let out = name;
    while (this.peekChar() === '.') {
      this.pos++;
      out += `.${this.readWord()}`;
    }
    return out;
  }

  readWord(allowLeadingDigit = true, allowDots = true): string {
    this.skipWhitespace(true);
    const start = this.pos;
    while (this.pos < this.data.length && isWordChar(this.data[this.pos]!, allowDots)) this.pos++;
    this.expect(start < this.pos, () => 'expected a word');
    if (!allowLeadingDigit) {
      this.expect(!isDigit(this.data[start]), () => 'field and constant names cannot start with a digit', `${this.line + 1}:${start - this.lineStart}`);
    }
    return this.data.slice(start, this.pos);
  }

  readInt(): number {
    const word = this.readWord();
    const hex = word.startsWith('0x') || word.startsWith('0X');
    const digits = hex ? word.slice(2) : word;
    const valid = hex ? /^[+-]?[0-9a-fA-F]+$/.test(digits) : /^[+-]?\d+$/.test(digits);
    const n = valid ? parseInt(digits, hex ? 16 : 10) : NaN;
    if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648) throw this.unexpected(`expected an integer but was ${word}`);
    return n;
  }

  /** Skips whitespace and comments before a declaration (their text, the documentation, is not kept). */
  readDocumentation(): void {
    for (;;) {
      this.skipWhitespace(false);
      if (this.pos === this.data.length || this.data[this.pos] !== '/') return;
      this.readComment();
    }
  }

  private readComment(): void {
    this.pos++;
    const kind = this.pos < this.data.length ? this.data[this.pos++] : undefined;
    if (kind === '*') {
      while (this.pos + 1 < this.data.length) {
        const c = this.data[this.pos]!;
        if (c === '*' && this.data[this.pos + 1] === '/') {
          this.pos += 2;
          return;
        }
        if (c === '\n') {
          this.pos++;
          this.newline();
          continue;
        }
        this.pos++;
      }
      throw this.unexpected('unterminated comment');
    }
    if (kind === '/') {
      while (this.pos < this.data.length) {
        const c = this.data[this.pos++];
        if (c === '\n') {
          this.newline();
          break;
        }
      }
      return;
    }
    throw this.unexpected("unexpected '/'");
  }

  /** A comment on the rest of the line after a declaration; Wire requires a star comment to end that line. */
  tryAppendTrailingDocumentation(): void {
    while (this.pos < this.data.length) {
      const c = this.data[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '/') {
        this.pos++;
        break;
      } else return;
    }
    if (this.pos >= this.data.length) return;
    if (!(this.data[this.pos] === '/' || this.data[this.pos] === '*')) {
      this.pos--;
      throw this.unexpected("expected '//' or '/*'");
    }
    const isStar = this.data[this.pos] === '*';
    this.pos++;
    if (isStar) {
      for (;;) {
        this.expect(this.pos < this.data.length, () => 'trailing comment must be closed');
        if (this.data[this.pos] === '*' && this.pos + 1 < this.data.length && this.data[this.pos + 1] === '/') {
          this.pos += 2;
          break;
        }
        this.pos++;
      }
      while (this.pos < this.data.length) {
        const c = this.data[this.pos++]!;
        if (c === '\n') {
          this.newline();
          break;
        }
        this.expect(c === ' ' || c === '\t' || c === '\r', () => 'no syntax may follow trailing comment');
      }
    } else {
      while (this.pos < this.data.length) {
        const c = this.data[this.pos++];
        if (c === '\n') {
          this.newline();
          break;
        }
      }
    }
  }

  private skipWhitespace(skipComments: boolean): void {
    while (this.pos < this.data.length) {
      const c = this.data[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        this.pos++;
        if (c === '\n') this.newline();
      } else if (skipComments && c === '/') {
        this.readComment();
      } else return;
    }
  }

  private newline(): void {
    this.line++;
    this.lineStart = this.pos;
  }
}
