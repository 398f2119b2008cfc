/**
 * The names Confluent's ProtobufData gives things: Connect schema parameters, the well-known message types the
 * logical types map to, and the files those types live in.
 */

export const NAMESPACE = 'io.confluent.connect.protobuf';
/** Unnamed structs become ConnectDefault1, ConnectDefault2, … in the order they are met. */
export const DEFAULT_SCHEMA_NAME = 'ConnectDefault';

export const MAP_ENTRY_SUFFIX = 'Entry';
export const KEY_FIELD = 'key';
export const VALUE_FIELD = 'value';

/** The enum's type name; `…Enum.SYMBOL` parameters hold each symbol's number. */
export const PROTOBUF_TYPE_ENUM = `${NAMESPACE}.Enum`;
/** Name prefix of the struct a oneof becomes. */
export const PROTOBUF_TYPE_UNION = `${NAMESPACE}.Union`;
export const PROTOBUF_TYPE_UNION_PREFIX = `${PROTOBUF_TYPE_UNION}.`;
/** The field number. */
export const PROTOBUF_TYPE_TAG = `${NAMESPACE}.Tag`;
/** The protobuf scalar type when it is not the default one for the Connect type (sint32, fixed64, uint32, …). */
export const PROTOBUF_TYPE_PROP = `${NAMESPACE}.Type`;
/** Marks an optional oneof member that was a google.protobuf.*Value wrapper, so it is wrapped again on write. */
export const PROTOBUF_TYPE_WRAPPER = `${NAMESPACE}.Wrapper`;

/** generalized.sum.type.support: the parameters Connect's generic union and enum use instead. */
export const GENERALIZED_TYPE_UNION = 'org.apache.kafka.connect.data.Union';
export const GENERALIZED_TYPE_ENUM = 'org.apache.kafka.connect.data.Enum';

export const CONNECT_TYPE_PROP = 'connect.type';
export const CONNECT_PRECISION_PROP = 'connect.decimal.precision';
export const CONNECT_SCALE_PROP = 'scale';
export const PROTOBUF_PRECISION_PROP = 'precision';
export const PROTOBUF_SCALE_PROP = 'scale';

/** The option whose `params` carry connect.type, precision and scale. */
export const FIELD_META_OPTION = 'confluent.field_meta';

export const DECIMAL_TYPE = 'confluent.type.Decimal';
export const DATE_TYPE = 'google.type.Date';
export const TIME_TYPE = 'google.type.TimeOfDay';
export const TIMESTAMP_TYPE = 'google.protobuf.Timestamp';

export const DOUBLE_WRAPPER = 'google.protobuf.DoubleValue';
export const FLOAT_WRAPPER = 'google.protobuf.FloatValue';
export const INT64_WRAPPER = 'google.protobuf.Int64Value';
export const UINT64_WRAPPER = 'google.protobuf.UInt64Value';
export const INT32_WRAPPER = 'google.protobuf.Int32Value';
export const UINT32_WRAPPER = 'google.protobuf.UInt32Value';
export const BOOL_WRAPPER = 'google.protobuf.BoolValue';
export const STRING_WRAPPER = 'google.protobuf.StringValue';
export const BYTES_WRAPPER = 'google.protobuf.BytesValue';

export const WRAPPER_TYPES: ReadonlySet<string> = new Set([
  DOUBLE_WRAPPER, FLOAT_WRAPPER, INT64_WRAPPER, UINT64_WRAPPER, INT32_WRAPPER, UINT32_WRAPPER, BOOL_WRAPPER,
  STRING_WRAPPER, BYTES_WRAPPER,
]);

export const WRAPPERS_LOCATION = 'google/protobuf/wrappers.proto';

/** The file each well-known type a Connect schema can refer to is imported from. */
export const WELL_KNOWN_LOCATIONS: ReadonlyMap<string, string> = new Map([
  [DECIMAL_TYPE, 'confluent/type/decimal.proto'],
  [DATE_TYPE, 'google/type/date.proto'],
  [TIME_TYPE, 'google/type/timeofday.proto'],
  [TIMESTAMP_TYPE, 'google/protobuf/timestamp.proto'],
  ...[...WRAPPER_TYPES].map((t) => [t, WRAPPERS_LOCATION] as const),
]);
