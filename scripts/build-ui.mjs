#!/usr/bin/env node
// Builds the web dashboard (ui/) into dist/ui/: ui/src/main.js bundled with preact and htm by esbuild into one
// minified ES module, the stylesheet copied, both named by a hash of their content (app-<hash>.js,
// style-<hash>.css) so the worker can let browsers cache them for good; index.html (never cached) names them.
// Run by `npm run build`.
//
//   node scripts/build-ui.mjs [outDir]      # default: dist/ui
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const UI = join(ROOT, 'ui');
const out = resolve(ROOT, process.argv[2] ?? join('dist', 'ui'));

const hashed = (prefix, ext, text) => `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.${ext}`;

const result = await build({
  entryPoints: [join(UI, 'src', 'main.js')],
  bundle: true,
  write: false,
  format: 'esm',
  minify: true,
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
  outfile: 'app.js',
});
const js = result.outputFiles[0].text;
const css = readFileSync(join(UI, 'style.css'), 'utf8');
const jsName = hashed('app', 'js', js);
const cssName = hashed('style', 'css', css);
const page = readFileSync(join(UI, 'index.html'), 'utf8');
if (!page.includes('href="style.css"') || !page.includes('src="app.js"')) throw new Error('ui/index.html must name style.css and app.js');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, jsName), js);
writeFileSync(join(out, cssName), css);
writeFileSync(join(out, 'index.html'), page.replace('href="style.css"', `href="${cssName}"`).replace('src="app.js"', `src="${jsName}"`));
