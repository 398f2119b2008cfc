/**
 * The Avro format's class name and `avro.codec` names. No Avro library is loaded here: the connector's config
 * checks use this module, and avsc loads with the first Avro file.
 */
import { ConfigException } from '../../api/index.js';

export const AVRO_FORMAT_CLASS = 'io.confluent.connect.hdfs.avro.AvroFormat';
export const AVRO_CODECS = ['null', 'deflate', 'snappy', 'bzip2'] as const;
export type AvroCodec = 'null' | 'deflate' | 'snappy';

export function checkAvroCodec(codec: string): AvroCodec {
  const c = codec.trim().toLowerCase();
  if (c === 'null' || c === 'deflate' || c === 'snappy') return c;
  if (c === 'bzip2') {
    throw new ConfigException('avro.codec', codec, 'bzip2 is not supported by this sink (no bzip2 compressor in Node.js); use null, deflate or snappy');
  }
  throw new ConfigException('avro.codec', codec, 'must be one of null, deflate, snappy');
}
