/**
 * Confluent's Protobuf diff `Context`: every type of the original and the updated schema (their own, their
 * references' and the well-known ones) by full name, the package and nesting scope used to resolve a type name, the
 * current path, and the differences found.
 */
import type { FieldElement, MessageElement, ProtoFileElement, TypeElement } from './proto-elements.js';
import { PROTO_COMPATIBLE_CHANGES, type ProtoDifference, type ProtoDifferenceType } from './proto-difference.js';

/** Where a type is defined: the schema itself, a referenced schema, or a well-known file the registry bundles. */
export type TypeOrigin = 'schema' | 'reference' | 'well-known';

export interface TypeInfo {
  readonly packageName: string;
  readonly origin: TypeOrigin;
  readonly type: TypeElement;
  readonly isMap: boolean;
  readonly key?: FieldElement;
  readonly value?: FieldElement;
}

/** A schema with the files it depends on. */
export interface ProtoSchemaFiles {
  readonly file: ProtoFileElement;
  readonly dependencies: readonly { readonly file: ProtoFileElement; readonly origin: TypeOrigin }[];
}

export function mapTypeOf(info: TypeInfo): string | undefined {
  return info.isMap && info.key && info.value ? `map<${info.key.type}, ${info.value.type}>` : undefined;
}

function isMapEntry(m: MessageElement): boolean {
  return m.options.some((o) => o.name === 'map_entry' && String(o.value) === 'true');
}

export class ProtoDiffContext {
  readonly differences: ProtoDifference[] = [];
  private originalPackage = '';
  private updatePackage = '';
  private fullPath: string[] = [];
  private fullName: string[] = [];
  private readonly schemas: Set<MessageElement>;

  constructor(
    private readonly originalTypes = new Map<string, TypeInfo>(),
    private readonly updateTypes = new Map<string, TypeInfo>(),
    schemas: Iterable<MessageElement> = [],
  ) {
    this.schemas = new Set(schemas);
  }

  subcontext(): ProtoDiffContext {
    const ctx = new ProtoDiffContext(this.originalTypes, this.updateTypes, this.schemas);
    ctx.originalPackage = this.originalPackage;
    ctx.updatePackage = this.updatePackage;
    ctx.fullPath = [...this.fullPath];
    ctx.fullName = [...this.fullName];
    return ctx;
  }

  /** Records every type of a schema and its dependencies; the schema's own package is the one left in force. */
  collectTypes(schema: ProtoSchemaFiles, isOriginal: boolean): void {
    for (const dep of schema.dependencies) this.collectFile(dep.file, dep.origin, isOriginal);
    this.collectFile(schema.file, 'schema', isOriginal);
  }

  private collectFile(file: ProtoFileElement, origin: TypeOrigin, isOriginal: boolean): void {
    this.setPackageName(file.packageName, isOriginal);
    this.collectTypeList(file.types, origin, isOriginal);
  }

  private collectTypeList(types: readonly TypeElement[], origin: TypeOrigin, isOriginal: boolean): void {
    for (const type of types) {
      this.withName(type.name, () => {
        const isMap = type.kind === 'message' && isMapEntry(type);
        const info: TypeInfo = {
          packageName: isOriginal ? this.originalPackage : this.updatePackage,
          origin,
          type,
          isMap,
          ...(isMap && type.kind === 'message'
            ? { key: type.fields.find((f) => f.name === 'key'), value: type.fields.find((f) => f.name === 'value') }
            : {}),
        };
        const pkg = info.packageName;
        const name = pkg === '' ? this.fullPath.join('.') : `${pkg}.${this.fullPath.join('.')}`;
        (isOriginal ? this.originalTypes : this.updateTypes).set(name, info);
        this.collectTypeList(type.nestedTypes, origin, isOriginal);
      });
    }
  }

  setPackageName(packageName: string | undefined, isOriginal: boolean): void {
    if (isOriginal) this.originalPackage = packageName ?? '';
    else this.updatePackage = packageName ?? '';
  }

  /** Makes `name` (dotted) the current path and scope, as for a type compared outside its own file. */
  setFullName(name: string): void {
    this.fullPath = name.split('.');
    this.fullName = name.split('.');
  }

  withPath<T>(segment: string, fn: () => T): T {
    this.fullPath.push(segment);
    try {
      return fn();
    } finally {
      this.fullPath.pop();
    }
  }

  /** A path segment that is also a scope for resolving type names (a message or enum name). */
  withName<T>(name: string, fn: () => T): T {
    this.fullName.push(name);
    try {
      return this.withPath(name, fn);
    } finally {
      this.fullName.pop();
    }
  }

  /** Runs `fn` unless `message` is already being compared further up (recursive message types). */
  withSchema(message: MessageElement, fn: () => void): void {
    if (this.schemas.has(message)) return;
    this.schemas.add(message);
    try {
      fn();
    } finally {
      this.schemas.delete(message);
    }
  }

  add(type: ProtoDifferenceType): void {
    this.differences.push({ type, fullPath: `#/${this.fullPath.join('/')}` });
  }

  addAll(differences: readonly ProtoDifference[]): void {
    this.differences.push(...differences);
  }

  get isCompatible(): boolean {
    return this.differences.every((d) => PROTO_COMPATIBLE_CHANGES.has(d.type));
  }

  private typeForFullName(name: string, isOriginal: boolean): TypeInfo | undefined {
    const n = name.startsWith('.') ? name.slice(1) : name;
    return (isOriginal ? this.originalTypes : this.updateTypes).get(n);
  }

  /** The full name a type name refers to from the current scope, as protoc resolves it (innermost scope first). */
  resolve(name: string, isOriginal: boolean): string | undefined {
    if ((isOriginal ? this.originalTypes : this.updateTypes).size === 0) return undefined;
    if (name.startsWith('.')) {
      const n = name.slice(1);
      return this.typeForFullName(n, isOriginal) ? n : undefined;
    }
    const pkg = isOriginal ? this.originalPackage : this.updatePackage;
    const prefix = [...(pkg === '' ? [] : pkg.split('.')), ...this.fullName];
    while (prefix.length > 0) {
      const n = `${prefix.join('.')}.${name}`;
      if (this.typeForFullName(n, isOriginal)) return n;
      prefix.pop();
    }
    return this.typeForFullName(name, isOriginal) ? name : undefined;
  }

  getType(name: string, isOriginal: boolean): TypeInfo | undefined {
    const full = this.resolve(name, isOriginal);
    return full === undefined ? undefined : this.typeForFullName(full, isOriginal);
  }
}
