/** Where a piece of data came from, carried by every data error so a user can find the record. */
export interface DataContext {
  connector?: string;
  task?: number;
  topic?: string;
  partition?: number;
  offset?: number | bigint | string;
  /** Dotted path of the field inside the value, e.g. `order.lines[2].price`. */
  path?: string;
}

function describe(ctx: DataContext): string {
  const parts: string[] = [];
  if (ctx.connector !== undefined) parts.push(`connector=${ctx.connector}`);
  if (ctx.task !== undefined) parts.push(`task=${ctx.task}`);
  if (ctx.topic !== undefined) parts.push(`topic=${ctx.topic}`);
  if (ctx.partition !== undefined) parts.push(`partition=${ctx.partition}`);
  if (ctx.offset !== undefined) parts.push(`offset=${String(ctx.offset)}`);
  if (ctx.path !== undefined && ctx.path !== '') parts.push(`field=${ctx.path}`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/** Kafka Connect's `DataException`: data that does not fit a schema or a format. */
export class DataException extends Error {
  override readonly name: string = 'DataException';
  readonly context: DataContext;
  readonly reason: string;
  constructor(reason: string, context: DataContext = {}, options?: { cause?: unknown }) {
    super(reason + describe(context), options);
    this.reason = reason;
    this.context = context;
  }
  /** The same error with more context (outer layers add topic/partition/offset). */
  withContext(more: DataContext): DataException {
    const merged = { ...more, ...this.context };
    const copy = new (this.constructor as new (r: string, c: DataContext, o?: { cause?: unknown }) => DataException)(
      this.reason,
      merged,
      { cause: this.cause },
    );
    copy.stack = this.stack;
    return copy;
  }
}

/** Kafka Connect's `SchemaBuilderException` / `SchemaProjectorException`: an invalid schema definition. */
export class SchemaException extends DataException {
  override readonly name: string = 'SchemaException';
}

/** Kafka Connect's `ConnectException`: the root of the runtime's and the plugins' errors. */
export class ConnectException extends Error {
  override readonly name: string = 'ConnectException';
}

/** Kafka's `RetriableException`: trying the same operation again later may succeed. */
export class RetriableException extends ConnectException {
  override readonly name: string = 'RetriableException';
}

/**
 * Thrown by a synchronous operation (a converter) that cannot answer before an asynchronous lookup ends (a schema
 * registry request). The stage runner awaits `ready` and calls the operation again; the lookup's own failure is
 * thrown by that next call, so retry and tolerance rules apply to it as to any error. Not a failure itself.
 */
export class PendingLookup extends Error {
  override readonly name = 'PendingLookup';
  constructor(readonly ready: Promise<unknown>, what: string) {
    super(`waiting for ${what}`);
  }
}

/** Runs `op` until it answers without a `PendingLookup`, awaiting each lookup in between. */
export async function settleLookups<T>(op: () => T): Promise<T> {
  for (;;) {
    try {
      return op();
    } catch (e) {
      if (!(e instanceof PendingLookup)) throw e;
      await e.ready.catch(() => undefined);
    }
  }
}
