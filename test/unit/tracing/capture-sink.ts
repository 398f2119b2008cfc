/** A sink plugin that keeps what it was given (records, with their headers), for the tracing tests. */
import { ConfigDef, SinkConnector, SinkTask, type ConnectorConfig, type ConnectorPlugin, type SinkTaskClass } from '../../../src/connectors/api/index.js';
import type { SinkRecord } from '../../../src/data/index.js';

export const captured: SinkRecord[] = [];

class CaptureSinkTask extends SinkTask {
  version(): string {
    return '1';
  }
  start(): void {}
  put(records: readonly SinkRecord[]): void {
    captured.push(...records);
  }
  stop(): void {}
}

class CaptureSinkConnector extends SinkConnector {
  version(): string {
    return '1';
  }
  start(): void {}
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({}));
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
  taskClass(): SinkTaskClass {
    return CaptureSinkTask;
  }
}

export const captureSinkPlugin: ConnectorPlugin = {
  type: 'sink',
  className: 'test.CaptureSink',
  aliases: [],
  version: '1',
  create: () => new CaptureSinkConnector(),
  configDef: () => new ConfigDef(),
};
