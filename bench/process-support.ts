/**
 * What the benches that run workers as processes share: their CPU time from /proc, a graceful stop, and Java
 * Kafka Connect standalone started as bin/connect-standalone.sh starts it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectClasspath, log4jFile } from '../test/support/java-connect.js';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);

/** User + system CPU seconds of a running process; null once it is gone. */
export function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
}

/** Kafka Connect standalone with bin/connect-standalone.sh's heap and GC flags (jars: ensureConnectJars). */
export function spawnJavaConnectStandalone(dir: string, workerProperties: string, connectorProperties: string, stdout: 'inherit' | 'ignore' = 'inherit'): ChildProcess {
  return spawn(
    'java',
    ['-Xms256M', '-Xmx2G', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15', '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${log4jFile(dir)}`, '-cp', connectClasspath(), 'org.apache.kafka.connect.cli.ConnectStandalone', workerProperties, connectorProperties],
    { stdio: ['ignore', stdout, 'inherit'] },
  );
}
