import { DataException, type ConnectRecord } from '../data/index.js';
import { ConfigDef, ConfigException, parseConfig, type Transformation } from './transformation.js';
import { JavaDateFormat, DatePatternError } from './date-format.js';
import { JavaPattern, JavaRegexError, compileJavaReplacement, javaReplaceFirst } from './java-regex.js';

export const REGEX_CONFIG = 'regex';
export const REPLACEMENT_CONFIG = 'replacement';
export const TOPIC_FORMAT_CONFIG = 'topic.format';
export const TIMESTAMP_FORMAT_CONFIG = 'timestamp.format';

/** Kafka's `RegexValidator`: the value must compile as a (Java) regular expression. */
export const REGEX_VALIDATOR = {
  ensureValid(name: string, value: unknown) {
    if (typeof value !== 'string') return;
    try {
      new JavaPattern(value);
    } catch (e) {
      if (!(e instanceof JavaRegexError)) throw e;
      throw new ConfigException(name, value, `Invalid regex: ${e.message}`);
    }
  },
  describe: () => 'valid regex',
};

const ROUTER_CONFIG_DEF = new ConfigDef()
  .define({ name: REGEX_CONFIG, type: 'STRING', validator: REGEX_VALIDATOR, importance: 'HIGH', documentation: 'Regular expression to use for matching.' })
  .define({ name: REPLACEMENT_CONFIG, type: 'STRING', importance: 'HIGH', documentation: 'Replacement string.' });

/**
 * `org.apache.kafka.connect.transforms.RegexRouter`: when the regex matches the whole topic, the topic becomes
 * Java's `replaceFirst(replacement)` — which replaces the first match found from the start, so with alternations
 * that match is not necessarily the whole topic. `$1` / `${name}` refer to groups, `\$` is a literal `$`.
 */
export class RegexRouter<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = ROUTER_CONFIG_DEF;
  #pattern: JavaPattern | null = null;
  #replacement: ReturnType<typeof compileJavaReplacement> = [];

  configure(config: Readonly<Record<string, unknown>>): void {
    const c = parseConfig(ROUTER_CONFIG_DEF, config);
    this.#pattern = new JavaPattern(c[REGEX_CONFIG] as string);
    try {
      this.#replacement = compileJavaReplacement(c[REPLACEMENT_CONFIG] as string, this.#pattern);
    } catch (e) {
      if (!(e instanceof JavaRegexError)) throw e;
      throw new ConfigException(REPLACEMENT_CONFIG, c[REPLACEMENT_CONFIG], e.message);
    }
  }

  apply(record: R): R {
    const pattern = this.#pattern!;
    if (!pattern.matches(record.topic)) return record;
    return record.newRecord({ topic: javaReplaceFirst(record.topic, pattern, this.#replacement) });
  }

  config(): ConfigDef {
    return ROUTER_CONFIG_DEF;
  }

  close(): void {}
}

const FORMAT_VALIDATOR = {
  ensureValid(name: string, value: unknown) {
    if (typeof value !== 'string') return;
    try {
      new JavaDateFormat(value);
    } catch (e) {
      if (!(e instanceof DatePatternError)) throw e;
      throw new ConfigException(name, value, e.message);
    }
  },
  describe: () => 'SimpleDateFormat pattern',
};

const TIMESTAMP_ROUTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: TOPIC_FORMAT_CONFIG, type: 'STRING', defaultValue: '${topic}-${timestamp}', importance: 'HIGH',
    documentation: 'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  })
  .define({
    name: TIMESTAMP_FORMAT_CONFIG, type: 'STRING', defaultValue: 'yyyyMMdd', validator: FORMAT_VALIDATOR, importance: 'HIGH',
    documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  });

/**
 * `org.apache.kafka.connect.transforms.TimestampRouter`: topic = `topic.format` with `${topic}` and then
 * `${timestamp}` (the record timestamp formatted in UTC) substituted. A record without a timestamp is an error.
 */
export class TimestampRouter<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = TIMESTAMP_ROUTER_CONFIG_DEF;
  #topicFormat = '${topic}-${timestamp}';
  #format = new JavaDateFormat('yyyyMMdd');

  configure(config: Readonly<Record<string, unknown>>): void {
    const c = parseConfig(TIMESTAMP_ROUTER_CONFIG_DEF, config);
    this.#topicFormat = c[TOPIC_FORMAT_CONFIG] as string;
    this.#format = new JavaDateFormat(c[TIMESTAMP_FORMAT_CONFIG] as string);
  }

  apply(record: R): R {
    if (record.timestamp === null) {
      throw new DataException(`Timestamp missing on record: topic=${record.topic}, partition=${record.kafkaPartition}`, { topic: record.topic });
    }
    const formatted = this.#format.format(new Date(record.timestamp));
    const topic = this.#topicFormat.split('${topic}').join(record.topic).split('${timestamp}').join(formatted);
    return record.newRecord({ topic });
  }

  config(): ConfigDef {
    return TIMESTAMP_ROUTER_CONFIG_DEF;
  }

  close(): void {}
}

/** `org.apache.kafka.connect.transforms.Filter`: drops every record; combine it with a predicate. */
export class Filter<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = new ConfigDef();

  configure(): void {}

  apply(): null {
    return null;
  }

  config(): ConfigDef {
    return Filter.CONFIG_DEF;
  }

  close(): void {}
}
