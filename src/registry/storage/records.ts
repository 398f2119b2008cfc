/**
 * The records of Confluent Schema Registry's `_schemas` topic: typed keys and values, and their JSON bytes exactly
 * as Confluent's registry writes them (Jackson, `JsonInclude.NON_EMPTY`: null fields and empty lists left out; the
 * property order of its `@JsonPropertyOrder`s and `@JsonCreator`s; magic 1 for SCHEMA keys, 0 for the others). So
 * a topic written by either registry is read by the other. Keys of kinds Sluice does not use (CONTEXT, ASSOC) are
 * kept as `other` and ignored; a value's fields Sluice does not model (md5, metadata, ruleSet) are kept in `extra`
 * and written back in their place.
 */
import { jacksonJson } from './jackson-json.js';

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export type RegistryKey =
  | { readonly keytype: 'SCHEMA'; readonly subject: string; readonly version: number }
  /** subject null: the global config or mode. */
  | { readonly keytype: 'CONFIG'; readonly subject: string | null }
  | { readonly keytype: 'MODE'; readonly subject: string | null }
  | { readonly keytype: 'DELETE_SUBJECT'; readonly subject: string }
  /** subject null: every subject (Confluent writes it when the global mode becomes IMPORT). */
  | { readonly keytype: 'CLEAR_SUBJECT'; readonly subject: string | null }
  | { readonly keytype: 'NOOP' }
  | { readonly keytype: 'other'; readonly type: string };

export interface SchemaValue {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType: string;
  readonly references: readonly SchemaReference[];
  readonly schema: string;
  readonly deleted: boolean;
  /** Fields Confluent writes that Sluice does not model (md5, metadata, ruleSet), kept as read. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface ConfigValue {
  readonly subject: string | null;
  /** A Confluent config value may carry other settings (normalize, validateFields, …); they are kept here. */
  readonly compatibilityLevel: string | null;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface ModeValue {
  readonly subject: string | null;
  readonly mode: string;
}

export interface DeleteSubjectValue {
  readonly subject: string;
  readonly version: number;
}

export interface ClearSubjectValue {
  readonly subject: string | null;
}

/** One record of the topic (or line of the file store); `value: null` is a tombstone. */
export type RegistryRecord =
  | { readonly key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; readonly value: SchemaValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'CONFIG' }>; readonly value: ConfigValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'MODE' }>; readonly value: ModeValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'DELETE_SUBJECT' }>; readonly value: DeleteSubjectValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'CLEAR_SUBJECT' }>; readonly value: ClearSubjectValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'NOOP' | 'other' }>; readonly value: null };

export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

const SCHEMA_VALUE_FIELDS = ['subject', 'version', 'id', 'md5', 'schemaType', 'references', 'metadata', 'ruleSet', 'schema', 'deleted'];
const CONFIG_VALUE_FIELDS = [
  'subject', 'alias', 'aliasForDeks', 'normalize', 'validateFields', 'validateNewSchemas', 'validateRules', 'compatibilityLevel',
  'compatibilityPolicy', 'compatibilityGroup', 'defaultMetadata', 'overrideMetadata', 'defaultRuleSet', 'overrideRuleSet',
];

/** Jackson's NON_EMPTY: nulls, empty strings, empty lists and empty maps are left out. */
function isEmpty(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)
  );
}

/** An object's fields in `order`, the non-empty ones only, as Jackson writes them. */
function ordered(fields: Record<string, unknown>, order: readonly string[]): string {
  const keys = [...order, ...Object.keys(fields).filter((k) => !order.includes(k))];
  return jacksonJson(Object.fromEntries(keys.filter((k) => !isEmpty(fields[k])).map((k) => [k, fields[k]])));
}

export function encodeKey(key: RegistryKey): string {
  switch (key.keytype) {
    case 'SCHEMA':
      return ordered({ keytype: 'SCHEMA', subject: key.subject, version: key.version, magic: 1 }, ['keytype', 'subject', 'version', 'magic']);
    case 'CONFIG':
    case 'MODE':
    case 'DELETE_SUBJECT':
    case 'CLEAR_SUBJECT':
      return ordered({ keytype: key.keytype, subject: key.subject, magic: 0 }, ['keytype', 'subject', 'magic']);
    case 'NOOP':
      return ordered({ keytype: 'NOOP', magic: 0 }, ['keytype', 'magic']);
    case 'other':
      throw new RecordFormatError(`cannot write a key of type ${key.type}`);
  }
}

export function encodeValue(record: RegistryRecord): string | null {
  if (record.value === null) return null;
  switch (record.key.keytype) {
    case 'SCHEMA': {
      const v = record.value as SchemaValue;
      const refs = v.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
      return ordered({ ...v.extra, subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, references: refs, schema: v.schema, deleted: v.deleted }, SCHEMA_VALUE_FIELDS);
    }
    case 'CONFIG': {
      const v = record.value as ConfigValue;
      return ordered({ ...v.extra, subject: v.subject, compatibilityLevel: v.compatibilityLevel }, CONFIG_VALUE_FIELDS);
    }
    case 'MODE': {
      const v = record.value as ModeValue;
      return ordered({ subject: v.subject, mode: v.mode }, ['subject', 'mode']);
    }
    case 'DELETE_SUBJECT': {
      const v = record.value as DeleteSubjectValue;
      return ordered({ subject: v.subject, version: v.version }, ['subject', 'version']);
    }
    case 'CLEAR_SUBJECT':
      return ordered({ subject: (record.value as ClearSubjectValue).subject }, ['subject']);
    default:
      return null;
  }
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RecordFormatError(`the ${what} is not JSON: ${(e as Error).message}: ${text.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RecordFormatError(`the ${what} is not a JSON object: ${text.slice(0, 200)}`);
  return parsed as Record<string, unknown>;
}

function str(o: Record<string, unknown>, field: string, what: string): string {
  const v = o[field];
  if (typeof v !== 'string') throw new RecordFormatError(`${what} has no string "${field}": ${JSON.stringify(o).slice(0, 200)}`);
  return v;
}

function optStr(o: Record<string, unknown>, field: string): string | null {
  const v = o[field];
  return typeof v === 'string' ? v : null;
}

function int(o: Record<string, unknown>, field: string, what: string): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RecordFormatError(`${what} has no integer "${field}": ${JSON.stringify(o).slice(0, 200)}`);
  return v;
}

export function decodeKey(text: string): RegistryKey {
  const o = parseObject(text, 'key');
  const type = str(o, 'keytype', 'a key');
  switch (type) {
    case 'SCHEMA': {
      if (o['magic'] !== undefined && o['magic'] !== 1) throw new RecordFormatError(`a SCHEMA key has magic ${String(o['magic'])}, not 1: ${text}`);
      return { keytype: 'SCHEMA', subject: str(o, 'subject', 'a SCHEMA key'), version: int(o, 'version', 'a SCHEMA key') };
    }
    case 'CONFIG':
      return { keytype: 'CONFIG', subject: optStr(o, 'subject') };
    case 'MODE':
      return { keytype: 'MODE', subject: optStr(o, 'subject') };
    case 'DELETE_SUBJECT':
      return { keytype: 'DELETE_SUBJECT', subject: str(o, 'subject', 'a DELETE_SUBJECT key') };
    case 'CLEAR_SUBJECT':
      return { keytype: 'CLEAR_SUBJECT', subject: optStr(o, 'subject') };
    case 'NOOP':
      return { keytype: 'NOOP' };
    default:
      return { keytype: 'other', type };
  }
}

function rest(o: Record<string, unknown>, known: readonly string[]): Record<string, unknown> | undefined {
  const extra = Object.fromEntries(Object.entries(o).filter(([k, v]) => !known.includes(k) && !isEmpty(v) && k !== 'offset' && k !== 'ts'));
  return Object.keys(extra).length > 0 ? extra : undefined;
}

function references(o: Record<string, unknown>): SchemaReference[] {
  const refs = o['references'];
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) throw new RecordFormatError(`"references" is not a list: ${JSON.stringify(refs).slice(0, 200)}`);
  return refs.map((r) => {
    if (typeof r !== 'object' || r === null) throw new RecordFormatError(`a reference is not an object: ${JSON.stringify(r)}`);
    const ref = r as Record<string, unknown>;
    return { name: str(ref, 'name', 'a reference'), subject: str(ref, 'subject', 'a reference'), version: int(ref, 'version', 'a reference') };
  });
}

/** The record of a key and a value (null: a tombstone), both as the topic's JSON text. */
export function decodeRecord(keyText: string, valueText: string | null): RegistryRecord {
  const key = decodeKey(keyText);
  if (valueText === null || key.keytype === 'NOOP' || key.keytype === 'other') return { key, value: null } as RegistryRecord;
  const o = parseObject(valueText, `${key.keytype} value`);
  switch (key.keytype) {
    case 'SCHEMA': {
      const extra = rest(o, ['subject', 'version', 'id', 'schemaType', 'references', 'schema', 'deleted']);
      const value: SchemaValue = {
        subject: optStr(o, 'subject') ?? key.subject,
        version: typeof o['version'] === 'number' ? (o['version'] as number) : key.version,
        id: int(o, 'id', 'a SCHEMA value'),
        schemaType: optStr(o, 'schemaType') ?? 'AVRO',
        references: references(o),
        schema: str(o, 'schema', 'a SCHEMA value'),
        deleted: o['deleted'] === true,
        ...(extra ? { extra } : {}),
      };
      return { key, value };
    }
    case 'CONFIG': {
      const extra = rest(o, ['subject', 'compatibilityLevel']);
      // Values of old registries have no subject; Confluent takes the key's.
      return { key, value: { subject: optStr(o, 'subject') ?? key.subject, compatibilityLevel: optStr(o, 'compatibilityLevel'), ...(extra ? { extra } : {}) } };
    }
    case 'MODE':
      return { key, value: { subject: optStr(o, 'subject') ?? key.subject, mode: str(o, 'mode', 'a MODE value') } };
    case 'DELETE_SUBJECT':
      return { key, value: { subject: optStr(o, 'subject') ?? key.subject, version: int(o, 'version', 'a DELETE_SUBJECT value') } };
    case 'CLEAR_SUBJECT':
      return { key, value: { subject: optStr(o, 'subject') ?? key.subject } };
  }
}
