import { Struct } from '../../../data/index.js';

/** A field of a Struct (or a schemaless map/object) by dot path. */
export function fieldByPath(value: unknown, path: string): { found: boolean; value: unknown; schemaType?: string } {
  let cur: unknown = value;
  let schemaType: string | undefined;
  for (const part of path.split('.')) {
    if (cur instanceof Struct) {
      const f = cur.schema.field(part);
      if (!f) return { found: false, value: undefined };
      schemaType = f.schema.type;
      cur = cur.get(f);
    } else if (cur instanceof Map) {
      if (!cur.has(part)) return { found: false, value: undefined };
      schemaType = undefined;
      cur = cur.get(part);
    } else if (typeof cur === 'object' && cur !== null && !Array.isArray(cur) && !(cur instanceof Uint8Array)) {
      if (!Object.hasOwn(cur, part)) return { found: false, value: undefined };
      schemaType = undefined;
      cur = (cur as Record<string, unknown>)[part];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: cur, ...(schemaType ? { schemaType } : {}) };
}
