/**
 * Confluent's registry converters (AvroConverter, ProtobufConverter, JsonSchemaConverter) around one format each:
 * Connect data → the format's payload behind the 5-byte header with the id the registry gives the schema, and
 * back. Conversion stays synchronous: a schema not yet in the caches throws `PendingLookup` while the registry is
 * asked, and the stage runner converts the record again once it has answered.
 */
import { DataException, NULL_SCHEMA_AND_VALUE, PendingLookup, RetriableException, type Headers, type Schema, type SchemaAndValue } from '../../data/index.js';
import type { Converter, ConverterConfig } from '../converter.js';
import { LruCache } from '../lru.js';
import type { FormatReader, FormatWriter, RegisteredSchema, RegistryFormat, RegistryFormatFactory, SchemaReference } from './format.js';
import { LookupCache } from './lookup-cache.js';
import { RegistryClient, RegistryResponseError } from './registry-client.js';
import { serdeSettings, type SerdeSettings } from './serde-config.js';
import { topicNameStrategy } from './subject-strategy.js';
import { frame, unframe } from './wire-format.js';

/**
 * What a subject and derived schema resolve to: the id to put in the header and, when that id is not the derived
 * schema's own (`use.latest.version`, `use.schema.id`), the registered schema the payload must follow.
 */
interface Target {
  readonly id: number;
  readonly registered?: { readonly schema: RegisteredSchema; readonly resolved: ReadonlyMap<string, string> };
}

export interface RegistryConverterKind {
  /** Confluent's class name, e.g. io.confluent.connect.avro.AvroConverter. */
  readonly className: string;
  /** The format's name in Confluent's messages: Avro, Protobuf, JSON. */
  readonly label: string;
  /** Loads the format module (lazily: avsc and protobufjs stay out of start-up until a task uses them). */
  readonly load: () => Promise<RegistryFormatFactory>;
}

const MAX_IDS = 1000;

export class SchemaRegistryConverter implements Converter {
  readonly #kind: RegistryConverterKind;
  #settings!: SerdeSettings;
  #client!: RegistryClient;
  #isKey = false;
  #format: RegistryFormat | undefined;
  #formatLoad: Promise<unknown> | undefined;
  #formatError: unknown;
  #writers!: LruCache<Schema, FormatWriter>;
  #registeredWriters!: LruCache<Schema, Map<number, FormatWriter>>;
  #targets!: LookupCache<string, Target>;
  /**
   * Targets already resolved, per writer and topic (the subject follows from both): a hit builds no subject and no
   * key from the schema text.
   */
  #knownTargets = new WeakMap<FormatWriter, Map<string, Target>>();
  #readers!: LookupCache<string, FormatReader>;

  constructor(kind: RegistryConverterKind) {
    this.#kind = kind;
  }

  configure(config: ConverterConfig, isKey: boolean): void {
    this.#settings = serdeSettings(config, isKey);
    this.#isKey = isKey;
    this.#client?.close();
    this.#client = new RegistryClient(this.#settings.client);
    this.#writers = new LruCache(Math.max(1, this.#settings.schemasCacheSize));
    this.#registeredWriters = new LruCache(Math.max(1, this.#settings.schemasCacheSize));
    this.#targets = new LookupCache(MAX_IDS);
    this.#knownTargets = new WeakMap();
    this.#readers = new LookupCache(MAX_IDS);
    this.#format = undefined;
    this.#formatError = undefined;
    const formatConfig = { ...config };
    this.#formatLoad = this.#kind.load().then(
      (factory) => {
        try {
          this.#format = factory(formatConfig, isKey);
        } catch (e) {
          this.#formatError = e;
        }
      },
      (e: unknown) => (this.#formatError = e),
    );
  }

  fromConnectData(topic: string, schema: Schema | null, value: unknown, _headers?: Headers): Uint8Array | null {
    if (value === null || value === undefined) return null;
    const format = this.#requireFormat();
    if (schema === null) {
      throw new DataException(`${this.#kind.label} data from topic ${topic} has no schema; the ${this.#kind.className} writes only records with a schema`, { topic });
    }
    let writer = this.#writers.get(schema);
    if (writer === undefined) {
      writer = this.#serializing(topic, () => format.writerFor(schema));
      this.#writers.set(schema, writer);
    }
    const derived = writer;
    let known = this.#knownTargets.get(derived);
    let target = known?.get(topic);
    if (target === undefined) {
      const subject = this.#settings.subjectNameStrategy(topic, this.#isKey, derived.recordName);
      target = this.#targets.get(`${subject}\n${derived.registered.schema}`, () => this.#target(topic, subject, derived), `the schema id of subject ${subject}`);
      if (!known) this.#knownTargets.set(derived, (known = new Map()));
      known.set(topic, target);
    }
    const out = target.registered ? this.#registeredWriter(topic, schema, target.id, target.registered) : derived;
    const payload = this.#serializing(topic, () => out.write(value));
    return frame(target.id, payload);
  }

  toConnectData(topic: string, bytes: Uint8Array | null, _headers?: Headers): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    this.#requireFormat();
    const { id, payload } = unframe(bytes, topic);
    const subject = topicNameStrategy(topic, this.#isKey, undefined);
    const byTopic = this.#settings.subjectNameStrategy === topicNameStrategy;
    const reader = this.#readers.get(byTopic ? `${subject}\n${id}` : String(id), () => this.#reader(topic, id, byTopic ? subject : undefined), `schema id ${id}`);
    try {
      return reader.readSchemaAndValue ? reader.readSchemaAndValue(payload) : { schema: reader.schema, value: reader.read(payload) };
    } catch (e) {
      throw asDataException(e, `Failed to deserialize data for topic ${topic} to ${this.#kind.label}`, topic, id);
    }
  }

  #requireFormat(): RegistryFormat {
    if (this.#format) return this.#format;
    if (this.#formatError !== undefined) throw this.#formatError;
    if (!this.#formatLoad) throw new Error(`${this.#kind.className} used before configure()`);
    throw new PendingLookup(this.#formatLoad, `the ${this.#kind.label} format`);
  }

  #serializing<T>(topic: string, op: () => T): T {
    try {
      return op();
    } catch (e) {
      if (e instanceof PendingLookup) throw e;
      throw asDataException(e, `Failed to serialize ${this.#kind.label} data from topic ${topic}`, topic);
    }
  }

  /** The writer of Connect values of `schema` in the shape of a registered schema (cached per schema and id). */
  #registeredWriter(topic: string, schema: Schema, id: number, registered: NonNullable<Target['registered']>): FormatWriter {
    let byId = this.#registeredWriters.get(schema);
    if (!byId) this.#registeredWriters.set(schema, (byId = new Map()));
    let writer = byId.get(id);
    if (!writer) {
      const format = this.#requireFormat();
      writer = this.#serializing(topic, () => format.writerForRegistered(schema, registered.schema, registered.resolved));
      byId.set(id, writer);
    }
    return writer;
  }

  async #target(topic: string, subject: string, derived: FormatWriter): Promise<Target> {
    const { useSchemaId, useLatestVersion, autoRegister, normalizeSchemas } = this.#settings;
    try {
      if (useSchemaId >= 0) {
        const schema = await this.#client.schemaById(useSchemaId);
        const resolved = await this.#references(schema.references);
        if (this.#settings.idCompatibilityStrict) await readsDerived(schema, resolved, derived, 'id.compatibility.strict');
        return { id: useSchemaId, registered: { schema, resolved } };
      }
      if (useLatestVersion) {
        const latest = await this.#client.subjectVersion(subject, 'latest');
        if (latest.schema.schema === derived.registered.schema) return { id: latest.id };
        const resolved = await this.#references(latest.schema.references);
        if (this.#settings.latestCompatibilityStrict) await readsDerived(latest.schema, resolved, derived, 'latest.compatibility.strict');
        return { id: latest.id, registered: { schema: latest.schema, resolved } };
      }
      if (autoRegister) return { id: await this.#client.register(subject, derived.registered, normalizeSchemas) };
      return { id: (await this.#client.lookup(subject, derived.registered, normalizeSchemas)).id };
    } catch (e) {
      throw registryFailure(e, `Failed to serialize ${this.#kind.label} data from topic ${topic}: subject ${subject}`, topic);
    }
  }

  async #reader(topic: string, id: number, subject: string | undefined): Promise<FormatReader> {
    const format = this.#requireFormat();
    let registered: RegisteredSchema;
    let resolved: Map<string, string>;
    let version: number | undefined;
    try {
      registered = await this.#client.schemaById(id);
      resolved = await this.#references(registered.references);
      if (subject !== undefined) version = await this.#versionOf(subject, registered);
    } catch (e) {
      throw registryFailure(e, `Failed to deserialize data for topic ${topic} to ${this.#kind.label}: error retrieving ${this.#kind.label} schema for id ${id}`, topic);
    }
    try {
      return format.readerFor(registered, resolved, version);
    } catch (e) {
      throw asDataException(e, `Failed to deserialize data for topic ${topic} to ${this.#kind.label}: schema id ${id}`, topic, id);
    }
  }

  /** The version of a schema under the topic's subject; none when it is registered under another subject only. */
  async #versionOf(subject: string, registered: RegisteredSchema): Promise<number | undefined> {
    try {
      return (await this.#client.lookup(subject, registered)).version;
    } catch (e) {
      if (e instanceof RegistryResponseError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** The text of every schema `references` names, transitively, by reference name. */
  async #references(references: readonly SchemaReference[] | undefined, into = new Map<string, string>()): Promise<Map<string, string>> {
    for (const ref of references ?? []) {
      if (into.has(ref.name)) continue;
      const found = await this.#client.subjectVersion(ref.subject, ref.version);
      into.set(ref.name, found.schema.schema);
      await this.#references(found.schema.references, into);
    }
    return into;
  }
}

/**
 * Confluent's sanity check of a schema chosen by `use.latest.version` / `use.schema.id`: it must be able to read
 * (BACKWARD) what the record's own schema describes. The checker is large and loaded only here.
 */
async function readsDerived(chosen: RegisteredSchema, resolved: ReadonlyMap<string, string>, derived: FormatWriter, key: string): Promise<void> {
  const { compatibilityErrors } = await import('../../schema-compat/index.js');
  const errors = compatibilityErrors(
    'BACKWARD',
    { schemaType: chosen.schemaType, schema: chosen.schema, resolved },
    [{ schemaType: derived.registered.schemaType, schema: derived.registered.schema, resolved: new Map() }],
  );
  if (errors.length > 0) {
    throw new DataException(`Incompatible schema of type '${chosen.schemaType}'. Set ${key}=false to disable this check. Error messages: ${errors.join(',')}`);
  }
}

function asDataException(e: unknown, what: string, topic: string, id?: number): DataException {
  if (e instanceof DataException) return new DataException(`${what}: ${e.message}`, { topic }, { cause: e });
  const reason = e instanceof Error ? e.message : String(e);
  return new DataException(`${what}${id === undefined ? '' : ` (schema id ${id})`}: ${reason}`, { topic }, { cause: e });
}

/** A registry that cannot be reached stays retriable; an answer (409 incompatible, 40401 …) is a DataException. */
function registryFailure(e: unknown, what: string, topic: string): Error {
  if (e instanceof RetriableException) return new RetriableException(`${what}: ${e.message}`, { cause: e });
  if (e instanceof RegistryResponseError) return new DataException(`${what}: ${e.message}`, { topic }, { cause: e });
  return asDataException(e, what, topic);
}
