/**
 * The seam for single message transforms (`transforms`, `predicates`): the worker asks this module for each
 * task's transform. Transforms are a later issue; until they land a config that asks for any is refused at
 * validation (key `transforms`) rather than silently passing records through untransformed.
 */
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { ConnectRecord, SinkRecord, SourceRecord } from '../data/index.js';
import type { RecordTransform } from '../streams/contracts.js';
import type { ConfigProblem } from './errors.js';

function aliases(config: ConnectorConfig): string[] {
  return (config['transforms'] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
}

/** Problems with the transform keys this build cannot honour. */
export function transformProblems(config: ConnectorConfig): ConfigProblem[] {
  const requested = aliases(config);
  if (requested.length === 0) return [];
  return [{ key: 'transforms', reason: `transforms (${requested.join(', ')}) are not supported by this version of Sluice yet` }];
}

function chain<R extends ConnectRecord>(config: ConnectorConfig): RecordTransform<R> {
  if (aliases(config).length > 0) throw new Error('transforms requested but not supported; validation should have refused this config');
  return (record) => record;
}

export const sourceTransform = (config: ConnectorConfig): RecordTransform<SourceRecord> => chain<SourceRecord>(config);
export const sinkTransform = (config: ConnectorConfig): RecordTransform<SinkRecord> => chain<SinkRecord>(config);
