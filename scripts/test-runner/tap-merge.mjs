// Merges the TAP output of several test processes (`node --test-reporter=tap file.js`, one per test file) into
// ONE TAP document: one header, top-level tests renumbered 1..N in the order they finish, one plan, and one
// closing summary (`# tests N`, `# pass N`, `# fail N`, ...) summed over every process, which is what CI reads.
// A process's output is written one whole top-level test at a time (its `# Subtest:` line, nested results and
// YAML block), so two processes never interleave inside a test. What a test prints itself on stdout is not
// TAP; it is kept as a `# ` comment line, as `node --test` does.

const SUMMARY_KEYS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
const TOP_RESULT = /^(not ok|ok) \d+(.*)$/;
const PLAN = /^1\.\.\d+$/;
const SUMMARY = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) (\d+(?:\.\d+)?)$/;
/** Lines node's TAP reporter writes outside a YAML block. */
const TAP_LINE = /^ *(?:# |#$|(?:not )?ok \d+|1\.\.\d+$)/;
const YAML_START = /^( *)---$/;

export class TapMerger {
  #write;
  #number = 0;
  #totals = Object.fromEntries(SUMMARY_KEYS.map((k) => [k, 0]));

  /** @param write receives whole chunks of text (lines with their newlines). */
  constructor(write) {
    this.#write = write;
    write('TAP version 13\n');
  }

  /**
   * A sink for one process's stdout, fed line by line (without newlines).
   * `onResult(name, ok, durationMs)` hears of each top-level test as it is written out.
   */
  stream(onResult = () => {}) {
    return new TapStream((lines) => this.#flush(lines), (summary) => this.#add(summary), onResult);
  }

  /** A failing top-level test for what is not a test's own result (a test process that crashed or exited non-zero). */
  failure(name, details) {
    const yaml = Object.entries(details).map(([k, v]) => `  ${k}: ${JSON.stringify(String(v))}`);
    this.#flush([`# Subtest: ${name}`, `not ok 0 - ${name}`, '  ---', ...yaml, '  ...']);
    this.#add({ tests: 1, fail: 1 });
  }

  get totals() {
    return { ...this.#totals };
  }

  /** The plan and the closing summary. */
  end(durationMs) {
    const lines = [`1..${this.#number}`, ...SUMMARY_KEYS.map((k) => `# ${k} ${this.#totals[k]}`), `# duration_ms ${durationMs.toFixed(3)}`];
    this.#write(lines.join('\n') + '\n');
  }

  #flush(lines) {
    if (lines.length === 0) return;
    const text = lines.map((l) => {
      const m = TOP_RESULT.exec(l);
      return m ? `${m[1]} ${++this.#number}${m[2]}` : l;
    });
    this.#write(text.join('\n') + '\n');
  }

  #add(summary) {
    for (const k of SUMMARY_KEYS) this.#totals[k] += summary[k] ?? 0;
  }
}

class TapStream {
  #flush;
  #addSummary;
  #chunk = [];
  /** A top-level result line was seen: the chunk is complete at the end of its YAML block. */
  #resultSeen = false;
  /** Inside a YAML block: the line that ends it. */
  #yamlEnd = null;
  #afterPlan = false;
  /** The top-level test whose `# Subtest:` line came last: only its result line is a result. */
  #subtest = null;
  #summary = {};
  #onResult;

  constructor(flush, addSummary, onResult) {
    this.#flush = flush;
    this.#addSummary = addSummary;
    this.#onResult = onResult;
  }

  line(l) {
    if (this.#yamlEnd !== null) {
      this.#chunk.push(l);
      if (l === this.#yamlEnd) {
        this.#yamlEnd = null;
        if (this.#resultSeen && l === '  ...') this.#emit();
      }
      return;
    }
    if (this.#afterPlan) {
      const m = SUMMARY.exec(l);
      if (m) this.#summary[m[1]] = Number(m[2]);
      else if (l !== '') this.#flush([TAP_LINE.test(l) ? l : `# ${l}`]);
      return;
    }
    if (l.startsWith('TAP version ')) return;
    const yaml = YAML_START.exec(l);
    if (yaml && this.#follows(yaml[1].length - 2)) {
      this.#chunk.push(l);
      this.#yamlEnd = `${yaml[1]}...`;
      return;
    }
    if (l === '') return;
    if (!TAP_LINE.test(l) || !this.#announced(l)) l = `# ${l}`;
    const topLevel = l[0] !== ' ';
    if (this.#resultSeen && topLevel) this.#emit();
    if (PLAN.test(l)) {
      this.#afterPlan = true;
      return;
    }
    this.#chunk.push(l);
    if (topLevel && TOP_RESULT.test(l)) this.#resultSeen = true;
  }

  /** Ends the stream; returns the summary it printed, or null if it printed none (the process died). */
  end() {
    this.#emit();
    if (!this.#afterPlan || this.#summary.tests === undefined) return null;
    this.#addSummary(this.#summary);
    return { ...this.#summary };
  }

  /**
   * Keeps track of the top-level `# Subtest: name` lines, and says whether a top-level result line belongs to
   * the last one; a test that prints `ok 1 - x` itself does not make a result.
   */
  #announced(l) {
    if (l.startsWith('# Subtest: ')) {
      this.#subtest = l.slice('# Subtest: '.length);
      return true;
    }
    const m = TOP_RESULT.exec(l);
    if (!m) return true;
    const ok = this.#subtest !== null && (m[2] === ` - ${this.#subtest}` || m[2].startsWith(` - ${this.#subtest} # `));
    if (ok) this.#subtest = null;
    return ok;
  }

  /** True if the last line kept was a test result indented by `indent` (a YAML block belongs to it). */
  #follows(indent) {
    const last = this.#chunk[this.#chunk.length - 1];
    return last !== undefined && /^ *(?:not )?ok \d+/.test(last) && last.length - last.trimStart().length === indent;
  }

  #emit() {
    const result = this.#chunk.map((l) => TOP_RESULT.exec(l)).find(Boolean);
    if (result) {
      const duration = this.#chunk.map((l) => /^  duration_ms: ([\d.]+)$/.exec(l)).find(Boolean);
      this.#onResult(result[2].replace(/^ - /, ''), result[1] === 'ok', duration ? Number(duration[1]) : NaN);
    }
    this.#flush(this.#chunk);
    this.#chunk = [];
    this.#resultSeen = false;
  }
}
