/** The datagen connector's keys, and the internal keys its task configs carry. */
import { ConfigDef, Validators } from '../api/index.js';
import { QUICKSTARTS } from './quickstarts.js';

export const TOPIC_CONFIG = 'kafka.topic';
export const TOPIC_ALIAS_CONFIG = 'topic';
export const QUICKSTART_CONFIG = 'quickstart';
export const KEY_FIELD_CONFIG = 'key.field';
export const MAX_RECORDS_CONFIG = 'max.records';
export const RATE_CONFIG = 'records.per.second';
export const BATCH_SIZE_CONFIG = 'batch.size';
export const SEED_CONFIG = 'random.seed';
/** Internal, set by the connector in each task config. */
export const TASK_ID_CONFIG = 'datagen.task.id';
export const TASK_COUNT_CONFIG = 'datagen.task.count';

export function datagenConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: TOPIC_CONFIG, type: 'STRING', defaultValue: null, validator: Validators.nonEmptyString(), importance: 'HIGH',
      documentation: 'Topic to write to. One of kafka.topic or topic is required.',
    })
    .define({
      name: TOPIC_ALIAS_CONFIG, type: 'STRING', defaultValue: null, validator: Validators.nonEmptyString(), importance: 'LOW',
      documentation: 'Same as kafka.topic.',
    })
    .define({
      name: QUICKSTART_CONFIG, type: 'STRING', defaultValue: 'orders', validator: Validators.in(...Object.keys(QUICKSTARTS)),
      importance: 'HIGH', documentation: `The shape of the generated records: ${Object.keys(QUICKSTARTS).join(', ')}.`,
    })
    .define({
      name: KEY_FIELD_CONFIG, type: 'STRING', defaultValue: null, importance: 'MEDIUM',
      documentation: 'A top-level field of the value whose value (with its schema) becomes the record key. Absent: null keys.',
    })
    .define({
      name: MAX_RECORDS_CONFIG, type: 'LONG', defaultValue: -1, validator: Validators.atLeast(-1), importance: 'MEDIUM',
      documentation:
        'Total records to generate, split across the tasks; -1 for no end. A finite connector ends with exactly ' +
        'ids 0..max.records-1.',
    })
    .define({
      name: RATE_CONFIG, type: 'DOUBLE', defaultValue: 0, validator: Validators.atLeast(0), importance: 'MEDIUM',
      documentation: 'Records per second per task (a token bucket); 0 for no limit.',
    })
    .define({
      name: BATCH_SIZE_CONFIG, type: 'INT', defaultValue: 1000, validator: Validators.atLeast(1), importance: 'LOW',
      documentation: 'Maximum records returned by one poll.',
    })
    .define({
      name: SEED_CONFIG, type: 'LONG', defaultValue: null, importance: 'LOW',
      documentation: 'Seed for the generated values: the same seed gives the same records. Absent: a random seed per connector start.',
    });
}

/** The connector's keys plus the internal task keys. */
export function datagenTaskConfigDef(): ConfigDef {
  return datagenConfigDef()
    .define({ name: TASK_ID_CONFIG, type: 'INT', defaultValue: 0, validator: Validators.atLeast(0), importance: 'LOW', documentation: 'This task\'s number.', internal: true })
    .define({ name: TASK_COUNT_CONFIG, type: 'INT', defaultValue: 1, validator: Validators.atLeast(1), importance: 'LOW', documentation: 'How many tasks share the id space.', internal: true });
}
