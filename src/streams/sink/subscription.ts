/** What a sink task subscribes to: `topics` or `topics.regex` (exactly one), as Kafka Connect requires. */
import { ConfigException } from '../../connectors/api/index.js';
import type { Subscription } from '../kafka/client.js';
import { translateJavaRegex } from '../../transforms/java-regex.js';

/** Regexes are Java's syntax (`(?i)`, possessive quantifiers) and match whole topic names. Throws a ConfigException naming the key when the config is wrong. */
export function sinkSubscription(config: Readonly<Record<string, string>>): Subscription {
  const topics = (config['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const regex = (config['topics.regex'] ?? '').trim();
  if (topics.length > 0 && regex !== '') {
    throw new ConfigException('topics.regex', regex, 'cannot be set together with topics; set exactly one');
  }
  if (regex !== '') {
    try {
      const p = translateJavaRegex(regex);
      return { pattern: new RegExp(`^(?:${p.source})$`, p.flags) };
    } catch (e) {
      throw new ConfigException('topics.regex', regex, `invalid regex: ${(e as Error).message}`);
    }
  }
  if (topics.length === 0) throw new ConfigException('topics', config['topics'] ?? '', 'one of topics or topics.regex must be set');
  return { topics };
}
