/** The terminal view of `sluice run`: per-task state, records/s and totals, redrawn about once a second. */
import type { TaskProgress } from '../worker/herder.js';

export interface ViewModel {
  readonly title: string;
  readonly uptimeMs: number;
  readonly tasks: readonly TaskProgress[];
  /** Records per second per task key (`<connector>-<task>`), from the previous sample. */
  readonly rates: ReadonlyMap<string, number>;
  /** First trace line of each failed instance, by `<connector>` or `<connector>-<task>`. */
  readonly failures: ReadonlyMap<string, string>;
  readonly waitingFor: string | null;
  readonly recentLog: readonly string[];
}

const taskKey = (p: Pick<TaskProgress, 'connector' | 'task'>): string => `${p.connector}-${p.task}`;

/** Records that count for a task: acknowledged by Kafka (source) or put to the task (sink). */
export const recordsOf = (p: TaskProgress): number => p.metrics?.recordsWritten ?? 0;

/** Rates from two samples taken `elapsedMs` apart. */
export function ratesBetween(before: readonly TaskProgress[], after: readonly TaskProgress[], elapsedMs: number): Map<string, number> {
  const prev = new Map(before.map((p) => [taskKey(p), recordsOf(p)]));
  const out = new Map<string, number>();
  for (const p of after) {
    const was = prev.get(taskKey(p));
    out.set(taskKey(p), was === undefined || elapsedMs <= 0 ? 0 : Math.max(0, ((recordsOf(p) - was) * 1000) / elapsedMs));
  }
  return out;
}

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i >= 4 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function renderView(m: ViewModel): string[] {
  const lines = [`${m.title}   up ${duration(m.uptimeMs)}`, ''];
  const rows = [['CONNECTOR', 'TASK', 'TYPE', 'STATE', 'RECORDS', 'REC/S', 'COMMITS', '']];
  for (const p of m.tasks) {
    rows.push([
      p.connector,
      String(p.task),
      p.type,
      p.state,
      fmt.format(recordsOf(p)),
      fmt.format(m.rates.get(taskKey(p)) ?? 0),
      fmt.format(p.metrics?.offsetCommits ?? 0),
      p.finished ? 'finished' : '',
    ]);
  }
  if (m.tasks.length === 0) lines.push('(no tasks running)');
  else lines.push(...table(rows));
  const sources = m.tasks.filter((p) => p.type === 'source');
  const sinks = m.tasks.filter((p) => p.type === 'sink');
  const total = (ps: readonly TaskProgress[]) => fmt.format(ps.reduce((a, p) => a + recordsOf(p), 0));
  lines.push('', `total: ${total(sources)} records written by sources, ${total(sinks)} put by sinks`);
  for (const [where, first] of m.failures) lines.push(`FAILED ${where}: ${first}`);
  if (m.waitingFor) lines.push(`waiting for ${m.waitingFor}`);
  if (m.recentLog.length > 0) lines.push('', ...m.recentLog);
  lines.push('', 'Ctrl-C stops gracefully.');
  return lines;
}

/** Redraws in place: moves the cursor back over the previous frame and clears below it. */
export class TerminalView {
  #lines = 0;
  constructor(private readonly out: { write(text: string): unknown; columns?: number }) {}

  draw(lines: readonly string[]): void {
    const width = Math.max(20, (this.out.columns ?? 120) - 1);
    const clipped = lines.map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l));
    const up = this.#lines > 0 ? `\x1b[${this.#lines}F` : '';
    this.out.write(`${up}\x1b[0J${clipped.join('\n')}\n`);
    this.#lines = clipped.length;
  }
}
