/**
 * `traced(tracer, stage, options, run)`: runs a stage over a batch inside a span when the task is traced, and
 * just runs it when it is not (`tracer` undefined: no span, no allocation beyond the call).
 */
import { context } from '@opentelemetry/api';
import type { SinkStage, SourceStage, StageOptions, StageSpan, TaskTracer } from './task-tracer.js';

/**
 * The span ends when `run` returns or settles; a throw (or rejection) marks it ERROR with the exception. `run` gets
 * the span (to add attributes or mark a failure it reports without throwing) and runs with it active, so spans the
 * task's own instrumented clients make nest under it when a context manager is registered.
 */
export function traced<T>(
  tracer: TaskTracer | undefined,
  stage: SourceStage | SinkStage,
  options: StageOptions | (() => StageOptions),
  run: (span: StageSpan | undefined) => T,
): T {
  if (!tracer) return run(undefined);
  const span = tracer.start(stage, typeof options === 'function' ? options() : options);
  let out: T;
  try {
    out = context.with(span.context, run, undefined, span);
  } catch (e) {
    span.fail(e);
    span.end();
    throw e;
  }
  if (out instanceof Promise) {
    return out.then(
      (v: unknown) => {
        span.end();
        return v;
      },
      (e: unknown) => {
        span.fail(e);
        span.end();
        throw e;
      },
    ) as T;
  }
  span.end();
  return out;
}
