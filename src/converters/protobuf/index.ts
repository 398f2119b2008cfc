export { protobufFormat, type ProtobufFormatReader } from './protobuf-format.js';
export { PROTOBUF_DATA_CONFIG_KEYS, protobufDataConfig, type ProtobufDataConfig } from './data-config.js';
