// The `llama-bench` engine: runs llama.cpp's own benchmark program (yours, built from the commit under test)
// and takes its per-repetition measurements as samples, for llama.cpp developers comparing builds.
//
// One llama-bench run per case, `-o jsonl`, with the case's options as flags:
//   threads → -t, n_gpu_layers / gpu_layers → -ngl, batch_size → -b, ubatch_size → -ub, flash_attn → -fa,
//   type_k / type_v → -ctk / -ctv, n_prompt → -p, n_gen → -n, n_depth → -d, cpu_mask → -C,
//   repetitions → -r, warmup: false → --no-warmup, args → passed as they are.
// Without n_gen, -n is the prompt's max_tokens; without n_prompt, llama-bench's own default (512) applies.
// Without repetitions, -r is the workload's repetitions, so one run gives every sample of the case.
//
// Each llama-bench repetition is one sample: `samples_ts` of the prompt-processing test (n_prompt > 0,
// n_gen = 0) gives prefill_tps and that of the generation test (n_prompt = 0, n_gen > 0) decode_tps;
// e2e_ms is that repetition's prompt time plus its generation time (`samples_ns`), output_tokens n_gen and
// prompt_tokens n_prompt. There is no ttft or inter-token latency: llama-bench does not stream.
// The llm-bench repetitions of a case read the samples of its run in order; when they outnumber them
// (`--repetitions` above the config's), llama-bench runs again. A warm-up request starts the run (which
// warms up by itself, unless `warmup: false`) and consumes no sample. With `repetitions: 1` every
// llm-bench repetition is its own llama-bench run, so cases (and A/B sides) interleave for real.
//
// The build (build_commit, build_number), backends, cpu_info and gpu_info llama-bench reports are kept
// in the results' engine entry (`version` is "<build_number> (<build_commit>)").
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Config, ModelSpec } from '../config/parse.js';
import type { LoadedConfig } from '../io/config.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import { inspectGguf } from '../model/gguf-reader.js';
import { sha256File } from '../io/files.js';
import { excerpt, nowMs, OutputHash } from './http.js';
import {
  EngineError,
  type Engine,
  type EngineInfo,
  type EngineParams,
  type Generation,
  type GenerationRequest,
  type LoadedModel,
  type PrepareContext,
  type PreparedModel,
} from './types.js';

export const DEFAULT_LLAMA_BENCH = 'llama-bench';
const BUILD_HINT =
  "build llama.cpp's tools with `npm run peers:build` (bash scripts/build-llama-tools.sh prints their directory) and give the path in options.binary, or put llama-bench on PATH";
const STDERR_TAIL_LINES = 12;

/** One line of `llama-bench -o jsonl`: the fields this engine reads (llama-bench prints many more). */
export interface LlamaBenchRecord {
  build_commit: string;
  build_number: number;
  cpu_info: string;
  gpu_info: string;
  backends: string;
  model_filename: string;
  model_type: string;
  model_size: number;
  model_n_params: number;
  n_prompt: number;
  n_gen: number;
  n_depth: number;
  samples_ns: number[];
  samples_ts: number[];
  [key: string]: unknown;
}

/** What one llama-bench run measured: per repetition, the prompt test's and the generation test's sample. */
export interface LlamaBenchRun {
  records: LlamaBenchRecord[];
  prompt?: LlamaBenchRecord;
  gen?: LlamaBenchRecord;
  repetitions: number;
}

/** The build and machine a run reports, kept in the results' engine entry. */
export interface LlamaBenchBuild {
  build_commit: string;
  build_number: number;
  backends: string;
  cpu_info: string;
  gpu_info: string;
}

export type LlamaBenchInfo = EngineInfo & Partial<LlamaBenchBuild>;

/** Maps the case's options to llama-bench's flags (without -m, -o and -r). */
export function llamaBenchArgs(params: EngineParams, maxTokens: number): string[] {
  const args: string[] = [];
  const one = (key: string): string | undefined => {
    const value = params[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value))
      throw new EngineError(`option ${key} has a list of values; give one (sweep values with matrix)`, 'load');
    return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  };
  const flag = (key: string, name: string): void => {
    const value = one(key);
    if (value !== undefined) args.push(name, value);
  };
  flag('threads', '-t');
  if (params.n_gpu_layers !== undefined) flag('n_gpu_layers', '-ngl');
  else flag('gpu_layers', '-ngl');
  flag('batch_size', '-b');
  flag('ubatch_size', '-ub');
  flag('flash_attn', '-fa');
  flag('type_k', '-ctk');
  flag('type_v', '-ctv');
  flag('n_prompt', '-p');
  args.push('-n', one('n_gen') ?? String(maxTokens));
  flag('n_depth', '-d');
  flag('cpu_mask', '-C');
  if (params.warmup === false) args.push('--no-warmup');
  const extra = params.args;
  if (extra !== undefined) args.push(...(Array.isArray(extra) ? extra : [extra]).map(String));
  return args;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Parses llama-bench's `-o jsonl` output. `binary` names the program in errors. Throws an EngineError when
 * a line is not JSON, a record lacks its samples, or there is nothing to measure.
 */
export function parseLlamaBenchOutput(stdout: string, binary: string): LlamaBenchRun {
  const records: LlamaBenchRecord[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new EngineError(
        `line ${i + 1} of ${binary}'s output is not JSON (was it run with -o jsonl? is it llama.cpp's llama-bench?): ${excerpt(line, 100)}`,
        'stream',
      );
    }
    const r = data as Partial<LlamaBenchRecord> | null;
    const bad = (what: string): EngineError =>
      new EngineError(`line ${i + 1} of ${binary}'s output: ${what}: ${excerpt(line, 100)}`, 'stream');
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw bad('expected a JSON object per line');
    for (const key of ['n_prompt', 'n_gen'] as const) if (!isNumber(r[key])) throw bad(`expected a number in ${key}`);
    for (const key of ['samples_ts', 'samples_ns'] as const) {
      const samples = r[key];
      if (!Array.isArray(samples) || samples.length === 0 || !samples.every((v) => isNumber(v) && v >= 0))
        throw bad(`expected ${key}, a list of non-negative numbers`);
    }
    if (r.samples_ts!.length !== r.samples_ns!.length) throw bad('samples_ts and samples_ns differ in length');
    records.push({
      build_commit: '',
      build_number: 0,
      cpu_info: '',
      gpu_info: '',
      backends: '',
      model_filename: '',
      model_type: '',
      model_size: 0,
      model_n_params: 0,
      n_depth: 0,
      ...r,
    } as LlamaBenchRecord);
  }
  if (records.length === 0)
    throw new EngineError(
      `${binary} printed no JSON results; expected one line per test with -o jsonl (${BUILD_HINT})`,
      'engine',
    );
  const prompts = records.filter((r) => r.n_prompt > 0 && r.n_gen === 0);
  const gens = records.filter((r) => r.n_gen > 0 && r.n_prompt === 0);
  if (prompts.length > 1 || gens.length > 1 || prompts.length + gens.length !== records.length) {
    const tests = records
      .map((r) =>
        r.n_gen === 0 ? `pp${r.n_prompt}` : r.n_prompt === 0 ? `tg${r.n_gen}` : `pp${r.n_prompt}+tg${r.n_gen}`,
      )
      .join(', ');
    throw new EngineError(
      `${binary} ran ${records.length} tests (${tests}); a case takes at most one prompt test and one generation test: remove list values and -pg from options.args`,
      'engine',
    );
  }
  const [prompt, gen] = [prompts[0], gens[0]];
  const repetitions = Math.min(...[prompt, gen].filter((r) => r !== undefined).map((r) => r.samples_ts.length));
  return { records, prompt, gen, repetitions };
}

/** The repetition `i` of a run as a Generation: samples_ts as prefill_tps and decode_tps. */
export function generationOfRepetition(run: LlamaBenchRun, i: number): Generation {
  const metrics: Record<string, number> = {};
  let e2eNs = 0;
  const gen: Generation = { chunkArrivalsMs: [], e2eMs: 0, outputSha256: new OutputHash().digest(), metrics };
  if (run.prompt) {
    metrics.prefill_tps = run.prompt.samples_ts[i]!;
    e2eNs += run.prompt.samples_ns[i]!;
    gen.promptTokens = run.prompt.n_prompt;
  }
  if (run.gen) {
    metrics.decode_tps = run.gen.samples_ts[i]!;
    e2eNs += run.gen.samples_ns[i]!;
    gen.outputTokens = run.gen.n_gen;
  }
  gen.e2eMs = e2eNs / 1e6;
  return gen;
}

/** Where a bare program name resolves on PATH, or undefined. */
async function onPath(name: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface CaseState {
  binary: string;
  run?: LlamaBenchRun;
  /** The run in progress, when there is one. */
  pending?: Promise<LlamaBenchRun>;
  /** Next sample of `run` to hand out. */
  next: number;
}

export interface LlamaBenchEngineOptions {
  /** How long llama-bench gets after SIGTERM before SIGKILL (time-out). */
  killGraceMs?: number;
}

class LlamaBenchEngine implements Engine {
  readonly kind = 'llama-bench' as const;
  readonly maxLoadedCases: number | undefined;
  private readonly states = new WeakMap<LoadedModel, CaseState>();
  private readonly children = new Set<ChildProcess>();
  private readonly builds = new Map<string, LlamaBenchBuild>();
  private readonly engineInfo: LlamaBenchInfo = { kind: 'llama-bench', version: 'unknown' };
  private configDir: string;

  constructor(
    private readonly config: Pick<Config, 'file' | 'options' | 'workload'> & { dir?: string },
    private readonly env: Record<string, string | undefined>,
    private readonly log: (line: string) => void,
    private readonly opts: LlamaBenchEngineOptions,
  ) {
    this.configDir = config.dir ?? process.cwd();
    // One run holds every sample of a case: interleaving cases would only reorder samples measured together.
    // With one repetition per run, each llm-bench repetition is a fresh run and interleaving is real.
    this.maxLoadedCases = config.options.repetitions === 1 ? undefined : 1;
  }

  /**
   * The results keep this object: once a run reports its build, `version` and the build fields fill in
   * (the version is unknown before llama-bench has run, as it has no --version).
   */
  async info(): Promise<EngineInfo> {
    return this.engineInfo;
  }

  async prepare(model: ModelSpec, ctx: PrepareContext): Promise<PreparedModel> {
    this.configDir = ctx.configDir;
    const where = { path: `models[id=${model.id}]` };
    if (model.source === 'url')
      throw new InputError(
        `the llama-bench engine takes model files, not URLs (${model.name}); download it first or use the llama-cpp engine`,
        where,
      );
    const path = isAbsolute(model.name) ? model.name : resolve(ctx.configDir, model.name);
    const st = await stat(path).catch(() => null);
    if (!st) throw new InputError(`model file ${path} does not exist`, where);
    if (!st.isFile()) throw new InputError(`model path ${path} is not a file`, where);
    const info = await inspectGguf(path);
    const sha256 = await sha256File(path);
    if (model.sha256 && model.sha256 !== sha256)
      throw new InputError(`model file ${path} has sha256 ${sha256}, expected ${model.sha256}`, where);
    return {
      location: path,
      identity: {
        id: model.id,
        name: model.name,
        source: path,
        digest: `sha256:${sha256}`,
        family: info.architecture,
        quantization: info.quantization,
        parameter_count: info.parameterCount,
        parameter_size: info.parameterSize,
        size_bytes: st.size,
      },
    };
  }

  /** Checks that the binary exists (a clear error before any time-out); runs nothing. */
  async load(prepared: PreparedModel, params: EngineParams): Promise<LoadedModel> {
    const binary = await this.resolveBinary(params);
    const loaded: LoadedModel = { prepared, params };
    this.states.set(loaded, { binary, next: 0 });
    return loaded;
  }

  private async resolveBinary(params: EngineParams): Promise<string> {
    const option = params.binary;
    if (Array.isArray(option))
      throw new EngineError('option binary has a list of values; give one (sweep binaries with matrix)', 'load');
    const name = option !== undefined ? String(option) : this.env.LLAMA_BENCH || DEFAULT_LLAMA_BENCH;
    const named =
      option !== undefined
        ? `options.binary "${name}" in ${this.config.file}`
        : this.env.LLAMA_BENCH
          ? `LLAMA_BENCH="${name}"`
          : `"${name}"`;
    if (!name.includes('/') && !name.includes('\\')) {
      const found = await onPath(name, this.env);
      if (!found) throw new EngineError(`llama-bench binary ${named} was not found on PATH; ${BUILD_HINT}`, 'load');
      return found;
    }
    const path = isAbsolute(name) ? name : resolve(this.configDir, name);
    try {
      await access(path, constants.X_OK);
      if (!(await stat(path)).isFile()) throw new Error('not a file');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : 'is not a file';
      throw new EngineError(`llama-bench binary ${named} (${path}) ${why}; ${BUILD_HINT}`, 'load');
    }
    return path;
  }

  async generate(model: LoadedModel, request: GenerationRequest): Promise<Generation> {
    const state = this.states.get(model);
    if (!state) throw new EngineError('llama-bench: generate() on a model that was not loaded', 'engine');
    const warmUp = request.repetition !== undefined && request.repetition < 0;
    if (!state.run || (!warmUp && state.next >= state.run.repetitions)) {
      // Requests in flight together (workload.concurrency > 1) share one run instead of starting one each.
      if (!state.pending) {
        state.pending = this.runBench(state.binary, model, request).finally(() => {
          state.pending = undefined;
        });
        state.run = await state.pending;
        state.next = 0;
      } else {
        await state.pending;
      }
    }
    const run = state.run!;
    if (warmUp) return generationOfRepetition(run, 0);
    if (state.next >= run.repetitions)
      throw new EngineError(
        `llama-bench: more requests in flight than one run has repetitions (${run.repetitions}); use workload.concurrency 1`,
        'engine',
      );
    return generationOfRepetition(run, state.next++);
  }

  private repetitionsPerRun(params: EngineParams): number {
    const r = params.repetitions;
    if (typeof r === 'number') return r;
    return Math.max(1, this.config.workload.repetitions);
  }

  /** Runs llama-bench once for the case and parses what it printed. */
  private async runBench(binary: string, model: LoadedModel, request: GenerationRequest): Promise<LlamaBenchRun> {
    const repetitions = this.repetitionsPerRun(model.params);
    const args = [
      '-m',
      model.prepared.location,
      '-o',
      'jsonl',
      '-r',
      String(repetitions),
      ...llamaBenchArgs(model.params, request.maxTokens),
    ];
    const { stdout, stderrTail, code, signal } = await this.spawnBench(binary, args, request.signal);
    const tail = stderrTail.length > 0 ? `; last lines of stderr:\n  ${stderrTail.join('\n  ')}` : '; stderr was empty';
    if (code !== 0) {
      if (code === null) throw new EngineError(`${binary} was killed by ${signal}${tail}`, 'crash');
      throw new EngineError(`${binary} exited with code ${code}${tail}`, 'engine');
    }
    let run: LlamaBenchRun;
    try {
      run = parseLlamaBenchOutput(stdout, binary);
    } catch (error) {
      if (error instanceof EngineError) throw new EngineError(`${error.message}${tail}`, error.kind);
      throw error;
    }
    if (run.repetitions < repetitions)
      this.log(`llama-bench: ${binary} reported ${run.repetitions} of ${repetitions} repetitions`);
    this.noteBuild(run.records[0]!);
    return run;
  }

  private noteBuild(r: LlamaBenchRecord): void {
    const build: LlamaBenchBuild = {
      build_commit: String(r.build_commit),
      build_number: Number(r.build_number),
      backends: String(r.backends),
      cpu_info: String(r.cpu_info),
      gpu_info: String(r.gpu_info),
    };
    const key = `${build.build_number} (${build.build_commit})`;
    if (this.builds.has(key)) return;
    this.builds.set(key, build);
    // One build: its fields; several (binaries swept in matrix): every version, the fields of the first.
    this.engineInfo.version = [...this.builds.keys()].join(', ');
    if (this.builds.size === 1) Object.assign(this.engineInfo, build);
    this.log(
      `llama-bench: build ${key}, backends ${build.backends || 'none'}, cpu ${build.cpu_info || 'unknown'}${build.gpu_info ? `, gpu ${build.gpu_info}` : ''}`,
    );
  }

  private spawnBench(
    binary: string,
    args: string[],
    abort: AbortSignal,
  ): Promise<{ stdout: string; stderrTail: string[]; code: number | null; signal: NodeJS.Signals | null }> {
    if (abort.aborted)
      return Promise.reject(
        new EngineError(`${binary} was not started: the request was already aborted (time-out)`, 'timeout'),
      );
    const graceMs = this.opts.killGraceMs ?? 2000;
    const t0 = nowMs();
    return new Promise((resolvePromise, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(binary, args, {
          cwd: this.configDir,
          env: this.env as NodeJS.ProcessEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: process.platform !== 'win32',
          windowsHide: true,
        });
      } catch (error) {
        reject(new EngineError(`cannot run ${binary}: ${getErrorMessage(error)}; ${BUILD_HINT}`, 'engine'));
        return;
      }
      this.children.add(child);
      let stdout = '';
      let stderrPartial = '';
      const stderrTail: string[] = [];
      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;
      const kill = (sig: NodeJS.Signals): void => {
        try {
          if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, sig);
          else child.kill(sig);
        } catch {
          // already gone
        }
      };
      const onAbort = (): void => {
        timedOut = true;
        kill('SIGTERM');
        killTimer = setTimeout(() => kill('SIGKILL'), graceMs);
      };
      abort.addEventListener('abort', onAbort, { once: true });
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        const lines = (stderrPartial + chunk).split('\n');
        stderrPartial = (lines.pop() ?? '').slice(-2000);
        for (const line of lines) {
          if (!line.trim()) continue;
          stderrTail.push(line.slice(0, 500));
          if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        }
      });
      const done = (): void => {
        abort.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        this.children.delete(child);
      };
      child.on('error', (error) => {
        done();
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : getErrorMessage(error);
        reject(new EngineError(`cannot run llama-bench binary ${binary} (${why}); ${BUILD_HINT}`, 'engine'));
      });
      child.on('close', (code, sig) => {
        done();
        if (stderrPartial.trim()) stderrTail.push(stderrPartial.slice(0, 500));
        if (timedOut) {
          reject(
            new EngineError(
              `${binary} timed out after ${Math.round(nowMs() - t0)} ms (one run measures all of a case's repetitions: raise workload.timeout_s, or set repetitions: 1); it was killed`,
              'timeout',
            ),
          );
          return;
        }
        resolvePromise({ stdout, stderrTail, code, signal: sig });
      });
    });
  }

  async unload(model: LoadedModel): Promise<void> {
    this.states.delete(model);
  }

  async close(): Promise<void> {
    for (const child of this.children) {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** The llama-bench engine; `env` is llama-bench's environment (PATH finds the binary, LLAMA_BENCH names it). */
export function createLlamaBenchEngine(
  config: Pick<Config, 'file' | 'options' | 'workload'> & Partial<Pick<LoadedConfig, 'dir'>>,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  opts: LlamaBenchEngineOptions = {},
): Engine {
  return new LlamaBenchEngine(config, env, log, opts);
}
