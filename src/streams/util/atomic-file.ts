import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `text` so that a crash at any point leaves either the old or the new content:
 * write a temp file, fsync it, rename it over the target, fsync the directory. With `mode`, the file has that
 * mode from the temp file's creation on.
 */
export async function writeFileAtomic(path: string, text: string, mode?: number): Promise<void> {
  const tmp = `${path}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(tmp, 'w', mode);
  try {
    // A temp file left by a crash keeps its old mode: `open`'s mode applies to new files only.
    if (mode !== undefined) await fh.chmod(mode);
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await dir.close();
  }
}
