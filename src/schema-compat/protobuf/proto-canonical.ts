/**
 * The text Confluent stores for a Protobuf schema: `ProtobufSchemaUtils.toString` of the parsed file (not
 * normalized). Comments go, declarations keep their order except that within a scope messages come before enums,
 * and every element is laid out with two-space indents and Confluent's blank lines between sections.
 */
import type {
  EnumElement,
  ExtendElement,
  ExtensionsElement,
  FieldElement,
  GroupElement,
  MessageElement,
  OneOfElement,
  OptionElement,
  OptionValue,
  ProtoFileElement,
  ReservedElement,
  RpcElement,
  ServiceElement,
  TypeElement,
} from './proto-elements.js';
import { MAX_TAG_VALUE } from './proto-elements.js';

/** Java's `String.split("\n")`: trailing empty strings are dropped. */
function javaSplitLines(value: string): string[] {
  const lines = value.split('\n');
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 1 && lines[0] === '' && value.length > 0) return [];
  return lines;
}

function indented(value: string): string {
  return javaSplitLines(value)
    .map((line) => `  ${line}\n`)
    .join('');
}

/** Confluent's `escapeChars`. */
function escapeChars(input: string): string {
  let out = '';
  for (const c of input) {
    switch (c) {
      case '\u0007': out += '\\a'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\u000b': out += '\\v'; break;
      case '\\': out += '\\\\'; break;
      case "'": out += "\\'"; break;
      case '"': out += '\\"'; break;
      default: out += c;
    }
  }
  return out;
}

function optionText(option: OptionElement): string {
  const name = option.isParenthesized ? `(${option.name})` : option.name;
  switch (option.kind) {
    case 'STRING':
      return `${name} = "${escapeChars(String(option.value))}"`;
    case 'BOOLEAN':
    case 'ENUM':
    case 'NUMBER':
      return `${name} = ${String(option.value)}`;
    case 'OPTION':
      return `${name}.${optionText(option.value as OptionElement)}`;
    case 'MAP':
      return `${name} = {\n${optionMap(option.value as Map<string, OptionValue>)}}`;
    case 'LIST':
      return `${name} = ${optionList(option.value as OptionValue[])}`;
    default:
      return name;
  }
}

function optionMap(map: Map<string, OptionValue>): string {
  let out = '';
  let index = 0;
  for (const [key, value] of map) {
    out += indented(`${key}: ${optionValue(value)}${index !== map.size - 1 ? ',' : ''}`);
    index++;
  }
  return out;
}

function isOptionElement(v: OptionValue): v is OptionElement {
  return typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && 'kind' in v && 'isParenthesized' in v;
}

function optionValue(value: OptionValue): string {
  if (typeof value === 'string') return `"${escapeChars(value)}"`;
  if (value instanceof Map) return `{\n${optionMap(value)}}`;
  if (Array.isArray(value)) {
    const last = value.length - 1;
    return `[\n${value.map((v, i) => indented(`${optionValue(v)}${i !== last ? ',' : ''}`)).join('')}]`;
  }
  if (isOptionElement(value)) return optionText(value);
  return value.value;
}

/** Confluent's `appendOptions`: one option inline in brackets, several one per line. */
function optionList(options: readonly OptionValue[]): string {
  if (options.length === 1) return `[${optionValue(options[0]!)}]`;
  const last = options.length - 1;
  return `[\n${options.map((o, i) => indented(`${optionValue(o)}${i < last ? ',' : ''}`)).join('')}]`;
}

function optionDeclaration(option: OptionElement): string {
  return `option ${optionText(option)};\n`;
}

function rangeText(value: number | string | readonly [number, number], quoteNames: boolean): string {
  if (typeof value === 'string') return quoteNames ? `"${value}"` : value;
  if (typeof value === 'number') return String(value);
  return `${value[0]} to ${value[1] < MAX_TAG_VALUE ? value[1] : 'max'}`;
}

function reservedText(r: ReservedElement): string {
  return `reserved ${r.values.map((v) => rangeText(v, true)).join(', ')};\n`;
}

function extensionsText(e: ExtensionsElement): string {
  const options = e.options.length > 0 ? ` ${optionList(e.options)}` : '';
  return `extensions ${e.values.map((v) => rangeText(v, false)).join(', ')}${options};\n`;
}

const SCALARS_AS_NUMBER = new Set(['bytes', 'double', 'float', 'fixed32', 'fixed64', 'int32', 'int64', 'sfixed32', 'sfixed64', 'sint32', 'sint64', 'uint32', 'uint64']);

/** The option kind Confluent gives a field's default, from the field's type (Wire keeps the default as text). */
function defaultKind(type: string): OptionElement['kind'] {
  const simple = type.slice(type.lastIndexOf('.') + 1);
  if (simple === 'bool') return 'BOOLEAN';
  if (simple === 'string') return 'STRING';
  if (SCALARS_AS_NUMBER.has(simple)) return 'NUMBER';
  return 'ENUM';
}

function fieldText(f: FieldElement): string {
  let out = f.label !== undefined ? `${f.label.toLowerCase()} ` : '';
  out += `${f.type} ${f.name} = ${f.tag}`;
  const options: OptionElement[] = [...f.options];
  if (f.defaultValue !== undefined) options.push({ name: 'default', kind: defaultKind(f.type), value: f.defaultValue, isParenthesized: false });
  if (f.jsonName !== undefined) options.push({ name: 'json_name', kind: 'STRING', value: f.jsonName, isParenthesized: false });
  if (options.length > 0) out += ` ${optionList(options)}`;
  return `${out};\n`;
}

function groupText(g: GroupElement): string {
  let out = g.label !== undefined ? `${g.label.toLowerCase()} ` : '';
  out += `group ${g.name} = ${g.tag} {`;
  if (g.fields.length > 0) out += `\n${g.fields.map((f) => indented(fieldText(f))).join('')}`;
  return `${out}}\n`;
}

function oneOfText(o: OneOfElement): string {
  let out = `oneof ${o.name} {`;
  if (o.options.length > 0) out += `\n${o.options.map((x) => indented(optionDeclaration(x))).join('')}`;
  if (o.fields.length > 0) out += `\n${o.fields.map((f) => indented(fieldText(f))).join('')}`;
  if (o.groups.length > 0) out += `\n${o.groups.map((g) => indented(groupText(g))).join('')}`;
  return `${out}}\n`;
}

function extendText(e: ExtendElement): string {
  let out = `extend ${e.name} {`;
  if (e.fields.length > 0) out += `\n${e.fields.map((f) => indented(fieldText(f))).join('')}`;
  return `${out}}\n`;
}

/** Messages first, then enums, each in declaration order. */
function typesText(types: readonly TypeElement[], each: (text: string) => string): string {
  const messages = types.filter((t): t is MessageElement => t.kind === 'message').map((m) => each(messageText(m)));
  const enums = types.filter((t): t is EnumElement => t.kind === 'enum').map((e) => each(enumText(e)));
  return [...messages, ...enums].join('');
}

function enumText(e: EnumElement): string {
  let out = `enum ${e.name} {`;
  if (e.reserveds.length > 0) out += `\n${e.reserveds.map((r) => indented(reservedText(r))).join('')}`;
  if (e.reserveds.length === 0 && (e.options.length > 0 || e.constants.length > 0)) out += '\n';
  out += e.options.map((o) => indented(optionDeclaration(o))).join('');
  for (const c of e.constants) {
    const options = c.options.length > 0 ? ` ${optionList(c.options)}` : '';
    out += indented(`${c.name} = ${c.tag}${options};\n`);
  }
  return `${out}}\n`;
}

function messageText(m: MessageElement): string {
  let out = `message ${m.name} {`;
  if (m.reserveds.length > 0) out += `\n${m.reserveds.map((r) => indented(reservedText(r))).join('')}`;
  if (m.options.length > 0) out += `\n${m.options.map((o) => indented(optionDeclaration(o))).join('')}`;
  if (m.fields.length > 0) out += `\n${m.fields.map((f) => indented(fieldText(f))).join('')}`;
  if (m.oneOfs.length > 0) out += `\n${m.oneOfs.map((o) => indented(oneOfText(o))).join('')}`;
  if (m.groups.length > 0) out += `\n${m.groups.map((g) => indented(groupText(g))).join('')}`;
  if (m.extensions.length > 0) out += `\n${m.extensions.map((e) => indented(extensionsText(e))).join('')}`;
  if (m.extendDeclarations.length > 0) out += `\n${m.extendDeclarations.map((e) => indented(extendText(e))).join('')}`;
  if (m.nestedTypes.length > 0) out += `\n${typesText(m.nestedTypes, indented)}`;
  return `${out}}\n`;
}

function rpcText(rpc: RpcElement): string {
  let out = `rpc ${rpc.name} (${rpc.requestStreaming ? 'stream ' : ''}${rpc.requestType}) returns (${rpc.responseStreaming ? 'stream ' : ''}${rpc.responseType})`;
  if (rpc.options.length > 0) out += ` {\n${rpc.options.map((o) => indented(optionDeclaration(o))).join('')}}`;
  return `${out};\n`;
}

function serviceText(s: ServiceElement): string {
  let out = `service ${s.name} {`;
  if (s.options.length > 0) out += `\n${s.options.map((o) => indented(optionDeclaration(o))).join('')}`;
  if (s.rpcs.length > 0) out += `\n${s.rpcs.map((r) => indented(rpcText(r))).join('')}`;
  return `${out}}\n`;
}

export function protoCanonicalText(file: ProtoFileElement): string {
  let out = '';
  if (file.syntax !== undefined) out += `syntax = "${file.syntax}";\n`;
  if (file.packageName !== undefined) out += `package ${file.packageName};\n`;
  if (file.imports.length > 0 || file.publicImports.length > 0) {
    out += '\n';
    out += file.imports.map((i) => `import "${i}";\n`).join('');
    out += file.publicImports.map((i) => `import public "${i}";\n`).join('');
  }
  if (file.options.length > 0) out += `\n${file.options.map(optionDeclaration).join('')}`;
  if (file.types.length > 0) out += `\n${typesText(file.types, (t) => t)}`;
  if (file.extendDeclarations.length > 0) out += `\n${file.extendDeclarations.map(extendText).join('')}`;
  if (file.services.length > 0) out += `\n${file.services.map(serviceText).join('')}`;
  return out;
}
