/**
 * The Java side of the HDFS tests, from Maven Central (cached under .stack/hdfs/):
 * - Apache avro-tools (test/java-hdfs/avro-tools/pom.xml): an independent reader for the Avro files;
 * - a MiniDFSCluster launcher (test/java-hdfs/minicluster): a real HDFS with WebHDFS on 127.0.0.1.
 * The HDFS test files run in parallel: each build is checked and run under MAVEN_LOCK (one Maven at a time,
 * ~/.m2 is not safe for two writers; a half-written jar must not look built).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../../support/file-lock.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const STACK = join(ROOT, '.stack', 'hdfs');
export const MAVEN_LOCK = join(ROOT, '.stack', 'maven.lock');

const built = new Set<string>();

/**
 * Runs `build` unless `fresh()`. Both under the Maven lock: a file Maven is still writing for another process
 * must not look built. Checked once per process.
 */
function buildOnce(what: string, fresh: () => boolean, build: () => void): void {
  if (built.has(what)) return;
  withFileLock(MAVEN_LOCK, what, () => {
    if (!fresh()) build();
  });
  built.add(what);
}

function mvn(args: string[], what: string): void {
  const r = spawnSync('mvn', ['-q', '-B', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`maven failed to ${what} (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Path of avro-tools.jar, fetched once. */
export function avroToolsJar(): string {
  const out = join(STACK, 'avro-tools');
  const jar = join(out, 'avro-tools.jar');
  buildOnce('fetch avro-tools', () => existsSync(jar), () => {
    mkdirSync(out, { recursive: true });
    mvn(['-f', 'test/java-hdfs/avro-tools/pom.xml', 'dependency:copy', `-Davro.tools.out=${out}`], 'fetch avro-tools');
  });
  return jar;
}

/** Google's protoc (Maven Central's com.google.protobuf:protoc executable), fetched once: an independent Protobuf codec. */
export function protocExe(): string {
  const out = join(ROOT, '.stack', 'protoc');
  const exe = join(out, 'protoc');
  buildOnce('fetch protoc', () => existsSync(exe), () => {
    mkdirSync(out, { recursive: true });
    mvn(['org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy', '-Dartifact=com.google.protobuf:protoc:4.33.2:exe:linux-x86_64',
      `-DoutputDirectory=${out}`, '-Dmdep.stripVersion=true'], 'fetch protoc');
    renameSync(join(out, 'protoc-linux-x86_64.exe'), exe);
    chmodSync(exe, 0o755);
  });
  return exe;
}

/** Runs `java -jar avro-tools.jar <args>` and returns stdout. */
export function avroTools(...args: string[]): string {
  const r = spawnSync('java', ['-jar', avroToolsJar(), ...args], { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0) throw new Error(`avro-tools ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** JSON lines of `avro-tools tojson`, with integers of 16+ digits kept as exact strings. */
export function avroToolsRecords(file: string): Record<string, unknown>[] {
  return avroTools('tojson', file)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"')) as Record<string, unknown>);
}

export function avroToolsSchema(file: string): unknown {
  return JSON.parse(avroTools('getschema', file));
}

export function avroToolsMeta(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of avroTools('getmeta', file).split('\n')) {
    const i = line.indexOf('\t');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Classpath of the MiniDFSCluster launcher, built once (rebuilt when the pom or the launcher changes). */
export function miniClusterClasspath(): string {
  const out = join(STACK, 'minicluster');
  const cpFile = join(out, 'classpath.txt');
  const classes = join(out, 'target', 'classes', 'dev', 'sluice', 'hdfs', 'MiniHdfs.class');
  const sources = ['test/java-hdfs/minicluster/pom.xml', 'test/java-hdfs/minicluster/src/main/java/dev/sluice/hdfs/MiniHdfs.java'].map((p) => join(ROOT, p));
  const fresh = () => existsSync(cpFile) && existsSync(classes) && sources.every((s) => statSync(s).mtimeMs <= statSync(classes).mtimeMs);
  buildOnce('build the MiniDFSCluster launcher', fresh, () => {
    mkdirSync(out, { recursive: true });
    mvn(['-f', 'test/java-hdfs/minicluster/pom.xml', 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`, `-Dminicluster.out=${out}`], 'build the MiniDFSCluster launcher');
  });
  return `${join(out, 'target', 'classes')}:${readFileSync(cpFile, 'utf8').trim()}`;
}

export interface MiniHdfs {
  readonly httpPort: number;
  readonly rpcPort: number;
  /** `webhdfs://127.0.0.1:<http>` */
  readonly webhdfsUrl: string;
  readonly baseDir: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a MiniDFSCluster (about 10-20 s) and resolves once WebHDFS answers. */
export async function startMiniHdfs(baseDir = join(STACK, `cluster-${process.pid}-${Date.now()}`), timeoutMs = 120_000): Promise<MiniHdfs> {
  const cp = miniClusterClasspath();
  rmSync(baseDir, { recursive: true, force: true });
  mkdirSync(baseDir, { recursive: true });
  const child = spawn('java', ['-Xmx512m', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', cp, 'dev.sluice.hdfs.MiniHdfs', baseDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const ready = await new Promise<{ http: number; rpc: number }>((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`MiniDFSCluster did not start within ${timeoutMs} ms:\n${stderr.slice(-4000)}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY http=(\d+) rpc=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveReady({ http: Number(m[1]), rpc: Number(m[2]) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`MiniDFSCluster exited with ${code} before it was ready:\n${stderr.slice(-4000)}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    httpPort: ready.http,
    rpcPort: ready.rpc,
    webhdfsUrl: `webhdfs://127.0.0.1:${ready.http}`,
    baseDir,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin!.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

/** Classpath of the parquet-avro reader (test/java-hdfs/parquet-avro), built once. */
export function parquetAvroClasspath(): string {
  const out = join(STACK, 'parquet-avro');
  const cpFile = join(out, 'classpath.txt');
  const classes = join(out, 'target', 'classes', 'dev', 'sluice', 'hdfs', 'ReadParquetAvro.class');
  const sources = ['test/java-hdfs/parquet-avro/pom.xml', 'test/java-hdfs/parquet-avro/src/main/java/dev/sluice/hdfs/ReadParquetAvro.java'].map((p) => join(ROOT, p));
  const fresh = () => existsSync(cpFile) && existsSync(classes) && sources.every((s) => statSync(s).mtimeMs <= statSync(classes).mtimeMs);
  buildOnce('build the parquet-avro reader', fresh, () => {
    mkdirSync(out, { recursive: true });
    mvn(['-f', 'test/java-hdfs/parquet-avro/pom.xml', 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`, `-Dparquet.avro.out=${out}`], 'build the parquet-avro reader');
  });
  return `${join(out, 'target', 'classes')}:${readFileSync(cpFile, 'utf8').trim()}`;
}

/** The records of Parquet files as parquet-avro reads them (longs, decimals as exact strings; bytes as hex). */
export function parquetAvroRecords(...files: string[]): Record<string, unknown>[] {
  const r = spawnSync('java', ['-cp', parquetAvroClasspath(), 'dev.sluice.hdfs.ReadParquetAvro', ...files], { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0) throw new Error(`parquet-avro reader failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}
