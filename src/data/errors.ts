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
