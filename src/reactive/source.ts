/**
 * `source(config)`: a source connector as an Observable of its records. Each subscription runs the connector
 * in its own standalone worker (validation, task split, restart policy, status and metrics as for any
 * connector); records are polled only while earlier ones are still on their way to be flushed by a sink
 * (`maxInFlightBatches` batches), and an offset is committed only once its record was flushed or dropped.
 * A bounded source completes once every record is done; unsubscribing stops the connector gracefully.
 */
import { Observable, type Subscriber } from 'rxjs';
import type { SourceRecord } from '../data/index.js';
import type { TaskRun } from '../streams/contracts.js';
import { runConnector, type ReactiveOptions, type ConnectorHandle, type HostedConnector } from './connector-host.js';
import type { SourceOutlet } from './source-run.js';
import type { ConfigInput } from '../worker/embedded.js';
import type { ConnectorStateInfo, TaskProgress } from '../worker/herder.js';

/** An Observable of a running source connector's records, with the connector's status while subscribed. */
export class SourceStream extends Observable<SourceRecord> implements ConnectorHandle {
  #host: HostedConnector | null = null;
  readonly #name: string;

  constructor(config: ConfigInput, options: ReactiveOptions) {
    super((subscriber) => this.#subscribe(subscriber, config, options));
    this.#name = options.name ?? String(config['name'] ?? 'source');
  }

  /** Kafka Connect's status of the connector of the latest subscription (after it ended: as it was at the end). */
  status(): ConnectorStateInfo | null {
    return this.#host?.status() ?? null;
  }

  /** State and counters of each task (the worker's TaskMetrics). */
  progress(): TaskProgress[] {
    return this.#host?.progress() ?? [];
  }

  #subscribe(subscriber: Subscriber<SourceRecord>, config: ConfigInput, options: ReactiveOptions): () => void {
    let open = true;
    const finished = new Set<number>();
    const outlet: SourceOutlet = {
      link: { flushers: new Set(), starved: 0 },
      get open() {
        return open && !subscriber.closed;
      },
      emit: (record) => subscriber.next(record),
      finished: (run: TaskRun) => {
        finished.add(run.id.task);
        allFinished();
      },
    };
    // A task may finish before the connector's start returned (its status is not there yet): checked again then.
    const allFinished = () => {
      const tasks = this.status()?.tasks.length;
      if (tasks !== undefined && tasks > 0 && finished.size >= tasks) void end();
    };
    const host = runConnector({ kind: 'source', outlet }, this.#name, config, options, (failure) => void end(failure));
    this.#host = host;
    host.pipeline.then(allFinished, (e: unknown) => void end(e));
    const end = async (error?: unknown) => {
      if (!open) return;
      open = false;
      await host.stop();
      if (error !== undefined) subscriber.error(error);
      else subscriber.complete();
    };
    return () => {
      if (!open) return;
      open = false;
      void host.stop();
    };
  }
}

/**
 * A source connector, from its Kafka Connect config, as an Observable of its records (after the connector's own
 * `transforms`). Pipe it through your operators into `sink(...)`:
 *
 *   source({ 'connector.class': 'datagen', … }).pipe(map(enrich), filter(isPaid)).subscribe(sink({ … }))
 */
export function source(config: ConfigInput, options: ReactiveOptions = {}): SourceStream {
  return new SourceStream(config, options);
}
