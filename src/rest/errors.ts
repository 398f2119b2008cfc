/**
 * REST errors in Kafka Connect's shape (`{"error_code": 404, "message": "…"}`, ConnectExceptionMapper): what the
 * herder's errors map to, with Kafka Connect's status codes and message texts.
 */
import { ConfigException } from '../connectors/api/index.js';
import { ConnectorConfigError } from '../connectors/validation.js';
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError } from '../worker/errors.js';

export interface ErrorBody {
  readonly error_code: number;
  readonly message: string | null;
}

/** An error with the HTTP status it is answered with. */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get body(): ErrorBody {
    return { error_code: this.status, message: this.message };
  }
}

export const notFound = (message: string): RestError => new RestError(404, message);
export const badRequest = (message: string): RestError => new RestError(400, message);
export const conflict = (message: string): RestError => new RestError(409, message);

/** Jersey's texts for the errors it raises itself. */
export const HTTP_404 = 'HTTP 404 Not Found';
export const HTTP_405 = 'HTTP 405 Method Not Allowed';
export const HTTP_415 = 'HTTP 415 Unsupported Media Type';

/** Kafka's message for a create/update refused by validation (AbstractHerder / ConnectorsResource). */
export function invalidConfigMessage(problems: ReadonlyArray<{ key?: string; reason: string }>): string {
  // A reason that already names its key is printed as it is; the endpoint is Kafka's literal text.
  const lines = problems.map((p) => (p.key && !namesKey(p.reason, p.key) ? `${p.key}: ${p.reason}` : p.reason));
  return (
    `Connector configuration is invalid and contains the following ${problems.length} error(s):\n` +
    lines.join('\n') +
    '\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`'
  );
}

/** Kafka's texts name their key as `configuration KEY`, quote it, or lead with it ("from file …" does not name `file`). */
function namesKey(reason: string, key: string): boolean {
  return (
    reason.startsWith(`${key}:`) ||
    reason.includes(`configuration ${key}`) ||
    reason.includes(`"${key}"`) ||
    reason.includes(`'${key}'`)
  );
}

/** Maps anything a handler throws to a RestError (unknown errors: 500 with their message, as Kafka Connect). */
export function toRestError(e: unknown): RestError {
  if (e instanceof RestError) return e;
  if (e instanceof NotFoundError) return new RestError(404, e.message);
  if (e instanceof AlreadyExistsError) return new RestError(409, e.message);
  if (e instanceof ConflictError) return new RestError(409, e.message);
  if (e instanceof BadRequestError) return new RestError(400, e.message);
  if (e instanceof ConnectorConfigError) return new RestError(400, invalidConfigMessage(e.problems));
  if (e instanceof ConfigException) return new RestError(400, e.message);
  const message = e instanceof Error ? e.message : String(e);
  return new RestError(500, message);
}
