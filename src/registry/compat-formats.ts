/** The registry's SchemaFormats on the compatibility module (src/registry/compat). */
import { InvalidSchemaError, canonicalText, compatibilityErrors, parseSchema } from '../schema-compat/index.js';
import { InvalidSchema, type SchemaFormats } from './schema-formats.js';

export const compatFormats: SchemaFormats = {
  canonical(schema) {
    try {
      parseSchema(schema);
      return canonicalText(schema);
    } catch (e) {
      if (e instanceof InvalidSchemaError) throw new InvalidSchema(e.message, { cause: e });
      throw e;
    }
  },
  compatibilityErrors(level, candidate, previous) {
    return compatibilityErrors(level, candidate, previous);
  },
};
