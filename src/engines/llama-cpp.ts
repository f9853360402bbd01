// The embedded engine: llama.cpp in this process through node-llama-cpp, timing every token as it is sampled.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Config, ModelSpec } from '../config/parse.js';
import { InputError, getErrorMessage } from '../schema/errors.js';
import { EngineError, type Engine, type EngineInfo, type EngineParams, type Generation, type GenerationRequest, type LoadedModel, type PrepareContext, type PreparedModel } from './types.js';
import { inspectGguf } from '../model/gguf-reader.js';
import { sha256File } from '../util/files.js';
import { createTransferProgress } from '../util/progress.js';
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
}

interface LlamaHandle {
  model: LlamaModel;
  context: LlamaContext;
  sequence: ReturnType<LlamaContext['getSequence']>;
}

const handles = new WeakMap<LoadedModel, LlamaHandle>();

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
async function startGeneration(loaded: LoadedModel, request: GenerationRequest, clock: 'wall' | 'own'): Promise<Stepper> {
  const h = handles.get(loaded);
  if (!h) throw new EngineError('model is not loaded', 'engine');
  const p = loaded.params;
  // A fresh sequence state per request: no KV-cache reuse between repetitions.
  await h.sequence.clearHistory();
  const tokens = h.model.tokenize(request.prompt, false);
  const input = h.model.tokens.bos !== null && h.model.tokens.shouldPrependBosToken ? [h.model.tokens.bos, ...tokens] : tokens;
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
      ...(repeatPenalty !== undefined ? { repeatPenalty: { penalty: repeatPenalty, punishTokens: () => generated.slice(-64) as never } } : {}),
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

export function createLlamaCppEngine(config: Pick<Config, 'options' | 'model_dir'>, opts: LlamaCppEngineOptions = {}): Engine {
  const importLib = opts.importNodeLlamaCpp ?? (() => import('node-llama-cpp'));
  const log = opts.log ?? (() => {});
  let lib: NodeLlamaCpp | undefined;
  const llamas = new Map<string, Promise<Llama>>();

  async function getLib(): Promise<NodeLlamaCpp> {
    if (!lib) {
      try {
        lib = await importLib();
      } catch (error) {
        throw new EngineError(`cannot load node-llama-cpp (the embedded llama.cpp engine): ${getErrorMessage(error)}`, 'load');
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
        l.getLlama({ gpu, build: 'never', logLevel: l.LlamaLogLevel.error, progressLogs: false }).catch((error: unknown) => {
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
    const dir = config.model_dir ? resolve(ctx.configDir, config.model_dir) : ctx.cacheDir;
    const progress = createTransferProgress(`downloading ${spec.name}`, ctx.log, { tty: opts.tty });
    let moved = false;
    try {
      // resolveModelFile looks in the cache directory first, so a restored model cache needs no network.
      const path = await l.resolveModelFile(spec.name, {
        directory: dir,
        cli: false,
        onProgress: ({ downloadedSize, totalSize }) => {
          moved = true;
          progress.update(downloadedSize, totalSize);
        },
        ...(opts.huggingFaceEndpoint ? { endpoints: { huggingFace: opts.huggingFaceEndpoint } } : {}),
      });
      progress.finish();
      // A restored model cache: say so, rather than a download of 0.0 MB.
      if (!moved) ctx.log(`using ${spec.name} from the model cache: ${path}`);
      return path;
    } catch (error) {
      throw new InputError(`cannot download model ${spec.name}: ${getErrorMessage(error)}`, { path: `models[id=${spec.id}]` });
    }
  }

  return {
    kind: 'llama-cpp',

    async info(): Promise<EngineInfo> {
      const llama = await getLlamaFor(gpuOf({}));
      return { kind: 'llama-cpp', version: `llama.cpp ${llama.llamaCppRelease.release} (node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, ${llama.gpu || 'cpu'})` };
    },

    async prepare(spec: ModelSpec, ctx: PrepareContext): Promise<PreparedModel> {
      const path = spec.source === 'url' ? await download(spec, ctx) : isAbsolute(spec.name) ? spec.name : resolve(ctx.configDir, spec.name);
      const where = { path: `models[id=${spec.id}]` };
      const st = await stat(path).catch(() => null);
      if (!st) throw new InputError(`model file ${path} does not exist`, where);
      if (!st.isFile()) throw new InputError(`model path ${path} is not a file`, where);
      // llama.cpp aborts the whole process on some malformed files: check the GGUF structure first.
      const info = await inspectGguf(path);
      const sha256 = await sha256File(path);
      if (spec.sha256 && spec.sha256 !== sha256) {
        throw new InputError(`model file ${path} has sha256 ${sha256}, expected ${spec.sha256}`, where);
      }
      return {
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
    },

    async load(prepared: PreparedModel, params: EngineParams): Promise<LoadedModel> {
      const llama = await getLlamaFor(gpuOf(params));
      const gpuLayers = params.gpu_layers as number | 'auto' | 'max' | undefined;
      const started = performance.now();
      let model: LlamaModel;
      try {
        model = await llama.loadModel({ modelPath: prepared.location, ...(gpuLayers !== undefined ? { gpuLayers } : {}) });
      } catch (error) {
        throw new EngineError(`llama.cpp could not load ${prepared.location}: ${getErrorMessage(error)}`, 'load');
      }
      let context: LlamaContext;
      try {
        context = await model.createContext({
          ...(num(params, 'context_size') !== undefined ? { contextSize: num(params, 'context_size') } : {}),
          ...(num(params, 'batch_size') !== undefined ? { batchSize: num(params, 'batch_size') } : {}),
          ...(num(params, 'threads') !== undefined ? { threads: num(params, 'threads') } : {}),
          ...(typeof params.flash_attention === 'boolean' ? { flashAttention: params.flash_attention } : {}),
        });
      } catch (error) {
        await model.dispose();
        throw new EngineError(`llama.cpp could not create a context for ${prepared.location}: ${getErrorMessage(error)}`, 'load');
      }
      const loadMs = performance.now() - started;
      const layers = model.fileInsights.totalLayers;
      const metrics: Record<string, number> = { gpu_offload: layers > 0 ? Math.min(1, model.gpuLayers / layers) : 0 };
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

    async generatePair(a: LoadedModel, requestA: GenerationRequest, b: LoadedModel, requestB: GenerationRequest): Promise<[Generation, Generation]> {
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
