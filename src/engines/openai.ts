// The `openai` engine: any OpenAI-compatible server (llama-server, vLLM, LM Studio), streamed over SSE and timed per chunk.
//
// Timing follows `vllm bench serve` (vllm/benchmarks/lib/endpoint_request_func.py): the clock starts when
// the request is sent; TTFT is the arrival of the first chunk carrying generated text (vLLM counts any
// chunk with `choices`, which on some servers is an empty role chunk sent before any token); ITL are the
// gaps between consecutive text chunks; E2E ends at the last chunk with `choices` (the trailing usage
// chunk and [DONE] do not count); TPOT = (E2E − TTFT) ÷ (output tokens − 1), with output tokens from the
// usage chunk (`stream_options.include_usage`). Like vLLM, each text chunk is one ITL sample even when a
// server packs several tokens into one chunk.
//
// Prompt caches: llama-server reuses the longest common prefix of a slot's last prompt unless a request says
// `cache_prompt: false` (tools/server/README.md, POST /completion options, which its OpenAI-compatible endpoints
// take too), and reports the reused tokens as `timings.cache_n` ("number of prompt tokens reused from cache";
// `prompt_n` counts only those it evaluated). The engine sends `cache_prompt: false` to llama-server only — when
// its /props answers `build_info` or its `Server` header says llama.cpp — unless the config sets `cache_prompt`
// itself: OpenAI's own API rejects unknown fields and vLLM ignores them (its prefix cache is a server flag,
// `--no-enable-prefix-caching`). Whatever the server, the cached count it reports (llama-server's `cache_n`, or
// the OpenAI `usage.prompt_tokens_details.cached_tokens` of vLLM, SGLang and llama-server) becomes the request's
// `cached_tokens` metric, and the runner's unique prompt prefixes keep it at zero.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Config, ModelSpec } from '../config/parse.js';
import type { ModelIdentity } from '../schema/results.js';
import { InputError, getErrorMessage } from '../util/errors.js';
import {
  EngineError,
  withRetries,
  type Engine,
  type EngineInfo,
  type EngineParams,
  type Generation,
  type GenerationRequest,
  type LoadedModel,
  type PrepareContext,
  type PreparedModel,
} from './types.js';
import { CACHED_TOKENS } from '../schema/metrics.js';
import {
  abortError,
  connectFailure,
  errorBodyMessage,
  excerpt,
  HttpTransport,
  isStreamCut,
  joinUrl,
  networkCause,
  nowMs,
  OutputHash,
  type FetchLike,
} from './http.js';

/** llama-server's per-request `timings` (tools/server/README.md), in milliseconds. */
export interface LlamaServerTimings {
  /** Prompt tokens reused from the slot's cache, not evaluated (not counted in prompt_n). */
  cache_n?: number;
  prompt_n?: number;
  prompt_ms?: number;
  prompt_per_second?: number;
  predicted_n?: number;
  predicted_ms?: number;
  predicted_per_second?: number;
}

/**
 * The decode steps behind llama-server's `predicted_ms`. Current builds (tools/server/server-common.h,
 * `n_gen_steps()`: "the first token is free, it comes from the logits of the last prompt batch") time
 * predicted_n − 1 steps from the end of the prompt to the last token, and report predicted_per_second over
 * those; older builds divided predicted_n. The server's own rate says which convention it follows.
 */
export function llamaServerDecodeSteps(tm: LlamaServerTimings): number | undefined {
  const n = tm.predicted_n;
  if (!n || !tm.predicted_ms) return undefined;
  if (tm.predicted_per_second !== undefined) {
    const steps = (tm.predicted_per_second * tm.predicted_ms) / 1000;
    // One token and no step (rate 0): nothing was decoded, there is no decode speed.
    if (Math.abs(steps - (n - 1)) < Math.abs(steps - n)) return n > 1 ? n - 1 : undefined;
  }
  return n;
}

interface StreamChunk {
  choices?: Array<{
    text?: string | null;
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
    finish_reason?: string | null;
  }>;
  usage?: OpenAIUsage | null;
  timings?: LlamaServerTimings;
  error?: { message?: string } | string;
}

/** The usage chunk; `prompt_tokens_details.cached_tokens` as OpenAI's API reference describes it. */
export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

const count = (n: unknown): number | undefined =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;

/** The `/v1` root of a server URL given with or without it. */
export function openaiApiBase(host: string): string {
  const base = host.replace(/\/+$/, '');
  return /\/v1$/.test(base) ? base : `${base}/v1`;
}

/** What one streamed reply amounted to, before it becomes a Generation. */
export interface StreamTally {
  arrivalsMs: number[];
  lastChoiceMs: number | undefined;
  usage?: OpenAIUsage;
  timings?: LlamaServerTimings;
  sawDone: boolean;
  sawFinish: boolean;
  events: number;
}

/** Raw timings of one reply; `tokensFromChunks` says output tokens were counted as chunks (no usage, no timings). */
export function generationFromStream(
  t: StreamTally,
  outputSha256: string,
): { generation: Generation; tokensFromChunks: boolean } {
  const completion = t.usage?.completion_tokens ?? t.timings?.predicted_n;
  const outputTokens = completion ?? t.arrivalsMs.length;
  const last = t.arrivalsMs[t.arrivalsMs.length - 1]!;
  const gen: Generation = {
    chunkArrivalsMs: t.arrivalsMs,
    e2eMs: Math.max(last, t.lastChoiceMs ?? last),
    outputTokens,
    outputSha256,
  };
  // llama-server's prompt_n leaves out the cache_n tokens it reused; the usage chunk counts the whole prompt.
  const cached = count(t.timings?.cache_n) ?? count(t.usage?.prompt_tokens_details?.cached_tokens);
  const promptN = t.timings?.prompt_n !== undefined ? t.timings.prompt_n + (count(t.timings.cache_n) ?? 0) : undefined;
  const promptTokens = t.usage?.prompt_tokens ?? promptN;
  if (promptTokens !== undefined) gen.promptTokens = promptTokens;
  if (cached !== undefined) gen.metrics = { [CACHED_TOKENS]: cached };
  const tm = t.timings;
  const decodeSteps = tm ? llamaServerDecodeSteps(tm) : undefined;
  if (tm && (tm.prompt_ms || tm.predicted_ms)) {
    gen.reported = {
      ...(tm.prompt_n && tm.prompt_ms ? { prefillTokens: tm.prompt_n, prefillMs: tm.prompt_ms } : {}),
      ...(decodeSteps && tm.predicted_ms ? { decodeTokens: decodeSteps, decodeMs: tm.predicted_ms } : {}),
    };
  } else if (promptTokens && promptTokens - (cached ?? 0) > 0) {
    // No server timings (vLLM, LM Studio): the prompt tokens it evaluated over TTFT, the client's estimate of prefill speed.
    gen.reported = { prefillTokens: promptTokens - (cached ?? 0), prefillMs: t.arrivalsMs[0]! };
  }
  return { generation: gen, tokensFromChunks: completion === undefined };
}

export interface OpenAIEngineOptions {
  /**
   * Replaces the keep-alive transport (tests, proxies). A foreign fetch cannot tell a reused connection from a
   * fresh one: a request lost to a connection the server closed is then a failure, not a retry.
   */
  fetch?: FetchLike;
}

function chunkText(chunk: StreamChunk): { text: string; hasChoice: boolean; finish: boolean } {
  const choice = chunk.choices?.[0];
  if (!choice) return { text: '', hasChoice: false, finish: false };
  const d = choice.delta;
  const text = (choice.text ?? '') + (d?.content ?? '') + (d?.reasoning_content ?? d?.reasoning ?? '');
  return { text, hasChoice: true, finish: !!choice.finish_reason };
}

class OpenAIEngine implements Engine {
  readonly kind = 'openai' as const;
  private readonly api: string;
  private readonly headers: Record<string, string>;
  private readonly fetch: FetchLike;
  private readonly transport: HttpTransport | undefined;
  private version: string | undefined;
  /** What the server is, probed once: its version, and whether it is llama-server (which takes `cache_prompt`). */
  private identity: Promise<{ version?: string; llamaServer: boolean }> | undefined;
  private warnedChunkCount = false;

  constructor(
    readonly host: string,
    private readonly config: Pick<Config, 'api'>,
    apiKey: string | undefined,
    private readonly log: (line: string) => void,
    opts: OpenAIEngineOptions,
  ) {
    this.api = openaiApiBase(host);
    this.transport = opts.fetch ? undefined : new HttpTransport();
    this.fetch = opts.fetch ?? this.transport!.fetcher();
    // The key lives only in this header object: it is never part of a message or a log line.
    this.headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
    };
  }

  private unreachable(error: unknown, what: string): EngineError | undefined {
    const why = connectFailure(error);
    if (!why) return undefined;
    return new EngineError(
      `cannot reach the OpenAI-compatible server at ${this.host} (${why}: ${networkCause(error)}) while trying to ${what}. ` +
        'Start the server (llama-server, vllm serve, LM Studio) or fix `host:` in bench.yml.',
      'engine',
    );
  }

  private async get(url: string, what: string, timeoutMs = 10_000): Promise<Response> {
    try {
      return await this.fetch(url, { headers: this.headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw (
        this.unreachable(error, what) ?? new EngineError(`${what} at ${url} failed: ${networkCause(error)}`, 'engine')
      );
    }
  }

  private httpError(res: Response, url: string, message: string, kind: EngineError['kind'] = 'engine'): EngineError {
    const hint =
      res.status === 401 || res.status === 403
        ? ' (check the API key: `api_key_env` names the environment variable that holds it)'
        : '';
    return new EngineError(`${url} answered HTTP ${res.status}: ${message}${hint}`, kind);
  }

  async info(): Promise<EngineInfo> {
    if (this.version === undefined) {
      const models = await this.get(joinUrl(this.api, 'models'), 'list the served models');
      await models.text().catch(() => ''); // read, not cancelled: its connection serves the probes next
      const server = models.headers.get('server');
      const probed = await this.identify(server);
      this.version = probed.version ?? server ?? 'unknown';
    }
    return { kind: 'openai', version: this.version, host: this.host };
  }

  /** Probes the server once (info, prepare or the first request, whichever comes first). */
  private identify(serverHeader?: string | null): Promise<{ version?: string; llamaServer: boolean }> {
    this.identity ??= this.probe(serverHeader);
    return this.identity;
  }

  /**
   * vLLM answers /version with {version}; llama-server answers /props with build_info, and says `Server: llama.cpp`
   * (tools/server/server-http.cpp). Others: nothing.
   */
  private async probe(serverHeader?: string | null): Promise<{ version?: string; llamaServer: boolean }> {
    const root = this.api.replace(/\/v1$/, '');
    let llamaServer = /^llama\.cpp\b/i.test(serverHeader ?? '');
    let version: string | undefined;
    for (const [path, field] of [
      ['version', 'version'],
      ['props', 'build_info'],
    ] as const) {
      try {
        const res = await this.fetch(joinUrl(root, path), { headers: this.headers, signal: AbortSignal.timeout(5000) });
        if (/^llama\.cpp\b/i.test(res.headers.get('server') ?? '')) llamaServer = true;
        if (!res.ok) {
          // Read to the end (a short error body), not cancelled: the connection is back in the pool before the
          // next request, which then reuses it instead of opening another.
          await res.text();
          continue;
        }
        const value = ((await res.json()) as Record<string, unknown> | null)?.[field];
        const text = typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined;
        if (text && path === 'props') llamaServer = true;
        if (text && version === undefined) version = text;
        if (version !== undefined) break;
      } catch {
        // a server without this endpoint, or one that answers something else: try the next
      }
    }
    return { version, llamaServer };
  }

  async prepare(model: ModelSpec, _ctx: PrepareContext): Promise<PreparedModel> {
    const url = joinUrl(this.api, 'models');
    const res = await this.get(url, 'list the served models');
    // Probed once the body is read, so that the probes reuse this connection rather than open another.
    const server = res.headers.get('server');
    const identity: ModelIdentity = { id: model.id, name: model.name, source: 'openai' };
    if (res.status === 404) {
      await res.text().catch(() => '');
      await this.identify(server);
      this.log(`openai: ${url} does not exist on this server; cannot check that "${model.name}" is served`);
      return { identity, location: model.name };
    }
    if (!res.ok) throw this.httpError(res, url, await errorBodyMessage(res), 'load');
    let served: Array<{ id?: string; meta?: { n_params?: number; size?: number } }> = [];
    try {
      served = ((await res.json()) as { data?: typeof served }).data ?? [];
    } catch (error) {
      throw new EngineError(`${url} did not answer JSON: ${getErrorMessage(error)}`, 'load');
    }
    const entry = served.find((m) => m.id === model.name);
    if (!entry) {
      const names = served.map((m) => m.id).filter(Boolean);
      throw new EngineError(
        `model "${model.name}" is not served by ${this.host}; served models: ${names.length > 0 ? names.join(', ') : '(none)'}`,
        'load',
      );
    }
    await this.identify(server);
    // llama-server describes the loaded GGUF in `meta`.
    if (typeof entry.meta?.n_params === 'number') identity.parameter_count = entry.meta.n_params;
    if (typeof entry.meta?.size === 'number') identity.size_bytes = entry.meta.size;
    return { identity, location: model.name };
  }

  async load(prepared: PreparedModel, params: EngineParams): Promise<LoadedModel> {
    // The server loaded the model when it started: there is no cold load to measure.
    return { prepared, params };
  }

  async generate(model: LoadedModel, request: GenerationRequest): Promise<Generation> {
    const { signal } = request;
    if (signal.aborted) throw abortError(signal, 'the request');
    const chat = this.config.api === 'chat';
    const url = joinUrl(this.api, chat ? 'chat/completions' : 'completions');
    // Before the clock starts: llama-server is told not to reuse its prompt cache, unless the config says otherwise.
    const { llamaServer } = await this.identify();
    const body = {
      ...(llamaServer ? { cache_prompt: false } : {}),
      ...model.params,
      model: model.prepared.location,
      ...(chat ? { messages: [{ role: 'user', content: request.prompt }] } : { prompt: request.prompt }),
      max_tokens: request.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    };
    // Requests lost to a keep-alive connection the server had closed, sent again: the clock restarts with each.
    const retries: string[] = [];
    let t0 = nowMs();
    const send = this.transport
      ? this.transport.fetcher((cause) => {
          retries.push(cause);
          t0 = nowMs();
        })
      : this.fetch;
    let res: Response;
    try {
      res = await send(url, {
        method: 'POST',
        headers: { ...this.headers, Accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw withRetries(abortError(signal, `the request to ${url}`), retries);
      throw withRetries(
        this.unreachable(error, `send a request to ${url}`) ??
          new EngineError(`request to ${url} failed: ${networkCause(error)}`, 'engine'),
        retries,
      );
    }
    try {
      const generation = await this.readStream(res, url, signal, t0);
      if (retries.length > 0) generation.retries = retries;
      return generation;
    } catch (error) {
      throw withRetries(error, retries);
    }
  }

  /** Reads a streamed reply whose request was sent at `t0`. */
  private async readStream(res: Response, url: string, signal: AbortSignal, t0: number): Promise<Generation> {
    if (!res.ok) throw this.httpError(res, url, await errorBodyMessage(res));
    if (!res.body) throw new EngineError(`${url} answered without a body`, 'stream');

    const tally: StreamTally = { arrivalsMs: [], lastChoiceMs: undefined, sawDone: false, sawFinish: false, events: 0 };
    const hash = new OutputHash();
    let failure: EngineError | undefined;
    let readAtMs = 0;
    const onEvent = (event: EventSourceMessage): void => {
      if (failure || tally.sawDone) return;
      tally.events++;
      if (event.data.trim() === '[DONE]') {
        tally.sawDone = true;
        return;
      }
      let chunk: StreamChunk;
      try {
        chunk = JSON.parse(event.data) as StreamChunk;
      } catch (error) {
        failure = new EngineError(
          `malformed JSON in event ${tally.events} of the stream from ${url}: ${excerpt(event.data, 80)} (${getErrorMessage(error)})`,
          'stream',
        );
        return;
      }
      if (chunk === null || typeof chunk !== 'object') {
        failure = new EngineError(
          `event ${tally.events} of the stream from ${url} is not a JSON object: ${excerpt(event.data, 80)}`,
          'stream',
        );
        return;
      }
      if (chunk.error) {
        const message =
          typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error));
        failure = new EngineError(`${url} reported an error mid-stream: ${message}`, 'engine');
        return;
      }
      const { text, hasChoice, finish } = chunkText(chunk);
      if (hasChoice) tally.lastChoiceMs = readAtMs;
      if (text) {
        tally.arrivalsMs.push(readAtMs);
        hash.update(text);
      }
      if (finish) tally.sawFinish = true;
      if (chunk.usage) tally.usage = chunk.usage;
      if (chunk.timings) tally.timings = chunk.timings;
    };
    const parser = createParser({ onEvent });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        // Every event parsed from this read arrived now: stamp them with the read time, not the parse time.
        readAtMs = nowMs() - t0;
        if (done) break;
        parser.feed(value);
        if (failure || tally.sawDone) break;
      }
    } catch (error) {
      if (signal.aborted) throw abortError(signal, `the stream from ${url}`);
      if (isStreamCut(error)) {
        throw new EngineError(
          `the stream from ${url} was cut after ${tally.arrivalsMs.length} text chunks, before [DONE] (${networkCause(error)})`,
          'stream',
        );
      }
      throw new EngineError(`reading the stream from ${url} failed: ${networkCause(error)}`, 'stream');
    } finally {
      reader.cancel().catch(() => {});
    }
    if (failure) throw failure;
    if (!tally.sawDone && !tally.sawFinish) {
      throw new EngineError(
        `the stream from ${url} ended after ${tally.arrivalsMs.length} text chunks without [DONE] or a finish_reason`,
        'stream',
      );
    }
    if (tally.arrivalsMs.length === 0) {
      // vLLM marks such a request failed too: with no token there is no TTFT.
      throw new EngineError(`the stream from ${url} finished without any generated text`, 'stream');
    }
    const { generation, tokensFromChunks } = generationFromStream(tally, hash.digest());
    if (tokensFromChunks && !this.warnedChunkCount) {
      this.warnedChunkCount = true;
      this.log(
        `openai: ${this.host} sends no usage chunk (stream_options.include_usage); output tokens are counted as streamed chunks`,
      );
    }
    return generation;
  }

  async unload(_model: LoadedModel): Promise<void> {}

  async close(): Promise<void> {
    this.transport?.close();
  }
}

/** The OpenAI-compatible engine; the API key comes from the environment variable `config.api_key_env` names. */
export function createOpenAIEngine(
  config: Pick<Config, 'file' | 'host' | 'api' | 'api_key_env'>,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  opts: OpenAIEngineOptions = {},
): Engine & { readonly host: string } {
  if (!config.host)
    throw new InputError('the openai engine needs `host:`, the server URL (e.g. http://127.0.0.1:8080)', {
      file: config.file,
      path: 'host',
    });
  let apiKey: string | undefined;
  if (config.api_key_env) {
    apiKey = env[config.api_key_env];
    if (!apiKey)
      throw new InputError(`api_key_env names ${config.api_key_env}, but that environment variable is not set`, {
        file: config.file,
        path: 'api_key_env',
      });
  }
  return new OpenAIEngine(config.host.replace(/\/+$/, ''), config, apiKey, log, opts);
}
