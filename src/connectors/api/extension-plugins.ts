/**
 * The plugin kinds beside connectors that a `--plugin` module may export, each by the class name Kafka Connect
 * configs use to name it: `value.converter=com.acme.MyConverter`, `transforms.x.type=com.acme.Mask`,
 * `predicates.p.type=com.acme.IsTest`, `config.providers.vault.class=com.acme.VaultProvider`.
 *
 * The contracts below are the runtime's (src/converters, src/transforms, src/worker/config-providers.ts) spelled
 * out structurally, so a plugin needs only this API and src/data; the registry checks they stay assignable.
 */
import type { ConnectRecord, Headers, Schema, SchemaAndValue } from '../../data/index.js';
import type { ConfigDef, RawConfig } from './config-def.js';

/** Kafka Connect's `Converter`: Connect data ↔ bytes for record keys or values. */
export interface Converter {
  /** `config` holds the `<prefix>.*` settings without the prefix (`value.converter.schemas.enable` → `schemas.enable`). */
  configure(config: RawConfig, isKey: boolean): void;
  /** Bytes for Kafka, or null (a tombstone). */
  fromConnectData(topic: string, schema: Schema | null, value: unknown, headers?: Headers): Uint8Array | null;
  toConnectData(topic: string, bytes: Uint8Array | null, headers?: Headers): SchemaAndValue;
}

/** Kafka Connect's `HeaderConverter`: one header value ↔ bytes. */
export interface HeaderConverter {
  configure(config: RawConfig): void;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
}

/** A single message transform: `apply` returns a new record, the same one, or null to drop it. */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(config: RawConfig): void;
  apply(record: R): R | null;
  config(): ConfigDef;
  close(): void;
}

/** A condition on a record, for `transforms.<alias>.predicate`. */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(config: RawConfig): void;
  test(record: R): boolean;
  config(): ConfigDef;
  close(): void;
}

/** A source of config values for `${provider:path:key}`: `get` returns the values it has (missing keys left out). */
export interface ConfigProvider {
  /** The `config.providers.<name>.param.*` settings without the prefix. */
  configure(params: Readonly<Record<string, string>>): void;
  get(path: string, keys: ReadonlySet<string>): Map<string, string>;
}

interface NamedPlugin<K extends string, T> {
  readonly kind: K;
  /** The name configs use, e.g. `com.acme.MaskConverter`. */
  readonly className: string;
  /** Other names that also resolve to it. */
  readonly aliases?: readonly string[];
  readonly version?: string;
  /** A fresh, unconfigured instance. */
  create(): T;
}

export type ConverterPlugin = NamedPlugin<'converter', Converter>;
export type HeaderConverterPlugin = NamedPlugin<'header_converter', HeaderConverter>;
/** Its keys (`transforms.<alias>.*`) are those of `create().config()`. */
export type TransformationPlugin = NamedPlugin<'transformation', Transformation>;
export type PredicatePlugin = NamedPlugin<'predicate', Predicate>;
export type ConfigProviderPlugin = NamedPlugin<'config_provider', ConfigProvider>;

/** Every plugin kind other than connectors; `kind` tells them apart (connectors have `type` instead). */
export type ExtensionPlugin = ConverterPlugin | HeaderConverterPlugin | TransformationPlugin | PredicatePlugin | ConfigProviderPlugin;

export const EXTENSION_PLUGIN_KINDS: readonly ExtensionPlugin['kind'][] = ['converter', 'header_converter', 'transformation', 'predicate', 'config_provider'];
