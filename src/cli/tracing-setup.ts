/**
 * The OpenTelemetry SDK for `sluice run` and `sluice worker` (the library itself only uses @opentelemetry/api):
 * whether tracing is on, and when it is, a BasicTracerProvider with a BatchSpanProcessor and the exporters of
 * OTEL_TRACES_EXPORTER, registered as the global provider, flushed and shut down when the command ends. The SDK
 * packages are imported only when tracing is on.
 *
 * On when `sluice.tracing.enabled=true`, or when the key is not set and OTEL_TRACES_EXPORTER names `otlp` or
 * `console`; off whatever the key says when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. The exporters
 * read their own variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
 * OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_BSP_*), the provider OTEL_TRACES_SAMPLER.
 */
import type { Logger } from 'pino';
import { settlesWithin } from '../async/index.js';
import { CommandFailure, EXIT_CONFIG } from './command-exit.js';

export const TRACING_KEY = 'sluice.tracing.enabled';

export type TraceExporterName = 'otlp' | 'console';

export interface TracingDecision {
  readonly enabled: boolean;
  readonly exporters: readonly TraceExporterName[];
  /** Why (for the log line). */
  readonly reason: string;
}

export class TracingSetupError extends Error {
  override readonly name = 'TracingSetupError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** What the worker key and the OTEL_* environment ask for. An unknown exporter name is a TracingSetupError. */
export function tracingDecision(worker: Readonly<Record<string, string>>, env: Env): TracingDecision {
  const key = worker[TRACING_KEY]?.trim().toLowerCase();
  const listed = (env['OTEL_TRACES_EXPORTER'] ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const name of listed) {
    if (name !== 'otlp' && name !== 'console' && name !== 'none') {
      throw new TracingSetupError(`OTEL_TRACES_EXPORTER: "${name}" is not a trace exporter Sluice has (otlp, console, none)`);
    }
  }
  const exporters = [...new Set(listed.filter((n): n is TraceExporterName => n !== 'none'))];
  const off = (reason: string): TracingDecision => ({ enabled: false, exporters: [], reason });
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return off('OTEL_SDK_DISABLED=true');
  if (listed.includes('none')) return off('OTEL_TRACES_EXPORTER=none');
  if (key === 'false') return off(`${TRACING_KEY}=false`);
  // The OpenTelemetry default exporter is otlp.
  if (key === 'true') return { enabled: true, exporters: exporters.length > 0 ? exporters : ['otlp'], reason: `${TRACING_KEY}=true` };
  if (exporters.length > 0) return { enabled: true, exporters, reason: `OTEL_TRACES_EXPORTER=${exporters.join(',')}` };
  return off('not asked for');
}

export interface Tracing {
  /** The worker config to run with: `sluice.tracing.enabled` set to what was decided. */
  readonly worker: Record<string, string>;
  readonly enabled: boolean;
  /** Exports what is buffered and stops the provider (bounded: `timeoutMs`). */
  shutdown(timeoutMs?: number): Promise<void>;
}

/**
 * Decides, and when tracing is on registers the SDK as the global tracer provider. An OTEL_TRACES_EXPORTER Sluice
 * cannot honour ends the command (exit 2), as a bad worker key would.
 */
export async function startTracing(worker: Readonly<Record<string, string>>, log: Logger, env: Env = process.env): Promise<Tracing> {
  let decision: TracingDecision;
  try {
    decision = tracingDecision(worker, env);
  } catch (e) {
    if (e instanceof TracingSetupError) throw new CommandFailure(EXIT_CONFIG, `sluice: ${e.message}`);
    throw e;
  }
  // The key is written only when the environment decided otherwise than the file (the data path reads the key).
  const asWritten = worker[TRACING_KEY]?.trim().toLowerCase() === 'true';
  const effective = asWritten === decision.enabled ? { ...worker } : { ...worker, [TRACING_KEY]: String(decision.enabled) };
  if (!decision.enabled) {
    if (worker[TRACING_KEY] !== undefined || env['OTEL_TRACES_EXPORTER'] !== undefined) log.info({ reason: decision.reason }, 'tracing off');
    return { worker: effective, enabled: false, shutdown: async () => {} };
  }
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'];
  if (decision.exporters.includes('otlp') && protocol !== undefined && protocol !== 'http/json') {
    log.warn({ protocol }, 'the OTLP trace exporter sends http/json; the OTLP protocol asked for is not used');
  }
  const provider = await registerProvider(decision.exporters);
  log.info({ reason: decision.reason, exporters: decision.exporters, service: serviceName(env) }, 'tracing on');
  return {
    worker: effective,
    enabled: true,
    async shutdown(timeoutMs = 5000) {
      const done = provider.shutdown().catch((e: unknown) => log.warn({ err: e }, 'exporting the last spans failed'));
      if (!(await settlesWithin(done, timeoutMs, { unref: true }))) log.warn({ timeoutMs }, 'the trace exporter did not finish in time; spans may be lost');
    },
  };
}

function serviceName(env: Env): string {
  const name = env['OTEL_SERVICE_NAME']?.trim();
  return name ? name : 'sluice';
}

async function registerProvider(exporters: readonly TraceExporterName[]): Promise<{ shutdown(): Promise<void> }> {
  const [{ context, propagation, trace }, sdk, { resourceFromAttributes, envDetector, detectResources }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
    ]);
  const processors = [];
  for (const name of exporters) {
    const exporter =
      name === 'otlp' ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter() : new sdk.ConsoleSpanExporter();
    processors.push(new sdk.BatchSpanProcessor(exporter));
  }
  // envDetector reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, both over the default service.name `sluice`.
  const resource = resourceFromAttributes({ 'service.name': 'sluice' }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: processors });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return provider;
}
