/** Errors of the herder API; each maps to one Kafka Connect REST status (404, 409, 400). */
import type { ConfigProblem } from '../connectors/api/index.js';

/** No connector (or task) by that name: REST 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly connector: string, readonly task?: number) {
    super(task === undefined ? `Connector ${connector} not found` : `Task ${connector}-${task} not found`);
  }
}

/** A connector with that name exists already: REST 409. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(readonly connector: string) {
    super(`Connector ${connector} already exists`);
  }
}

/** A request the connector's state or the request's own content does not allow (e.g. offsets of a running connector): REST 400. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** The request does not fit the connector's state (e.g. the worker is stopping): REST 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** One problem of a worker or connector config (defined beside ConfigDef). */
export type { ConfigProblem };

/** A worker config that cannot be used: every problem with its key and reason. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      'Invalid worker configuration:\n' + problems.map((p) => `  - ${p.key ? `${p.key}: ` : ''}${p.reason}`).join('\n'),
    );
  }
}

/** An embedded pipeline definition that cannot run: every problem with its connector, key and reason. */
export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
  constructor(readonly problems: ReadonlyArray<ConfigProblem & { readonly connector?: string }>) {
    super(
      `Invalid pipeline (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems
          .map((p) => `  - ${[p.connector !== undefined ? `connector "${p.connector}"` : 'worker', p.key].filter(Boolean).join(': ')}: ${p.reason}`)
          .join('\n'),
    );
  }
}
