/**
 * A test source connector whose tasks log when they start and stop (one JSON line per event, appended to
 * `probe.log` with the worker's pid and the time), so a test can check no task ever ran on two workers at once.
 * The tasks produce nothing. Loaded by `sluice worker --plugin`.
 */
import { appendFileSync } from 'node:fs';
import { ConfigDef, SourceConnector, SourceTask, type ConnectorConfig, type ConnectorPlugin, type SourceTaskClass } from '../../../../src/connectors/api/index.js';
import type { SourceRecord } from '../../../../src/data/index.js';

export interface ProbeEvent {
  readonly event: 'start' | 'stop';
  readonly connector: string;
  readonly task: number;
  readonly pid: number;
  readonly at: number;
}

function log(file: string, e: Omit<ProbeEvent, 'pid' | 'at'>): void {
  appendFileSync(file, JSON.stringify({ ...e, pid: process.pid, at: Date.now() }) + '\n');
}

export class ProbeTask extends SourceTask {
  static readonly className = 'test.cluster.ProbeTask';
  #file = '';
  #connector = '';
  #task = 0;
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#file = config['probe.log']!;
    this.#connector = config['probe.connector']!;
    this.#task = Number(config['probe.task']);
    log(this.#file, { event: 'start', connector: this.#connector, task: this.#task });
  }
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, 100);
      signal.addEventListener('abort', done, { once: true });
    });
    return null;
  }
  stop(): void {
    log(this.#file, { event: 'stop', connector: this.#connector, task: this.#task });
  }
}

export class ProbeConnector extends SourceConnector {
  static readonly className = 'test.cluster.ProbeConnector';
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#config = config;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, (_, t) => ({
      'probe.log': this.#config['probe.log']!,
      'probe.connector': this.#config['name']!,
      'probe.task': String(t),
    }));
  }
  stop(): void {}
  config(): ConfigDef {
    return probeConfigDef();
  }
  taskClass(): SourceTaskClass {
    return ProbeTask;
  }
}

function probeConfigDef(): ConfigDef {
  return new ConfigDef().define({ name: 'probe.log', type: 'STRING', importance: 'HIGH', documentation: 'event log file' });
}

const plugin: ConnectorPlugin = {
  type: 'source',
  className: ProbeConnector.className,
  aliases: ['Probe'],
  version: '1',
  create: () => new ProbeConnector(),
  configDef: probeConfigDef,
};

export default plugin;
