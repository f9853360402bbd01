// Runs the planned cases on an engine: load, warm-up, repetitions (interleaved in rounds), time-outs,
// incremental writes, progress. Everything measured is kept, whatever fails later.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LoadedConfig } from '../io/config.js';
import { planCases, type PlannedCase } from '../plan/plan.js';
import {
  EngineError,
  type Engine,
  type EngineParams,
  type LoadedModel,
  type PrepareContext,
  type PreparedModel,
} from '../engines/types.js';
import type { ModelSpec } from '../config/parse.js';
import { metricsOfGeneration } from './metrics.js';
import { CACHED_TOKENS, CACHED_TOKENS_INFO, LOAD_METRICS, cachedTokensOf } from '../schema/metrics.js';
import {
  RESULTS_SCHEMA,
  type CaseError,
  type CaseResult,
  type Results,
  type RunnerFingerprint,
} from '../schema/results.js';
import { getErrorMessage } from '../util/errors.js';
import type { Monitor, MonitorSummary } from '../monitor/monitor.js';
import { writeFileAtomic, sha256Text } from '../io/files.js';
import { formatDuration, newPromptNonce, promptPrefix, shuffle } from './util.js';
import { seededRandom } from '../stats/random.js';
import { runLoad } from './concurrency.js';

/** After a stop, how long the request in flight may still finish before it is dropped as interrupted. */
export const STOP_GRACE_MS = 3000;

/** The request in flight when the run was stopped, dropped after the grace period: not a sample, not a failure. */
class RequestInterrupted extends Error {
  constructor() {
    super('interrupted: the run was stopped while this request was in flight');
  }
}

/** One side of a run: a config and the engine that serves it. A/B runs have two, tagged base and head. */
export interface RunSide {
  side?: 'base' | 'head';
  config: LoadedConfig;
  engine: Engine;
}

/** The fixed reference workload measured beside the cases, so runs on drifting machines can be put on one scale. */
export interface ReferenceWorkload {
  engine: Engine;
  model: ModelSpec;
  params: EngineParams;
  prompt: string;
  maxTokens: number;
  /** How the reference is described in the results (`calibration.workload`). */
  description: string;
}

export interface RunOptions {
  sides: RunSide[];
  reference?: ReferenceWorkload;
  runner: RunnerFingerprint;
  /** Final results file; `<out>.jsonl` receives every sample as it is measured. */
  out: string;
  cacheDir: string;
  toolVersion: string;
  git?: { sha?: string; ref?: string };
  /** A/B runs: the base side's commit. */
  baseGit?: { sha?: string; ref?: string };
  repetitions?: number;
  monitor?: Monitor;
  log?: (line: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Memory the run may keep resident for interleaving (bytes of model files); default half of RAM. */
  residentBudgetBytes?: number;
}

interface LiveCase {
  plan: PlannedCase;
  side?: 'base' | 'head';
  engine: Engine;
  prepared: PreparedModel;
  result: CaseResult;
  loaded?: LoadedModel;
  monitorEnd?: () => MonitorSummary;
  /** Set when the case cannot go on (load failed). */
  dead: boolean;
  /** Measured requests whose server reported cached prompt tokens: how many reported, how many had some, the most. */
  cache?: { reported: number; hits: number; most: number; promptTokens?: number };
}

export async function runBenchmark(opts: RunOptions): Promise<Results> {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const primary = opts.sides[0]!.config;
  const workload = { ...primary.workload, ...(opts.repetitions ? { repetitions: opts.repetitions } : {}) };
  const rng = seededRandom(workload.seed);
  // The unique prompt prefixes (see promptPrefix): a fresh nonce per run, one position per request sent. The
  // seeded generator is never drawn for them, so the schedule depends on the seed alone.
  const nonce = workload.vary_prompt ? newPromptNonce() : undefined;
  let position = 0;
  const nextPrefix = (): string => (nonce === undefined ? '' : promptPrefix(nonce, position++));
  const engineInfo = await opts.sides[0]!.engine.info();
  // The run's stop signal cancels a download or a model load under way at once.
  const ctxFor = (config: LoadedConfig): PrepareContext => ({
    configDir: config.dir,
    cacheDir: opts.cacheDir,
    log,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });

  const liveCase = (plan: PlannedCase, engine: Engine, prepared: PreparedModel, side?: 'base' | 'head'): LiveCase => ({
    plan,
    side,
    engine,
    prepared,
    dead: false,
    result: {
      id: plan.id,
      ...(side ? { side } : {}),
      model: prepared.identity,
      params: plan.params,
      prompt: {
        id: plan.prompt.id,
        sha256: sha256Text(plan.prompt.text!),
        chars: plan.prompt.text!.length,
        max_tokens: plan.prompt.max_tokens,
      },
      samples: {},
      blocks: [],
      errors: [],
      requests: { ok: 0, failed: 0 },
      output_sha256: [],
    },
  });

  // Prepare every model before measuring anything: a bad path fails fast, before a half-written file.
  const cases: LiveCase[] = [];
  for (const side of opts.sides) {
    const prepared = new Map<string, PreparedModel>();
    for (const model of side.config.models)
      prepared.set(model.id, await side.engine.prepare(model, ctxFor(side.config)));
    for (const plan of planCases(side.config))
      cases.push(liveCase(plan, side.engine, prepared.get(plan.model.id)!, side.side));
  }

  let reference: LiveCase | undefined;
  if (opts.reference) {
    const r = opts.reference;
    const prompt = { id: 'reference', text: r.prompt, max_tokens: r.maxTokens };
    const plan: PlannedCase = { id: 'reference', model: r.model, prompt, params: {}, options: r.params };
    reference = liveCase(plan, r.engine, await r.engine.prepare(r.model, ctxFor(primary)));
  }

  // Only now, with every input checked, does anything get written.
  const jsonl = `${opts.out}.jsonl`;
  await mkdir(dirname(opts.out), { recursive: true });
  await writeFile(jsonl, '');
  const event = (e: Record<string, unknown>): Promise<void> =>
    appendFile(jsonl, `${JSON.stringify({ at: now().toISOString(), ...e })}\n`);

  // Engines such as the command engine learn custom metrics as they go: collected again at every snapshot.
  // cached_tokens is declared once a server has reported it (until src/schema/metrics.ts has it among the built-ins).
  let reportedCache = false;
  const declaredMetrics = (): Results['metrics'] =>
    Object.assign(
      workload.concurrency > 1 ? { ...LOAD_METRICS } : {},
      reportedCache ? { [CACHED_TOKENS]: { ...CACHED_TOKENS_INFO } } : {},
      ...opts.sides.map((s) => s.engine.customMetrics ?? {}),
    );
  const results: Results = {
    schema: RESULTS_SCHEMA,
    tool: { name: 'llm-bench', version: opts.toolVersion },
    started_at: now().toISOString(),
    status: 'running',
    runner: opts.runner,
    engine: engineInfo,
    ...(opts.git ? { git: opts.git } : {}),
    ...(opts.baseGit ? { base_git: opts.baseGit } : {}),
    config: { path: primary.file, sha256: sha256Text(primary.text) },
    options: Object.fromEntries(
      Object.entries(primary.options).filter(([, v]) => !Array.isArray(v)),
    ) as Results['options'],
    workload: { ...workload, ...(nonce !== undefined ? { nonce } : {}) },
    metrics: declaredMetrics(),
    cases: cases.map((c) => c.result),
    notes: [],
  };
  const snapshot = (): Promise<void> => {
    results.metrics = declaredMetrics();
    return writeFileAtomic(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  };
  await snapshot();

  // Interleaving keeps every case loaded at once; only do that when the models fit the budget.
  const residentBytes = cases.reduce((sum, c) => sum + (c.prepared.identity.size_bytes ?? 0), 0);
  const budget = opts.residentBudgetBytes ?? (await import('node:os')).totalmem() / 2;
  let interleave = workload.interleave && cases.length > 1;
  const maxLoaded = Math.min(...opts.sides.map((s) => s.engine.maxLoadedCases ?? Infinity));
  if (interleave && cases.length > maxLoaded) {
    interleave = false;
    results.notes.push(
      `cases ran one after another, not interleaved: the ${engineInfo.kind} engine keeps ${maxLoaded} case${maxLoaded === 1 ? '' : 's'} loaded at a time, and switching would reload the model inside the measured requests`,
    );
  } else if (interleave && residentBytes > budget) {
    interleave = false;
    results.notes.push(
      `cases ran one after another, not interleaved: their models (${(residentBytes / 1e9).toFixed(1)} GB) exceed the resident budget (${(budget / 1e9).toFixed(1)} GB)`,
    );
  }

  /** Counts a measured request's cached prompt tokens, as its server reported them (nothing when it did not). */
  const noteCache = (c: LiveCase, cached: number | undefined, promptTokens: number | undefined): void => {
    if (cached === undefined) return;
    reportedCache = true;
    const seen = (c.cache ??= { reported: 0, hits: 0, most: 0 });
    seen.reported++;
    if (cached > 0) seen.hits++;
    if (cached > seen.most) {
      seen.most = cached;
      seen.promptTokens = promptTokens;
    }
  };
  const record = (c: LiveCase, metrics: Record<string, number>, block: number): void => {
    for (const [name, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value) || value < 0) continue;
      (c.result.samples[name] ??= []).push(value);
    }
    c.result.blocks!.push(block);
  };
  /** Counts requests sent again after a closed keep-alive connection lost them, and journals each with its cause. */
  const noteRetries = async (
    c: LiveCase,
    repetition: number,
    retries: string[] | undefined,
    request?: number,
  ): Promise<void> => {
    if (!retries?.length) return;
    c.result.retries = (c.result.retries ?? 0) + retries.length;
    for (const cause of retries)
      await event({
        type: 'retry',
        case: c.result.id,
        side: c.side,
        repetition,
        ...(request !== undefined ? { request } : {}),
        cause,
      });
  };
  const fail = async (c: LiveCase, repetition: number, error: unknown): Promise<void> => {
    if (error instanceof EngineError) await noteRetries(c, repetition, error.retries);
    const kind: CaseError['kind'] = error instanceof EngineError ? error.kind : 'crash';
    const entry: CaseError = { repetition, kind, message: getErrorMessage(error), at: now().toISOString() };
    c.result.errors.push(entry);
    await event({ type: 'error', case: c.result.id, side: c.side, ...entry });
    log(`  ✗ ${label(c)} rep ${repetition + 1}: ${kind}: ${entry.message}`);
  };
  const label = (c: LiveCase): string => (c.side ? `[${c.side}] ${c.result.id}` : c.result.id);

  const load = async (c: LiveCase): Promise<void> => {
    c.result.started_at ??= now().toISOString();
    try {
      c.loaded = await c.engine.load(c.prepared, c.plan.options);
    } catch (error) {
      c.dead = true;
      // A load cancelled by Ctrl-C is not a failure of the model: the run is stopping.
      if (opts.signal?.aborted) return;
      await fail(c, -1, error instanceof EngineError ? error : new EngineError(getErrorMessage(error), 'load'));
      return;
    }
    if (c.loaded.loadMs !== undefined) (c.result.samples.load_ms ??= []).push(c.loaded.loadMs);
    for (const [k, v] of Object.entries(c.loaded.metrics ?? {})) (c.result.samples[k] ??= []).push(v);
    await event({ type: 'load', case: c.result.id, side: c.side, load_ms: c.loaded.loadMs, metrics: c.loaded.metrics });
  };
  const unload = async (c: LiveCase): Promise<void> => {
    if (!c.loaded) return;
    await c.engine
      .unload(c.loaded)
      .catch((error: unknown) => log(`  warning: unloading ${label(c)} failed: ${getErrorMessage(error)}`));
    c.loaded = undefined;
  };

  /**
   * Runs `work` with a signal that aborts after `seconds` or when the run is stopped; an engine that gives up
   * without saying why is reported as a time-out.
   */
  const withTimeout = async <T>(seconds: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    let dropped = false;
    const timer = setTimeout(() => controller.abort(), seconds * 1000);
    // Stopped (Ctrl-C, a cancelled workflow): the request in flight may finish within the grace period; after it,
    // it is dropped as interrupted, never recorded as a time-out or a failure of the engine.
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      grace = setTimeout(() => {
        dropped = true;
        controller.abort();
      }, STOP_GRACE_MS);
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort);
    try {
      return await work(controller.signal);
    } catch (error) {
      if (dropped) throw new RequestInterrupted();
      if (controller.signal.aborted && !(error instanceof EngineError))
        throw new EngineError(`timed out after ${seconds} s`, 'timeout');
      throw error;
    } finally {
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  };

  const request = async (
    c: LiveCase,
    prompt: string,
    repetition: number,
  ): Promise<ReturnType<typeof metricsOfGeneration>> => {
    const gen = await withTimeout(workload.timeout_s, (signal) =>
      c.engine.generate(c.loaded!, {
        prompt,
        maxTokens: c.plan.prompt.max_tokens,
        signal,
        caseId: c.result.id,
        repetition,
      }),
    );
    c.result.output_sha256!.push(gen.outputSha256);
    await noteRetries(c, repetition, gen.retries);
    return metricsOfGeneration(gen);
  };

  const warmUp = async (c: LiveCase, count = workload.warmup): Promise<void> => {
    for (let w = 0; w < count && !c.dead; w++) {
      try {
        await request(c, nextPrefix() + c.plan.prompt.text, -1);
      } catch (error) {
        if (error instanceof RequestInterrupted) return;
        await fail(c, -1, error);
      }
    }
  };

  const startedMs = Date.now();
  const soakUntil = workload.duration_s ? startedMs + workload.duration_s * 1000 : undefined;
  // A soak runs until its duration or its request cap (max_requests), not a fixed number of rounds.
  const cap = workload.max_requests;
  const rounds = soakUntil || cap ? Number.MAX_SAFE_INTEGER : workload.repetitions;
  // The reference (when calibrating) runs once per round beside the cases.
  const measured = reference ? [...cases, reference] : cases;
  const totalSteps = soakUntil ? undefined : rounds * measured.length;
  let steps = 0;
  let completedRepetitions = 0;
  let droppedAtStop = 0;

  /** One repetition under load: `requests` requests with `concurrency` in flight; its summary is one sample. */
  const runLoaded = async (c: LiveCase, round: number): Promise<Record<string, number> | undefined> => {
    const requests = workload.requests ?? workload.concurrency * 4;
    const result = await runLoad({
      requests,
      concurrency: workload.concurrency,
      ratePerSec: workload.rate,
      seed: workload.seed + round,
      timeoutMs: workload.timeout_s * 1000,
      send: async (_i, signal) => {
        const prefix = nextPrefix();
        const gen = await c.engine.generate(c.loaded!, {
          prompt: prefix + c.plan.prompt.text,
          maxTokens: c.plan.prompt.max_tokens,
          signal,
          caseId: c.result.id,
          repetition: round,
        });
        c.result.output_sha256!.push(gen.outputSha256);
        return gen;
      },
    });
    c.result.requests.ok += result.generations.length;
    c.result.requests.failed += result.errors.length;
    // Per-request cached counts: each request is flagged; the repetition's sample is their mean.
    const cached = result.generations.flatMap((g) => {
      const n = cachedTokensOf(g.metrics);
      noteCache(c, n, g.promptTokens);
      return n === undefined ? [] : [n];
    });
    for (const o of result.outcomes) await noteRetries(c, round, o.generation?.retries, o.index + 1);
    for (const e of result.errors) {
      const error = new EngineError(`request ${e.index + 1} of ${requests}: ${e.message}`, e.kind);
      await noteRetries(c, round, e.retries, e.index + 1);
      await fail(c, round, error);
    }
    if (result.generations.length === 0) return undefined;
    return cached.length > 0
      ? { ...result.metrics, [CACHED_TOKENS]: cached.reduce((a, b) => a + b, 0) / cached.length }
      : result.metrics;
  };

  type Outcome = { metrics?: Record<string, number> } | { error: unknown };

  /** Records one measured repetition (or its failure) and prints the progress line. */
  const settle = async (c: LiveCase, round: number, outcome: Outcome): Promise<void> => {
    const metrics = 'metrics' in outcome ? outcome.metrics : undefined;
    if ('error' in outcome && outcome.error instanceof RequestInterrupted) {
      // Neither a sample nor a failure: the run stopped under it.
      droppedAtStop++;
      return;
    }
    if ('error' in outcome) {
      c.result.requests.failed++;
      await fail(c, round, outcome.error);
    } else if (metrics) {
      if (workload.concurrency === 1 || c === reference) noteCache(c, cachedTokensOf(metrics), metrics.prompt_tokens);
      record(c, metrics, round);
      await event({ type: 'sample', case: c.result.id, side: c.side, repetition: round, metrics });
    }
    steps++;
    if (c !== reference) completedRepetitions++;
    const elapsed = Date.now() - startedMs;
    const eta = totalSteps
      ? (elapsed / steps) * (totalSteps - steps)
      : Math.min(
          soakUntil !== undefined ? soakUntil - Date.now() : Infinity,
          cap ? (elapsed / Math.max(1, completedRepetitions)) * (cap - completedRepetitions) : Infinity,
        );
    const repText = soakUntil || cap ? `rep ${round + 1}` : `rep ${round + 1}/${rounds}`;
    const where =
      c === reference ? `[reference ${repText}]` : `[case ${cases.indexOf(c) + 1}/${cases.length} ${repText}]`;
    const detail = metrics
      ? `decode ${metrics.decode_tps?.toFixed(1) ?? '–'} tok/s, ttft ${metrics.ttft_ms?.toFixed(0) ?? '–'} ms`
      : 'failed';
    log(
      `${where} ${label(c)}: ${detail} · elapsed ${formatDuration(elapsed)}, ETA ${formatDuration(Math.max(0, eta))}`,
    );
  };

  const cooldown = async (): Promise<void> => {
    if (workload.cooldown_ms > 0) await new Promise((r) => setTimeout(r, workload.cooldown_ms));
  };

  /**
   * Soak pacing (workload.interval_s): measured requests start one interval apart, on a schedule from the first one
   * (a request that overruns its interval delays the next, none are skipped). A stop or the end of the soak ends
   * the wait at once.
   */
  let nextSlotMs: number | undefined;
  const pace = async (): Promise<void> => {
    if (!workload.interval_s) return;
    const now = Date.now();
    const slot = nextSlotMs ?? now;
    nextSlotMs = Math.max(slot, now) + workload.interval_s * 1000;
    const until = Math.min(slot, soakUntil ?? Infinity);
    if (until <= now || stopped()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, until - now);
      function done(): void {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', done);
        resolve();
      }
      opts.signal?.addEventListener('abort', done);
    });
  };

  const runOne = async (c: LiveCase, round: number): Promise<void> => {
    if (c.dead) return;
    if (c !== reference) await pace();
    if (stopped() || past()) return;
    // Under load each request takes its own prefix (runLoaded); this one is for the single request.
    const prefix = workload.concurrency > 1 && c !== reference ? '' : nextPrefix();
    let outcome: Outcome;
    try {
      if (workload.concurrency > 1 && c !== reference) {
        outcome = { metrics: await runLoaded(c, round) };
      } else {
        outcome = { metrics: await request(c, prefix + c.plan.prompt.text, round) };
        c.result.requests.ok++;
      }
    } catch (error) {
      outcome = { error };
    }
    await settle(c, round, outcome);
    await cooldown();
  };

  /** A/B block of one case in lockstep: base and head generate token by token, alternating (see Engine.generatePair). */
  const runPair = async (base: LiveCase, head: LiveCase, round: number): Promise<void> => {
    await pace();
    if (stopped() || past()) return;
    if (base.dead || head.dead) {
      for (const c of [base, head]) await runOne(c, round);
      return;
    }
    // Each side its own prefix, of equal width and character classes (promptPrefix): equal work token for token,
    // and against one server neither side can reuse the other's prompt cache.
    const prefixes = { base: nextPrefix(), head: nextPrefix() };
    const req = (c: LiveCase, signal: AbortSignal) => ({
      prompt: (c === base ? prefixes.base : prefixes.head) + c.plan.prompt.text,
      maxTokens: c.plan.prompt.max_tokens,
      signal,
      caseId: c.result.id,
      repetition: round,
    });
    let outcomes: [Outcome, Outcome];
    try {
      // Two requests share the time: the pair gets the time-out of both.
      const [gb, gh] = await withTimeout(2 * workload.timeout_s, (signal) =>
        base.engine.generatePair!(base.loaded!, req(base, signal), head.loaded!, req(head, signal)),
      );
      base.result.output_sha256!.push(gb.outputSha256);
      head.result.output_sha256!.push(gh.outputSha256);
      base.result.requests.ok++;
      head.result.requests.ok++;
      outcomes = [{ metrics: metricsOfGeneration(gb) }, { metrics: metricsOfGeneration(gh) }];
    } catch (error) {
      outcomes = [{ error }, { error }];
    }
    await settle(base, round, outcomes[0]);
    await settle(head, round, outcomes[1]);
    await cooldown();
  };

  // Lockstep units: an A/B run whose two sides' engines can generate in pairs groups each case with its twin.
  const canPair =
    interleave &&
    workload.lockstep &&
    workload.concurrency === 1 &&
    opts.sides.length === 2 &&
    opts.sides.every(
      (s) => s.engine.kind === opts.sides[0]!.engine.kind && typeof s.engine.generatePair === 'function',
    );
  type Unit = LiveCase | [LiveCase, LiveCase];
  const units: Unit[] = [];
  if (canPair) {
    for (const c of measured) {
      if (c.side === 'head' && measured.some((b) => b.side === 'base' && b.result.id === c.result.id)) continue;
      const twin =
        c.side === 'base' ? measured.find((h) => h.side === 'head' && h.result.id === c.result.id) : undefined;
      units.push(twin ? [c, twin] : c);
    }
    if (units.some(Array.isArray))
      results.notes.push(
        'A/B in lockstep: base and head generated token by token, alternating; each side is timed on its own steps only',
      );
  } else {
    units.push(...measured);
  }

  const finishCase = async (c: LiveCase): Promise<void> => {
    const m = c.monitorEnd?.();
    c.monitorEnd = undefined;
    if (m) {
      c.result.monitor = { ...m };
      for (const key of ['peak_rss_mb', 'temp_max_c', 'throttled'] as const)
        if (m[key] !== undefined) c.result.samples[key] = [m[key]!];
    }
    // Under load each repetition already recorded its own success_rate; otherwise one value for the case.
    const total = c.result.requests.ok + c.result.requests.failed;
    if (total > 0 && workload.concurrency === 1) c.result.samples.success_rate = [c.result.requests.ok / total];
    c.result.finished_at = now().toISOString();
    await unload(c);
  };

  const stopped = (): boolean => opts.signal?.aborted === true;
  const past = (): boolean =>
    (soakUntil !== undefined && Date.now() >= soakUntil) || (cap !== undefined && completedRepetitions >= cap);

  try {
    if (reference) {
      await load(reference);
      // Our own workload: always discard its cold first request, whatever the user's warm-up.
      await warmUp(reference, Math.max(1, workload.warmup));
    }
    if (interleave) {
      for (const c of cases) {
        if (stopped()) break;
        await load(c);
        await warmUp(c);
      }
      for (let round = 0; round < rounds && !stopped() && !past(); round++) {
        // Each round is one block: every case (and the reference) once, in a fresh seeded order, so drift hits all alike.
        for (const unit of shuffle(units, rng)) {
          if (stopped()) break;
          for (const c of Array.isArray(unit) ? unit : [unit])
            if (!c.monitorEnd && opts.monitor && c !== reference) c.monitorEnd = opts.monitor.window();
          if (Array.isArray(unit)) await runPair(unit[0], unit[1], round);
          else await runOne(unit, round);
        }
        await snapshot();
      }
      for (const c of cases) await finishCase(c);
    } else {
      for (const c of cases) {
        if (stopped()) break;
        if (opts.monitor) c.monitorEnd = opts.monitor.window();
        await load(c);
        await warmUp(c);
        for (let round = 0; round < rounds && !stopped() && !past(); round++) {
          await runOne(c, round);
          if (reference && !stopped()) await runOne(reference, round);
        }
        await finishCase(c);
        await snapshot();
      }
    }
  } finally {
    for (const c of cases) if (c.loaded) await finishCase(c);
    if (reference) {
      await unload(reference);
      const { load_ms: _load, gpu_offload: _gpu, vram_mb: _vram, ...perRequest } = reference.result.samples;
      if (Object.keys(perRequest).length > 0) {
        results.calibration = {
          workload: opts.reference!.description,
          samples: perRequest,
          blocks: reference.result.blocks!,
        };
      }
      if (reference.result.errors.length > 0)
        results.notes.push(
          `the reference workload failed ${reference.result.errors.length} time(s): ${reference.result.errors[0]!.message}`,
        );
    }
    results.finished_at = now().toISOString();
    const unfinished = cases.some((c) => !c.result.finished_at);
    results.status = stopped() ? 'partial' : unfinished ? 'partial' : 'complete';
    if (stopped()) {
      results.interrupted = true;
      results.notes.push(
        'the run was interrupted; the results hold every request finished before that' +
          (droppedAtStop > 0
            ? ` (${droppedAtStop} request${droppedAtStop === 1 ? '' : 's'} in flight did not finish within ${STOP_GRACE_MS / 1000} s and ${droppedAtStop === 1 ? 'was' : 'were'} dropped, not counted as failures)`
            : ''),
      );
    }
    for (const c of reference ? [...cases, reference] : cases) {
      const seen = c.cache;
      if (!seen || seen.hits === 0) continue;
      const who =
        c === reference ? 'the reference workload' : `case ${c.side ? `${c.result.id} (${c.side})` : c.result.id}`;
      const of = seen.promptTokens !== undefined ? ` of ${seen.promptTokens}` : '';
      results.notes.push(
        `${who}: the server served part of the prompt from its prompt cache in ${seen.hits} of ${seen.reported} measured request${seen.reported === 1 ? '' : 's'} ` +
          `(up to ${seen.most}${of} prompt tokens, see ${CACHED_TOKENS}); their ttft_ms and prefill_tps do not measure a full prefill`,
      );
    }
    if (!soakUntil) results.planned_repetitions = cap ?? rounds * cases.length;
    results.completed_repetitions = completedRepetitions;
    for (const c of cases) if (c.result.blocks!.length === 0) delete c.result.blocks;
    await snapshot();
    await event({ type: 'end', status: results.status });
  }
  return results;
}
