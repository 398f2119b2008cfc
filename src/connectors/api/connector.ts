import type { ConfigDef, ConfigValue } from './config-def.js';
import type { OffsetStorageReader } from './source.js';
import type { SourceTaskClass } from './source.js';
import type { SinkTaskClass } from './sink.js';

/** A connector's config and task configs: Kafka Connect's flat string maps. */
export type ConnectorConfig = Readonly<Record<string, string>>;

export interface ConnectorContext {
  /** Ask the runtime to call `taskConfigs` again (e.g. a new table appeared). Asynchronous. */
  requestTaskReconfiguration(): void;
  /** Fail the connector with this error. */
  raiseError(error: Error): void;
}

export interface SourceConnectorContext extends ConnectorContext {
  readonly offsetStorageReader: OffsetStorageReader;
}

export type SinkConnectorContext = ConnectorContext;

/**
 * A connector splits a job into task configs; it copies no data itself. Methods may be async.
 * Lifecycle: initialize → start(config) → taskConfigs(maxTasks)* → stop(); start runs again on resume.
 */
export abstract class Connector<Ctx extends ConnectorContext = ConnectorContext> {
  #context: Ctx | undefined;

  initialize(context: Ctx): void {
    this.#context = context;
  }

  protected get context(): Ctx {
    if (!this.#context) throw new Error(`${this.constructor.name} used before initialize()`);
    return this.#context;
  }

  abstract version(): string;
  abstract start(config: ConnectorConfig): void | Promise<void>;
  abstract taskConfigs(maxTasks: number): ConnectorConfig[] | Promise<ConnectorConfig[]>;
  abstract stop(): void | Promise<void>;
  /** The connector's own config keys. */
  abstract config(): ConfigDef;

  /** Per-key validation; the default runs `config().validate`. Override to add cross-key checks. */
  validate(config: ConnectorConfig): Map<string, ConfigValue> | Promise<Map<string, ConfigValue>> {
    return this.config().validate(config);
  }
}

/** Kafka Connect's ExactlyOnceSupport: what `SourceConnector.exactlyOnceSupport` answers for a config. */
export type ExactlyOnceSupport = 'SUPPORTED' | 'UNSUPPORTED';
/** Kafka Connect's ConnectorTransactionBoundaries. */
export type ConnectorTransactionBoundaries = 'SUPPORTED' | 'UNSUPPORTED';

export abstract class SourceConnector extends Connector<SourceConnectorContext> {
  readonly type = 'source' as const;
  abstract taskClass(): SourceTaskClass;
  /**
   * KIP-618: can this connector, with this config, give exactly-once delivery when the worker runs its tasks in
   * producer transactions (its source offsets exact, its records re-polled identically from a committed offset)?
   * Default null: no answer, so `exactly.once.support=required` fails validation (as in Kafka Connect).
   */
  exactlyOnceSupport(_config: ConnectorConfig): ExactlyOnceSupport | null | Promise<ExactlyOnceSupport | null> {
    return null;
  }
  /** KIP-618: can its tasks define transaction boundaries (`transaction.boundary=connector`)? Default: no. */
  canDefineTransactionBoundaries(_config: ConnectorConfig): ConnectorTransactionBoundaries | Promise<ConnectorTransactionBoundaries> {
    return 'UNSUPPORTED';
  }
  /** KIP-875: may the runtime alter this connector's offsets to these values? Default: no opinion (true). */
  alterOffsets(_config: ConnectorConfig, _offsets: Map<string, unknown>): boolean | Promise<boolean> {
    return true;
  }
}

export abstract class SinkConnector extends Connector<SinkConnectorContext> {
  readonly type = 'sink' as const;
  abstract taskClass(): SinkTaskClass;
  alterOffsets(_config: ConnectorConfig, _offsets: Map<string, number | null>): boolean | Promise<boolean> {
    return true;
  }
}

export type AnyConnector = SourceConnector | SinkConnector;
