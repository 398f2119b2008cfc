/**
 * `sluice tap NAME`: prints the next records of a running connector, one JSON line each, read from a worker's
 * `GET /connectors/NAME/tap` (Server-Sent Events); a summary (sent, dropped, seen) goes to stderr at the end.
 */
import { UsageError, parseOptions } from './args.js';
import { EXIT_CONFIG, EXIT_OK, EXIT_UNAVAILABLE, usageFailed } from './command-exit.js';
import type { CliIo } from './io.js';

export const TAP_USAGE = `Usage: sluice tap CONNECTOR [options]

Prints the records of a running connector as JSON lines (header values, the values of its PASSWORD keys and the connector's
sluice.tap.redact.fields shown as "[redacted]"), then how many were sent, dropped and seen.

Options:
  --url URL        The worker's REST API (default http://127.0.0.1:8083).
  --limit N        Records to print (default 10, at most 10000).
  --seconds T      Stop after T seconds (default 30, at most 600).
  --stage S        transform (default: as they leave the transformation chain), poll (as they enter it) or bytes
                   (as sent to or consumed from Kafka).
  --sample P       Print only a fraction P of them (0 < P <= 1, default 1).

Exit codes: 0 done; 1 usage error; 2 the worker refused the request (unknown connector, bad option);
5 the worker could not be reached, or the stream broke off before its end.
`;

interface TapArgs {
  readonly connector: string;
  readonly url: string;
  readonly query: URLSearchParams;
}

export function parseTapArgs(argv: readonly string[]): { help: true } | TapArgs {
  const { values, positionals } = parseOptions(argv, {
    help: { type: 'boolean', short: 'h' },
    url: { type: 'string' },
    limit: { type: 'string' },
    seconds: { type: 'string' },
    stage: { type: 'string' },
    sample: { type: 'string' },
  });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError('sluice tap needs exactly one connector name');
  const query = new URLSearchParams();
  for (const key of ['limit', 'seconds', 'stage', 'sample'] as const) if (values[key] !== undefined) query.set(key, values[key]);
  return { connector: positionals[0]!, url: (values.url ?? 'http://127.0.0.1:8083').replace(/\/+$/, ''), query };
}

export async function tapCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseTapArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailed(io, e.message, 'sluice tap --help');
  }
  if ('help' in args) {
    io.stdout.write(TAP_USAGE);
    return EXIT_OK;
  }
  const url = `${args.url}/connectors/${encodeURIComponent(args.connector)}/tap?${args.query}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'text/event-stream' } });
  } catch (e) {
    io.stderr.write(`sluice: cannot reach ${args.url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}\n`);
    return EXIT_UNAVAILABLE;
  }
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {}
    io.stderr.write(`sluice: ${url}: HTTP ${res.status}: ${message}\n`);
    return EXIT_CONFIG;
  }
  let buffer = '';
  let ended = false;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        if (printEvent(buffer.slice(0, at), io)) ended = true;
        buffer = buffer.slice(at + 2);
      }
    }
  } catch (e) {
    io.stderr.write(`sluice: the tap of ${args.connector} broke off: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}\n`);
    return EXIT_UNAVAILABLE;
  }
  if (!ended) {
    io.stderr.write(`sluice: the tap of ${args.connector} ended before its end event (the worker stopped?)\n`);
    return EXIT_UNAVAILABLE;
  }
  return EXIT_OK;
}

/** Prints one SSE block: a record as a JSON line on stdout, the end's counts on stderr; true for the end. */
function printEvent(block: string, io: CliIo): boolean {
  const event = /^event: (.*)$/m.exec(block)?.[1];
  const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
  if (event === 'record') io.stdout.write(`${data}\n`);
  if (event !== 'end') return false;
  const { sent, dropped, seen } = JSON.parse(data) as { sent: number; dropped: number; seen: number };
  io.stderr.write(`sluice tap: ${sent} records printed, ${dropped} dropped (the client was slower), ${seen} seen\n`);
  return true;
}
