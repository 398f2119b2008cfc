/** Sluice's Confluent-compatible schema registry (README.md beside this file). */
export {
  startSchemaRegistry,
  RegistryConfigError,
  type StartSchemaRegistryOptions,
  type RunningSchemaRegistry,
  type RegistryStorage,
} from './start.js';
export { registryConfig, type RegistryConfig } from './registry-config.js';
export { SchemaRegistry, type SchemaRegistryOptions, type SchemaVersion } from './schema-registry.js';
export { RegistryServer, RegistryServerConfigError, DEFAULT_LISTENER, type RegistryServerOptions } from './http/server.js';
export { readCredentials, parseCredentials, BasicAuthConfigError } from './http/basic-auth.js';
export { RegistryError, INCOMPATIBLE_SCHEMA_ERROR_CODE } from './errors.js';
export {
  COMPATIBILITY_LEVELS,
  SCHEMA_TYPES,
  InvalidSchema,
  compatibilityLevel,
  type CompatibilityLevel,
  type SchemaFormats,
  type SchemaText,
  type SchemaType,
} from './schema-formats.js';
export { KafkaStore, type KafkaStoreOptions } from './storage/kafka-store.js';
export { FileStore, type FileStoreOptions } from './storage/file-store.js';
export { MemoryStore } from './storage/memory-store.js';
export { RegistryStoreError, type RegistryStore, type ApplyRecord } from './storage/store.js';
export { decodeRecord, encodeKey, encodeValue, RecordFormatError, type RegistryRecord, type RegistryKey } from './storage/records.js';
