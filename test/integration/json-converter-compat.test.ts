/**
 * Byte-for-byte compatibility with Apache Kafka's own JsonConverter (and SimpleHeaderConverter), run on a JVM:
 * test/java holds a small program on connect-json/connect-api (the broker helper's Kafka version), built with
 * Maven into .stack/java-compat/ (skipped while up to date). For every corpus case Kafka writes the same logical
 * value (bytes must equal ours), reads our bytes (must decode as we do), and we read Kafka's bytes (must decode
 * as Kafka does, and to the original value unless the case is lossy). Needs Java 17+ and Maven; ~/.m2 may be cold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCases } from '../java/cases.js';
import { buildOracle, compare, formatMismatches, pickJava, runOracle } from '../java/compat.js';

test('JsonConverter and SimpleHeaderConverter match Kafka 3.9 byte for byte, both directions', { timeout: 15 * 60_000 }, () => {
  const java = pickJava();
  assert.ok(java.major >= 17, `Java 17+ is needed to run Kafka's converter (found ${java.major || 'none'} at ${java.bin})`);
  const classpath = buildOracle((s) => console.log(s));
  const cases = buildCases();
  const results = runOracle(cases, java, classpath);
  const legacy = java.major < 19;
  const { mismatches, checks, notes } = compare(cases, results, { legacyJdkNumberFormat: legacy });
  console.log(`Kafka on Java ${java.major} (${java.bin}): ${cases.length} cases, ${checks} checks, ${mismatches.length} mismatches`);
  if (legacy && notes.length) {
    console.log(`${notes.length} values print differently on JDK ${java.major} (JDK 19+ changed Double/Float.toString); accepted:`);
    for (const n of notes.slice(0, 10)) console.log(`  ${n}`);
  }
  if (mismatches.length) console.log(formatMismatches(mismatches));
  assert.equal(mismatches.length, 0, `${mismatches.length} mismatches with Kafka's JsonConverter:\n${formatMismatches(mismatches.slice(0, 50))}`);
});
