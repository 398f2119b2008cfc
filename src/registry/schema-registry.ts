/**
 * The registry's operations, as Confluent's KafkaSchemaRegistry performs them: register (the same schema again gets
 * its version back; a schema known under another subject gets its id; new ids are the highest id + 1), look up,
 * soft and hard deletes of versions and subjects, compatibility tests, configs and modes. Reads answer from the
 * RegistryState; writes run one at a time, first bring the state up to date with the store (`sync`), decide on it,
 * and change it only through the store, which applies what it made durable.
 */
import { SerialQueue } from '../async/index.js';
import { RegistryError, errors } from './errors.js';
import { RegistryState, type SubjectVersion, type VersionFilter } from './registry-state.js';
import { checkSubject, schemaRequest, type Mode, type SchemaRequest } from './schema-requests.js';
import {
  InvalidSchema,
  type CompatibilityLevel,
  type SchemaFormats,
  type SchemaText,
  type SchemaType,
} from './schema-formats.js';
import type { RegistryRecord, SchemaReference, SchemaValue } from './storage/records.js';
import type { RegistryStore } from './storage/store.js';

export interface SchemaRegistryOptions {
  readonly store: RegistryStore;
  readonly formats: SchemaFormats;
  /** Confluent's schema.compatibility.level; default BACKWARD. */
  readonly defaultCompatibility?: CompatibilityLevel;
  /** Confluent's mode.mutability: whether PUT /mode is allowed; default true. */
  readonly modeMutability?: boolean;
}

/** A schema version as the API shows it. */
export interface SchemaVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType: string;
  readonly references: readonly SchemaReference[];
  readonly schema: string;
  readonly deleted: boolean;
}

/** A schema to register or test, parsed, its references resolved, with its canonical text. */
interface Candidate {
  readonly request: SchemaRequest;
  readonly text: SchemaText;
  readonly canonical: string;
}

const LATEST = -1;

function view(v: SchemaValue): SchemaVersion {
  return { subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, references: v.references, schema: v.schema, deleted: v.deleted };
}

/** The fingerprint of a stored or candidate schema: its type, canonical text (raw when it does not parse alone) and references. */
function fingerprintWith(formats: SchemaFormats) {
  return (v: Pick<SchemaValue, 'schemaType' | 'schema' | 'references'>): string => {
    let text = v.schema;
    try {
      text = formats.canonical({ schemaType: v.schemaType as SchemaType, schema: v.schema });
    } catch {
      // A schema that needs its references to parse (or a type Sluice cannot parse) is compared as stored.
    }
    return JSON.stringify([v.schemaType, text, v.references.map((r) => [r.name, r.subject, r.version])]);
  };
}

export class SchemaRegistry {
  readonly #store: RegistryStore;
  readonly #formats: SchemaFormats;
  readonly #state: RegistryState;
  readonly #writes = new SerialQueue();
  readonly #defaultCompatibility: CompatibilityLevel;
  readonly #modeMutability: boolean;

  constructor(options: SchemaRegistryOptions) {
    this.#store = options.store;
    this.#formats = options.formats;
    this.#state = new RegistryState(fingerprintWith(options.formats));
    this.#defaultCompatibility = options.defaultCompatibility ?? 'BACKWARD';
    this.#modeMutability = options.modeMutability ?? true;
  }

  async start(): Promise<void> {
    await this.#store.start((record) => this.#state.apply(record));
  }

  async close(): Promise<void> {
    await this.#writes.idle();
    await this.#store.close();
  }

  // ---- subjects and versions

  subjects(filter: VersionFilter): string[] {
    return this.#state.subjects(filter);
  }

  versions(subject: string, filter: VersionFilter): number[] {
    if (!this.#state.hasSubject(subject, filter !== 'live')) throw errors.subjectNotFound(subject);
    return this.#state.versions(subject, filter);
  }

  /** GET /subjects/{s}/versions/{v}: `version` -1 is the latest version not deleted. */
  version(subject: string, version: number, includeDeleted: boolean): SchemaVersion {
    const v = version === LATEST ? this.#state.latest(subject) : this.#state.get(subject, version, includeDeleted);
    if (v) return view(v);
    if (!this.#state.hasSubject(subject, includeDeleted)) throw errors.subjectNotFound(subject);
    throw errors.versionNotFound(version);
  }

  referencedBy(subject: string, version: number, includeDeleted: boolean): number[] {
    const v = this.version(subject, version, true);
    return this.#state.referencedBy(v.subject, v.version, includeDeleted);
  }

  /** POST /subjects/{s}: the version of this subject holding the schema. */
  lookup(subject: string, body: unknown, includeDeleted: boolean): SchemaVersion {
    const candidate = this.#candidate(schemaRequest(body));
    const found = this.#findUnder(subject, candidate, includeDeleted);
    if (found) return view(found);
    if (!this.#state.hasSubject(subject, includeDeleted)) throw errors.subjectNotFound(subject);
    throw errors.schemaNotFound();
  }

  // ---- schemas by id

  schemaById(id: number, subject?: string): SchemaVersion {
    const at = this.#state.locate(id, subject);
    const v = at && this.#state.get(at.subject, at.version, true);
    if (!v) throw errors.schemaNotFound(id);
    return view(v);
  }

  /** The subject-versions holding an id; an unknown id is 40403 "Schema not found". */
  holders(id: number, includeDeleted: boolean): SubjectVersion[] {
    const h = this.#state.holders(id, includeDeleted);
    if (!h) throw errors.schemaNotFound();
    return h;
  }

  // ---- writes

  /** POST /subjects/{s}/versions: the id (and version) of the schema under the subject. */
  register(subject: string, body: unknown, options: { force?: boolean } = {}): Promise<{ id: number; version: number }> {
    checkSubject(subject);
    const request = schemaRequest(body);
    return this.#writes.run(async () => {
      await this.#sync();
      const candidate = this.#candidate(request);
      const existing = this.#findUnder(subject, candidate, false);
      if (existing) {
        const idMatches = request.id === undefined || request.id === existing.id;
        if ((request.version === undefined || request.version === LATEST) && idMatches) return { id: existing.id, version: existing.version };
        if (request.id === existing.id && request.version === existing.version) return { id: existing.id, version: existing.version };
      }
      const mode = this.#modeInScope(subject);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw errors.readOnly(subject);
      if (request.id !== undefined) {
        if (mode !== 'IMPORT') throw errors.notInMode(subject, 'import');
      } else if (mode !== 'READWRITE') {
        throw errors.notInMode(subject, 'read-write');
      }
      const all = this.#state.values(subject);
      const live = all.filter((v) => !v.deleted);
      const nextVersion = all.reduce((max, v) => Math.max(max, v.version + 1), 1);
      if (mode !== 'IMPORT' && !options.force) {
        const problems = this.#compatibilityErrors(subject, candidate, live);
        if (problems.length > 0) throw errors.incompatible(subject, problems);
      }
      let version = nextVersion;
      if (request.version !== undefined && request.version > 0) {
        if (request.version !== nextVersion && mode !== 'IMPORT') throw errors.invalidSchema('Version is not one more than previous version');
        version = request.version;
      }
      const value: SchemaValue = {
        subject,
        version,
        id: 0,
        schemaType: candidate.request.schemaType,
        references: candidate.request.references,
        schema: candidate.canonical,
        deleted: false,
      };
      const known = this.#state.idOf(value);
      let id: number;
      if (request.id !== undefined) {
        const holder = this.#state.locate(request.id);
        const held = holder && this.#state.get(holder.subject, holder.version, true);
        if (held && this.#state.fingerprint(held) !== this.#state.fingerprint(value)) {
          throw errors.notPermitted(`Overwrite new schema with id ${request.id} in context  is not permitted.`);
        }
        id = request.id;
      } else {
        id = known ?? this.#newId();
      }
      const records: RegistryRecord[] = [];
      // As Confluent: earlier soft-deleted versions of this subject with the same id go for good (unless referenced).
      for (const old of all) {
        if (old.deleted && old.id === id && old.version < version && this.#state.referencedBy(subject, old.version, true).length === 0) {
          records.push({ key: { keytype: 'SCHEMA', subject, version: old.version }, value: null });
        }
      }
      records.push({ key: { keytype: 'SCHEMA', subject, version }, value: { ...value, id } });
      await this.#write(records);
      return { id, version };
    });
  }

  /** DELETE /subjects/{s}/versions/{v}: the version deleted. */
  deleteVersion(subject: string, version: number, permanent: boolean): Promise<number> {
    return this.#writes.run(async () => {
      await this.#sync();
      if (version !== LATEST && this.#state.get(subject, version, true)?.deleted && !permanent) throw errors.versionSoftDeleted(subject, version);
      const target = version === LATEST ? this.#state.latest(subject) : this.#state.get(subject, version, true);
      if (!target) {
        if (!this.#state.hasSubject(subject, true)) throw errors.subjectNotFound(subject);
        throw errors.versionNotFound(version);
      }
      this.#checkWritable(subject);
      if (this.#state.referencedBy(subject, target.version, permanent).length > 0) throw errors.referenceExists(subject, target.version);
      if (permanent && !target.deleted) throw errors.versionNotSoftDeleted(subject, target.version);
      const records: RegistryRecord[] = [];
      if (!permanent) {
        records.push({ key: { keytype: 'SCHEMA', subject, version: target.version }, value: { ...target, deleted: true } });
      } else {
        records.push({ key: { keytype: 'SCHEMA', subject, version: target.version }, value: null });
        if (this.#state.values(subject).length === 1) records.push(...this.#subjectSettingsTombstones(subject));
      }
      await this.#write(records);
      return target.version;
    });
  }

  /** DELETE /subjects/{s}: the versions deleted. A permanent delete needs a soft one first, as in Confluent. */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.#writes.run(async () => {
      await this.#sync();
      if (!this.#state.hasSubject(subject, true)) throw errors.subjectNotFound(subject);
      if (!permanent && !this.#state.hasSubject(subject, false)) throw errors.subjectSoftDeleted(subject);
      this.#checkWritable(subject);
      const targets = this.#state.values(subject).filter((v) => permanent || !v.deleted);
      for (const v of targets) {
        const others = this.#state.referencingSubjects(subject, v.version, permanent).filter((s) => s !== subject);
        if (others.length > 0) throw errors.referenceExists(subject, v.version);
        if (permanent && !v.deleted) throw errors.subjectNotSoftDeleted(subject);
      }
      const versions = targets.map((v) => v.version);
      if (!permanent) {
        await this.#write([{ key: { keytype: 'DELETE_SUBJECT', subject }, value: { subject, version: versions[versions.length - 1]! } }]);
      } else {
        // Newest first, for references within the subject (as Confluent).
        const tombstones: RegistryRecord[] = [...versions].reverse().map((version) => ({ key: { keytype: 'SCHEMA', subject, version }, value: null }));
        await this.#write([...tombstones, ...this.#subjectSettingsTombstones(subject)]);
      }
      return versions;
    });
  }

  // ---- compatibility

  /**
   * POST /compatibility/subjects/{s}/versions[/{v}]: `version` undefined tests against every version not deleted
   * (the subject's level decides which count); a version (or -1, latest) against that one.
   */
  testCompatibility(subject: string, version: number | undefined, body: unknown, verbose: boolean): { is_compatible: boolean; messages?: string[] } {
    let previous: SchemaValue[];
    if (version === undefined) {
      previous = this.#state.values(subject).filter((v) => !v.deleted);
    } else {
      const v = version === LATEST ? this.#state.latest(subject) : this.#state.get(subject, version, false);
      if (!v && version !== LATEST) throw errors.versionNotFound(version);
      previous = v ? [v] : [];
    }
    let messages: string[];
    try {
      messages = this.#compatibilityErrors(subject, this.#candidate(schemaRequest(body)), previous);
    } catch (e) {
      if (!(e instanceof RegistryError) || e.code !== 42201 || !verbose) throw e;
      messages = [e.message];
    }
    return { is_compatible: messages.length === 0, ...(verbose ? { messages } : {}) };
  }

  // ---- config

  /** GET /config[/{s}]: `{compatibilityLevel}`. */
  config(subject: string | null, defaultToGlobal: boolean): { compatibilityLevel: string } {
    if (subject === null) return { compatibilityLevel: this.#globalLevel() };
    const own = this.#state.config(subject);
    if (own) return { compatibilityLevel: own.compatibilityLevel ?? this.#defaultCompatibility };
    if (defaultToGlobal) return { compatibilityLevel: this.#globalLevel() };
    throw errors.subjectCompatibilityNotConfigured(subject);
  }

  /** PUT /config[/{s}] with `{compatibility}`: answers `{compatibility}`. */
  setConfig(subject: string | null, update: { compatibility?: CompatibilityLevel }): Promise<{ compatibility?: string }> {
    if (subject !== null) checkSubject(subject);
    return this.#writes.run(async () => {
      await this.#sync();
      this.#checkWritable(subject);
      const old = this.#state.config(subject);
      const level = update.compatibility ?? old?.compatibilityLevel ?? null;
      const extra = (old as { extra?: Record<string, unknown> } | undefined)?.extra;
      await this.#write([{ key: { keytype: 'CONFIG', subject }, value: { subject, compatibilityLevel: level, ...(extra ? { extra } : {}) } }]);
      return level === null ? {} : { compatibility: level };
    });
  }

  /** DELETE /config[/{s}]: the config it had. */
  deleteConfig(subject: string | null): Promise<{ compatibilityLevel: string }> {
    return this.#writes.run(async () => {
      await this.#sync();
      const old = this.#state.config(subject);
      if (subject !== null && !old) throw errors.subjectNotFound(subject);
      this.#checkWritable(subject);
      const answer = { compatibilityLevel: old?.compatibilityLevel ?? this.#defaultCompatibility };
      if (old) await this.#write([{ key: { keytype: 'CONFIG', subject }, value: null }]);
      return answer;
    });
  }

  // ---- mode

  mode(subject: string | null, defaultToGlobal: boolean): { mode: string } {
    const own = this.#state.mode(subject);
    if (own) return { mode: own };
    if (subject === null || defaultToGlobal) return { mode: this.#state.mode(null) ?? 'READWRITE' };
    throw errors.subjectModeNotConfigured(subject);
  }

  /**
   * PUT /mode[/{s}]. IMPORT needs the subject (or, globally, the registry) to have no live schemas unless `force`;
   * its soft-deleted versions then go for good, as in Confluent. FORWARD (Confluent's forwarding to another
   * registry) is not supported.
   */
  setMode(subject: string | null, mode: Mode, force: boolean): Promise<void> {
    if (subject !== null) checkSubject(subject);
    if (!this.#modeMutability) return Promise.reject(errors.notPermitted('Mode changes are not allowed'));
    if (mode === 'FORWARD') return Promise.reject(errors.invalidMode('FORWARD mode is not supported by this registry'));
    return this.#writes.run(async () => {
      await this.#sync();
      const records: RegistryRecord[] = [];
      if (mode === 'IMPORT' && this.#modeInScope(subject) !== 'IMPORT' && !force) {
        const subjects = subject === null ? this.#state.subjects('all') : this.#state.hasSubject(subject, true) ? [subject] : [];
        if (subjects.some((s) => this.#state.hasSubject(s, false))) throw errors.notPermitted('Cannot import since found existing subjects');
        for (const s of subjects) {
          for (const v of this.#state.values(s)) {
            if (this.#state.referencedBy(s, v.version, true).length > 0) throw errors.referenceExists(s, v.version);
            records.push({ key: { keytype: 'SCHEMA', subject: s, version: v.version }, value: null });
          }
        }
        records.push({ key: { keytype: 'CLEAR_SUBJECT', subject }, value: { subject } });
      }
      records.push({ key: { keytype: 'MODE', subject }, value: { subject, mode } });
      await this.#write(records);
    });
  }

  /** DELETE /mode[/{s}]: the mode it had. */
  deleteMode(subject: string | null): Promise<{ mode: string }> {
    if (!this.#modeMutability) return Promise.reject(errors.notPermitted('Mode changes are not allowed'));
    return this.#writes.run(async () => {
      await this.#sync();
      const old = this.#state.mode(subject);
      if (!old && subject !== null) throw errors.subjectNotFound(subject);
      if (old) await this.#write([{ key: { keytype: 'MODE', subject }, value: null }]);
      // Globally there is always a mode: the default when none was set.
      return { mode: old ?? 'READWRITE' };
    });
  }

  // ---- inside

  #globalLevel(): string {
    return this.#state.config(null)?.compatibilityLevel ?? this.#defaultCompatibility;
  }

  #levelInScope(subject: string): CompatibilityLevel {
    return (this.#state.config(subject)?.compatibilityLevel ?? this.#globalLevel()) as CompatibilityLevel;
  }

  #modeInScope(subject: string | null): string {
    return (subject === null ? undefined : this.#state.mode(subject)) ?? this.#state.mode(null) ?? 'READWRITE';
  }

  #checkWritable(subject: string | null): void {
    const mode = this.#modeInScope(subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw errors.readOnly(subject);
  }

  /** The config and mode tombstones of a subject that has no versions left (as Confluent's hard deletes). */
  #subjectSettingsTombstones(subject: string): RegistryRecord[] {
    const out: RegistryRecord[] = [];
    if (this.#state.mode(subject)) out.push({ key: { keytype: 'MODE', subject }, value: null });
    if (this.#state.config(subject)) out.push({ key: { keytype: 'CONFIG', subject }, value: null });
    return out;
  }

  #newId(): number {
    let id = this.#state.maxId + 1;
    while (this.#state.locate(id)) id++;
    return id;
  }

  /** The texts of the schemas a schema's references name, by reference name, transitively. */
  #resolve(refs: readonly SchemaReference[], schemaType: SchemaType, out = new Map<string, string>(), seen = new Set<string>()): Map<string, string> {
    for (const r of refs) {
      const key = `${r.subject}\u0000${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const v = r.version === LATEST ? this.#state.latest(r.subject) : this.#state.get(r.subject, r.version, true);
      if (!v) {
        throw errors.invalidSchema(
          `Invalid schema of type ${schemaType}, details: the reference "${r.name}" names subject '${r.subject}' version ${r.version}, which does not exist`,
        );
      }
      out.set(r.name, v.schema);
      this.#resolve(v.references, schemaType, out, seen);
    }
    return out;
  }

  #candidate(request: SchemaRequest): Candidate {
    const resolved = this.#resolve(request.references, request.schemaType);
    const references = request.references.map((r) => (r.version === LATEST ? { ...r, version: this.#state.latest(r.subject)!.version } : r));
    const text: SchemaText = { schemaType: request.schemaType, schema: request.schema, ...(resolved.size > 0 ? { resolved } : {}) };
    let canonical: string;
    try {
      canonical = this.#formats.canonical(text);
    } catch (e) {
      if (e instanceof InvalidSchema) throw errors.invalidSchema(`Invalid schema of type ${request.schemaType}, details: ${e.message}`, e);
      throw e;
    }
    return { request: { ...request, references }, text, canonical };
  }

  /** The version of `subject` that holds the candidate's schema (newest first). */
  #findUnder(subject: string, candidate: Candidate, includeDeleted: boolean): SchemaValue | undefined {
    const print = this.#state.fingerprint({ schemaType: candidate.request.schemaType, schema: candidate.canonical, references: candidate.request.references });
    return this.#state
      .values(subject)
      .reverse()
      .find((v) => (includeDeleted || !v.deleted) && this.#state.fingerprint(v) === print);
  }

  #compatibilityErrors(subject: string, candidate: Candidate, previous: readonly SchemaValue[]): string[] {
    const level = this.#levelInScope(subject);
    if (level === 'NONE' || previous.length === 0) return [];
    const texts = previous.map((v) => {
      const resolved = this.#resolve(v.references, v.schemaType as SchemaType);
      return { schemaType: v.schemaType as SchemaType, schema: v.schema, version: v.version, ...(resolved.size > 0 ? { resolved } : {}) };
    });
    const problems = this.#formats.compatibilityErrors(level, candidate.text, texts);
    return problems.length === 0 ? [] : [...problems, `{validateFields: 'false', compatibility: '${level}'}`];
  }

  async #sync(): Promise<void> {
    try {
      await this.#store.sync();
    } catch (e) {
      throw errors.timeout(`Could not read the registry's ${this.#store.description} to its end: ${(e as Error).message}`, e);
    }
  }

  async #write(records: readonly RegistryRecord[]): Promise<void> {
    try {
      await this.#store.write(records);
    } catch (e) {
      throw errors.store(`Error while writing to the registry's ${this.#store.description}: ${(e as Error).message}`, e);
    }
  }
}
