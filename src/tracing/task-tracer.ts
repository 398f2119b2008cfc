/**
 * A task's spans: one per batch stage, through the global `@opentelemetry/api` tracer provider (whatever the
 * embedding application or the `sluice` command registered; a no-op one when nobody did). A task that is not
 * traced has no TaskTracer at all, so the data path checks one `undefined` per batch and does nothing else.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import { ATTR_CONNECTOR, ATTR_STAGE, ATTR_TASK } from './attributes.js';

export const TRACER_NAME = 'sluice';

export type SourceStage = 'poll' | 'transform' | 'convert' | 'produce' | 'commit';
export type SinkStage = 'consume' | 'convert' | 'transform' | 'put' | 'commit';

export interface TracedTask {
  readonly connector: string;
  readonly task: number;
}

export interface StageOptions {
  /** The batch's trace (its first stage's span); none: the span starts a trace. */
  readonly parent?: Context | undefined;
  readonly attributes?: Attributes;
  readonly links?: Link[];
  readonly kind?: SpanKind;
  readonly startTime?: TimeInput;
}

/** One stage's span over one batch. */
export class StageSpan {
  readonly span: Span;
  /** The context whose active span is this one: the parent of the batch's later stages. */
  readonly context: Context;

  constructor(span: Span, parent: Context) {
    this.span = span;
    this.context = trace.setSpan(parent, span);
  }

  get spanContext(): SpanContext {
    return this.span.spanContext();
  }

  set(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  /** Status ERROR with the exception recorded. */
  fail(error: unknown): void {
    const e = asError(error);
    this.span.recordException(e);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  }

  /** An attempt that will be retried: the exception recorded, the status left as it is. */
  retrying(error: unknown): void {
    this.span.recordException(asError(error));
  }

  end(endTime?: TimeInput): void {
    this.span.end(endTime);
  }
}

export class TaskTracer {
  readonly path: 'source' | 'sink';
  readonly #tracer: Tracer;
  readonly #base: Attributes;

  constructor(path: 'source' | 'sink', id: TracedTask, tracer: Tracer = trace.getTracer(TRACER_NAME)) {
    this.path = path;
    this.#tracer = tracer;
    this.#base = { [ATTR_CONNECTOR]: id.connector, [ATTR_TASK]: id.task };
  }

  /** Starts the span `sluice.<path>.<stage>`; the caller ends it. */
  start(stage: SourceStage | SinkStage, options: StageOptions = {}): StageSpan {
    const parent = options.parent ?? ROOT_CONTEXT;
    const span = this.#tracer.startSpan(
      `sluice.${this.path}.${stage}`,
      {
        kind: options.kind ?? SpanKind.INTERNAL,
        attributes: { ...this.#base, [ATTR_STAGE]: stage, ...options.attributes },
        ...(options.links ? { links: options.links } : {}),
        ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
        // A batch's first stage starts a trace of its own, whatever context is active around the task.
        ...(options.parent ? {} : { root: true }),
      },
      parent,
    );
    return new StageSpan(span, parent);
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
