/**
 * An Observable of the service's own records as a source connector of a worker pipeline:
 *
 *   const orders = observableSource('OrdersFromApp', orders$);
 *   await Sluice.pipeline({ plugins: [orders], connectors: [{ name: 'in', config: { 'connector.class': 'OrdersFromApp' } }, …] })
 *
 * Its one task subscribes at start and hands what arrived to each poll (up to `batch.size`). An Observable
 * cannot be paused, so what it pushes faster than the pipeline takes waits in a buffer of `max.buffered`
 * records; beyond that the task fails (a bounded memory, said loudly) — use `source()` or a connector for data
 * that must wait for demand. The Observable completing finishes the task (a bounded source); its error fails it.
 * The task subscribes when it starts: what a hot Observable (a Subject) pushed before is not seen (a
 * ReplaySubject or a cold Observable keeps it). Records carry no source offsets: nothing is resumed after a restart.
 */
import type { Observable, Subscription } from 'rxjs';
import {
  ConfigDef,
  ConnectException,
  SourceConnector,
  SourceTask,
  Validators,
  type ConnectorConfig,
  type ConnectorPlugin,
  type SourceTaskClass,
} from '../connectors/api/index.js';
import type { SourceRecord } from '../data/index.js';

const VERSION = '1';

function configDef(): ConfigDef {
  return new ConfigDef()
    .define({ name: 'batch.size', type: 'INT', defaultValue: 500, validator: Validators.atLeast(1), importance: 'HIGH', documentation: 'Most records handed over per poll.' })
    .define({
      name: 'max.buffered', type: 'INT', defaultValue: 10_000, validator: Validators.atLeast(1), importance: 'MEDIUM',
      documentation: 'Records the Observable may push ahead of the pipeline before the task fails.',
    });
}

export class ObservableOverflowException extends ConnectException {
  override readonly name = 'ObservableOverflowException';
}

export function observableSource(className: string, records: Observable<SourceRecord>): ConnectorPlugin {
  class ObservableSourceTask extends SourceTask {
    static readonly className = `${className}Task`;
    #buffer: SourceRecord[] = [];
    #head = 0;
    #subscription: Subscription | undefined;
    #error: unknown;
    #completed = false;
    #batch = 500;
    #max = 10_000;
    #wake: (() => void) | undefined;

    version(): string {
      return VERSION;
    }

    start(config: ConnectorConfig): void {
      const v = configDef().parse(config);
      this.#batch = v['batch.size'] as number;
      this.#max = v['max.buffered'] as number;
      this.#subscription = records.subscribe({
        next: (record) => {
          if (this.#buffer.length - this.#head >= this.#max) {
            this.#error ??= new ObservableOverflowException(
              `the Observable of ${className} pushed more than max.buffered=${this.#max} records ahead of the pipeline`,
            );
            this.#subscription?.unsubscribe();
          } else this.#buffer.push(record);
          this.#notify();
        },
        error: (e: unknown) => {
          this.#error ??= e;
          this.#notify();
        },
        complete: () => {
          this.#completed = true;
          this.#notify();
        },
      });
    }

    #notify(): void {
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    }

    async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
      if (this.#error !== undefined) throw this.#error instanceof Error ? this.#error : new ConnectException(String(this.#error));
      if (this.#head === this.#buffer.length && !this.#completed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
          signal.addEventListener('abort', () => this.#notify(), { once: true });
        });
      }
      const end = Math.min(this.#buffer.length, this.#head + this.#batch);
      const out = this.#buffer.slice(this.#head, end);
      this.#head = end;
      if (this.#head > 4096 && this.#head * 2 > this.#buffer.length) {
        this.#buffer = this.#buffer.slice(this.#head);
        this.#head = 0;
      }
      return out;
    }

    override isFinished(): boolean {
      return this.#completed && this.#head === this.#buffer.length;
    }

    stop(): void {
      this.#subscription?.unsubscribe();
      this.#notify();
    }
  }

  class ObservableSourceConnector extends SourceConnector {
    #config: ConnectorConfig = {};
    version(): string {
      return VERSION;
    }
    start(config: ConnectorConfig): void {
      this.#config = config;
    }
    taskClass(): SourceTaskClass {
      return ObservableSourceTask;
    }
    taskConfigs(): ConnectorConfig[] {
      return [{ ...this.#config }]; // one Observable, one task
    }
    stop(): void {}
    config(): ConfigDef {
      return configDef();
    }
  }

  return {
    type: 'source',
    className,
    aliases: [],
    version: VERSION,
    create: () => new ObservableSourceConnector(),
    configDef,
  };
}
