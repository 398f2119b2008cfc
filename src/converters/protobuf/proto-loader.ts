/**
 * A registered .proto (plus the text of its imports) → a resolved protobufjs Root, with what ProtobufSchema knows
 * of it that protobufjs does not keep: which file each type came from, each file's syntax, and the registered
 * file's top-level messages in declaration order (what message indexes count).
 */
import protobuf from 'protobufjs';
import type { IParserResult, ReflectionObject, Root, Type } from 'protobufjs';
import { DataException } from '../../data/index.js';
import { wellKnownProto } from './well-known-protos.js';

export type Syntax = 'proto2' | 'proto3' | 'editions';

export interface LoadedProto {
  readonly root: Root;
  readonly packageName: string | undefined;
  /** The registered file's top-level messages in declaration order. */
  readonly messages: readonly Type[];
  /** The syntax of the file a type or field was declared in. */
  syntaxOf(obj: ReflectionObject): Syntax;
}

/** The file name the registered schema itself is parsed under (no import can have it). */
const MAIN_FILE = '\u0000registered.proto';

/** Parses and resolves `text`; imports come from `resolved` (schema references) or the well-known files. */
export function loadProto(text: string, resolved: ReadonlyMap<string, string>): LoadedProto {
  const root = new protobuf.Root();
  const syntaxByFile = new Map<string, Syntax>();
  let packageName: string | undefined;
  const parseFile = (file: string, source: string, importedBy: string | undefined): void => {
    if (syntaxByFile.has(file)) return;
    syntaxByFile.set(file, syntaxOfText(source));
    let parsed: IParserResult;
    try {
      // protobufjs stamps every declaration with the file being parsed, as its own loader does.
      (protobuf.parse as unknown as { filename: string | null }).filename = file;
      parsed = protobuf.parse(source, root, { keepCase: true });
    } catch (e) {
      throw new DataException(`invalid Protobuf schema${importedBy === undefined ? '' : ` ${file} (imported by ${importedBy})`}: ${(e as Error).message}`, {}, { cause: e });
    }
    if (file === MAIN_FILE) packageName = parsed.package;
    for (const dep of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      const depText = resolved.get(dep) ?? wellKnownProto(dep);
      if (depText === undefined) {
        throw new DataException(`the Protobuf schema imports "${dep}", which is neither a schema reference nor a well-known type`);
      }
      parseFile(dep, depText, file === MAIN_FILE ? 'the registered schema' : file);
    }
  };
  parseFile(MAIN_FILE, text, undefined);
  try {
    root.resolveAll();
  } catch (e) {
    throw new DataException(`invalid Protobuf schema: ${(e as Error).message}`, {}, { cause: e });
  }
  const scope = packageName === undefined ? root : root.lookup(packageName);
  const messages = scope instanceof protobuf.Namespace
    ? scope.nestedArray.filter((o): o is Type => isMessage(o) && o.filename === MAIN_FILE)
    : [];
  return {
    root,
    packageName,
    messages,
    syntaxOf: (obj) => syntaxByFile.get(fileOf(obj) ?? MAIN_FILE) ?? 'proto2',
  };
}

/** A message type as ProtobufSchema counts them (groups are not). */
export function isMessage(obj: ReflectionObject): obj is Type {
  return obj instanceof protobuf.Type && !(obj as Type & { group?: boolean }).group;
}

/** The nested messages of a message, in declaration order. */
export function nestedMessages(type: Type): Type[] {
  return type.nestedArray.filter(isMessage);
}

function fileOf(obj: ReflectionObject): string | undefined {
  for (let o: ReflectionObject | null = obj; o !== null; o = o.parent) {
    if (o.filename) return o.filename;
  }
  return undefined;
}

/** `syntax = "proto3";` or `edition = …;` is the first statement; without either a file is proto2. */
export function syntaxOfText(text: string): Syntax {
  let rest = text;
  for (;;) {
    const trimmed = rest.replace(/^\s+/, '');
    if (trimmed.startsWith('//')) {
      const eol = trimmed.indexOf('\n');
      rest = eol < 0 ? '' : trimmed.slice(eol + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/', 2);
      rest = end < 0 ? '' : trimmed.slice(end + 2);
    } else {
      rest = trimmed;
      break;
    }
  }
  if (/^syntax\s*=\s*(["'])proto3\1/.test(rest)) return 'proto3';
  if (/^edition\s*=/.test(rest)) return 'editions';
  return 'proto2';
}
