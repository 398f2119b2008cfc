import { DataException, Struct, type ConnectRecord, type Field, type Schema } from '../data/index.js';
import { ConfigDef, ConfigException, defineReplaceNullWithDefault, type RawConfig } from './transformation.js';
import { SidedTransformation, type Side } from './sided-transformation.js';
import { requireMapOrNull, requireStructOrNull } from './requirements.js';
import { fieldValue } from './schema-util.js';
import { mapGet, type SchemalessMap } from './schemaless-map.js';

export const FIELD_CONFIG = 'field';
export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version';
const PURPOSE = 'field extraction';

export type FieldSyntaxVersion = 'V1' | 'V2';

/**
 * KIP-821's `SingleFieldPath`: V1 is one top-level field name; V2 is a dotted path where backticks quote a step
 * containing dots (`` `a.b`.c ``) and a backslash escapes a backtick.
 */
export function parseFieldPath(path: string, version: FieldSyntaxVersion): string[] {
  if (version === 'V1') return [path];
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== '`') {
      const start = idx;
      idx = path.indexOf('.', idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else {
        steps.push(path.slice(start));
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf('`', idx);
      if (idx === -1) failIncompleteBacktick(path, backtickAt);
      const escaped = path[idx - 1] === '\\';
      if (idx >= path.length - 1) {
        if (escaped) failIncompleteBacktick(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== '.') {
        idx++;
        continue;
      }
      if (escaped) {
        field += path.slice(start, idx - 1) + '`';
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path.length > 0 && path[path.length - 1] === '.') steps.push('');
  return steps;
}

function failIncompleteBacktick(path: string, at: number): never {
  throw new ConfigException(undefined, undefined,
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`);
}

/** A field path resolved against schemas and values (Kafka's `SingleFieldPath`). */
export class SingleFieldPath {
  readonly steps: readonly string[];
  constructor(readonly text: string, readonly version: FieldSyntaxVersion) {
    this.steps = parseFieldPath(text, version);
  }

  fieldFrom(schema: Schema | null): Field | undefined {
    if (!schema) return undefined;
    let current = schema;
    for (let i = 0; i < this.steps.length - 1; i++) {
      const f = current.type === 'STRUCT' ? current.field(this.steps[i]!) : undefined;
      if (!f) return undefined;
      current = f.schema;
    }
    return current.type === 'STRUCT' ? current.field(this.steps[this.steps.length - 1]!) : undefined;
  }

  valueFromStruct(struct: Struct | null, replaceNullWithDefault: boolean): unknown {
    let current = struct;
    for (let i = 0; current && i < this.steps.length - 1; i++) {
      if (!current.schema.field(this.steps[i]!)) return null;
      current = requireStructOrNull(fieldValue(current, this.steps[i]!, replaceNullWithDefault), 'nested field access');
    }
    if (!current) return null;
    const last = this.steps[this.steps.length - 1]!;
    return current.schema.field(last) ? fieldValue(current, last, replaceNullWithDefault) : null;
  }

  valueFromMap(map: SchemalessMap | null): unknown {
    let current = map;
    for (let i = 0; current && i < this.steps.length - 1; i++) {
      current = requireMapOrNull(mapGet(current, this.steps[i]!), 'nested field access');
    }
    return current ? mapGet(current, this.steps[this.steps.length - 1]!) : null;
  }
}

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef().define({ name: FIELD_CONFIG, type: 'STRING', importance: 'MEDIUM', documentation: 'Field name to extract.' }),
).define({
  name: FIELD_SYNTAX_VERSION_CONFIG,
  type: 'STRING',
  defaultValue: 'V1',
  importance: 'HIGH',
  validator: {
    ensureValid(name, value) {
      if (!['V1', 'V2'].includes(String(value).toUpperCase())) {
        throw new ConfigException(name, value, 'String must be one of (case insensitive): V1, V2');
      }
    },
    describe: () => '(case insensitive) [V1, V2]',
  },
  documentation:
    'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the ' +
    'elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. ' +
    'To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick ' +
    'pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named "foo.bar" ' +
    'in a struct/map the following format can be used to access its elements: "`foo.bar`.baz".',
});

/**
 * `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: replaces the key/value with one of its fields
 * (and that field's schema). Null keys/values pass through; an unknown field in a schema is an error, a missing
 * entry of a schemaless map gives null.
 */
export class ExtractField<R extends ConnectRecord = ConnectRecord> extends SidedTransformation<R> {
  static readonly CONFIG_DEF = CONFIG_DEF;
  #path = new SingleFieldPath('', 'V1');

  constructor(side: Side) {
    super(side, CONFIG_DEF);
  }

  configure(config: RawConfig): void {
    const c = this.parse(config);
    const version = String(c[FIELD_SYNTAX_VERSION_CONFIG]).toUpperCase() as FieldSyntaxVersion;
    this.#path = new SingleFieldPath(c[FIELD_CONFIG] as string, version);
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record);
    const value = this.operatingValue(record);
    if (!schema) {
      const map = requireMapOrNull(value, PURPOSE);
      return this.newRecord(record, null, map === null ? null : this.#path.valueFromMap(map));
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const field = this.#path.fieldFrom(schema);
    if (!field) throw new DataException(`Unknown field: ${this.#path.text}`, { path: this.#path.text });
    return this.newRecord(record, field.schema, struct === null ? null : this.#path.valueFromStruct(struct, this.replaceNullWithDefault));
  }
}
