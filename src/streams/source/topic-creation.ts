/**
 * KIP-158 topic creation for source connectors. Enabled when the connector config sets
 * `topic.creation.default.replication.factor` and `topic.creation.default.partitions`; extra groups come from
 * `topic.creation.groups`. A topic goes to the first group (declared order) whose `include` regexes match it
 * and whose `exclude` regexes do not, else to `default`. Other `topic.creation.<group>.<key>` entries become
 * topic configs (e.g. `cleanup.policy`).
 */
import type { ConnectorConfig } from '../../connectors/api/index.js';
import { ConfigException } from '../../connectors/api/index.js';
import type { KafkaAdmin, NewTopic } from '../kafka/client.js';

const PREFIX = 'topic.creation.';
const RESERVED = new Set(['include', 'exclude', 'replication.factor', 'partitions']);

export interface TopicCreationGroup {
  readonly name: string;
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  readonly replicationFactor: number;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function regexes(key: string, value: string | undefined): RegExp[] {
  return list(value).map((re) => {
    try {
      return new RegExp(`^(?:${re})$`);
    } catch (e) {
      throw new ConfigException(key, value, `invalid regex ${re}: ${(e as Error).message}`);
    }
  });
}

function count(key: string, value: string | undefined, fallback: number | undefined): number {
  if (value === undefined || value.trim() === '') {
    if (fallback === undefined) throw new ConfigException(key, value, 'is required when topic creation is enabled');
    return fallback;
  }
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n === 0 || n < -1) {
    throw new ConfigException(key, value, 'must be a positive integer, or -1 for the broker default');
  }
  return n;
}

/** The groups in match order (default last), or null when the connector does not enable topic creation. */
export function topicCreationGroups(config: ConnectorConfig): TopicCreationGroup[] | null {
  const hasAny = Object.keys(config).some((k) => k.startsWith(PREFIX));
  if (!hasAny) return null;
  const names = list(config[`${PREFIX}groups`]).filter((g) => g !== 'default');
  const group = (name: string, fallback?: TopicCreationGroup): TopicCreationGroup => {
    const p = `${PREFIX}${name}.`;
    const configs: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (!k.startsWith(p)) continue;
      const rest = k.slice(p.length);
      if (!RESERVED.has(rest)) configs[rest] = v;
    }
    return {
      name,
      include: name === 'default' ? [/^.*$/s] : regexes(`${p}include`, config[`${p}include`]),
      exclude: regexes(`${p}exclude`, config[`${p}exclude`]),
      replicationFactor: count(`${p}replication.factor`, config[`${p}replication.factor`], fallback?.replicationFactor),
      partitions: count(`${p}partitions`, config[`${p}partitions`], fallback?.partitions),
      configs,
    };
  };
  const def = group('default');
  return [...names.map((n) => group(n, def)), def];
}

export function groupFor(groups: readonly TopicCreationGroup[], topic: string): TopicCreationGroup {
  for (const g of groups) {
    if (g.name === 'default') return g;
    if (g.include.some((r) => r.test(topic)) && !g.exclude.some((r) => r.test(topic))) return g;
  }
  return groups[groups.length - 1]!;
}

/** Creates each topic the first time a record targets it (if it does not exist yet). */
export class TopicCreator {
  readonly #known = new Set<string>();
  #existing: Promise<Set<string>> | undefined;

  constructor(
    readonly groups: readonly TopicCreationGroup[],
    private readonly admin: KafkaAdmin,
  ) {}

  async ensure(topics: Iterable<string>): Promise<string[]> {
    const wanted = [...new Set(topics)].filter((t) => !this.#known.has(t));
    if (wanted.length === 0) return [];
    this.#existing ??= this.admin.listTopics().then((l) => new Set(l));
    const existing = await this.#existing;
    const missing = wanted.filter((t) => !existing.has(t));
    let created: string[] = [];
    if (missing.length) {
      const specs: NewTopic[] = missing.map((topic) => {
        const g = groupFor(this.groups, topic);
        return { topic, numPartitions: g.partitions, replicationFactor: g.replicationFactor, configs: g.configs };
      });
      created = await this.admin.createTopics(specs);
    }
    for (const t of wanted) {
      this.#known.add(t);
      existing.add(t);
    }
    return created;
  }
}
