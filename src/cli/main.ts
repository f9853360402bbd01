// The `llm-bench` command line: parses arguments, runs one command, maps failures to exit codes.
import { Command, CommanderError, Option } from 'commander';
import { InputError, getErrorMessage } from '../util/errors.js';
import { TOOL_VERSION } from '../version.js';
import { oneLine, positiveInt, reportId, runnerLabel } from './io.js';
import { checkOutputPaths } from '../io/files.js';
import { MODEL_TYPES } from '../model/make.js';
import { SHAPE_NAMES } from '../model/presets.js';
import { runCommand, type CliContext } from './commands/run.js';
import { makeModelCommand } from './commands/make-model.js';
import { abCommand, compareCommand, reportCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { exportCommand, importCommand } from './commands/interchange.js';
import { soakCommand, sweepCommand } from './commands/analyse.js';
import { EXPORT_FORMATS } from '../interchange/export.js';

import { EXIT } from './exit.js';
import { InterruptedError } from '../runner/session.js';
export { EXIT };

/** Exit codes, environment and one example under every command's --help. */
const EXIT_HELP =
  'Exit codes: 0 pass, 1 regression, 2 bad input or usage, 3 incomplete (not judged in full), 130 interrupted.';
const ENV_HELP: Record<string, string> = {
  LLM_BENCH_LABEL: 'runner label when --label is not given',
  LLM_BENCH_CACHE_DIR: 'where hf:/URL models are downloaded and looked up first (default ~/.cache/llm-bench/models)',
  HF_TOKEN: 'token for gated Hugging Face models',
  HF_ENDPOINT: 'a Hugging Face mirror (also MODEL_ENDPOINT)',
  OLLAMA_HOST: 'the Ollama server when the config names no host',
  LLM_BENCH_DOWNLOAD_STALL_S: 'seconds a model download may go without progress before it fails (default 60)',
  LLM_BENCH_DEBUG: 'print stack traces of unexpected errors',
};
function helpFooter(example: string, env: string[] = []): string {
  const lines = ['', EXIT_HELP];
  if (env.length) lines.push('', 'Environment:', ...env.map((name) => `  ${name.padEnd(20)} ${ENV_HELP[name]}`));
  lines.push('', 'Example:', `  ${example}`);
  return lines.join('\n');
}

export function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('llm-bench')
    .description(
      'Benchmark local LLM inference, compare with a baseline using real statistics, and report regressions.',
    )
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
    .requiredOption('--config <file>', 'the bench.yml to run (required)')
    .requiredOption(
      '--out <file>',
      'results file to write (samples also stream to <file>.jsonl as they are measured) (required)',
    )
    .option(
      '--label <label>',
      'runner label the results are keyed by (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])',
      runnerLabel,
    )
    .option('--repetitions <n>', 'override workload.repetitions', positiveInt('--repetitions'))
    .option('--cache-dir <dir>', 'where downloaded models are kept (default: ~/.cache/llm-bench/models)')
    .addHelpText(
      'after',
      helpFooter('llm-bench run --config bench.yml --out results.json --label gpu-4080', [
        'LLM_BENCH_LABEL',
        'LLM_BENCH_CACHE_DIR',
        'LLM_BENCH_DOWNLOAD_STALL_S',
        'HF_TOKEN',
        'HF_ENDPOINT',
        'OLLAMA_HOST',
        'LLM_BENCH_DEBUG',
      ]),
    )
    .action(async (opts) => setExit(await runCommand(opts, ctx)));

  program
    .command('make-model')
    .description('write a tiny GGUF model (llama architecture, random weights) that llama.cpp really runs')
    .requiredOption('--out <file>', 'the .gguf file to write (required)')
    .addOption(new Option('--preset <preset>', 'model size').choices(['tiny', 'small', 'medium']).default('tiny'))
    .addOption(
      new Option(
        '--shape <shape>',
        "a preset or a real model's shape, with random weights; wins over --preset",
      ).choices(SHAPE_NAMES),
    )
    .addOption(new Option('--type <type>', 'tensor type of the weights (default f32)').choices(MODEL_TYPES))
    .option('--seed <n>', 'seed of the random weights', positiveInt('--seed', 2 ** 32 - 1), 1)
    .addHelpText(
      'after',
      helpFooter('llm-bench make-model --shape smollm2-135m --type q4_0 --out models/smollm2-q4.gguf', []),
    )
    .action(async (opts) => {
      await checkOutputPaths([{ label: '--out', path: opts.out }], []);
      setExit(await makeModelCommand(opts, ctx));
    });

  program
    .command('compare')
    .description('compare head results with a baseline (or a history of baselines) and write an llm-bench/verdict@1')
    .requiredOption(
      '--base <file...>',
      'baseline results; give three or more stored runs to use their spread (history) (required)',
    )
    .requiredOption('--head <file>', 'results to judge (required)')
    .option('--config <file>', 'bench.yml whose gates and compare settings apply (default: alpha 0.05, min_effect 3%)')
    .option('--out <file>', 'write the verdict JSON here')
    .addOption(new Option('--format <format>', 'what to print').choices(['md', 'json']).default('md'))
    .option('--template <file>', 'Handlebars template replacing the built-in comment template')
    .addHelpText(
      'after',
      helpFooter('llm-bench compare --base base.json --head head.json --config bench.yml --out verdict.json', [
        'LLM_BENCH_DEBUG',
      ]),
    )
    .action(async (opts) => setExit(await compareCommand(opts, ctx)));

  program
    .command('ab')
    .description('run base and head configs interleaved in randomised blocks on this machine and compare them pairwise')
    .requiredOption('--base-config <file>', 'the config as on the base branch (required)')
    .requiredOption('--head-config <file>', 'the config as in the pull request (required)')
    .requiredOption('--out <file>', 'write the verdict JSON here (required)')
    .option('--results <file>', 'results of both sides (default: ab-results.json beside --out)')
    .option('--label <label>', 'runner label (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])', runnerLabel)
    .option('--repetitions <n>', 'blocks to run (overrides workload.repetitions)', positiveInt('--repetitions'))
    .addOption(new Option('--format <format>', 'what to print').choices(['md', 'json']).default('md'))
    .option('--template <file>', 'Handlebars template replacing the built-in comment template')
    .option('--cache-dir <dir>', 'where downloaded models are kept')
    .addHelpText(
      'after',
      helpFooter('llm-bench ab --base-config base/bench.yml --head-config bench.yml --out verdict.json', [
        'LLM_BENCH_LABEL',
        'LLM_BENCH_CACHE_DIR',
        'LLM_BENCH_DOWNLOAD_STALL_S',
        'HF_TOKEN',
        'HF_ENDPOINT',
        'OLLAMA_HOST',
        'LLM_BENCH_DEBUG',
      ]),
    )
    .action(async (opts) => setExit(await abCommand(opts, ctx)));

  program
    .command('report')
    .description('render a verdict as Markdown with a Handlebars template')
    .requiredOption('--verdict <file>', 'an llm-bench/verdict@1 file (required)')
    .addOption(
      new Option('--kind <kind>', 'built-in template').choices(['comment', 'summary', 'check']).default('comment'),
    )
    .option('--template <file>', 'your own Handlebars template (overrides --kind)')
    .option('--report-id <id>', 'id in the hidden marker of a comment', reportId, 'llm-bench')
    .option('--out <file>', 'write the Markdown here instead of printing it')
    .addHelpText('after', helpFooter('llm-bench report --verdict verdict.json --kind summary --out summary.md', []))
    .action(async (opts) => setExit(await reportCommand(opts, ctx)));

  program
    .command('demo')
    .description(
      'offline demo: generate models, benchmark a baseline and a pull request that swaps the model, compare, report',
    )
    .option('--out-dir <dir>', 'where the demo writes its results, verdict and report', 'out/demo')
    .option('--repetitions <n>', 'override workload.repetitions', positiveInt('--repetitions'))
    .addHelpText('after', helpFooter('npm run demo   (or: llm-bench demo --out-dir out/demo)', ['LLM_BENCH_CACHE_DIR']))
    .action(async (opts) => setExit(await demoCommand(opts, ctx)));

  program
    .command('import')
    .description("convert another tool's results into an llm-bench/results@1 file (for compare, history and reports)")
    .addOption(
      new Option('--from <tool>', 'the tool that wrote the file (required)')
        .choices(['llama-bench', 'vllm'])
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--file <file>',
      'its output (llama-bench: -o json or -o jsonl; vllm: bench serve --save-result [--save-detailed]) (required)',
    )
    .requiredOption('--out <file>', 'the results file to write (required)')
    .requiredOption('--label <label>', 'runner label the results are keyed by (required)', runnerLabel)
    .addHelpText(
      'after',
      helpFooter(
        'llama-bench -m model.gguf -p 512 -n 128 -r 5 -o jsonl > bench.jsonl && llm-bench import --from llama-bench --file bench.jsonl --out results.json --label gpu-4080',
      ),
    )
    .action(async (opts) => setExit(await importCommand(opts, ctx)));

  program
    .command('export')
    .description('write results (or a verdict) in the formats other tools read')
    .option('--results <file>', 'an llm-bench/results@1 file')
    .option('--verdict <file>', 'an llm-bench/verdict@1 file (csv or jsonl)')
    .addOption(
      new Option(
        '--format <format>',
        'bmf: Bencher Metric Format; gab-bigger / gab-smaller: github-action-benchmark custom JSON; csv; jsonl (required)',
      )
        .choices([...EXPORT_FORMATS])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'write here instead of printing')
    .addHelpText('after', helpFooter('llm-bench export --results results.json --format bmf --out bmf.json', []))
    .action(async (opts) => setExit(await exportCommand(opts, ctx)));

  program
    .command('sweep')
    .description(
      'what a matrix run means: per model and prompt the best configuration, the ones not significantly different, what matters',
    )
    .requiredOption('--results <file>', 'results of a run with a matrix (required)')
    .requiredOption('--objective <metric>', 'the metric to optimise, e.g. decode_tps (required)')
    .addOption(
      new Option('--goal <goal>', "max or min (default: the metric's better direction)").choices(['max', 'min']),
    )
    .option('--constraint <rule...>', 'e.g. ttft_ms:max=500, success_rate:min=0.99, ttft_ms:max=500:p90')
    .addOption(new Option('--format <format>', 'what to print').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write here instead of printing')
    .addHelpText(
      'after',
      helpFooter('llm-bench sweep --results sweep.json --objective decode_tps --constraint ttft_ms:max=500:p90'),
    )
    .action(async (opts) => setExit(await sweepCommand(opts, ctx)));

  program
    .command('soak')
    .description(
      "a long run's readiness from its journal: success with its interval, drift per hour, outages, cold start",
    )
    .requiredOption('--journal <file>', 'the <out>.jsonl journal llm-bench run wrote (required)')
    .option('--results <file>', 'its results file (adds decode speed by output length)')
    .addOption(new Option('--format <format>', 'what to print').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write here instead of printing')
    .addHelpText('after', helpFooter('llm-bench soak --journal out/soak.json.jsonl --results out/soak.json'))
    .action(async (opts) => setExit(await soakCommand(opts, ctx)));

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
    if (error instanceof InterruptedError) {
      ctx.log(`llm-bench: ${oneLine(error.message)}`);
      return EXIT.interrupted;
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
