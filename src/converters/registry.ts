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

interface Entry {
  readonly className: string;
  readonly aliases: readonly string[];
  readonly create: () => Converter | HeaderConverter;
  readonly converter: boolean;
  readonly headerConverter: boolean;
}

const ENTRIES: readonly Entry[] = [
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

const BY_NAME = new Map<string, Entry>();
for (const e of ENTRIES) {
  BY_NAME.set(e.className, e);
  for (const a of e.aliases) BY_NAME.set(a.toLowerCase(), e);
}

/** Every name `createConverter`/`createHeaderConverter` accepts: class names, then short names. */
export function knownConverterNames(kind: 'converter' | 'header' | 'any' = 'any'): string[] {
  const ok = (e: Entry): boolean => kind === 'any' || (kind === 'converter' ? e.converter : e.headerConverter);
  return [...ENTRIES.filter(ok).map((e) => e.className), ...ENTRIES.filter(ok).flatMap((e) => e.aliases.filter((a) => a === a.toLowerCase()))];
}

/** An unknown converter name; the message lists the known ones. */
export class UnknownConverterError extends Error {
  override readonly name = 'UnknownConverterError';
  constructor(readonly requested: string, kind: 'converter' | 'header') {
    super(
      `Unknown ${kind === 'header' ? 'header converter' : 'converter'} '${requested}'. Known: ${knownConverterNames(kind).join(', ')}`,
    );
  }
}

function lookup(name: string, kind: 'converter' | 'header'): Entry {
  const key = String(name).trim();
  const e = BY_NAME.get(key) ?? BY_NAME.get(key.toLowerCase());
  if (!e || (kind === 'converter' ? !e.converter : !e.headerConverter)) throw new UnknownConverterError(key, kind);
  return e;
}

/** A fresh, unconfigured converter for a Java class name (`org.apache.kafka.connect.json.JsonConverter`) or short name (`json`). */
export function createConverter(name: string): Converter {
  return lookup(name, 'converter').create() as Converter;
}

/** A fresh, unconfigured header converter (every converter above, plus `SimpleHeaderConverter`). */
export function createHeaderConverter(name: string): HeaderConverter {
  return lookup(name, 'header').create() as HeaderConverter;
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
  opts: { isKey?: boolean; defaultClass?: string } = {},
): Converter {
  const converter = createConverter(classFor(config, prefix, opts.defaultClass));
  converter.configure(settingsWithPrefix(config, prefix), opts.isKey ?? prefix === 'key.converter');
  return converter;
}

/** The header converter from `header.converter` (default SimpleHeaderConverter) and its `header.converter.*` settings. */
export function configureHeaderConverter(
  config: ConverterConfig,
  prefix: ConverterPrefix = 'header.converter',
  opts: { defaultClass?: string } = {},
): HeaderConverter {
  const converter = createHeaderConverter(classFor(config, prefix, opts.defaultClass));
  converter.configure({ ...settingsWithPrefix(config, prefix), 'converter.type': 'header' });
  return converter;
}
