// Which test files may run at the same time. Integration files run in parallel, one process each, unless they
// share something that the others would disturb; every file otherwise uses its own topics, consumer groups,
// tables and buckets (test/support/services.ts: uniqueName). A file takes each resource it names either
// 'shared' (any number of holders) or 'exclusive' (no other holder at all).
//
// - nats: processes-nats-restart stops and restarts the machine's NATS server; every other NATS user (the
//   cluster tests, the smoke test, the distributed-worker files in worker/) must not run meanwhile.
// - maven: the HDFS tests, the Avro converter's interop tests, the migrate test (Kafka Connect's jars) and the JsonConverter compatibility test
//   fetch or build Java tools with Maven into .stack/
//   on first use, sharing ~/.m2, which is not safe for two writers. The HDFS files take turns among themselves
//   (test/integration/hdfs/java-tools.ts holds a lock around its builds); test/java/compat.ts has no such lock,
//   so the compatibility test runs while no HDFS file does.
// - private-broker: the files that kill and restart a Kafka broker of their own (test/support/private-broker.ts)
//   take turns: two more JVMs on a 2-core machine beside the shared broker slow every other file.
// - sluice-build: the files that `npm pack` the repository (whose `prepare` rebuilds dist/ in place) take turns:
//   two builds writing dist/ at once could pack each other's half-written files. The dashboard's tests
//   (test/integration/ui) take it too: they serve dist/ui and rebuild it when ui/ changed.
// (cluster/herder binds fixed REST ports 18101-18103, but no other file uses them.)
const RULES = [
  { match: /^test\/integration\/cluster\/processes-nats-restart\.test\.ts$/, uses: { nats: 'exclusive' } },
  { match: /^test\/integration\/cluster\//, uses: { nats: 'shared' } },
  { match: /^test\/integration\/smoke\.test\.ts$/, uses: { nats: 'shared' } },
  // Distributed workers outside cluster/ (they join a group over NATS too).
  { match: /^test\/integration\/worker\/(offsets-large-patch|secure-pipeline|delete-pending-start|forward-timeout|listeners-validation)\.test\.ts$/, uses: { nats: 'shared' } },
  { match: /^test\/integration\/hdfs\//, uses: { maven: 'shared' } },
  // avro-tools and protoc (java-tools.ts, under its lock) as independent Avro and Protobuf codecs.
  { match: /^test\/integration\/converters\/(avro-java-interop|avro-pipeline-e2e|protobuf-protoc-interop)\.test\.ts$/, uses: { maven: 'shared' } },
  { match: /^test\/integration\/cli\/migrate\.test\.ts$/, uses: { maven: 'shared' } },
  { match: /^test\/integration\/(cli\/broker-outage|streams\/sink-broker-restart)\.test\.ts$/, uses: { 'private-broker': 'exclusive' } },
  { match: /^test\/integration\/json-converter-compat\.test\.ts$/, uses: { maven: 'exclusive' } },
  { match: /^test\/integration\/(package\/pack|connector-template\/template)\.test\.ts$/, uses: { 'sluice-build': 'exclusive' } },
  // The dashboard's files serve dist/ui and build it when it is older than ui/: one at a time, and never during a pack.
  { match: /^test\/integration\/ui\/cluster\.test\.ts$/, uses: { nats: 'shared' } },
  { match: /^test\/integration\/ui\//, uses: { 'sluice-build': 'exclusive' } },
];

// Unit files run several to a process (batch-entry.mjs). A file that changes process-wide state that another
// file's tests read needs a process of its own:
// - errors/worker-transforms registers a test transform in the shared transformRegistry() when it is loaded;
//   transforms/chain asserts that the shared registry holds exactly the built-ins.
// - testing/ (sluice/testing), and the files with tests on its virtual clock (cli/run-outcome, errors/pipelines,
//   streams/rate-limit),
//   replace the process's timers and Date while those tests run.
const OWN_PROCESS = [
  /^test\/unit\/errors\/worker-transforms\.test\.ts$/,
  /^test\/unit\/testing\//,
  /^test\/unit\/(cli\/run-outcome|errors\/pipelines|streams\/rate-limit)\.test\.ts$/,
];

/** True if a unit file (path relative to the repository, with '/') must not share its process. */
export function needsOwnProcess(relPath) {
  return OWN_PROCESS.some((re) => re.test(relPath));
}

/** The resources a file (path relative to the repository, with '/') holds while it runs: the first rule per resource wins. */
export function resourcesOf(relPath) {
  const uses = {};
  for (const rule of RULES) {
    if (!rule.match.test(relPath)) continue;
    for (const [name, mode] of Object.entries(rule.uses)) uses[name] ??= mode;
  }
  return uses;
}

/** Shared/exclusive holds on named resources. */
export class ResourceLocks {
  #shared = new Map();
  #exclusive = new Set();

  canTake(uses) {
    return Object.entries(uses).every(([name, mode]) =>
      !this.#exclusive.has(name) && (mode === 'shared' || (this.#shared.get(name) ?? 0) === 0));
  }

  take(uses) {
    for (const [name, mode] of Object.entries(uses)) {
      if (mode === 'exclusive') this.#exclusive.add(name);
      else this.#shared.set(name, (this.#shared.get(name) ?? 0) + 1);
    }
  }

  release(uses) {
    for (const [name, mode] of Object.entries(uses)) {
      if (mode === 'exclusive') this.#exclusive.delete(name);
      else this.#shared.set(name, (this.#shared.get(name) ?? 1) - 1);
    }
  }
}
