// Transpiles the TypeScript of src/ and test/ once per change into a cache below node_modules, so that each test
// process loads plain JavaScript instead of starting tsx (its loader thread and esbuild service cost ~0.4 s of
// CPU per process, and every import crosses the loader thread). The transform is the one tsx applies (esbuild,
// the repository's tsconfig), file by file, with no bundling: a module keeps its relative imports, so the cache
// mirrors the tree. `import.meta.url`/`dirname`/`filename` are replaced by the SOURCE file's location, so code
// that finds files next to itself (package.json, .git, test fixtures, bin/sluice.js) sees the checkout, not the
// cache. Inline source maps point stack traces back at the .ts files (run with --enable-source-maps).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// esbuild is tsx's own dependency: resolve it through tsx so a nested install works as well as a hoisted one.
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild');

/** Bump when the way files are transformed changes, so old cache entries are not reused. */
const FORMAT = 1;
const MARK = '// sluice-test-build ';

/** Every .ts file (not .d.ts) below `dir`, relative to `root`, skipping node_modules and dot folders. */
function tsFiles(root, dir, out = []) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) tsFiles(root, rel, out);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      out.push(rel);
    }
  }
  return out;
}

/** The first line of a file, or '' (enough to read the build mark without reading the whole file). */
function firstLine(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(120);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    return nl < 0 ? text : text.slice(0, nl);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function compilerOptions(root) {
  const raw = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  return raw.compilerOptions ?? {};
}

/** Output path in the cache for a source path (both relative to their roots). */
export function outputPath(outDir, relTs) {
  return join(outDir, relTs.replace(/\.ts$/, '.js'));
}

/**
 * Brings `outDir` up to date with the .ts files below `dirs` of `root`; removes outputs whose source is gone.
 * Safe when two runs share the cache: each output is written to a temporary name and renamed into place.
 * Returns { files, transformed, ms }.
 */
export async function transpileTree({ root, dirs, outDir }) {
  const started = performance.now();
  const tsconfigRaw = { compilerOptions: compilerOptions(root) };
  const common = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcesContent: false, tsconfigRaw };
  const optionsKey = JSON.stringify([FORMAT, esbuild.version, common]);
  const sources = dirs.flatMap((d) => tsFiles(root, d));
  mkdirSync(outDir, { recursive: true });
  // The cache sits below node_modules, where Node stops looking for the package.json that says "type": "module".
  writeIfChanged(join(outDir, 'package.json'), '{ "type": "module" }\n');

  const failures = [];
  let transformed = 0;
  await Promise.all(sources.map(async (rel) => {
    const abs = join(root, rel);
    const code = readFileSync(abs, 'utf8');
    const hash = createHash('sha1').update(optionsKey).update('\0').update(abs).update('\0').update(code).digest('hex');
    const out = outputPath(outDir, rel);
    if (firstLine(out) === MARK + hash) return;
    try {
      const result = await esbuild.transform(code, {
        ...common,
        sourcefile: abs,
        banner: MARK + hash,
        define: {
          'import.meta.url': JSON.stringify(pathToFileURL(abs).href),
          'import.meta.dirname': JSON.stringify(dirname(abs)),
          'import.meta.filename': JSON.stringify(abs),
        },
      });
      mkdirSync(dirname(out), { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, result.code);
      renameSync(tmp, out);
      transformed++;
    } catch (e) {
      failures.push(`${rel}: ${e.message}`);
    }
  }));
  if (failures.length) throw new Error(`cannot transpile ${failures.length} file(s):\n${failures.join('\n')}`);

  const wanted = new Set(sources.map((rel) => outputPath(outDir, rel)));
  pruneStale(outDir, outDir, wanted);
  return { files: sources.length, transformed, ms: performance.now() - started };
}

function writeIfChanged(path, text) {
  try {
    if (readFileSync(path, 'utf8') === text) return;
  } catch {}
  writeFileSync(path, text);
}

/** Deletes cached .js files whose .ts source no longer exists (a moved or deleted module must not linger). */
function pruneStale(outDir, dir, wanted) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) pruneStale(outDir, path, wanted);
    else if (e.name.endsWith('.js') && !wanted.has(path)) rmSync(path, { force: true });
    else if (e.name.endsWith('.tmp') && isOld(path)) rmSync(path, { force: true });
  }
}

function isOld(path) {
  try {
    return Date.now() - statSync(path).mtimeMs > 60_000;
  } catch {
    return false;
  }
}
