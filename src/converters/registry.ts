/**
 * Converters by Kafka Connect class name or short name, and configuration from a worker/connector flat config
 * (`value.converter` names the class, `value.converter.*` are its settings), as Kafka Connect's Worker does.
 */
import type { Converter, ConverterConfig, HeaderConverter } from './converter.js';
import { JsonConverter } from './json/json-converter.js';
import { SimpleHeaderConverter } from './simple-header.js';
import { SchemaRegistryConverter } from './schema-registry/registry-converter.js';
import { AVRO_CONVERTER, JSON_SCHEMA_CONVERTER, PROTOBUF_CONVERTER } from './schema-registry/kinds.js';
import {
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from './simple.js';

/** One converter class: which roles it can play and how to make one. */
export interface ConverterEntry {
  readonly className: string;
  readonly aliases: readonly string[];
  readonly create: () => Converter | HeaderConverter;
  readonly converter: boolean;
  readonly headerConverter: boolean;
}

const ENTRIES: readonly ConverterEntry[] = [
  { className: 'org.apache.kafka.connect.json.JsonConverter', aliases: ['json', 'JsonConverter'], create: () => new JsonConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.storage.StringConverter', aliases: ['string', 'StringConverter'], create: () => new StringConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.ByteArrayConverter', aliases: ['bytes', 'bytearray', 'ByteArrayConverter'], create: () => new ByteArrayConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.ShortConverter', aliases: ['short', 'ShortConverter'], create: () => new ShortConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.IntegerConverter', aliases: ['integer', 'int', 'IntegerConverter'], create: () => new IntegerConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.LongConverter', aliases: ['long', 'LongConverter'], create: () => new LongConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.FloatConverter', aliases: ['float', 'FloatConverter'], create: () => new FloatConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.DoubleConverter', aliases: ['double', 'DoubleConverter'], create: () => new DoubleConverter(), converter: true, headerConverter: true },
  { className: 'org.apache.kafka.connect.converters.BooleanConverter', aliases: ['boolean', 'BooleanConverter'], create: () => new BooleanConverter(), converter: true, headerConverter: true },
  { className: AVRO_CONVERTER.className, aliases: ['avro', 'AvroConverter'], create: () => new SchemaRegistryConverter(AVRO_CONVERTER), converter: true, headerConverter: false },
  { className: PROTOBUF_CONVERTER.className, aliases: ['protobuf', 'ProtobufConverter'], create: () => new SchemaRegistryConverter(PROTOBUF_CONVERTER), converter: true, headerConverter: false },
  { className: JSON_SCHEMA_CONVERTER.className, aliases: ['jsonschema', 'JsonSchemaConverter'], create: () => new SchemaRegistryConverter(JSON_SCHEMA_CONVERTER), converter: true, headerConverter: false },
  { className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', aliases: ['simple', 'SimpleHeaderConverter'], create: () => new SimpleHeaderConverter(), converter: false, headerConverter: true },
];

type Role = 'converter' | 'header';

/** An unknown converter name; the message lists the known ones. */
export class UnknownConverterError extends Error {
  override readonly name = 'UnknownConverterError';
  constructor(readonly requested: string, kind: Role, known: readonly string[] = knownConverterNames(kind)) {
    super(`Unknown ${kind === 'header' ? 'header converter' : 'converter'} '${requested}'. Known: ${known.join(', ')}`);
  }
}

/** A name already taken by another converter of the same role. */
export class ConverterNameClashError extends Error {
  override readonly name = 'ConverterNameClashError';
  constructor(readonly requested: string, readonly taken: string, kind: Role) {
    super(`${kind === 'header' ? 'header converter' : 'converter'} name ${requested} is already taken by ${taken}`);
  }
}

const playing = (kind: Role | 'any') => (e: ConverterEntry): boolean =>
  kind === 'any' || (kind === 'converter' ? e.converter : e.headerConverter);
const roles = (e: ConverterEntry): Role[] => [...(e.converter ? ['converter' as const] : []), ...(e.headerConverter ? ['header' as const] : [])];

/**
 * Converters by class name (exact) or short name (any case), per role: a plugin may add a header converter under
 * the class name of a key/value converter, as one Java class implementing both.
 */
export class ConverterRegistry {
  readonly #entries: ConverterEntry[] = [];
  readonly #byName = { converter: new Map<string, ConverterEntry>(), header: new Map<string, ConverterEntry>() };

  /** A registry of Kafka Connect's built-in converters (and Confluent's registry converters). */
  static withBuiltins(): ConverterRegistry {
    const r = new ConverterRegistry();
    for (const e of ENTRIES) r.register(e);
    return r;
  }

  /** Adds a converter; a name (class name or alias) another converter of the same role answers to is refused. */
  register(entry: ConverterEntry): this {
    for (const role of roles(entry)) {
      for (const name of this.#namesOf(entry)) {
        const taken = this.#byName[role].get(name);
        if (taken && taken !== entry) throw new ConverterNameClashError(name, taken.className, role);
      }
    }
    for (const role of roles(entry)) for (const name of this.#namesOf(entry)) this.#byName[role].set(name, entry);
    this.#entries.push(entry);
    return this;
  }

  /** Every name `create`/`createHeader` accepts: class names, then short names. */
  knownNames(kind: Role | 'any' = 'any'): string[] {
    const entries = this.#entries.filter(playing(kind));
    return [...entries.map((e) => e.className), ...entries.flatMap((e) => e.aliases.filter((a) => a === a.toLowerCase()))];
  }

  /** The class names of the converters playing `kind`, in registration order. */
  classNames(kind: Role | 'any' = 'any'): string[] {
    return [...new Set(this.#entries.filter(playing(kind)).map((e) => e.className))];
  }

  /** A fresh, unconfigured converter for a class name (`org.apache.kafka.connect.json.JsonConverter`) or short name (`json`). */
  create(name: string): Converter {
    return this.#lookup(name, 'converter').create() as Converter;
  }

  /** A fresh, unconfigured header converter. */
  createHeader(name: string): HeaderConverter {
    return this.#lookup(name, 'header').create() as HeaderConverter;
  }

  #namesOf(e: ConverterEntry): string[] {
    return [e.className, ...e.aliases.map((a) => a.toLowerCase())];
  }

  #lookup(name: string, kind: Role): ConverterEntry {
    const key = String(name).trim();
    const e = this.#byName[kind].get(key) ?? this.#byName[kind].get(key.toLowerCase());
    if (!e) throw new UnknownConverterError(key, kind, this.knownNames(kind));
    return e;
  }
}

/** The built-ins, for the functions below; never registered into (a registry with plugins is its own instance). */
const BUILTINS = ConverterRegistry.withBuiltins();

/** Every built-in name `createConverter`/`createHeaderConverter` accepts: class names, then short names. */
export function knownConverterNames(kind: Role | 'any' = 'any'): string[] {
  return BUILTINS.knownNames(kind);
}

/** A fresh, unconfigured built-in converter for a Java class name or short name. */
export function createConverter(name: string): Converter {
  return BUILTINS.create(name);
}

/** A fresh, unconfigured built-in header converter (every converter above, plus `SimpleHeaderConverter`). */
export function createHeaderConverter(name: string): HeaderConverter {
  return BUILTINS.createHeader(name);
}

/** Keys of `config` under `prefix.`, with the prefix removed (Kafka's `originalsWithPrefix`). */
export function settingsWithPrefix(config: ConverterConfig, prefix: string): Record<string, unknown> {
  const p = prefix.endsWith('.') ? prefix : `${prefix}.`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(p) && k.length > p.length) out[k.slice(p.length)] = v;
  return out;
}

export type ConverterPrefix = 'key.converter' | 'value.converter' | 'header.converter' | (string & {});

const DEFAULTS: Partial<Record<string, string>> = {
  'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
};

function classFor(config: ConverterConfig, prefix: string, defaultClass: string | undefined): string {
  const raw = config[prefix] ?? defaultClass ?? DEFAULTS[prefix];
  if (raw === undefined || raw === null || String(raw).trim() === '') {
    throw new UnknownConverterError(`(no ${prefix} set)`, prefix === 'header.converter' ? 'header' : 'converter');
  }
  return String(raw);
}

/**
 * The key or value converter a Kafka Connect worker would build from `config`: class from `<prefix>`
 * (or `defaultClass`), configured with the `<prefix>.*` settings and `isKey` (true for `key.converter`).
 */
export function configureConverter(
  config: ConverterConfig,
  prefix: ConverterPrefix,
  opts: { isKey?: boolean; defaultClass?: string; registry?: ConverterRegistry } = {},
): Converter {
  const converter = (opts.registry ?? BUILTINS).create(classFor(config, prefix, opts.defaultClass));
  converter.configure(settingsWithPrefix(config, prefix), opts.isKey ?? prefix === 'key.converter');
  return converter;
}

/** The header converter from `header.converter` (default SimpleHeaderConverter) and its `header.converter.*` settings. */
export function configureHeaderConverter(
  config: ConverterConfig,
  prefix: ConverterPrefix = 'header.converter',
  opts: { defaultClass?: string; registry?: ConverterRegistry } = {},
): HeaderConverter {
  const converter = (opts.registry ?? BUILTINS).createHeader(classFor(config, prefix, opts.defaultClass));
  converter.configure({ ...settingsWithPrefix(config, prefix), 'converter.type': 'header' });
  return converter;
}
