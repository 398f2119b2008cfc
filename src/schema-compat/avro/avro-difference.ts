/** Confluent's `avro.Difference`: one Avro incompatibility as the registry reports it (a `%s` template). */
import type { AvroIncompatibility } from './avro-compatibility.js';

function description(i: AvroIncompatibility): string {
  const path = i.location;
  switch (i.type) {
    case 'FIXED_SIZE_MISMATCH':
      return `The size of FIXED type field at path '${path}' in the %s schema does not match with the %s schema`;
    case 'TYPE_MISMATCH':
      return `The type (path '${path}') of a field in the %s schema does not match with the %s schema`;
    case 'NAME_MISMATCH':
      return `The name of the schema has changed (path '${path}')`;
    case 'MISSING_ENUM_SYMBOLS':
      return `The %s schema is missing enum symbols '${i.message}' at path '${path}' in the %s schema`;
    case 'MISSING_UNION_BRANCH':
      return `The %s schema is missing a type inside a union field at path '${path}' in the %s schema`;
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return `The field '${i.message}' at path '${path}' in the %s schema has no default value and is missing in the %s schema`;
    default:
      return '';
  }
}

export function avroDifferenceText(i: AvroIncompatibility): string {
  return `{errorType:'${i.type}', description:'${description(i)}', additionalInfo:'${i.message}'}`;
}
