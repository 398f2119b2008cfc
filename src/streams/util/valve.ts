/** A pause gate: `whenOpen()` is undefined while open (no promise on the fast path), else settles at `open()`. */
export class Valve {
  #closed = false;
  #waiting: Promise<void> | undefined;
  #release: (() => void) | undefined;

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
  }

  open(): void {
    this.#closed = false;
    const release = this.#release;
    this.#waiting = this.#release = undefined;
    release?.();
  }

  whenOpen(): Promise<void> | undefined {
    if (!this.#closed) return undefined;
    return (this.#waiting ??= new Promise<void>((r) => (this.#release = r)));
  }
}
