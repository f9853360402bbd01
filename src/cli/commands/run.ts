// `llm-bench run`: benchmark a config on this machine and write an llm-bench/results@1 file.
import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { createEngine } from '../../engines/index.js';
import type { Engine } from '../../engines/types.js';
import { runBenchmark, type RunSide } from '../../runner/run.js';
import { defaultLabel, fingerprint } from '../../runner/fingerprint.js';
import { defaultSources, startMonitor } from '../../monitor/monitor.js';
import type { Results } from '../../schema/results.js';
import { TOOL_VERSION } from '../../version.js';
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

/** Loads configs, builds their engines and runs them together; shared by `run`, `ab` and the demo. */
export async function runSides(
  inputs: RunSideInput[],
  opts: { out: string; label?: string; repetitions?: number; cacheDir?: string },
  ctx: CliContext,
): Promise<Results> {
  const configs: LoadedConfig[] = [];
  for (const input of inputs) configs.push(await loadConfig(input.configPath));
  const engines: Engine[] = [];
  const abort = new AbortController();
  const onSignal = (): void => {
    ctx.log('stopping after the current request; everything measured so far is kept');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const fp = await fingerprint('pending');
  fp.label = opts.label ?? ctx.env.LLM_BENCH_LABEL ?? defaultLabel(fp);
  const monitor = startMonitor(defaultSources(configs[0]!.engine === 'llama-cpp' ? 'self' : { name: configs[0]!.engine === 'ollama' ? 'ollama' : 'llama-server' }));
  try {
    const sides: RunSide[] = [];
    for (const [i, config] of configs.entries()) {
      const engine = await createEngine(config, { env: ctx.env, log: ctx.log, tty: ctx.tty });
      engines.push(engine);
      sides.push({ side: inputs[i]!.side, config, engine });
    }
    return await runBenchmark({
      sides,
      runner: fp,
      out: resolve(opts.out),
      cacheDir: opts.cacheDir ?? defaultCacheDir(ctx.env),
      toolVersion: TOOL_VERSION,
      git: await gitIdentity(ctx.env, configs[0]!.dir),
      repetitions: opts.repetitions,
      monitor,
      log: ctx.log,
      signal: abort.signal,
    });
  } finally {
    monitor.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const engine of engines) await engine.close().catch(() => {});
  }
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
