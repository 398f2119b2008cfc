/** `sluice validate FILE…`: every problem of every file (file, connector, key, reason); exit 2 if any. */
import { PipelineFileError, formatProblem } from './pipeline-file.js';
import { PluginLoadError, registryWithPlugins } from './load-plugins.js';
import { checkPipeline } from './check-pipeline.js';
import type { CliIo } from './io.js';

export async function validateCommand(files: string[], plugins: string[], json: boolean, io: CliIo): Promise<number> {
  let registry;
  try {
    registry = await registryWithPlugins(plugins);
  } catch (e) {
    if (!(e instanceof PluginLoadError)) throw e;
    io.stderr.write(`sluice: ${e.message}\n`);
    return 2;
  }
  try {
    const spec = await checkPipeline(files, registry);
    if (json) {
      io.stdout.write(JSON.stringify({ valid: true, connectors: spec.connectors.map((c) => ({ name: c.name, file: c.file, class: c.config['connector.class'] })), problems: [] }) + '\n');
    } else {
      const names = spec.connectors.map((c) => `${c.name} (${c.config['connector.class']})`).join(', ');
      io.stdout.write(`OK: ${files.join(', ')}: ${spec.connectors.length} connector${spec.connectors.length === 1 ? '' : 's'}: ${names}\n`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof PipelineFileError)) throw e;
    if (json) {
      io.stdout.write(JSON.stringify({ valid: false, problems: e.problems }) + '\n');
    } else {
      io.stdout.write(`${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}:\n${e.problems.map(formatProblem).join('\n')}\n`);
    }
    return 2;
  }
}
