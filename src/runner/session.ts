// One benchmark session as the CLI and the action run it: configs → engines (+ reference workload) → runner.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../io/config.js';
import { createEngine, type EngineEnvironment } from '../engines/index.js';
import { createLlamaCppEngine } from '../engines/llama-cpp.js';
import type { Engine } from '../engines/types.js';
import { makeModel, modelFileName } from '../model/make.js';
import { runBenchmark, type ReferenceWorkload, type RunSide } from './run.js';
import { defaultLabel, fingerprint } from './fingerprint.js';
import { defaultSources, startMonitor } from '../monitor/monitor.js';
import type { Results } from '../schema/results.js';
import { TOOL_VERSION } from '../version.js';
import { getErrorMessage } from '../util/errors.js';

export interface SessionSide {
  side?: 'base' | 'head';
  /** A config file, or a config already loaded (the action reads the base branch's through the API). */
  config: string | LoadedConfig;
}

export interface SessionOptions {
  out: string;
  cacheDir: string;
  label?: string;
  repetitions?: number;
  git?: { sha?: string; ref?: string };
  /** A/B: the commit the base side's config was read at. */
  baseGit?: { sha?: string; ref?: string };
  /** Stops the run after the current request; what was measured is kept. */
  signal?: AbortSignal;
}

const REFERENCE_PROMPT =
  'Reference workload of llm-bench: a fixed prompt on a fixed generated model, measured beside every case.';

/** The fixed workload measured beside the cases when the config asks for `calibration` (docs/design.md, docs/statistics.md). */
export async function referenceWorkload(
  calibration: NonNullable<LoadedConfig['calibration']>,
  cacheDir: string,
  environment: EngineEnvironment,
): Promise<ReferenceWorkload> {
  // Absolute: model paths are otherwise resolved against the config's directory.
  const path = resolve(cacheDir, 'reference', modelFileName(calibration.preset, 1));
  if (!existsSync(path)) {
    await makeModel({ out: path, preset: calibration.preset, seed: 1 });
    environment.log(`generated the reference model ${path}`);
  }
  return {
    engine: createLlamaCppEngine(
      { options: {}, model_dir: undefined },
      { log: environment.log, importNodeLlamaCpp: environment.importNodeLlamaCpp },
    ),
    model: { id: 'reference', name: path, source: 'path' },
    // One thread: the reference must not fight the engine under test for cores more than it has to.
    params: { threads: 1, context_size: 512 },
    prompt: REFERENCE_PROMPT,
    maxTokens: calibration.max_tokens,
    description: `llama-cpp, generated ${calibration.preset} model (seed 1), ${calibration.max_tokens} tokens, 1 thread`,
  };
}

/**
 * The run was stopped (Ctrl-C, SIGTERM) before it had results to return: while a model was downloaded or loaded,
 * before any request was measured. The CLI exits 130 on it, as on any interrupted run.
 */
export class InterruptedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InterruptedError';
  }
}

/**
 * Runs `work` with a signal that Ctrl-C or a SIGTERM (a cancelled workflow) aborts: the runner then stops after the
 * current request and keeps what it measured; `onStop` says so. A download or a model load under way is cancelled
 * at once (PrepareContext.signal); `work` failing after the stop rejects with an InterruptedError that says what was
 * cancelled. A second signal exits at once (130).
 * The listener stays registered (not `once`): `signal-exit`, which node-llama-cpp's dependencies load, re-raises a
 * signal that no other listener handles, and would kill the process before the results are written.
 */
export async function untilInterrupted<T>(onStop: () => void, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    onStop();
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(abort.signal);
  } catch (error) {
    if (abort.signal.aborted && !(error instanceof InterruptedError)) {
      throw new InterruptedError(`interrupted: ${getErrorMessage(error)}`, { cause: error });
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The engine, with the run's stop signal in every PrepareContext it is given that has none: a download or a model
 * load is then cancelled by the first Ctrl-C rather than waited for. (The runner builds the contexts; this fills in
 * the signal until it passes one itself.)
 */
export function preparingUnder(engine: Engine, signal: AbortSignal | undefined): Engine {
  if (!signal) return engine;
  // A view of the engine, not a copy: getters (customMetrics of the command engine) stay live.
  const view = Object.create(engine) as Engine;
  view.prepare = (model, ctx) => engine.prepare(model, ctx.signal ? ctx : { ...ctx, signal });
  return view;
}

export async function runSession(
  sides: SessionSide[],
  opts: SessionOptions,
  environment: EngineEnvironment,
): Promise<Results> {
  const configs: LoadedConfig[] = [];
  for (const side of sides) configs.push(typeof side.config === 'string' ? await loadConfig(side.config) : side.config);
  const primary = configs[0]!;
  const engines: Engine[] = [];
  const fp = await fingerprint('pending');
  // An empty LLM_BENCH_LABEL counts as unset.
  fp.label = opts.label ?? (environment.env.LLM_BENCH_LABEL || undefined) ?? defaultLabel(fp, environment.env);
  const engineProcess =
    primary.engine === 'llama-cpp' ? 'self' : { name: primary.engine === 'ollama' ? 'ollama' : 'llama-server' };
  const monitor = startMonitor(defaultSources(engineProcess));
  try {
    const runSides: RunSide[] = [];
    for (const [i, config] of configs.entries()) {
      const engine = await createEngine(config, environment);
      engines.push(engine);
      runSides.push({ side: sides[i]!.side, config, engine: preparingUnder(engine, opts.signal) });
    }
    const reference = primary.calibration
      ? await referenceWorkload(primary.calibration, opts.cacheDir, environment)
      : undefined;
    if (reference) engines.push(reference.engine);
    return await runBenchmark({
      sides: runSides,
      reference: reference && { ...reference, engine: preparingUnder(reference.engine, opts.signal) },
      runner: fp,
      out: resolve(opts.out),
      cacheDir: opts.cacheDir,
      toolVersion: TOOL_VERSION,
      git: opts.git,
      baseGit: opts.baseGit,
      repetitions: opts.repetitions,
      monitor,
      log: environment.log,
      signal: opts.signal,
    });
  } finally {
    monitor.stop();
    for (const engine of engines) await engine.close().catch(() => {});
  }
}
