// The one interface every engine adapter implements; the runner only ever talks to this.
import type { EngineKind } from '../config/engine-options.js';
import type { ModelSpec } from '../config/parse.js';
import type { ModelIdentity, ParamValue } from '../schema/results.js';
import type { MetricInfo } from '../schema/metrics.js';

export interface EngineInfo {
  kind: EngineKind;
  version: string;
  host?: string;
}

/** A model made ready to load: identity for the results, and where the engine finds it. */
export interface PreparedModel {
  identity: ModelIdentity;
  /** Engine-specific locator: a file path (llama-cpp), a tag (ollama), a served name (openai). */
  location: string;
}

/** Fixed options and swept values of a case, as the engine receives them. */
export type EngineParams = Record<string, ParamValue | ParamValue[]>;

export interface LoadedModel {
  prepared: PreparedModel;
  params: EngineParams;
  /** Cold-load time measured by the engine or the client, when the engine can load on demand. */
  loadMs?: number;
  /** Metrics known at load time (gpu_offload, vram_mb, …). */
  metrics?: Record<string, number>;
}

export interface GenerationRequest {
  prompt: string;
  maxTokens: number;
  signal: AbortSignal;
  /** The case and repetition this request belongs to, for engines that pass them on (the command engine's environment). */
  caseId?: string;
  repetition?: number;
}

/** What one request produced, as raw timings; src/runner/metrics.ts turns it into the metrics of src/schema/metrics.ts. */
export interface Generation {
  /** Milliseconds from the request being sent to the arrival of each streamed chunk, in order. */
  chunkArrivalsMs: number[];
  /** Tokens carried by each chunk, when not one per chunk. */
  chunkTokens?: number[];
  /** Milliseconds from the request being sent to the last token (end of stream). */
  e2eMs: number;
  /** Generated tokens; absent when the engine cannot tell (a command that does not report it). */
  outputTokens?: number;
  promptTokens?: number;
  /** Durations the engine itself reports; preferred over client-side estimates where the metric table says so. */
  reported?: {
    prefillMs?: number;
    prefillTokens?: number;
    decodeMs?: number;
    decodeTokens?: number;
  };
  /** Further metrics the engine measured for this request (custom metrics of the command engine, …). */
  metrics?: Record<string, number>;
  outputSha256: string;
  /**
   * Attempts lost before any byte of an answer on a keep-alive connection the server had closed, each sent again
   * on a fresh connection (the HTTP engines): the cause each failed with. The timings are the last attempt's.
   */
  retries?: string[];
}

export interface PrepareContext {
  /** Directory of the config file; relative model paths resolve against it. */
  configDir: string;
  /** Where downloaded models are kept. */
  cacheDir: string;
  log: (line: string) => void;
  /**
   * The run's stop signal (Ctrl-C, a cancelled workflow): aborting it cancels a download or a model load under way
   * at once, rather than after it (nothing is measured during preparation, so nothing is lost).
   */
  signal?: AbortSignal;
}

export interface Engine {
  readonly kind: EngineKind;
  /** Metrics this engine may add beyond the built-ins, with their direction. */
  readonly customMetrics?: Record<string, MetricInfo>;
  /**
   * How many cases can stay loaded at once without the engine reloading behind our back (absent: no limit).
   * Ollama holds one configuration of a model: a request with another num_ctx silently reloads it, and that
   * load would land in the next request's TTFT. Above this limit the runner does not interleave cases.
   */
  readonly maxLoadedCases?: number;
  info(): Promise<EngineInfo>;
  prepare(model: ModelSpec, ctx: PrepareContext): Promise<PreparedModel>;
  load(model: PreparedModel, params: EngineParams): Promise<LoadedModel>;
  generate(model: LoadedModel, request: GenerationRequest): Promise<Generation>;
  /**
   * Generates two requests token by token in lockstep (A/B runs): both sides see the same machine, millisecond
   * by millisecond, so drift cancels within a block. Each side's times count only its own steps. Optional: only
   * engines that drive decoding themselves (the embedded one) can do it; `b` may belong to another instance of
   * the same engine kind.
   */
  generatePair?(
    a: LoadedModel,
    requestA: GenerationRequest,
    b: LoadedModel,
    requestB: GenerationRequest,
  ): Promise<[Generation, Generation]>;
  unload(model: LoadedModel): Promise<void>;
  close(): Promise<void>;
}

/** An engine failure with a kind the results record (`timeout`, `stream`, …). */
export class EngineError extends Error {
  /** Attempts of the failed request that were lost to a closed keep-alive connection and sent again (see Generation.retries). */
  retries?: string[];
  constructor(
    message: string,
    readonly kind: 'timeout' | 'engine' | 'load' | 'stream' | 'crash' = 'engine',
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** `error` as an EngineError that carries the retries made before it (none: unchanged). */
export function withRetries(error: unknown, retries: string[]): unknown {
  if (retries.length > 0 && error instanceof EngineError) error.retries = [...retries];
  return error;
}
