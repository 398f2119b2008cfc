/** `sluice validate FILE…`: every problem of every file (file, connector, key, reason); exit 2 if any. */
import { PipelineFileError, formatProblem } from './pipeline-file.js';
import { checkPipeline } from './check-pipeline.js';
import { EXIT_CONFIG, EXIT_OK, counted, exitCodeOf } from './command-exit.js';
import { loadPlugins } from './command-setup.js';
import type { CliIo } from './io.js';

export async function validateCommand(files: string[], plugins: string[], json: boolean, io: CliIo): Promise<number> {
  return exitCodeOf(io, async () => {
    const registry = await loadPlugins(plugins);
    try {
      const spec = await checkPipeline(files, registry);
      const warnings = spec.warnings ?? [];
      if (json) {
        const connectors = spec.connectors.map((c) => ({ name: c.name, file: c.file, class: c.config['connector.class'] }));
        io.stdout.write(JSON.stringify({ valid: true, connectors, problems: [], warnings }) + '\n');
      } else {
        const names = spec.connectors.map((c) => `${c.name} (${c.config['connector.class']})`).join(', ');
        io.stdout.write(`OK: ${files.join(', ')}: ${counted(spec.connectors.length, 'connector')}: ${names}\n`);
        // Kept keys are not errors (Kafka Connect accepts them too), but a typo deserves a look.
        if (warnings.length > 0) io.stderr.write(`${counted(warnings.length, 'warning')} (keys kept as Kafka Connect keeps them; check them for typos):\n${warnings.map(formatProblem).join('\n')}\n`);
      }
      return EXIT_OK;
    } catch (e) {
      if (!(e instanceof PipelineFileError)) throw e;
      if (json) {
        io.stdout.write(JSON.stringify({ valid: false, problems: e.problems }) + '\n');
      } else {
        io.stdout.write(`${counted(e.problems.length, 'problem')}:\n${e.problems.map(formatProblem).join('\n')}\n`);
      }
      return EXIT_CONFIG;
    }
  });
}
