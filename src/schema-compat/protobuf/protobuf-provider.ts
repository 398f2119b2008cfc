/** Protobuf schemas for the registry: parsing, canonical text and Confluent's `ProtobufSchema.isBackwardCompatible`. */
import type { ParsedSchema } from '../parsed-schema.js';
import { InvalidSchemaError, type SchemaText } from '../types.js';
import { parseProtoFile } from './parse-proto.js';
import { protoCanonicalText } from './proto-canonical.js';
import { protoDifferences } from './proto-diff.js';
import type { ProtoSchemaFiles } from './proto-diff-context.js';
import { PROTO_COMPATIBLE_CHANGES, protoDifferenceText } from './proto-difference.js';
import type { ProtoFileElement } from './proto-elements.js';
import { ProtoSyntaxError } from './proto-syntax-reader.js';
import { validateProto } from './validate-proto.js';
import { wellKnownProtoFiles } from './well-known-protos.js';

export class ProtobufParsedSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF';
  readonly canonical: string;

  constructor(readonly files: ProtoSchemaFiles) {
    this.canonical = protoCanonicalText(files.file);
  }

  isBackwardCompatible(previous: ParsedSchema): string[] {
    if (!(previous instanceof ProtobufParsedSchema)) return ['Incompatible because of different schema type'];
    return protoDifferences(previous.files, this.files)
      .filter((d) => !PROTO_COMPATIBLE_CHANGES.has(d.type))
      .map(protoDifferenceText);
  }
}

function parse(text: string): ProtoFileElement {
  try {
    return parseProtoFile(text);
  } catch (e) {
    if (e instanceof ProtoSyntaxError) throw new InvalidSchemaError(`Could not parse Protobuf - ${e.message}`);
    throw e;
  }
}

export function parseProtobuf(s: SchemaText): ProtobufParsedSchema {
  const file = parse(s.schema);
  const references = s.resolved ?? new Map<string, string>();
  const referenceFiles = new Map([...references].map(([name, text]) => [name, parse(text)]));
  validateProto(s.schema, file, references, referenceFiles);
  const dependencies: ProtoSchemaFiles['dependencies'][number][] = [];
  for (const [name, wk] of wellKnownProtoFiles()) if (!references.has(name)) dependencies.push({ file: wk, origin: 'well-known' });
  for (const f of referenceFiles.values()) dependencies.push({ file: f, origin: 'reference' });
  return new ProtobufParsedSchema({ file, dependencies });
}
