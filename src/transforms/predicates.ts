import type { ConnectRecord } from '../data/index.js';
import { ConfigDef, ConfigException, parseConfig, type Predicate } from './transformation.js';
import { Validators } from '../connectors/api/config-def.js';
import { JavaPattern, JavaRegexError } from './java-regex.js';

export const PATTERN_CONFIG = 'pattern';
export const NAME_CONFIG = 'name';

const TOPIC_CONFIG_DEF = new ConfigDef().define({
  name: PATTERN_CONFIG,
  type: 'STRING',
  importance: 'MEDIUM',
  validator: {
    ensureValid(name, value) {
      Validators.nonEmptyString().ensureValid(name, value);
      try {
        new JavaPattern(String(value));
      } catch (e) {
        if (!(e instanceof JavaRegexError)) throw e;
        throw new ConfigException(name, value, `entry must be a valid regular expression: ${e.message}`);
      }
    },
    describe: () => 'non-empty string, valid regex',
  },
  documentation: "A Java regular expression for matching against the name of a record's topic.",
});

/** `org.apache.kafka.connect.transforms.predicates.TopicNameMatches`: the pattern matches the whole topic name. */
export class TopicNameMatches<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  static readonly CONFIG_DEF = TOPIC_CONFIG_DEF;
  #pattern: JavaPattern | null = null;

  configure(config: Readonly<Record<string, unknown>>): void {
    this.#pattern = new JavaPattern(parseConfig(TOPIC_CONFIG_DEF, config)[PATTERN_CONFIG] as string);
  }

  test(record: R): boolean {
    return record.topic !== null && record.topic !== undefined && this.#pattern!.matches(record.topic);
  }

  config(): ConfigDef {
    return TOPIC_CONFIG_DEF;
  }

  close(): void {}

  toString(): string {
    return `TopicNameMatches{pattern=${this.#pattern?.pattern}}`;
  }
}

const HEADER_CONFIG_DEF = new ConfigDef().define({
  name: NAME_CONFIG,
  type: 'STRING',
  importance: 'MEDIUM',
  validator: Validators.nonEmptyString(),
  documentation: 'The header name.',
});

/** `org.apache.kafka.connect.transforms.predicates.HasHeaderKey`: at least one header has this key. */
export class HasHeaderKey<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  static readonly CONFIG_DEF = HEADER_CONFIG_DEF;
  #name = '';

  configure(config: Readonly<Record<string, unknown>>): void {
    this.#name = parseConfig(HEADER_CONFIG_DEF, config)[NAME_CONFIG] as string;
  }

  test(record: R): boolean {
    for (const h of record.headers) if (h.key === this.#name) return true;
    return false;
  }

  config(): ConfigDef {
    return HEADER_CONFIG_DEF;
  }

  close(): void {}

  toString(): string {
    return `HasHeaderKey{name='${this.#name}'}`;
  }
}

/** `org.apache.kafka.connect.transforms.predicates.RecordIsTombstone`: the value is null. */
export class RecordIsTombstone<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  static readonly CONFIG_DEF = new ConfigDef();

  configure(): void {}

  test(record: R): boolean {
    return record.value === null || record.value === undefined;
  }

  config(): ConfigDef {
    return RecordIsTombstone.CONFIG_DEF;
  }

  close(): void {}

  toString(): string {
    return 'RecordIsTombstone{}';
  }
}
