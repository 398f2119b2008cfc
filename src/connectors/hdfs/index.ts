/** The HDFS sink connector (Confluent's kafka-connect-hdfs / hdfs3) as a plugin. */
export { hdfsSinkPlugin, HDFS3_CONNECTOR_CLASS } from './plugin.js';
export { HdfsSinkConnector } from './hdfs-sink-connector.js';
export { HdfsSinkTask, type HdfsSinkTaskOptions } from './hdfs-sink-task.js';
export { hdfsSinkConfigDef, parseHdfsSinkConfig, validateHdfsSinkConfig, createFormat, type HdfsSinkSettings } from './config.js';
export * from './storage/index.js';
export { AvroFormat, AVRO_FORMAT_CLASS } from './formats/avro-format.js';
export { ParquetFormat, PARQUET_FORMAT_CLASS, parquetPlan } from './formats/parquet-format.js';
export { JsonFormat, JSON_FORMAT_CLASS } from './formats/json-format.js';
export { StringFormat, STRING_FORMAT_CLASS } from './formats/string-format.js';
export { hyparquetEngine, type ParquetEngine } from './formats/parquet-engine.js';
export { toAvroSchema, avroValueConverter } from '../../data/avro/index.js';
export type { Format, RecordWriter } from './formats/format.js';
export { createPartitioner, type Partitioner } from './partitioner/partitioner.js';
export { committedFileName, parseCommittedFileName } from './naming.js';
export { Wal, readWal } from './wal.js';
