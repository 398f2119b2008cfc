/**
 * Parses `.proto` text into the Wire-shaped element model, ported from Square Wire's `ProtoParser` (the parser behind
 * Confluent's `ProtobufSchema`): comments are dropped, declarations keep their order, options keep their kinds.
 */
import type {
  EnumConstantElement,
  EnumElement,
  ExtendElement,
  ExtensionsElement,
  FieldElement,
  FieldLabel,
  GroupElement,
  MessageElement,
  OneOfElement,
  OptionElement,
  ProtoFileElement,
  ReservedElement,
  ReservedValue,
  RpcElement,
  ServiceElement,
  TypeElement,
} from './proto-elements.js';
import { MAX_TAG_VALUE } from './proto-elements.js';
import { ProtoOptionReader } from './proto-option-reader.js';
import { ProtoSyntaxReader } from './proto-syntax-reader.js';

type Context = 'FILE' | 'MESSAGE' | 'ENUM' | 'RPC' | 'EXTEND' | 'SERVICE';

type Declaration =
  | { readonly decl: 'type'; readonly value: TypeElement }
  | { readonly decl: 'service'; readonly value: ServiceElement }
  | { readonly decl: 'option'; readonly value: OptionElement }
  | { readonly decl: 'extend'; readonly value: ExtendElement }
  | { readonly decl: 'reserved'; readonly value: ReservedElement }
  | { readonly decl: 'extensions'; readonly value: ExtensionsElement }
  | { readonly decl: 'field'; readonly value: FieldElement }
  | { readonly decl: 'group'; readonly value: GroupElement }
  | { readonly decl: 'oneof'; readonly value: OneOfElement }
  | { readonly decl: 'rpc'; readonly value: RpcElement }
  | { readonly decl: 'constant'; readonly value: EnumConstantElement };

export function parseProtoFile(text: string): ProtoFileElement {
  return new ProtoParser(text).readProtoFile();
}

class ProtoParser {
  private readonly reader: ProtoSyntaxReader;
  private readonly options: ProtoOptionReader;
  private declarationCount = 0;
  private syntax: 'proto2' | 'proto3' | undefined;
  private packageName: string | undefined;
  private readonly imports: string[] = [];
  private readonly publicImports: string[] = [];
  private readonly weakImports: string[] = [];

  constructor(text: string) {
    this.reader = new ProtoSyntaxReader(text);
    this.options = new ProtoOptionReader(this.reader);
  }

  readProtoFile(): ProtoFileElement {
    const types: TypeElement[] = [];
    const services: ServiceElement[] = [];
    const extendDeclarations: ExtendElement[] = [];
    const options: OptionElement[] = [];
    for (;;) {
      this.reader.readDocumentation();
      if (this.reader.exhausted()) {
        return {
          packageName: this.packageName,
          syntax: this.syntax,
          imports: this.imports,
          publicImports: this.publicImports,
          weakImports: this.weakImports,
          types,
          services,
          extendDeclarations,
          options,
        };
      }
      const d = this.readDeclaration('FILE');
      if (d === undefined) continue;
      if (d.decl === 'type') {
        if (types.some((t) => t.name === d.value.name)) throw this.reader.unexpected(`${d.value.name} is already defined`);
        types.push(d.value);
      } else if (d.decl === 'service') {
        if (services.some((s) => s.name === d.value.name)) throw this.reader.unexpected(`${d.value.name} is already defined`);
        services.push(d.value);
      } else if (d.decl === 'option') options.push(d.value);
      else if (d.decl === 'extend') extendDeclarations.push(d.value);
    }
  }

  private readDeclaration(context: Context): Declaration | undefined {
    const r = this.reader;
    const index = this.declarationCount++;
    if (r.peekCharIs(';')) return undefined;
    const location = r.location();
    const label = r.readWord(context !== 'ENUM');
    const inMessage = context === 'MESSAGE';
    const fileOrMessage = context === 'FILE' || inMessage;

    if (label === 'package' && context === 'FILE') {
      this.packageName = r.readName();
      r.require(';');
      return undefined;
    }
    if (label === 'import' && context === 'FILE') {
      const peeked = r.peekChar();
      if (peeked === '"' || peeked === "'") this.imports.push(r.readQuotedString());
      else {
        const kind = r.readString();
        if (kind === 'weak') this.weakImports.push(r.readQuotedString());
        else if (kind === 'public') this.publicImports.push(r.readQuotedString());
        else throw r.unexpected('expected quoted string', location);
      }
      r.require(';');
      return undefined;
    }
    if (label === 'syntax' && context === 'FILE') {
      r.expect(this.syntax === undefined, () => 'too many syntax definitions', location);
      r.require('=');
      r.expect(index === 0, () => "'syntax' element must be the first declaration in a file", location);
      const s = r.readQuotedString();
      if (s !== 'proto2' && s !== 'proto3') throw r.unexpected(`unexpected syntax: ${s}`, location);
      this.syntax = s;
      r.require(';');
      return undefined;
    }
    if (label === 'option') {
      const value = this.options.readOption('=');
      r.require(';');
      return { decl: 'option', value };
    }
    if (label === 'reserved') return { decl: 'reserved', value: this.readReserved(location) };
    if (label === 'message' && fileOrMessage) return { decl: 'type', value: this.readMessage() };
    if (label === 'enum' && fileOrMessage) return { decl: 'type', value: this.readEnum() };
    if (label === 'service' && context === 'FILE') return { decl: 'service', value: this.readService() };
    if (label === 'extend' && fileOrMessage) return { decl: 'extend', value: this.readExtend() };
    if (label === 'rpc' && context === 'SERVICE') return { decl: 'rpc', value: this.readRpc() };
    if (label === 'oneof' && inMessage) return { decl: 'oneof', value: this.readOneOf() };
    if (label === 'extensions' && inMessage) return { decl: 'extensions', value: this.readExtensions(location) };
    if (inMessage || context === 'EXTEND') return this.readLabeledField(location, label);
    if (context === 'ENUM') return { decl: 'constant', value: this.readEnumConstant(label) };
    if (label === 'edition' && context === 'FILE') throw r.unexpected('edition is not currently supported');
    throw r.unexpected(`unexpected label: ${label}`, location);
  }

  private readBlock(context: Context, each: (d: Declaration) => void): void {
    this.reader.require('{');
    for (;;) {
      this.reader.readDocumentation();
      if (this.reader.peekCharIs('}')) return;
      const d = this.readDeclaration(context);
      if (d !== undefined) each(d);
    }
  }

  private readMessage(): MessageElement {
    const name = this.reader.readName();
    const m = {
      fields: [] as FieldElement[],
      oneOfs: [] as OneOfElement[],
      nestedTypes: [] as TypeElement[],
      extensions: [] as ExtensionsElement[],
      options: [] as OptionElement[],
      reserveds: [] as ReservedElement[],
      groups: [] as GroupElement[],
      extendDeclarations: [] as ExtendElement[],
    };
    this.readBlock('MESSAGE', (d) => {
      switch (d.decl) {
        case 'field': m.fields.push(d.value); break;
        case 'oneof': m.oneOfs.push(d.value); break;
        case 'group': m.groups.push(d.value); break;
        case 'type': m.nestedTypes.push(d.value); break;
        case 'extensions': m.extensions.push(d.value); break;
        case 'option': m.options.push(d.value); break;
        case 'extend': m.extendDeclarations.push(d.value); break;
        case 'reserved': m.reserveds.push(d.value); break;
        default: break;
      }
    });
    return { kind: 'message', name, ...m };
  }

  private readExtend(): ExtendElement {
    const name = this.reader.readName();
    const fields: FieldElement[] = [];
    this.readBlock('EXTEND', (d) => {
      if (d.decl === 'field') fields.push(d.value);
    });
    return { name, fields };
  }

  private readService(): ServiceElement {
    const name = this.reader.readName();
    const rpcs: RpcElement[] = [];
    const options: OptionElement[] = [];
    this.readBlock('SERVICE', (d) => {
      if (d.decl === 'rpc') rpcs.push(d.value);
      else if (d.decl === 'option') options.push(d.value);
    });
    return { name, rpcs, options };
  }

  private readEnum(): EnumElement {
    const name = this.reader.readName();
    const constants: EnumConstantElement[] = [];
    const options: OptionElement[] = [];
    const reserveds: ReservedElement[] = [];
    this.readBlock('ENUM', (d) => {
      if (d.decl === 'constant') constants.push(d.value);
      else if (d.decl === 'option') options.push(d.value);
      else if (d.decl === 'reserved') reserveds.push(d.value);
    });
    return { kind: 'enum', name, options, constants, reserveds, nestedTypes: [] };
  }

  private readLabeledField(location: string, word: string): Declaration {
    const r = this.reader;
    let label: FieldLabel | undefined;
    let type: string;
    if (word === 'required') {
      r.expect(this.syntax !== 'proto3', () => "'required' label forbidden in proto3 field declarations", location);
      label = 'REQUIRED';
      type = r.readDataType();
    } else if (word === 'optional') {
      label = 'OPTIONAL';
      type = r.readDataType();
    } else if (word === 'repeated') {
      label = 'REPEATED';
      type = r.readDataType();
    } else {
      r.expect(this.syntax === 'proto3' || (word === 'map' && r.peekChar() === '<'), () => `unexpected label: ${word}`, location);
      label = undefined;
      type = r.readDataType(word);
    }
    r.expect(!type.startsWith('map<') || label === undefined, () => "'map' type cannot have label", location);
    if (type === 'group') return { decl: 'group', value: this.readGroup(label) };
    return { decl: 'field', value: this.readField(label, type) };
  }

  private readField(label: FieldLabel | undefined, type: string): FieldElement {
    const r = this.reader;
    const name = r.readName(false);
    r.require('=');
    const tag = r.readInt();
    const options = this.options.readOptions();
    // `default` and `json_name` are not options in Wire's model; the last one given wins.
    const strip = (key: string): string | undefined => {
      let result: string | undefined;
      for (let i = options.length - 1; i >= 0; i--) {
        if (options[i]!.name === key) {
          result ??= String(options[i]!.value);
          options.splice(i, 1);
        }
      }
      return result;
    };
    const defaultValue = strip('default');
    const jsonName = strip('json_name');
    r.require(';');
    r.tryAppendTrailingDocumentation();
    return { label, type, name, defaultValue, jsonName, tag, options };
  }

  private readOneOf(): OneOfElement {
    const r = this.reader;
    const name = r.readName();
    const fields: FieldElement[] = [];
    const groups: GroupElement[] = [];
    const options: OptionElement[] = [];
    r.require('{');
    for (;;) {
      r.readDocumentation();
      if (r.peekCharIs('}')) break;
      const type = r.readDataType();
      if (type === 'group') groups.push(this.readGroup(undefined));
      else if (type === 'option') {
        options.push(this.options.readOption('='));
        r.require(';');
      } else fields.push(this.readField(undefined, type));
    }
    return { name, fields, groups, options };
  }

  private readGroup(label: FieldLabel | undefined): GroupElement {
    const r = this.reader;
    const name = r.readWord();
    r.require('=');
    const tag = r.readInt();
    const fields: FieldElement[] = [];
    r.require('{');
    for (;;) {
      r.readDocumentation();
      if (r.peekCharIs('}')) break;
      const location = r.location();
      const d = this.readLabeledField(location, r.readWord());
      if (d.decl !== 'field') throw r.unexpected('expected field declaration');
      fields.push(d.value);
    }
    return { label, name, tag, fields };
  }

  private readRange(location: string): number | readonly [number, number] {
    const r = this.reader;
    const start = r.readInt();
    const next = r.peekChar();
    if (next === ',' || next === ';' || next === '[') return start;
    r.expect(r.readWord() === 'to', () => "expected ',', ';', or 'to'", location);
    const endWord = r.readWord();
    const end = endWord === 'max' ? MAX_TAG_VALUE : Number.parseInt(endWord, 10);
    if (!/^-?\d+$/.test(endWord) && endWord !== 'max') throw r.unexpected(`expected an integer but was ${endWord}`);
    return [start, end];
  }

  private readReserved(location: string): ReservedElement {
    const r = this.reader;
    const values: ReservedValue[] = [];
    for (;;) {
      const c = r.peekChar();
      if (c === '"' || c === "'") values.push(r.readQuotedString());
      else values.push(this.readRange(location));
      const sep = r.readChar();
      if (sep === ';') break;
      if (sep !== ',') throw r.unexpected("expected ',' or ';'");
    }
    r.tryAppendTrailingDocumentation();
    return { values };
  }

  private readExtensions(location: string): ExtensionsElement {
    const r = this.reader;
    const values: (number | readonly [number, number])[] = [];
    const options: OptionElement[] = [];
    for (;;) {
      values.push(this.readRange(location));
      if (r.peekChar() === '[') {
        options.push(...this.options.readOptions());
        r.require(';');
        break;
      }
      const sep = r.readChar();
      if (sep === ';') break;
      if (sep !== ',') throw r.unexpected("expected ',' or ';'");
    }
    return { values, options };
  }

  private readEnumConstant(name: string): EnumConstantElement {
    const r = this.reader;
    r.require('=');
    const tag = r.readInt();
    const options = this.options.readOptions();
    r.require(';');
    r.tryAppendTrailingDocumentation();
    return { name, tag, options };
  }

  private readRpc(): RpcElement {
    const r = this.reader;
    const name = r.readName();
    const readType = (): [string, boolean] => {
      r.require('(');
      const word = r.readWord();
      const streaming = word === 'stream';
      const type = streaming ? r.readDataType() : r.readDataType(word);
      r.require(')');
      return [type, streaming];
    };
    const [requestType, requestStreaming] = readType();
    r.expect(r.readWord() === 'returns', () => "expected 'returns'");
    const [responseType, responseStreaming] = readType();
    const options: OptionElement[] = [];
    if (r.peekCharIs('{')) {
      for (;;) {
        r.readDocumentation();
        if (r.peekCharIs('}')) break;
        const d = this.readDeclaration('RPC');
        if (d?.decl === 'option') options.push(d.value);
      }
    } else {
      r.require(';');
    }
    return { name, requestType, responseType, requestStreaming, responseStreaming, options };
  }
}
