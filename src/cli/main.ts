// The `llm-bench` command line: parses arguments, runs one command, maps failures to exit codes.
import { Command, CommanderError, Option } from 'commander';
import { InputError, getErrorMessage } from '../schema/errors.js';
import { TOOL_VERSION } from '../version.js';
import { oneLine, positiveInt, reportId, runnerLabel } from './io.js';
import { checkOutputPaths } from '../util/files.js';
import { MODEL_TYPES } from '../model/make.js';
import { SHAPE_NAMES } from '../model/presets.js';
import { runCommand, type CliContext } from './commands/run.js';
import { makeModelCommand } from './commands/make-model.js';
import { abCommand, compareCommand, reportCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { exportCommand, importCommand } from './commands/interchange.js';
import { EXPORT_FORMATS } from '../interchange/export.js';

import { EXIT } from './exit.js';
export { EXIT };

export function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('llm-bench')
    .description('Benchmark local LLM inference, compare with a baseline using real statistics, and report regressions.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.print(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.log(s.replace(/\n$/, '')),
      // Usage errors read like every other error: one line, prefixed with the tool's name, with the hint on the same line.
      outputError: (s, write) => write(`llm-bench: ${oneLine(s)} (add --help for usage)`),
    });

  program
    .command('run')
    .description('benchmark the cases of a config on this machine and write an llm-bench/results@1 file')
    .requiredOption('--config <file>', 'the bench.yml to run')
    .requiredOption('--out <file>', 'results file to write (samples also stream to <file>.jsonl as they are measured)')
    .option('--label <label>', 'runner label the results are keyed by (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])', runnerLabel)
    .option('--repetitions <n>', 'override workload.repetitions', positiveInt('--repetitions'))
    .option('--cache-dir <dir>', 'where downloaded models are kept (default: ~/.cache/llm-bench/models)')
    .action(async (opts) => setExit(await runCommand(opts, ctx)));

  program
    .command('make-model')
    .description('write a tiny GGUF model (llama architecture, random weights) that llama.cpp really runs')
    .requiredOption('--out <file>', 'the .gguf file to write')
    .addOption(new Option('--preset <preset>', 'model size').choices(['tiny', 'small', 'medium']).default('tiny'))
    .addOption(new Option('--shape <shape>', "a preset or a real model's shape, with random weights; wins over --preset").choices(SHAPE_NAMES))
    .addOption(new Option('--type <type>', 'tensor type of the weights (default f32)').choices(MODEL_TYPES))
    .option('--seed <n>', 'seed of the random weights', positiveInt('--seed', 2 ** 32 - 1), 1)
    .action(async (opts) => {
      await checkOutputPaths([{ label: '--out', path: opts.out }], []);
      setExit(await makeModelCommand(opts, ctx));
    });

  program
    .command('compare')
    .description('compare head results with a baseline (or a history of baselines) and write an llm-bench/verdict@1')
    .requiredOption('--base <file...>', 'baseline results; give three or more stored runs to use their spread (history)')
    .requiredOption('--head <file>', 'results to judge')
    .option('--config <file>', 'bench.yml whose gates and compare settings apply (default: alpha 0.05, min_effect 3%)')
    .option('--out <file>', 'write the verdict JSON here')
    .addOption(new Option('--format <format>', 'what to print').choices(['md', 'json']).default('md'))
    .option('--template <file>', 'Handlebars template replacing the built-in comment template')
    .action(async (opts) => setExit(await compareCommand(opts, ctx)));

  program
    .command('ab')
    .description('run base and head configs interleaved in randomised blocks on this machine and compare them pairwise')
    .requiredOption('--base-config <file>', 'the config as on the base branch')
    .requiredOption('--head-config <file>', 'the config as in the pull request')
    .requiredOption('--out <file>', 'write the verdict JSON here')
    .option('--results <file>', 'results of both sides (default: ab-results.json beside --out)')
    .option('--label <label>', 'runner label (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])', runnerLabel)
    .option('--repetitions <n>', 'blocks to run (overrides workload.repetitions)', positiveInt('--repetitions'))
    .addOption(new Option('--format <format>', 'what to print').choices(['md', 'json']).default('md'))
    .option('--template <file>', 'Handlebars template replacing the built-in comment template')
    .option('--cache-dir <dir>', 'where downloaded models are kept')
    .action(async (opts) => setExit(await abCommand(opts, ctx)));

  program
    .command('report')
    .description('render a verdict as Markdown with a Handlebars template')
    .requiredOption('--verdict <file>', 'an llm-bench/verdict@1 file')
    .addOption(new Option('--kind <kind>', 'built-in template').choices(['comment', 'summary', 'check']).default('comment'))
    .option('--template <file>', 'your own Handlebars template (overrides --kind)')
    .option('--report-id <id>', 'id in the hidden marker of a comment', reportId, 'llm-bench')
    .option('--out <file>', 'write the Markdown here instead of printing it')
    .action(async (opts) => setExit(await reportCommand(opts, ctx)));

  program
    .command('demo')
    .description('offline demo: generate models, benchmark a baseline and a pull request that swaps the model, compare, report')
    .option('--out-dir <dir>', 'where the demo writes its results, verdict and report', 'out/demo')
    .option('--repetitions <n>', 'override workload.repetitions', positiveInt('--repetitions'))
    .action(async (opts) => setExit(await demoCommand(opts, ctx)));

  program
    .command('import')
    .description("convert another tool's results into an llm-bench/results@1 file (for compare, history and reports)")
    .addOption(new Option('--from <tool>', 'the tool that wrote the file').choices(['llama-bench', 'vllm']).makeOptionMandatory())
    .requiredOption('--file <file>', 'its output (llama-bench: -o json or -o jsonl; vllm: bench serve --save-result [--save-detailed])')
    .requiredOption('--out <file>', 'the results file to write')
    .requiredOption('--label <label>', 'runner label the results are keyed by', runnerLabel)
    .addHelpText('after', '\nExample:\n  llama-bench -m model.gguf -p 512 -n 128 -r 5 -o jsonl > bench.jsonl\n  llm-bench import --from llama-bench --file bench.jsonl --out results.json --label gpu-4080')
    .action(async (opts) => setExit(await importCommand(opts, ctx)));

  program
    .command('export')
    .description('write results (or a verdict) in the formats other tools read')
    .option('--results <file>', 'an llm-bench/results@1 file')
    .option('--verdict <file>', 'an llm-bench/verdict@1 file (csv or jsonl)')
    .addOption(
      new Option('--format <format>', 'bmf: Bencher Metric Format; gab-bigger / gab-smaller: github-action-benchmark custom JSON; csv; jsonl')
        .choices([...EXPORT_FORMATS])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'write here instead of printing')
    .action(async (opts) => setExit(await exportCommand(opts, ctx)));

  return program;
}

export async function main(argv: string[], ctx: CliContext): Promise<number> {
  let code: number = EXIT.pass;
  const program = buildProgram(ctx, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.pass : EXIT.badInput;
    }
    if (error instanceof InputError) {
      ctx.log(`llm-bench: error: ${oneLine(error.message)}`);
      return EXIT.badInput;
    }
    ctx.log(`llm-bench: error: ${oneLine(getErrorMessage(error))}`);
    if (ctx.env.LLM_BENCH_DEBUG && error instanceof Error && error.stack) ctx.log(error.stack);
    return EXIT.badInput;
  }
}
