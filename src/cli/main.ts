// The `llm-bench` command line: parses arguments, runs one command, maps failures to exit codes.
import { Command, CommanderError, Option } from 'commander';
import { InputError, getErrorMessage } from '../schema/errors.js';
import { TOOL_VERSION } from '../version.js';
import { positiveInt } from './io.js';
import { runCommand, type CliContext } from './commands/run.js';
import { makeModelCommand } from './commands/make-model.js';

/** Exit codes: 0 pass, 1 regression, 2 bad input or usage, 130 interrupted. */
export const EXIT = { pass: 0, regression: 1, badInput: 2, interrupted: 130 } as const;

export function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('llm-bench')
    .description('Benchmark local LLM inference, compare with a baseline using real statistics, and report regressions.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.print(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.log(s.replace(/\n$/, '')),
      // Usage errors read like every other error: one line, prefixed with the tool's name.
      outputError: (s, write) => write(`llm-bench: ${s}`),
    });

  program
    .command('run')
    .description('benchmark the cases of a config on this machine and write an llm-bench/results@1 file')
    .requiredOption('--config <file>', 'the bench.yml to run')
    .requiredOption('--out <file>', 'results file to write (samples also stream to <file>.jsonl as they are measured)')
    .option('--label <label>', 'runner label the results are keyed by (default: LLM_BENCH_LABEL or <os>-<arch>[-<gpu>])')
    .option('--repetitions <n>', 'override workload.repetitions', positiveInt('--repetitions'))
    .option('--cache-dir <dir>', 'where downloaded models are kept (default: ~/.cache/llm-bench/models)')
    .action(async (opts) => setExit(await runCommand(opts, ctx)));

  program
    .command('make-model')
    .description('write a tiny GGUF model (llama architecture, random weights) that llama.cpp really runs')
    .requiredOption('--out <file>', 'the .gguf file to write')
    .addOption(new Option('--preset <preset>', 'model size').choices(['tiny', 'small', 'medium']).default('tiny'))
    .option('--seed <n>', 'seed of the random weights', positiveInt('--seed'), 1)
    .action(async (opts) => setExit(await makeModelCommand(opts, ctx)));

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
      ctx.log(`llm-bench: error: ${error.message}`);
      return EXIT.badInput;
    }
    ctx.log(`llm-bench: error: ${getErrorMessage(error)}`);
    if (ctx.env.LLM_BENCH_DEBUG && error instanceof Error && error.stack) ctx.log(error.stack);
    return EXIT.badInput;
  }
}
