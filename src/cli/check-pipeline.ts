/**
 * Loads pipeline files for `run` and `validate`: the file loader's checks plus the worker's own connector keys
 * (restart policy, transforms seam), all problems together.
 */
import { readFile } from 'node:fs/promises';
import type { PluginRegistry } from '../connectors/registry.js';
import { PipelineFileError, loadPipelineFiles, parsePipelineText, type PipelineProblem, type PipelineSpec } from './pipeline-file.js';
import { withWorkerKeys, workerKeyProblems } from '../worker/validate.js';

async function workerKeyFileProblems(paths: readonly string[], registry: PluginRegistry): Promise<PipelineProblem[]> {
  const parsed = [];
  for (const file of paths) {
    try {
      parsed.push(parsePipelineText(await readFile(file, 'utf8'), file));
    } catch {
      continue; // reported by the loader
    }
  }
  // The worker sections together (conflicts are the loader's to report): the override policy is the worker's.
  const worker = Object.assign({}, ...parsed.map((f) => f.worker)) as Record<string, string>;
  const problems: PipelineProblem[] = [];
  for (const f of parsed) {
    for (const c of f.connectors) {
      for (const p of workerKeyProblems(c.config, worker, registry)) {
        problems.push({ file: c.file, connector: c.name, ...(p.key !== undefined ? { key: p.key } : {}), reason: p.reason });
      }
    }
  }
  return problems;
}

/** The merged pipeline, or a PipelineFileError with every problem of every file. */
export async function checkPipeline(paths: readonly string[], registry: PluginRegistry): Promise<PipelineSpec> {
  let spec: PipelineSpec | undefined;
  const problems: PipelineProblem[] = [];
  try {
    spec = await loadPipelineFiles(paths, registry, withWorkerKeys({}, registry));
  } catch (e) {
    if (!(e instanceof PipelineFileError)) throw e;
    problems.push(...e.problems);
  }
  problems.push(...(await workerKeyFileProblems(paths, registry)));
  if (problems.length > 0 || !spec) throw new PipelineFileError(problems);
  return spec;
}
