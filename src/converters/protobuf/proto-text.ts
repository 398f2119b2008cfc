/**
 * Prints a ProtoFileModel exactly as Confluent's ProtobufSchema.canonicalString() (ProtobufSchemaUtils.toString)
 * prints the schema ProtobufData builds: the text the converter registers, so the registry's own formatting of
 * it (and the subject lookup by text) matches what Confluent's ProtobufConverter registered.
 */
import type { ProtoEnumModel, ProtoFieldModel, ProtoFileModel, ProtoMessageModel, ProtoOneofModel } from './proto-file-model.js';
import { FIELD_META_OPTION, PROTOBUF_PRECISION_PROP, PROTOBUF_SCALE_PROP } from './connect-names.js';

export function protoText(file: ProtoFileModel): string {
  let s = 'syntax = "proto3";\n';
  if (file.packageName !== undefined) s += `package ${file.packageName};\n`;
  if (file.imports.length > 0) {
    s += '\n';
    for (const i of file.imports) s += `import "${i}";\n`;
  }
  if (file.messages.length > 0) {
    s += '\n';
    for (const m of file.messages) s += messageText(m);
  }
  return s;
}

function messageText(m: ProtoMessageModel): string {
  let s = `message ${m.name} {`;
  if (m.fields.length > 0) {
    s += '\n';
    for (const f of m.fields) s += indented(fieldText(f));
  }
  const oneofs = m.oneofs.filter((o) => o.fields.length > 0);
  if (oneofs.length > 0) {
    s += '\n';
    for (const o of oneofs) s += indented(oneofText(o));
  }
  if (m.messages.length > 0 || m.enums.length > 0) {
    s += '\n';
    for (const n of m.messages) s += indented(messageText(n));
    for (const e of m.enums) s += indented(enumText(e));
  }
  return `${s}}\n`;
}

function oneofText(o: ProtoOneofModel): string {
  let s = `oneof ${o.name} {`;
  if (o.fields.length > 0) {
    s += '\n';
    for (const f of o.fields) s += indented(fieldText({ ...f, label: undefined }));
  }
  return `${s}}\n`;
}

function enumText(e: ProtoEnumModel): string {
  let s = `enum ${e.name} {`;
  if (e.constants.length > 0) {
    s += '\n';
    for (const [name, tag] of e.constants) s += indented(`${name} = ${tag};\n`);
  }
  return `${s}}\n`;
}

function fieldText(f: ProtoFieldModel): string {
  const label = f.label ? `${f.label} ` : '';
  const options = f.params.length > 0 ? ` [${metaOptionText(f.params)}]` : '';
  return `${label}${f.type} ${f.name} = ${f.number}${options};\n`;
}

/**
 * `(confluent.field_meta) = { params: [ { key: …, value: … } ] }` laid out as Wire's option printer does; for
 * precision and scale Confluent writes the value before the key ("for backward compatibility").
 */
function metaOptionText(params: readonly (readonly [string, string])[]): string {
  const entries = params.map(([key, value]) => {
    const pairs = key === PROTOBUF_PRECISION_PROP || key === PROTOBUF_SCALE_PROP
      ? [['value', value], ['key', key]]
      : [['key', key], ['value', value]];
    return `{\n${pairs.map(([k, v], i) => indented(`${k}: "${escapeChars(v!)}"${i < pairs.length - 1 ? ',' : ''}`)).join('')}}`;
  });
  const list = `[\n${entries.map((e, i) => indented(e + (i < entries.length - 1 ? ',' : ''))).join('')}]`;
  return `(${FIELD_META_OPTION}) = {\n${indented(`params: ${list}`)}}`;
}

/** ProtobufSchemaUtils.appendIndented: every line (Java's split drops trailing empty ones) gets two spaces. */
function indented(value: string): string {
  const lines = value.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => `  ${l}\n`).join('');
}

/** ProtobufSchemaUtils.escapeChars. */
export function escapeChars(input: string): string {
  const map: Record<string, string> = {
    '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
    '\\': '\\\\', "'": "\\'", '"': '\\"',
  };
  return input.replace(/[\u0007\b\f\n\r\t\v\\'"]/g, (c) => map[c]!);
}
