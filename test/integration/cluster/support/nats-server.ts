/**
 * Stops and starts the machine's nats-server for the NATS-restart test, with the command scripts/stack.sh uses.
 * Only the process listening on the NATS port (found by its pid) is stopped; `ensureNats()` restores the server
 * and is safe to call any number of times (tests call it in `finally`/`after`).
 */
import { execFileSync } from 'node:child_process';
import { portOpen as portOpenAt } from '../../../support/ports.js';

const PORT = 4222;

export function natsPid(): number | null {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${PORT}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : null;
}

const portOpen = (): Promise<boolean> => portOpenAt(PORT);

async function waitPort(open: boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await portOpen()) !== open) {
    if (Date.now() > end) throw new Error(`nats port ${PORT} did not become ${open ? 'open' : 'closed'} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM to the server process (JetStream flushes its store), then waits until the port is closed. */
export async function stopNats(): Promise<void> {
  const pid = natsPid();
  if (pid === null) return;
  process.kill(pid, 'SIGTERM');
  await waitPort(false, 30_000);
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the server as scripts/stack.sh does when it is not answering, and waits for it. */
export async function ensureNats(): Promise<void> {
  if (await portOpen()) return;
  execFileSync('start-stop-daemon', [
    // Matched by its pid file (as scripts/stack.sh does), not by the executable: a private nats-server of
    // another test is not the machine's.
    '--start', '--oknodo', '--background', '--make-pidfile', '--pidfile', '/tmp/sluice-stack-nats.pid', '--exec', '/usr/sbin/nats-server', '--',
    '-a', '127.0.0.1', '-p', String(PORT), '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log',
  ]);
  await waitPort(true, 60_000);
}
