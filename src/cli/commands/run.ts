// `llm-bench run`: benchmark a config on this machine and write an llm-bench/results@1 file.
import { dirname, resolve } from 'node:path';
import { runSession, untilInterrupted } from '../../runner/session.js';
import type { Results } from '../../schema/results.js';
import { defaultCacheDir, gitIdentity } from '../io.js';

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
}

/** Runs configs in one session with Ctrl-C stopping cleanly; shared by `run`, `ab` and the demo. */
export async function runSides(
  inputs: RunSideInput[],
  opts: { out: string; label?: string; repetitions?: number; cacheDir?: string },
  ctx: CliContext,
): Promise<Results> {
  const first = inputs[0]!.configPath;
  const git = await gitIdentity(ctx.env, dirname(resolve(first)));
  return untilInterrupted(
    () => ctx.log('stopping after the current request; everything measured so far is kept'),
    (signal) =>
      runSession(
        inputs.map((i) => ({ side: i.side, config: i.configPath })),
        {
          out: opts.out,
          cacheDir: opts.cacheDir ?? defaultCacheDir(ctx.env),
          label: opts.label,
          repetitions: opts.repetitions,
          git,
          signal,
        },
        { env: ctx.env, log: ctx.log, tty: ctx.tty },
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
  const results = await runSides([{ configPath: opts.config }], opts, ctx);
  ctx.log(describeRun(results, opts.out));
  // 130 is the shell's code for an interrupted command; a finished run with failed requests still exits 0.
  return results.status === 'complete' ? 0 : 130;
}
