/**
 * Checks with protobufjs what Confluent's registry checks by building descriptors: duplicate names or field numbers,
 * and field types that resolve to nothing. Type resolution is only checked when every import is known, and nothing
 * is checked for a text protobufjs cannot read (the syntax has been checked by the Wire-compatible parser).
 */
import protobuf from 'protobufjs';
import { InvalidSchemaError } from '../types.js';
import { wellKnownProtoJson } from './well-known-protos.js';
import type { ProtoFileElement } from './proto-elements.js';

type Nested = Record<string, protobuf.AnyNestedObject>;

/** Several well-known files repeat the types they import; each type is added once. */
function mergeNested(target: Nested, source: Nested): void {
  for (const [name, value] of Object.entries(source)) {
    const existing = target[name] as { nested?: Nested } | undefined;
    const incoming = value as { nested?: Nested };
    if (existing === undefined) target[name] = { ...value, ...(incoming.nested ? { nested: { ...incoming.nested } } : {}) } as protobuf.AnyNestedObject;
    else if (existing.nested && incoming.nested) mergeNested(existing.nested, incoming.nested);
  }
}

export function validateProto(main: string, mainFile: ProtoFileElement, references: ReadonlyMap<string, string>, referenceFiles: ReadonlyMap<string, ProtoFileElement>): void {
  const root = new protobuf.Root();
  const wellKnown = wellKnownProtoJson();
  const merged: Nested = {};
  for (const json of wellKnown.values()) mergeNested(merged, (json as { nested: Nested }).nested);
  root.addJSON(merged);
  try {
    for (const [name, text] of references) {
      if (!wellKnown.has(name)) protobuf.parse(text, root, { keepCase: true });
    }
    protobuf.parse(main, root, { keepCase: true });
  } catch (e) {
    const message = (e as Error).message;
    if (/^duplicate (name|id)\b/.test(message)) throw new InvalidSchemaError(`Invalid schema - ${message}`);
    // protobufjs rejects some syntax Wire (and so Confluent) accepts, such as lists in option values; the Wire
    // parser has already accepted the text, so the semantic checks are skipped for it.
    return;
  }
  const known = (path: string): boolean => wellKnown.has(path) || references.has(path);
  const allImportsKnown = [mainFile, ...referenceFiles.values()].every((f) =>
    [...f.imports, ...f.publicImports, ...f.weakImports].every(known),
  );
  if (!allImportsKnown) return;
  try {
    root.resolveAll();
  } catch (e) {
    throw new InvalidSchemaError(`Invalid schema - ${(e as Error).message}`);
  }
}
