/** Task configs as Kafka Connect stores them (§4.4), and the "did they change" check that decides a task restart. */
import type { AnyConnector, ConnectorConfig } from '../connectors/api/index.js';

export const TASK_CLASS_CONFIG = 'task.class';

/** The task class name Kafka Connect writes into `task.class` (the class's `className` when it declares one). */
export function taskClassName(connector: AnyConnector): string {
  const cls = connector.taskClass() as { readonly className?: string; readonly name: string };
  return cls.className ?? cls.name;
}

/**
 * What `taskConfigs(maxTasks)` returned plus `task.class` and, for sinks, the connector's `topics` /
 * `topics.regex` (Kafka's Worker.connectorTaskConfigs).
 */
export function storedTaskConfigs(
  type: 'source' | 'sink',
  taskClass: string,
  connectorConfig: ConnectorConfig,
  configs: readonly ConnectorConfig[],
): ConnectorConfig[] {
  return configs.map((c) => {
    const out: Record<string, string> = { ...c, [TASK_CLASS_CONFIG]: taskClass };
    if (type === 'sink') {
      for (const key of ['topics', 'topics.regex']) {
        const v = connectorConfig[key];
        if (v !== undefined) out[key] = v;
      }
    }
    return out;
  });
}

function sameConfig(a: ConnectorConfig, b: ConnectorConfig): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Same count and the same key/values at each index (key order does not matter). */
export function sameTaskConfigs(a: readonly ConnectorConfig[], b: readonly ConnectorConfig[]): boolean {
  return a.length === b.length && a.every((c, i) => sameConfig(c, b[i]!));
}
