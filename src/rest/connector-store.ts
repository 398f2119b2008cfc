/**
 * Standalone persistence of the connectors created over REST: Kafka Connect's standalone worker forgets them at
 * restart; Sluice keeps them in a JSON file beside the offsets file (`<offset.storage.file.filename>.connectors.json`)
 * and creates them again when the REST server starts. The file is a pipeline file (`sluice run` reads it):
 *
 *   {"connectors": [{"name": "…", "config": {…raw, placeholders kept…}, "initial_state": "RUNNING|PAUSED|STOPPED"}]}
 *
 * Only connectors created through the REST API are kept (connectors from pipeline files are defined by those
 * files). Every change replaces the file atomically: temp file, fsync, rename, fsync of the folder. The configs hold
 * passwords in plain text: the file is readable by its owner only (0600), from the temp file's creation on; a file
 * an older version left wider is narrowed when read and replaced at the next write.
 */
import { chmod, readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../streams/util/atomic-file.js';
import type { ConnectorConfig } from '../connectors/api/index.js';
import type { InitialState } from '../worker/herder.js';
import type { TargetState } from '../actors/index.js';

export interface StoredConnector {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly initial_state: InitialState;
}

export const initialStateOf = (t: TargetState): InitialState => (t === 'STARTED' ? 'RUNNING' : t);

/** Owner read/write only. */
export const CONNECTORS_FILE_MODE = 0o600;

export function connectorsFileFor(offsetFile: string): string {
  return `${offsetFile}.connectors.json`;
}

export class ConnectorStore {
  readonly #connectors = new Map<string, StoredConnector>();
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Reads the file (absent: nothing stored). Throws when it exists but is not a valid store. */
  async load(): Promise<StoredConnector[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    if (((await stat(this.path)).mode & 0o077) !== 0) await chmod(this.path, CONNECTORS_FILE_MODE).catch(() => {});
    const parsed = JSON.parse(text) as { connectors?: unknown };
    if (!parsed || !Array.isArray(parsed.connectors)) throw new Error(`${this.path}: expected {"connectors": [...]}`);
    this.#connectors.clear();
    for (const c of parsed.connectors as StoredConnector[]) {
      if (typeof c?.name !== 'string' || typeof c.config !== 'object' || c.config === null) {
        throw new Error(`${this.path}: every connector needs a name and a config`);
      }
      this.#connectors.set(c.name, { name: c.name, config: c.config, initial_state: c.initial_state ?? 'RUNNING' });
    }
    return [...this.#connectors.values()];
  }

  has(name: string): boolean {
    return this.#connectors.has(name);
  }

  list(): StoredConnector[] {
    return [...this.#connectors.values()];
  }

  /** Records the connector (replacing what was stored under its name) and writes the file. */
  put(c: StoredConnector): Promise<void> {
    this.#connectors.set(c.name, { name: c.name, config: { ...c.config }, initial_state: c.initial_state });
    return this.#write();
  }

  /** Updates a stored connector's target state (no-op for connectors not stored). */
  setState(name: string, state: InitialState): Promise<void> {
    const c = this.#connectors.get(name);
    if (!c || c.initial_state === state) return this.#tail;
    this.#connectors.set(name, { ...c, initial_state: state });
    return this.#write();
  }

  remove(name: string): Promise<void> {
    if (!this.#connectors.delete(name)) return this.#tail;
    return this.#write();
  }

  /** Writes the current content (serialised: the last write always holds the latest state). */
  #write(): Promise<void> {
    const run = async () => {
      const text = JSON.stringify({ connectors: [...this.#connectors.values()] }, null, 2) + '\n';
      await writeFileAtomic(this.path, text, CONNECTORS_FILE_MODE);
    };
    const p = this.#tail.then(run, run);
    this.#tail = p.catch(() => {});
    return p;
  }
}
