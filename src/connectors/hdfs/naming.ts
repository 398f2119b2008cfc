/**
 * File names and directories, exactly as kafka-connect-hdfs names them:
 *   committed: <topics.dir>/<topic><delim><encodedPartition>/<topic>+<partition>+<start>+<end><ext>
 *   WAL:       <logs.dir>/<topic>/<partition>/log
 * Offsets are zero-padded to `filename.offset.zero.pad.width` (longer numbers are not cut); both are inclusive.
 * Temp files (ours): <topics.dir>/+tmp/<topic>/<partition>/<uuid>_tmp<ext> — one directory per Kafka
 * partition, so recovery can delete a crashed writer's leftovers without touching other partitions' files.
 */
export const COMMITTED_FILE_PATTERN = /^([a-zA-Z0-9._-]+)\+(\d+)\+(\d+)\+(\d+)(\.\w+)?$/;
export const TEMP_DIR = '+tmp';

export interface CommittedFile {
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: number;
  readonly endOffset: number;
  readonly extension: string;
}

export function zeroPad(n: number, width: number): string {
  const s = String(n);
  return width > s.length ? '0'.repeat(width - s.length) + s : s;
}

export function committedFileName(topic: string, partition: number, start: number, end: number, ext: string, padWidth: number): string {
  return `${topic}+${partition}+${zeroPad(start, padWidth)}+${zeroPad(end, padWidth)}${ext}`;
}

export function parseCommittedFileName(name: string): CommittedFile | null {
  const m = COMMITTED_FILE_PATTERN.exec(name);
  if (!m) return null;
  return {
    topic: m[1]!,
    partition: Number(m[2]),
    startOffset: Number(m[3]),
    endOffset: Number(m[4]),
    extension: m[5] ?? '',
  };
}

/** `${topic}` and `${0..n}` (groups of `topic.capture.groups.regex`) in topics.dir / logs.dir. */
export function resolveDirTemplate(template: string, topic: string, captureRegex: RegExp | null, key: string): string {
  let groups: string[] = [];
  if (captureRegex) {
    const m = captureRegex.exec(topic);
    if (m && m[0] === topic) groups = [...m];
    else if (/\$\{\d+\}/.test(template)) throw new Error(`${key}: topic ${topic} does not match topic.capture.groups.regex ${captureRegex.source}`);
  }
  return template.replace(/\$\{(topic|\d+)\}/g, (_m, g: string) => {
    if (g === 'topic') return topic;
    const v = groups[Number(g)];
    if (v === undefined) throw new Error(`${key}: \${${g}} has no capture group in topic.capture.groups.regex for topic ${topic}`);
    return v;
  });
}
