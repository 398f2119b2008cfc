/**
 * The request bodies and path parts of Confluent's API, checked and typed: a schema to register, look up or test
 * (`{schema, schemaType?, references?, version?, id?}`), a version id, a subject name, config and mode updates.
 * Each throws the RegistryError Confluent answers for what is wrong.
 */
import { RegistryError, errors } from './errors.js';
import type { SchemaReference } from './storage/records.js';
import { compatibilityLevel, isSchemaType, type CompatibilityLevel, type SchemaType } from './schema-formats.js';

export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType: SchemaType;
  readonly references: readonly SchemaReference[];
  /** An explicit version (IMPORT mode); -1: latest; absent: the next one. */
  readonly version?: number;
  /** An explicit id (IMPORT mode). */
  readonly id?: number;
}

/** A body that is not what the endpoint takes (Jackson could not map it): 422, as Confluent's REST layer answers. */
export function unprocessable(message: string): RegistryError {
  return new RegistryError(422, 422, message);
}

function optionalInt(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw unprocessable(`"${field}" must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

function references(raw: unknown): SchemaReference[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw unprocessable(`"references" must be a list, got ${JSON.stringify(raw)}`);
  return raw.map((r) => {
    const ref = r as Record<string, unknown> | null;
    if (typeof ref !== 'object' || ref === null || typeof ref['name'] !== 'string' || typeof ref['subject'] !== 'string' || !Number.isInteger(ref['version'])) {
      throw unprocessable(`a reference must be {"name": string, "subject": string, "version": integer}, got ${JSON.stringify(r)}`);
    }
    return { name: ref['name'], subject: ref['subject'], version: ref['version'] as number };
  });
}

export function schemaRequest(body: unknown): SchemaRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('The request body must be a JSON object: {"schema": "...", "schemaType": "...", "references": [...]}');
  const b = body as Record<string, unknown>;
  const rawType = b['schemaType'] ?? 'AVRO';
  if (typeof rawType !== 'string') throw unprocessable(`"schemaType" must be a string, got ${JSON.stringify(rawType)}`);
  const schemaType = rawType.toUpperCase();
  if (!isSchemaType(schemaType)) throw errors.invalidSchema(`Invalid schema type ${rawType}`);
  const schema = b['schema'];
  if (schema !== undefined && schema !== null && typeof schema !== 'string') throw unprocessable(`"schema" must be a string, got ${JSON.stringify(schema).slice(0, 100)}`);
  if (typeof schema !== 'string' || schema.trim() === '') throw errors.invalidSchema('Empty schema');
  const version = optionalInt(b, 'version');
  const id = optionalInt(b, 'id');
  return {
    schema,
    schemaType,
    references: references(b['references']),
    ...(version !== undefined && version !== 0 ? { version } : {}),
    ...(id !== undefined && id >= 0 ? { id } : {}),
  };
}

/** Confluent's VersionId: a positive int, or "latest" / -1 (any case, spaces around allowed); -1 stands for latest. */
export function versionId(text: string): number {
  const t = text.trim();
  if (t.toLowerCase() === 'latest') return -1;
  if (!/^[+-]?\d+$/.test(t)) throw errors.invalidVersion(text);
  const n = Number(t);
  if (n > 2 ** 31 - 1 || (n <= 0 && n !== -1)) throw errors.invalidVersion(text);
  return n;
}

/** Confluent refuses subjects with control characters and its reserved names. */
export function checkSubject(subject: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(subject) || subject === '__GLOBAL' || subject === '__EMPTY') throw errors.invalidSubject(subject);
}

/** `{"compatibility": "FULL"}` (and Confluent's other config fields, which are kept); the level absent: unchanged. */
export function configUpdate(body: unknown): { readonly compatibility?: CompatibilityLevel } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('The request body must be a JSON object: {"compatibility": "..."}');
  const raw = (body as Record<string, unknown>)['compatibility'];
  if (raw === undefined || raw === null) return {};
  const level = compatibilityLevel(raw);
  if (!level) throw errors.invalidCompatibility();
  return { compatibility: level };
}

export type Mode = 'READWRITE' | 'READONLY' | 'READONLY_OVERRIDE' | 'IMPORT' | 'FORWARD';
const MODES: readonly Mode[] = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT', 'FORWARD'];

/** `{"mode": "READONLY"}`; any case. */
export function modeUpdate(body: unknown): Mode {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('The request body must be a JSON object: {"mode": "..."}');
  const raw = (body as Record<string, unknown>)['mode'];
  const mode = typeof raw === 'string' ? raw.toUpperCase() : '';
  if (!(MODES as readonly string[]).includes(mode)) throw errors.invalidMode();
  return mode as Mode;
}
