/** The FileStream source's keys (Kafka's FileStreamSourceConnector.CONFIG_DEF) and offset field names. */
import { ConfigDef, Validators } from '../api/index.js';

export const FILE_CONFIG = 'file';
export const TOPIC_CONFIG = 'topic';
export const TASK_BATCH_SIZE_CONFIG = 'batch.size';
export const DEFAULT_TASK_BATCH_SIZE = 2000;
export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';

export function fileStreamSourceConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: FILE_CONFIG, type: 'STRING', defaultValue: null, importance: 'HIGH',
      documentation: 'Source filename. If not specified, the standard input will be used',
    })
    .define({
      name: TOPIC_CONFIG, type: 'STRING', importance: 'HIGH',
      validator: Validators.custom('a single non-empty topic name', (v) => {
        if (typeof v !== 'string') return undefined;
        if (v.trim() === '') return 'String may not be empty';
        if (v.includes(',')) return "'topic' in FileStreamSourceConnector configuration requires definition of a single topic";
        return undefined;
      }),
      documentation: 'The topic to publish data to',
    })
    .define({
      name: TASK_BATCH_SIZE_CONFIG, type: 'INT', defaultValue: DEFAULT_TASK_BATCH_SIZE, validator: Validators.atLeast(1),
      importance: 'LOW',
      documentation: 'The maximum number of records the source task can read from the file each time it is polled',
    });
}
