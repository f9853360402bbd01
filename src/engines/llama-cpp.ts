// The embedded engine: llama.cpp in this process through node-llama-cpp, timing every token as it is sampled.
import { availableParallelism } from 'node:os';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import type { Config, ModelSpec } from '../config/parse.js';
import { InputError, getErrorMessage } from '../util/errors.js';
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
import { inspectGguf } from '../model/gguf-reader.js';
import { sha256File } from '../io/files.js';
import { createStallWatchdog, createTransferProgress } from '../util/progress.js';
import { NODE_LLAMA_CPP_VERSION } from '../version.js';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;
type LlamaContext = Awaited<ReturnType<LlamaModel['createContext']>>;
type GpuOption = 'auto' | 'cuda' | 'metal' | 'vulkan' | false;

export interface LlamaCppEngineOptions {
  /** How node-llama-cpp is imported; the action passes a loader that finds it in the tool cache. */
  importNodeLlamaCpp?: () => Promise<NodeLlamaCpp>;
  /** Hugging Face endpoint for `hf:` URIs (tests point it at a local server). */
  huggingFaceEndpoint?: string;
  /** Draw download progress as a bar (a terminal) rather than as log lines. */
  tty?: boolean;
  log?: (line: string) => void;
  /** Where LLM_BENCH_DOWNLOAD_STALL_S is read (default: process.env). */
  env?: Record<string, string | undefined>;
}

export { DEFAULT_DOWNLOAD_STALL_S, downloadStallSeconds } from './storage.js';
import { downloadStallSeconds } from './storage.js';

/**
 * What a download's requests report to it. node-llama-cpp resolves an `hf:` URI (the manifest) and its downloader
 * (ipull) asks for the file's size with requests that take no signal, and ipull retries a failed one up to 150 times
 * with back-off: with no network that is 12 minutes of silence, and a server that accepts and never answers holds
 * the request for undici's 5-minute header time-out, each try. Every request made inside a download is therefore tied
 * to the download's own signal (see scopedFetch).
 */
interface FetchScope {
  signal: AbortSignal;
  sent(url: string): void;
  answered(url: string, response: Response): void;
  failed(url: string, error: unknown): void;
}

const fetchScopes = new AsyncLocalStorage<FetchScope>();
let fetchScoped = false;

/**
 * Puts a pass-through around the global fetch, once: outside a download it calls fetch unchanged; inside one
 * (fetchScopes) it adds the download's signal, so a stall or a Ctrl-C aborts the request and frees its socket at
 * once. Once the download is aborted, a request its libraries still send (ipull's retry loop) is never sent and never
 * settles: the loop ends there, holding neither a socket nor a timer, so the process can exit.
 */
function scopeFetches(): void {
  if (fetchScoped) return;
  fetchScoped = true;
  const original = globalThis.fetch;
  const scopedFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const scope = fetchScopes.getStore();
    if (!scope) return original(input, init);
    if (scope.signal.aborted) return new Promise<Response>(() => {});
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    scope.sent(url);
    const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const signal = own ? AbortSignal.any([own, scope.signal]) : scope.signal;
    return original(input, { ...init, signal }).then(
      (response) => {
        scope.answered(url, response);
        return response;
      },
      (error: unknown) => {
        scope.failed(url, error);
        throw error;
      },
    );
  };
  globalThis.fetch = scopedFetch as typeof fetch;
}

/** A download stopped by the run's stop signal (Ctrl-C, a cancelled workflow). */
function cancelled(spec: ModelSpec, when: string): EngineError {
  return new EngineError(`cancelled the download of ${spec.name} ${when}: the run was stopped`, 'load');
}

/** The cause of a failed request, as short as it is useful: `fetch failed` says nothing, its cause does. */
function requestError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${getErrorMessage(error)} (${detail})` : getErrorMessage(error);
}

/** Where a model URI or URL is downloaded from, for the first line of a download. */
function downloadSource(
  name: string,
  huggingFaceEndpoint: string | undefined,
  env: Record<string, string | undefined>,
): string {
  if (/^(hf|huggingface):/i.test(name) || /^(hf\.co|huggingface\.co)\//i.test(name)) {
    // node-llama-cpp's order: the endpoint given, MODEL_ENDPOINT, HF_ENDPOINT, huggingface.co.
    return (huggingFaceEndpoint || env.MODEL_ENDPOINT || env.HF_ENDPOINT || 'https://huggingface.co').replace(
      /\/+$/,
      '',
    );
  }
  try {
    return new URL(name).origin;
  } catch {
    return name;
  }
}

interface LlamaHandle {
  model: LlamaModel;
  context: LlamaContext;
  sequence: ReturnType<LlamaContext['getSequence']>;
}

const handles = new WeakMap<LoadedModel, LlamaHandle>();
/** The stop signal a model was prepared under (PrepareContext.signal): it cancels the model's loads too. */
const loadSignals = new WeakMap<PreparedModel, AbortSignal>();

function num(params: EngineParams, key: string): number | undefined {
  const v = params[key];
  return typeof v === 'number' ? v : undefined;
}

interface Stepper {
  /** Generates one token; false when the request is complete. */
  step(): Promise<boolean>;
  generation(): Generation;
}

/**
 * Starts a request on a loaded model and hands out its tokens one `step()` at a time. Clock `wall`: times from the
 * request's start, as a client sees them. Clock `own`: the sum of this request's own steps only, for lockstep runs
 * where the other side's steps happen in between.
 */
async function startGeneration(
  loaded: LoadedModel,
  request: GenerationRequest,
  clock: 'wall' | 'own',
): Promise<Stepper> {
  const h = handles.get(loaded);
  if (!h) throw new EngineError('model is not loaded', 'engine');
  const p = loaded.params;
  // A fresh sequence state per request: no KV-cache reuse between repetitions.
  await h.sequence.clearHistory();
  const tokens = h.model.tokenize(request.prompt, false);
  const input =
    h.model.tokens.bos !== null && h.model.tokens.shouldPrependBosToken ? [h.model.tokens.bos, ...tokens] : tokens;
  const hash = createHash('sha256');
  const arrivals: number[] = [];
  const generated: number[] = [];
  const repeatPenalty = num(p, 'repeat_penalty');
  if (request.signal.aborted) throw new EngineError('timed out before the request started', 'timeout');
  const iterator = h.sequence
    .evaluate(input, {
      temperature: num(p, 'temperature') ?? 0,
      ...(num(p, 'top_k') !== undefined ? { topK: num(p, 'top_k') } : {}),
      ...(num(p, 'top_p') !== undefined ? { topP: num(p, 'top_p') } : {}),
      ...(num(p, 'min_p') !== undefined ? { minP: num(p, 'min_p') } : {}),
      ...(num(p, 'seed') !== undefined ? { seed: num(p, 'seed') } : {}),
      ...(repeatPenalty !== undefined
        ? { repeatPenalty: { penalty: repeatPenalty, punishTokens: () => generated.slice(-64) as never } }
        : {}),
      // Benchmarks generate exactly max_tokens, like llama-bench: an end-of-generation token does not end the request.
      yieldEogToken: true,
    })
    [Symbol.asyncIterator]();
  const started = performance.now();
  let ownMs = 0;
  let endMs: number | undefined;
  const finish = async (): Promise<void> => {
    endMs = clock === 'own' ? ownMs : performance.now() - started;
    await iterator.return?.();
  };
  return {
    async step() {
      if (endMs !== undefined) return false;
      if (request.signal.aborted) {
        await finish();
        throw new EngineError(`timed out after ${arrivals.length} of ${request.maxTokens} tokens`, 'timeout');
      }
      const stepStarted = performance.now();
      let next: IteratorResult<number>;
      try {
        next = (await iterator.next()) as IteratorResult<number>;
      } catch (error) {
        throw new EngineError(`llama.cpp failed while generating: ${getErrorMessage(error)}`, 'engine');
      }
      const now = performance.now();
      ownMs += now - stepStarted;
      if (next.done) {
        await finish();
        return false;
      }
      arrivals.push(clock === 'own' ? ownMs : now - started);
      generated.push(next.value);
      hash.update(`${next.value},`);
      if (arrivals.length >= request.maxTokens) {
        await finish();
        return false;
      }
      return true;
    },
    generation(): Generation {
      return {
        chunkArrivalsMs: arrivals,
        e2eMs: endMs ?? arrivals.at(-1) ?? 0,
        outputTokens: arrivals.length,
        promptTokens: input.length,
        // The first token comes out of the prompt's evaluation: that span is the prefill.
        reported: arrivals.length > 0 ? { prefillMs: arrivals[0], prefillTokens: input.length } : undefined,
        outputSha256: hash.digest('hex'),
      };
    },
  };
}

/** Thread counts a probe tries: 1, 2, 4, … up to the cores, and the core count itself. */
export function threadCandidates(cores: number): number[] {
  const out = new Set<number>();
  for (let t = 1; t <= cores; t *= 2) out.add(t);
  out.add(Math.max(1, cores));
  return [...out].sort((a, b) => a - b);
}

/** Probe results by model file and context settings: one probe per model for the whole run. */
const threadChoices = new Map<string, number>();

/**
 * `threads: auto`: decodes a few tokens with each candidate thread count on a fresh context and keeps the fastest.
 * On a 2-core machine one thread often wins (the Node thread competes with llama.cpp's workers); on a big box more.
 */
async function chooseThreads(
  location: string,
  params: EngineParams,
  model: LlamaModel,
  create: (threads: number) => Promise<LlamaContext>,
  log: (line: string) => void,
): Promise<number> {
  const key = JSON.stringify([
    location,
    params.context_size,
    params.batch_size,
    params.gpu,
    params.gpu_layers,
    params.flash_attention,
  ]);
  const known = threadChoices.get(key);
  if (known !== undefined) return known;
  const tokens = model.tokenize('Benchmark the decoding speed of this model on this machine.', false);
  const measured: Array<[number, number]> = [];
  for (const t of threadCandidates(availableParallelism())) {
    const context = await create(t);
    try {
      const sequence = context.getSequence();
      let n = 0;
      let firstAt = 0;
      const iterator = sequence.evaluate(tokens, { temperature: 0, yieldEogToken: true })[Symbol.asyncIterator]();
      // Two tokens warm the context up; the next PROBE_TOKENS are timed.
      while (n < 2 + PROBE_TOKENS) {
        const next = await iterator.next();
        if (next.done) break;
        n++;
        if (n === 2) firstAt = performance.now();
      }
      const elapsed = (performance.now() - firstAt) / 1000;
      await iterator.return?.();
      measured.push([t, n > 2 && elapsed > 0 ? (n - 2) / elapsed : 0]);
    } finally {
      await context.dispose();
    }
  }
  const [best] = measured.reduce((a, b) => (b[1] > a[1] ? b : a));
  log(
    `threads: auto → ${best} for ${location} (probe: ${measured.map(([t, tps]) => `${t} thread${t === 1 ? '' : 's'} ${tps.toFixed(0)} tok/s`).join(', ')})`,
  );
  threadChoices.set(key, best);
  return best;
}

/** Tokens timed per candidate in the threads probe. */
const PROBE_TOKENS = 16;

export function createLlamaCppEngine(
  config: Pick<Config, 'options' | 'model_dir'>,
  opts: LlamaCppEngineOptions = {},
): Engine {
  const importLib = opts.importNodeLlamaCpp ?? (() => import('node-llama-cpp'));
  const log = opts.log ?? (() => {});
  let lib: NodeLlamaCpp | undefined;
  const llamas = new Map<string, Promise<Llama>>();

  async function getLib(): Promise<NodeLlamaCpp> {
    if (!lib) {
      try {
        lib = await importLib();
      } catch (error) {
        throw new EngineError(
          `cannot load node-llama-cpp (the embedded llama.cpp engine): ${getErrorMessage(error)}`,
          'load',
        );
      }
    }
    return lib;
  }

  // One Llama per GPU backend: `gpu` may be swept in the matrix.
  function getLlamaFor(gpu: GpuOption): Promise<Llama> {
    const key = String(gpu);
    let llama = llamas.get(key);
    if (!llama) {
      llama = getLib().then((l) =>
        l
          .getLlama({ gpu, build: 'never', logLevel: l.LlamaLogLevel.error, progressLogs: false })
          .catch((error: unknown) => {
            throw new EngineError(`llama.cpp could not start with gpu: ${key}: ${getErrorMessage(error)}`, 'load');
          }),
      );
      llamas.set(key, llama);
    }
    return llama;
  }

  const gpuOf = (params: EngineParams): GpuOption => {
    const g = params.gpu ?? config.options.gpu;
    return g === undefined || g === 'auto' ? 'auto' : (g as GpuOption);
  };

  async function download(spec: ModelSpec, ctx: PrepareContext): Promise<string> {
    const l = await getLib();
    const where = { path: `models[id=${spec.id}]` };
    const env = opts.env ?? process.env;
    const stallS = downloadStallSeconds(env);
    const dir = config.model_dir ? resolve(ctx.configDir, config.model_dir) : ctx.cacheDir;
    const endpoints = opts.huggingFaceEndpoint ? { endpoints: { huggingFace: opts.huggingFaceEndpoint } } : {};
    if (ctx.signal?.aborted) throw cancelled(spec, 'before it started');

    // The cache directory first, without a request: a restored model cache (or a copied file) needs no network.
    let expectedFile: string | undefined;
    try {
      const path = await l.resolveModelFile(spec.name, { directory: dir, download: false, cli: false, ...endpoints });
      ctx.log(`using ${spec.name} from the model cache: ${path}`);
      return path;
    } catch (error) {
      // node-llama-cpp names the one file it looked for, when there is one (an `hf:` URI with a file name).
      expectedFile = /No model file found at "([^"]+)"/.exec(getErrorMessage(error))?.[1];
    }

    const source = downloadSource(spec.name, opts.huggingFaceEndpoint, env);
    ctx.log(`downloading ${spec.name} from ${source} into ${dir} (gives up after ${stallS} s without progress)`);
    scopeFetches();
    const controller = new AbortController();
    let lastUrl = source;
    let lastProblem: string | undefined;
    let lastNetworkError = false;
    let done = 0;
    // Aborted with the standard AbortError reason, whoever aborts: ipull ends a chunk on an AbortError and retries any
    // other error (which would then never settle, holding node-llama-cpp's download lock for this file).
    let stalledAt: string | undefined;
    const watchdog = createStallWatchdog(stallS * 1000, () => {
      stalledAt = lastUrl;
      controller.abort();
    });
    const onStop = (): void => controller.abort();
    ctx.signal?.addEventListener('abort', onStop, { once: true });
    const scope: FetchScope = {
      signal: controller.signal,
      sent: (url) => {
        lastUrl = url;
      },
      // Only an answer that brings the file closer counts as progress: a server that answers 503 forever, or a
      // refused connection retried, is a stall like silence.
      answered: (url, response) => {
        if (response.ok) watchdog.touch();
        else
          lastProblem = `${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      },
      failed: (url, error) => {
        if (controller.signal.aborted) return;
        lastProblem = `${url}: ${requestError(error)}`;
        lastNetworkError = true;
      },
    };
    const progress = createTransferProgress(`downloading ${spec.name}`, ctx.log, { tty: opts.tty });
    let moved = false;
    const work = fetchScopes.run(scope, () =>
      l.resolveModelFile(spec.name, {
        directory: dir,
        cli: false,
        // A cancelled or stalled download deletes its partial file (ipull keeps it as <file>.ipull until complete,
        // so a partial file is never taken for the model).
        deleteTempFileOnCancel: true,
        signal: controller.signal,
        onProgress: ({ downloadedSize, totalSize }) => {
          moved = true;
          if (downloadedSize > done) watchdog.touch();
          done = downloadedSize;
          progress.update(downloadedSize, totalSize);
        },
        ...endpoints,
      }),
    );
    // Whatever the race below decides, a late failure of the abandoned work is not an unhandled rejection.
    work.catch(() => {});
    const aborted = new Promise<never>((_, reject) => {
      const fail = (): void => reject(controller.signal.reason as Error);
      if (controller.signal.aborted) fail();
      else controller.signal.addEventListener('abort', fail, { once: true });
    });
    try {
      const path = await Promise.race([work, aborted]);
      progress.finish();
      // A file already in the cache (a plain URL is checked against the server first): say so, rather than 0.0 MB.
      if (!moved) ctx.log(`using ${spec.name} from the model cache: ${path}`);
      return path;
    } catch (error) {
      progress.stop();
      if (ctx.signal?.aborted)
        throw cancelled(spec, moved ? `after ${(done / 1e6).toFixed(1)} MB` : 'before any data arrived');
      const offline =
        `On a runner without network, put the model in the cache directory first: copy the .gguf file into ${dir}` +
        (expectedFile ? ` as ${basename(expectedFile)}` : '') +
        ` (or restore a model cache there), or give the model as a local file (models[].path).`;
      if (stalledAt !== undefined) {
        throw new InputError(
          `cannot download model ${spec.name}: no progress for ${stallS} s from ${stalledAt}` +
            (lastProblem ? ` (last problem: ${lastProblem})` : '') +
            `; set LLM_BENCH_DOWNLOAD_STALL_S to wait longer. ${offline}`,
          where,
        );
      }
      // A network failure (no route, refused, reset) gets the offline advice too; a 404 or a bad manifest does not.
      throw new InputError(
        `cannot download model ${spec.name} from ${source}: ${requestError(error)}${lastNetworkError ? `. ${offline}` : ''}`,
        where,
      );
    } finally {
      watchdog.stop();
      ctx.signal?.removeEventListener('abort', onStop);
    }
  }

  return {
    kind: 'llama-cpp',

    async info(): Promise<EngineInfo> {
      const llama = await getLlamaFor(gpuOf({}));
      return {
        kind: 'llama-cpp',
        version: `llama.cpp ${llama.llamaCppRelease.release} (node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, ${llama.gpu || 'cpu'})`,
      };
    },

    async prepare(spec: ModelSpec, ctx: PrepareContext): Promise<PreparedModel> {
      const path =
        spec.source === 'url'
          ? await download(spec, ctx)
          : isAbsolute(spec.name)
            ? spec.name
            : resolve(ctx.configDir, spec.name);
      const where = { path: `models[id=${spec.id}]` };
      if (ctx.signal?.aborted)
        throw new EngineError(`cancelled preparing model ${spec.name}: the run was stopped`, 'load');
      const st = await stat(path).catch(() => null);
      if (!st) throw new InputError(`model file ${path} does not exist`, where);
      if (!st.isFile()) throw new InputError(`model path ${path} is not a file`, where);
      // llama.cpp aborts the whole process on some malformed files: check the GGUF structure first.
      const info = await inspectGguf(path);
      const sha256 = await sha256File(path);
      if (spec.sha256 && spec.sha256 !== sha256) {
        throw new InputError(`model file ${path} has sha256 ${sha256}, expected ${spec.sha256}`, where);
      }
      const prepared: PreparedModel = {
        location: path,
        identity: {
          id: spec.id,
          name: spec.name,
          source: spec.source === 'url' ? spec.name : path,
          digest: `sha256:${sha256}`,
          family: info.architecture,
          quantization: info.quantization,
          parameter_count: info.parameterCount,
          size_bytes: st.size,
        },
      };
      // The run's stop signal also cancels this model's loads (Engine.load takes no context of its own).
      if (ctx.signal) loadSignals.set(prepared, ctx.signal);
      return prepared;
    },

    async load(prepared: PreparedModel, params: EngineParams): Promise<LoadedModel> {
      const llama = await getLlamaFor(gpuOf(params));
      const gpuLayers = params.gpu_layers as number | 'auto' | 'max' | undefined;
      const signal = loadSignals.get(prepared);
      const stopped = (): EngineError =>
        new EngineError(`cancelled loading ${prepared.location}: the run was stopped`, 'load');
      if (signal?.aborted) throw stopped();
      const started = performance.now();
      let model: LlamaModel;
      try {
        model = await llama.loadModel({
          modelPath: prepared.location,
          ...(gpuLayers !== undefined ? { gpuLayers } : {}),
          ...(signal ? { loadSignal: signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw stopped();
        throw new EngineError(`llama.cpp could not load ${prepared.location}: ${getErrorMessage(error)}`, 'load');
      }
      let context: LlamaContext;
      let threads = num(params, 'threads');
      let probeMs = 0;
      try {
        if (signal?.aborted) throw signal.reason;
        const contextOptions = (t: number | undefined) => ({
          ...(signal ? { createSignal: signal } : {}),
          ...(num(params, 'context_size') !== undefined ? { contextSize: num(params, 'context_size') } : {}),
          ...(num(params, 'batch_size') !== undefined ? { batchSize: num(params, 'batch_size') } : {}),
          ...(t !== undefined ? { threads: t } : {}),
          ...(typeof params.flash_attention === 'boolean' ? { flashAttention: params.flash_attention } : {}),
        });
        if (params.threads === 'auto') {
          // Chosen by measurement, once per model and context settings; not part of load_ms.
          const probeStarted = performance.now();
          threads = await chooseThreads(
            prepared.location,
            params,
            model,
            (t) => model.createContext(contextOptions(t)),
            log,
          );
          probeMs = performance.now() - probeStarted;
        }
        context = await model.createContext(contextOptions(threads));
      } catch (error) {
        await model.dispose();
        if (signal?.aborted) throw stopped();
        throw new EngineError(
          `llama.cpp could not create a context for ${prepared.location}: ${getErrorMessage(error)}`,
          'load',
        );
      }
      const loadMs = performance.now() - started - probeMs;
      const layers = model.fileInsights.totalLayers;
      const metrics: Record<string, number> = { gpu_offload: layers > 0 ? Math.min(1, model.gpuLayers / layers) : 0 };
      if (params.threads === 'auto' && threads !== undefined) metrics.threads_used = threads;
      if (llama.gpu) {
        const vram = await llama.getVramState();
        metrics.vram_mb = vram.used / 1e6;
      }
      const loaded: LoadedModel = { prepared, params, loadMs, metrics };
      handles.set(loaded, { model, context, sequence: context.getSequence() });
      return loaded;
    },

    async generate(loaded: LoadedModel, request: GenerationRequest): Promise<Generation> {
      const stepper = await startGeneration(loaded, request, 'wall');
      while (await stepper.step());
      return stepper.generation();
    },

    async generatePair(
      a: LoadedModel,
      requestA: GenerationRequest,
      b: LoadedModel,
      requestB: GenerationRequest,
    ): Promise<[Generation, Generation]> {
      const sa = await startGeneration(a, requestA, 'own');
      const sb = await startGeneration(b, requestB, 'own');
      let moreA = true;
      let moreB = true;
      // Alternate who steps first (A B, B A, …) so neither side always runs on the caches the other just warmed.
      for (let i = 0; moreA || moreB; i++) {
        if (i % 2 === 0) {
          if (moreA) moreA = await sa.step();
          if (moreB) moreB = await sb.step();
        } else {
          if (moreB) moreB = await sb.step();
          if (moreA) moreA = await sa.step();
        }
      }
      return [sa.generation(), sb.generation()];
    },

    async unload(loaded: LoadedModel): Promise<void> {
      const h = handles.get(loaded);
      if (!h) return;
      handles.delete(loaded);
      await h.context.dispose();
      await h.model.dispose();
    },

    async close(): Promise<void> {
      for (const llama of llamas.values()) await (await llama.catch(() => null))?.dispose();
      llamas.clear();
    },
  };
}
