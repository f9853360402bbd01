// `llm-bench run`: benchmark a config on this machine and write an llm-bench/results@1 file.
import { dirname, resolve } from 'node:path';
import { runSession, untilInterrupted } from '../../runner/session.js';
import type { Results } from '../../schema/results.js';
import { loadConfig, type LoadedConfig } from '../../io/config.js';
import { checkOutputDir, checkOutputPaths, type NamedPath } from '../../io/files.js';
import { defaultCacheDir, gitIdentity } from '../io.js';
import { InputError } from '../../util/errors.js';

export interface CliContext {
  env: Record<string, string | undefined>;
  /** Progress and diagnostics (stderr). */
  log: (line: string) => void;
  /** Reports and machine-readable output (stdout). */
  print: (text: string) => void;
  tty: boolean;
}

export interface RunSideInput {
  side?: 'base' | 'head';
  configPath: string;
  /** The config already loaded (and checked) from configPath. */
  config?: LoadedConfig;
}

/** The files a config makes the run read: the config itself, its prompt files and its local model files. */
export function configInputs(config: LoadedConfig, flag: string): NamedPath[] {
  const out: NamedPath[] = [{ label: flag, path: config.file }];
  config.prompts.forEach((p, i) => {
    if (p.file)
      out.push({
        label: flag,
        path: resolve(config.dir, p.file),
        shown: `the prompt file ${p.file} (prompts[${i}].file in ${config.file})`,
      });
  });
  config.models.forEach((m, i) => {
    if (m.source === 'path')
      out.push({
        label: flag,
        path: resolve(config.dir, m.name),
        shown: `the model file ${m.name} (models[${i}] in ${config.file})`,
      });
  });
  return out;
}

/** The results file and its journal (`<out>.jsonl`), as the runner writes them. */
export function resultsOutputs(out: string, flag: string): NamedPath[] {
  return [
    { label: flag, path: out },
    { label: flag, path: `${out}.jsonl`, shown: `${out}.jsonl (the journal of ${flag} ${out})` },
  ];
}

/** Runs configs in one session with Ctrl-C stopping cleanly; shared by `run`, `ab` and the demo. */
export async function runSides(
  inputs: RunSideInput[],
  opts: { out: string; label?: string; repetitions?: number; cacheDir?: string },
  ctx: CliContext,
): Promise<Results> {
  const first = inputs[0]!.configPath;
  // LLM_BENCH_LABEL stands in for --label: the same rule, and an empty one means unset (an empty label is invalid in results).
  const envLabel = ctx.env.LLM_BENCH_LABEL;
  if (opts.label === undefined && envLabel && (!/^[^\u0000-\u001f\u007f]{1,100}$/.test(envLabel) || !envLabel.trim())) {
    throw new InputError(
      `LLM_BENCH_LABEL: expected 1–100 characters on one line, without control characters, got ${JSON.stringify(envLabel)}`,
    );
  }
  const env = envLabel === '' ? { ...ctx.env, LLM_BENCH_LABEL: undefined } : ctx.env;
  const git = await gitIdentity(ctx.env, dirname(resolve(first)));
  return untilInterrupted(
    () => ctx.log('stopping after the current request; everything measured so far is kept'),
    (signal) =>
      runSession(
        inputs.map((i) => ({ side: i.side, config: i.config ?? i.configPath })),
        {
          out: opts.out,
          cacheDir: opts.cacheDir ?? defaultCacheDir(ctx.env),
          label: opts.label,
          repetitions: opts.repetitions,
          git,
          signal,
        },
        { env, log: ctx.log, tty: ctx.tty },
      ),
  );
}

export function describeRun(results: Results, out: string): string {
  const errors = results.cases.reduce((n, c) => n + c.errors.length, 0);
  const requests = results.cases.reduce((n, c) => n + c.requests.ok, 0);
  return `wrote ${out}: ${results.cases.length} case${results.cases.length === 1 ? '' : 's'}, ${requests} measured requests, ${errors} error${errors === 1 ? '' : 's'} (${results.status}) on runner ${results.runner.label}`;
}

export async function runCommand(
  opts: { config: string; out: string; label?: string; repetitions?: number; cacheDir?: string },
  ctx: CliContext,
): Promise<number> {
  // Every input is checked, and the outputs are known to be writable and apart from the inputs, before anything runs.
  const config = await loadConfig(opts.config);
  await checkOutputPaths(resultsOutputs(opts.out, '--out'), configInputs(config, '--config'));
  if (opts.cacheDir) await checkOutputDir({ label: '--cache-dir', path: opts.cacheDir });
  const results = await runSides([{ configPath: opts.config, config }], opts, ctx).catch((error: unknown) => {
    throw error instanceof InputError ? error.inFile(opts.config) : error;
  });
  ctx.log(describeRun(results, opts.out));
  // 130 is the shell's code for an interrupted command; a finished run with failed requests still exits 0.
  return results.status === 'complete' ? 0 : 130;
}
