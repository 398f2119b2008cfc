/**
 * The seam for single message transforms (`transforms`, `predicates`): the worker builds each task's chain
 * here, once per task, from the connector config (Kafka Connect's `TransformationChain`: Java class names,
 * `transforms.<a>.predicate`, `transforms.<a>.negate`), and closes it when the task's pipeline ends. Sources run
 * it after poll (before the converters), sinks after the converters (before put).
 */
import { ConfigException, type ConnectorConfig } from '../connectors/api/index.js';
import type { ConnectRecord, SinkRecord, SourceRecord } from '../data/index.js';
import type { RecordTransform, TaskRun } from '../streams/contracts.js';
import {
  buildTransformChain,
  transformConfigDefFor,
  transformsConfigDef,
  type TransformChain,
  type TransformRegistry,
} from '../transforms/index.js';
import type { ConfigProblem } from './errors.js';

function aliases(config: ConnectorConfig, key: 'transforms' | 'predicates'): string[] {
  return (config[key] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
}

/** Whether the config asks for any transform or predicate. */
export function hasTransforms(config: ConnectorConfig): boolean {
  return aliases(config, 'transforms').length > 0 || aliases(config, 'predicates').length > 0;
}

/**
 * Problems building the chain (the checks Kafka makes when it instantiates and configures each transform and
 * predicate: cross-key rules, regexes, specs). The per-key definitions of each transform (types, required keys,
 * unknown classes) are reported by the connector validation through the `transformConfigDef` hook; when those
 * already find a problem, this adds nothing (one report per problem).
 */
export function transformProblems(config: ConnectorConfig, registry?: TransformRegistry): ConfigProblem[] {
  if (!hasTransforms(config)) return [];
  const options = registry ? { registry } : {};
  try {
    for (const cv of transformsConfigDef(config, options).validate(config).values()) if (cv.errorMessages.length > 0) return [];
  } catch {
    return [];
  }
  try {
    buildTransformChain(config, options).close();
    return [];
  } catch (e) {
    if (e instanceof ConfigException) {
      // Duplicate aliases are reported by the `transforms` / `predicates` keys' own validator.
      if ((e.key === 'transforms' || e.key === 'predicates') && /Duplicate alias/.test(e.message)) return [];
      return [{ key: e.key ?? 'transforms', reason: e.reason }];
    }
    return [{ key: 'transforms', reason: e instanceof Error ? e.message : String(e) }];
  }
}

/** For `ValidationOptions.transformConfigDef`: the own ConfigDef of a transformation or predicate class. */
export const transformConfigDef = transformConfigDefFor;

/** A task's transform and the way to release it. */
export interface TaskTransform<R extends ConnectRecord> {
  readonly transform: RecordTransform<R>;
  /** Closes every transformation and predicate of the chain (idempotent). */
  close(): void;
}

const passThrough = <R>(record: R): R => record;

function taskTransform<R extends ConnectRecord>(config: ConnectorConfig, registry: TransformRegistry | undefined): TaskTransform<R> {
  if (!hasTransforms(config)) return { transform: passThrough, close() {} };
  const chain: TransformChain<R> = buildTransformChain<R>(config, registry ? { registry } : {});
  let closed = false;
  return {
    transform: (record) => chain.apply(record),
    close() {
      if (closed) return;
      closed = true;
      chain.close();
    },
  };
}

/** `registry`: the transforms the worker knows (its plugin registry's); default the process-wide one. */
export const sourceTaskTransform = (config: ConnectorConfig, registry?: TransformRegistry): TaskTransform<SourceRecord> =>
  taskTransform<SourceRecord>(config, registry);
export const sinkTaskTransform = (config: ConnectorConfig, registry?: TransformRegistry): TaskTransform<SinkRecord> =>
  taskTransform<SinkRecord>(config, registry);

/** Closes the transform once the run ended (stopped or failed); closes it at once if starting the run threw. */
export function closeWhenDone<R extends ConnectRecord>(transform: TaskTransform<R>, start: () => TaskRun): TaskRun {
  let run: TaskRun;
  try {
    run = start();
  } catch (e) {
    transform.close();
    throw e;
  }
  const close = () => transform.close();
  void run.done.then(close, close);
  return run;
}
