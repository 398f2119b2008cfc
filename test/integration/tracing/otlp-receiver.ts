/** A local OTLP/HTTP trace receiver for tests: collects the JSON bodies POSTed to /v1/traces. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly links: ReadonlyArray<{ traceId: string; spanId: string }>;
  readonly status: { code?: number; message?: string };
  readonly resource: Record<string, unknown>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
type KeyValue = { key: string; value: AnyValue };

/** OTLP/JSON ids are hex; an exporter that sends base64 (as protobuf's JSON mapping would) is read too. */
function hexId(id: unknown, length: number): string {
  const s = String(id ?? '');
  if (s === '') return '';
  if (s.length === length && /^[0-9a-f]+$/i.test(s)) return s.toLowerCase();
  return Buffer.from(s, 'base64').toString('hex');
}

function valueOf(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributesOf(kvs: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: Array<{ path: string; contentType: string | undefined; headers: IncomingHttpHeaders }> = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver.requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], headers: req.headers });
        if (req.method === 'POST' && req.url === '/v1/traces' && /json/.test(req.headers['content-type'] ?? '')) {
          receiver.#collect(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  named(name: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.name === name);
  }

  #collect(body: { resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }> }): void {
    for (const rs of body.resourceSpans ?? []) {
      const resource = attributesOf(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: hexId(s['traceId'], 32),
            spanId: hexId(s['spanId'], 16),
            parentSpanId: hexId(s['parentSpanId'], 16),
            name: String(s['name']),
            kind: Number(s['kind']),
            attributes: attributesOf(s['attributes'] as KeyValue[] | undefined),
            links: ((s['links'] as Array<{ traceId: unknown; spanId: unknown }> | undefined) ?? []).map((l) => ({ traceId: hexId(l.traceId, 32), spanId: hexId(l.spanId, 16) })),
            status: (s['status'] as { code?: number; message?: string } | undefined) ?? {},
            resource,
          });
        }
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
