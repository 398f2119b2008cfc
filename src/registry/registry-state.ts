/**
 * What the registry knows, rebuilt from its records in order (Confluent's lookup cache and the update handler
 * that fills it): schema versions by subject, ids and the subject-versions that hold each, the fingerprint →
 * id index that gives a schema registered under a second subject its first id, configs and modes, and the
 * highest id seen (new ids are that + 1). Applying a record is the only way it changes; applying the same record
 * twice leaves it as once.
 */
import type { RegistryRecord, SchemaReference, SchemaValue } from './storage/records.js';

/** What makes two schemas the same schema (and so one id): type, canonical text and references. */
export type Fingerprint = (value: Pick<SchemaValue, 'schemaType' | 'schema' | 'references'>) => string;

export type VersionFilter = 'live' | 'all' | 'deletedOnly' | 'deletedAsNegative';

export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
}

export class RegistryState {
  /** subject → version → value. */
  readonly #schemas = new Map<string, Map<number, SchemaValue>>();
  /** id → subject → version, soft-deleted versions included (as Confluent's guidToSubjectVersions). */
  readonly #byId = new Map<number, Map<string, number>>();
  /** fingerprint → id. */
  readonly #ids = new Map<string, number>();
  /** null: the global one. */
  readonly #configs = new Map<string | null, SchemaValueConfig>();
  readonly #modes = new Map<string | null, string>();
  readonly #fingerprint: Fingerprint;
  #maxId = 0;

  constructor(fingerprint: Fingerprint) {
    this.#fingerprint = fingerprint;
  }

  apply(record: RegistryRecord): void {
    switch (record.key.keytype) {
      case 'SCHEMA':
        if (record.value === null) this.#tombstone(record.key.subject, record.key.version);
        else this.#putSchema(record.value as SchemaValue);
        return;
      case 'CONFIG':
        if (record.value === null) this.#configs.delete(record.key.subject);
        else this.#configs.set(record.key.subject, record.value as SchemaValueConfig);
        return;
      case 'MODE':
        if (record.value === null) this.#modes.delete(record.key.subject);
        else this.#modes.set(record.key.subject, (record.value as { mode: string }).mode.toUpperCase());
        return;
      case 'DELETE_SUBJECT':
        if (record.value !== null) this.#deleteSubject(record.key.subject, (record.value as { version: number }).version);
        return;
      case 'CLEAR_SUBJECT':
        if (record.value !== null) this.#clearDeleted(record.key.subject);
        return;
      default:
        return;
    }
  }

  get maxId(): number {
    return this.#maxId;
  }

  /** Subjects, sorted; `live`: those with a version not deleted; `deletedOnly`: those whose versions all are. */
  subjects(filter: VersionFilter): string[] {
    const out: string[] = [];
    for (const [subject, versions] of this.#schemas) {
      if (versions.size === 0) continue;
      const values = [...versions.values()];
      const allDeleted = values.every((v) => v.deleted);
      if (filter === 'live' ? !allDeleted : filter === 'deletedOnly' ? allDeleted : true) out.push(subject);
    }
    return out.sort();
  }

  hasSubject(subject: string, includeDeleted: boolean): boolean {
    const versions = this.#schemas.get(subject);
    return versions !== undefined && [...versions.values()].some((v) => includeDeleted || !v.deleted);
  }

  /** Version numbers in ascending order (of their absolute value). */
  versions(subject: string, filter: VersionFilter): number[] {
    const values = [...(this.#schemas.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version);
    switch (filter) {
      case 'live':
        return values.filter((v) => !v.deleted).map((v) => v.version);
      case 'all':
        return values.map((v) => v.version);
      case 'deletedOnly':
        return values.filter((v) => v.deleted).map((v) => v.version);
      case 'deletedAsNegative':
        return values.map((v) => (v.deleted ? -v.version : v.version));
    }
  }

  /** Every value of a subject, soft-deleted ones included, oldest first. */
  values(subject: string): SchemaValue[] {
    return [...(this.#schemas.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version);
  }

  /** A version's value; a soft-deleted one only with `includeDeleted`. */
  get(subject: string, version: number, includeDeleted: boolean): SchemaValue | undefined {
    const v = this.#schemas.get(subject)?.get(version);
    return v && (includeDeleted || !v.deleted) ? v : undefined;
  }

  /** The newest version not deleted. */
  latest(subject: string): SchemaValue | undefined {
    const live = this.values(subject).filter((v) => !v.deleted);
    return live[live.length - 1];
  }

  /** Where an id is registered (soft-deleted versions included); `preferred` first when it holds the id. */
  locate(id: number, preferred?: string): SubjectVersion | undefined {
    const holders = this.#byId.get(id);
    if (!holders || holders.size === 0) return undefined;
    const version = preferred === undefined ? undefined : holders.get(preferred);
    if (version !== undefined) return { subject: preferred!, version };
    const [subject, v] = [...holders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0]!;
    return { subject, version: v };
  }

  /** The subject-versions holding an id, sorted; soft-deleted ones only with `includeDeleted`. Undefined: an unknown id. */
  holders(id: number, includeDeleted: boolean): SubjectVersion[] | undefined {
    const holders = this.#byId.get(id);
    if (!holders || holders.size === 0) return undefined;
    return [...holders]
      .filter(([subject, version]) => includeDeleted || this.get(subject, version, false) !== undefined)
      .map(([subject, version]) => ({ subject, version }))
      .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  /** The id of a schema registered before (under any subject, soft-deleted included), if some version still holds it. */
  idOf(value: Pick<SchemaValue, 'schemaType' | 'schema' | 'references'>): number | undefined {
    const id = this.#ids.get(this.#fingerprint(value));
    return id !== undefined && (this.#byId.get(id)?.size ?? 0) > 0 ? id : undefined;
  }

  fingerprint(value: Pick<SchemaValue, 'schemaType' | 'schema' | 'references'>): string {
    return this.#fingerprint(value);
  }

  /** Ids of the schemas whose references name this subject-version, ascending. */
  referencedBy(subject: string, version: number, includeDeleted: boolean): number[] {
    const ids = new Set<number>();
    for (const versions of this.#schemas.values()) {
      for (const v of versions.values()) {
        if (v.deleted && !includeDeleted) continue;
        if (v.references.some((r: SchemaReference) => r.subject === subject && r.version === version)) ids.add(v.id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }

  /** The subjects (other than the version's own) whose schemas reference it. */
  referencingSubjects(subject: string, version: number, includeDeleted: boolean): string[] {
    const out = new Set<string>();
    for (const [s, versions] of this.#schemas) {
      for (const v of versions.values()) {
        if (v.deleted && !includeDeleted) continue;
        if (v.references.some((r) => r.subject === subject && r.version === version)) out.add(s);
      }
    }
    return [...out];
  }

  /** A subject's own compatibility level (null subject: the global one); undefined when none was set. */
  config(subject: string | null): SchemaValueConfig | undefined {
    return this.#configs.get(subject);
  }

  mode(subject: string | null): string | undefined {
    return this.#modes.get(subject);
  }

  #putSchema(value: SchemaValue): void {
    const subject = value.subject;
    let versions = this.#schemas.get(subject);
    if (!versions) this.#schemas.set(subject, (versions = new Map()));
    const old = versions.get(value.version);
    if (old && old.id !== value.id) this.#forget(old);
    versions.set(value.version, value);
    let holders = this.#byId.get(value.id);
    if (!holders) this.#byId.set(value.id, (holders = new Map()));
    holders.set(subject, value.version);
    this.#ids.set(this.#fingerprint(value), value.id);
    this.#maxId = Math.max(this.#maxId, value.id);
  }

  #tombstone(subject: string, version: number): void {
    const versions = this.#schemas.get(subject);
    const old = versions?.get(version);
    if (!versions || !old) return;
    versions.delete(version);
    if (versions.size === 0) this.#schemas.delete(subject);
    this.#forget(old);
  }

  /** Drops a value from the id index (its fingerprint stays: Confluent's does too, and idOf checks the holders). */
  #forget(old: SchemaValue): void {
    const holders = this.#byId.get(old.id);
    if (holders?.get(old.subject) === old.version) holders.delete(old.subject);
    if (holders && holders.size === 0) this.#byId.delete(old.id);
  }

  #deleteSubject(subject: string, upTo: number): void {
    const versions = this.#schemas.get(subject);
    if (!versions) return;
    for (const [version, v] of versions) if (version <= upTo && !v.deleted) versions.set(version, { ...v, deleted: true });
  }

  /** Forgets the soft-deleted versions of a subject (null: of every subject). */
  #clearDeleted(subject: string | null): void {
    for (const [s, versions] of [...this.#schemas]) {
      if (subject !== null && s !== subject) continue;
      for (const [version, v] of [...versions]) if (v.deleted) this.#tombstone(s, version);
    }
  }
}

/** A stored config: the compatibility level (null when the value sets other things only). */
export interface SchemaValueConfig {
  readonly compatibilityLevel: string | null;
}
