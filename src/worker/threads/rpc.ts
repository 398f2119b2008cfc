/**
 * Requests and notifications both ways over one message channel (a worker thread's port, or the Worker object on
 * the main thread). A request's answer settles the caller's promise; an error crosses as its name, message, stack
 * and cause chain (remoteError rebuilds it), since an Error's class does not survive a thread boundary.
 */
export interface MessageChannelLike {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type Handler = (args: unknown, transfer: ArrayBuffer[]) => unknown;

type Wire =
  | { readonly rpc: 'call'; readonly id: number; readonly method: string; readonly args: unknown }
  | { readonly rpc: 'notify'; readonly method: string; readonly args: unknown }
  | { readonly rpc: 'result'; readonly id: number; readonly value: unknown }
  | { readonly rpc: 'error'; readonly id: number; readonly error: WireError };

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: WireError;
  /** Own enumerable data of the error (a TaskFailure's stage and coordinates, a Kafka error's code). */
  readonly fields?: Record<string, unknown>;
}

export function toWireError(e: unknown, depth = 0): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k !== 'cause' && (v === null || ['string', 'number', 'boolean'].includes(typeof v) || isPlain(v))) fields[k] = v;
  }
  return {
    name: e.name,
    message: e.message,
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
    ...(e.cause !== undefined && depth < 8 ? { cause: toWireError(e.cause, depth + 1) } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
  };
}

function isPlain(v: unknown): boolean {
  try {
    return typeof v === 'object' && v !== null && JSON.stringify(v) !== undefined && structuredClone(v) !== undefined;
  } catch {
    return false;
  }
}

/** An Error with the remote error's name, message, stack, cause and data (its class is Error). */
export function remoteError(w: WireError): Error {
  const e = new Error(w.message, w.cause ? { cause: remoteError(w.cause) } : undefined);
  Object.defineProperty(e, 'name', { value: w.name, enumerable: false, configurable: true, writable: true });
  if (w.stack !== undefined) e.stack = w.stack;
  if (w.fields) Object.assign(e, w.fields);
  return e;
}

/** Thrown to callers still waiting when the channel closes (the thread ended). */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

export class Rpc {
  readonly #channel: MessageChannelLike;
  readonly #handlers = new Map<string, Handler>();
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;
  #closed: Error | undefined;

  constructor(channel: MessageChannelLike) {
    this.#channel = channel;
    channel.on('message', (m) => this.#receive(m as Wire));
  }

  /** Serves `method`: its return value (or promise) answers a call; `transfer` collects buffers to move with it. */
  handle<A>(method: string, handler: (args: A, transfer: ArrayBuffer[]) => unknown): this {
    this.#handlers.set(method, handler as Handler);
    return this;
  }

  call<T>(method: string, args: unknown, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#channel.postMessage({ rpc: 'call', id, method, args } satisfies Wire, transfer);
    });
  }

  notify(method: string, args: unknown, transfer: readonly ArrayBuffer[] = []): void {
    if (this.#closed) return;
    this.#channel.postMessage({ rpc: 'notify', method, args } satisfies Wire, transfer);
  }

  /** Rejects every waiting call with `error`; later calls reject at once. */
  close(error: Error): void {
    this.#closed ??= error;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  #receive(m: Wire): void {
    if (typeof m !== 'object' || m === null || !('rpc' in m)) return;
    switch (m.rpc) {
      case 'result':
      case 'error': {
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        if (m.rpc === 'result') p.resolve(m.value);
        else p.reject(remoteError(m.error));
        return;
      }
      case 'notify':
        void this.#run(m.method, m.args, []).catch(() => {});
        return;
      case 'call': {
        const transfer: ArrayBuffer[] = [];
        this.#run(m.method, m.args, transfer).then(
          (value) => this.#answer({ rpc: 'result', id: m.id, value }, transfer),
          (e: unknown) => this.#answer({ rpc: 'error', id: m.id, error: toWireError(e) }, []),
        );
      }
    }
  }

  async #run(method: string, args: unknown, transfer: ArrayBuffer[]): Promise<unknown> {
    const handler = this.#handlers.get(method);
    if (!handler) throw new Error(`no handler for ${method}`);
    return handler(args, transfer);
  }

  #answer(m: Wire, transfer: readonly ArrayBuffer[]): void {
    if (this.#closed) return;
    try {
      this.#channel.postMessage(m, transfer);
    } catch (e) {
      // A value that cannot be cloned: the caller gets why instead of waiting forever.
      if (m.rpc === 'result') this.#channel.postMessage({ rpc: 'error', id: m.id, error: toWireError(e) } satisfies Wire);
    }
  }
}
