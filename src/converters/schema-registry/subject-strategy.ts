/**
 * Confluent's subject name strategies, by class name (`key.subject.name.strategy` / `value.subject.name.strategy`):
 * the subject a schema is registered under.
 */
import { DataException } from '../../data/index.js';
import { ConverterConfigException } from '../config.js';

export type SubjectNameStrategy = (topic: string, isKey: boolean, recordName: string | undefined) => string;

const PACKAGE = 'io.confluent.kafka.serializers.subject.';

const needName = (strategy: string, topic: string, name: string | undefined): string => {
  if (name === undefined || name === '') {
    throw new DataException(`${strategy} needs a named schema (a record, message or titled JSON schema); this one has no name`, { topic });
  }
  return name;
};

export const topicNameStrategy: SubjectNameStrategy = (topic, isKey) => `${topic}-${isKey ? 'key' : 'value'}`;
export const recordNameStrategy: SubjectNameStrategy = (topic, _isKey, name) => needName('RecordNameStrategy', topic, name);
export const topicRecordNameStrategy: SubjectNameStrategy = (topic, _isKey, name) => `${topic}-${needName('TopicRecordNameStrategy', topic, name)}`;

const STRATEGIES: Readonly<Record<string, SubjectNameStrategy>> = {
  TopicNameStrategy: topicNameStrategy,
  RecordNameStrategy: recordNameStrategy,
  TopicRecordNameStrategy: topicRecordNameStrategy,
};

/** The strategy a config value names: a class name in Confluent's package, or the short class name. */
export function subjectNameStrategy(key: string, value: unknown): SubjectNameStrategy {
  if (value === undefined || value === null || String(value).trim() === '') return topicNameStrategy;
  const name = String(value).trim();
  const short = name.startsWith(PACKAGE) ? name.slice(PACKAGE.length) : name;
  const strategy = STRATEGIES[short];
  if (!strategy) {
    throw new ConverterConfigException(key, value, `Class ${name} could not be found; use ${Object.keys(STRATEGIES).map((s) => PACKAGE + s).join(', ')}`);
  }
  return strategy;
}
