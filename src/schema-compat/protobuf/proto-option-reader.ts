/** Reads `.proto` options (`[a = 1, (b).c = "x"]`, `option (m) = { k: v }`), ported from Square Wire's `OptionReader`. */
import type { OptionElement, OptionKind, OptionMap, OptionValue } from './proto-elements.js';
import type { ProtoSyntaxReader } from './proto-syntax-reader.js';

interface KindAndValue {
  readonly kind: OptionKind;
  readonly value: string | OptionMap | OptionValue[];
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

export class ProtoOptionReader {
  constructor(private readonly reader: ProtoSyntaxReader) {}

  /** Options in `[` `]`, or none when there is no `[`. */
  readOptions(): OptionElement[] {
    if (!this.reader.peekCharIs('[')) return [];
    const result: OptionElement[] = [];
    for (;;) {
      result.push(this.readOption('='));
      if (this.reader.peekCharIs(']')) break;
      this.reader.expect(this.reader.peekCharIs(','), () => "Expected ',' or ']");
    }
    return result;
  }

  /** A name, the separator and a value; a dotted sub-path like `(foo).bar.baz` nests options. */
  readOption(separator: '=' | ':'): OptionElement {
    const r = this.reader;
    const first = r.peekChar();
    const isExtension = first === '[';
    const isParenthesized = first === '(';
    let name = r.readName();
    if (isExtension) name = `[${name}]`;
    const subNames: string[] = [];
    let c: string;
    for (;;) {
      c = r.readChar();
      if (c !== '.') break;
      subNames.push(r.readName(true, true, false));
    }
    if (separator === ':' && c === '{') r.pushBack('{');
    else r.expect(c === separator, () => `expected '${separator}' in option`);
    const kv = this.readKindAndValue();
    let kind: OptionKind = kv.kind;
    let value: OptionElement['value'] = kv.value;
    for (const sub of [...subNames].reverse()) {
      const parenthesized = sub.startsWith('(');
      value = { name: parenthesized ? sub.slice(1, -1) : sub, kind, value, isParenthesized: parenthesized };
      kind = 'OPTION';
    }
    return { name, kind, value, isParenthesized };
  }

  private readKindAndValue(): KindAndValue {
    const r = this.reader;
    const peeked = r.peekChar();
    if (peeked === '{') return { kind: 'MAP', value: this.readMap() };
    if (peeked === '[') return { kind: 'LIST', value: this.readList() };
    if (peeked === '"' || peeked === "'") return { kind: 'STRING', value: r.readString() };
    if (isDigit(peeked) || peeked === '-') return { kind: 'NUMBER', value: r.readWord() };
    const word = r.readWord();
    if (word === 'true' || word === 'false') return { kind: 'BOOLEAN', value: word };
    return { kind: 'ENUM', value: word };
  }

  /** Scalars inside maps and lists keep their kind, as Wire's `OptionPrimitive`. */
  private asValue(kind: OptionKind, value: OptionElement['value']): OptionValue {
    if (kind === 'BOOLEAN' || kind === 'ENUM' || kind === 'NUMBER') return { primitiveKind: kind, value: value as string };
    return value as OptionValue;
  }

  /** `{ key: value, ... }`; a repeated key collects its values into a list. */
  private readMap(): OptionMap {
    const r = this.reader;
    r.require('{');
    const result: OptionMap = new Map();
    for (;;) {
      if (r.peekCharIs('}')) return result;
      const option = this.readOption(':');
      const value = this.asValue(option.kind, option.value);
      if (option.kind === 'OPTION') {
        const nestedOption = option.value as OptionElement;
        let nested = result.get(option.name);
        if (!(nested instanceof Map)) {
          nested = new Map();
          result.set(option.name, nested);
        }
        nested.set(nestedOption.name, nestedOption.value as OptionValue);
      } else {
        const previous = result.get(option.name);
        if (previous === undefined) result.set(option.name, value);
        else if (Array.isArray(previous)) addToList(previous, value);
        else {
          const list: OptionValue[] = [previous];
          addToList(list, value);
          result.set(option.name, list);
        }
      }
      if (!r.peekCharIs(',')) r.peekCharIs(';');
    }
  }

  private readList(): OptionValue[] {
    const r = this.reader;
    r.require('[');
    const result: OptionValue[] = [];
    for (;;) {
      if (r.peekCharIs(']')) return result;
      const kv = this.readKindAndValue();
      result.push(this.asValue(kv.kind, kv.value));
      if (r.peekCharIs(',')) continue;
      r.expect(r.peekChar() === ']', () => "expected ',' or ']'");
    }
  }
}

function addToList(list: OptionValue[], value: OptionValue): void {
  if (Array.isArray(value)) list.push(...value);
  else list.push(value);
}
