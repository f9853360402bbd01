// The `ollama` engine: a running Ollama server, driven through the official `ollama` client, timed token by token.
import { downloadStallSeconds } from './storage.js';
import { Ollama, type ModelResponse, type ShowResponse } from 'ollama';
import type { Config, ModelSpec } from '../config/parse.js';
import type { ModelIdentity, ParamValue } from '../schema/results.js';
import { getErrorMessage } from '../util/errors.js';
import { createTransferProgress, type TransferProgress } from '../util/progress.js';
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
  fetchWithSignal,
  HttpTransport,
  isStreamCut,
  ndjsonGuard,
  networkCause,
  nowMs,
  OutputHash,
  TransportError,
  type FetchLike,
} from './http.js';

export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';
/** Long enough that a case's repetitions never find the model unloaded; `unload` ends it explicitly. */
const DEFAULT_KEEP_ALIVE = '30m';
/** Request fields that Ollama takes beside `options`, not inside it (docs/api.md "Generate a completion"). */
const TOP_LEVEL_FIELDS = new Set(['keep_alive', 'think']);
const PULL_PROGRESS_MIN_BYTES = 10e6;

/**
 * The server URL the way Ollama itself reads OLLAMA_HOST (envconfig.Host): the scheme defaults to
 * http, the port to 11434 (80/443 with an explicit scheme), and a bare `:port` means 127.0.0.1.
 * A listen-anywhere address (0.0.0.0, ::) is where the server binds, not where a client connects.
 */
export function normalizeOllamaHost(value: string | undefined): string {
  let s = (value ?? '').trim();
  if (!s) return OLLAMA_DEFAULT_HOST;
  let scheme = 'http';
  let defaultPort = '11434';
  const sep = s.indexOf('://');
  if (sep >= 0) {
    scheme = s.slice(0, sep).toLowerCase();
    s = s.slice(sep + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
  }
  const slash = s.indexOf('/');
  const path = slash >= 0 ? s.slice(slash).replace(/\/+$/, '') : '';
  let hostport = slash >= 0 ? s.slice(0, slash) : s;
  const at = hostport.lastIndexOf('@');
  const auth = at >= 0 ? hostport.slice(0, at + 1) : '';
  hostport = hostport.slice(at + 1);
  let host: string;
  let port: string;
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostport);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] || defaultPort;
  } else if ((hostport.match(/:/g) ?? []).length === 1) {
    [host, port] = hostport.split(':') as [string, string];
    port = port || defaultPort;
  } else {
    host = hostport; // a bare name, or an IPv6 address without a port
    port = defaultPort;
  }
  if (!host || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) port = defaultPort;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${auth}${hostPart}:${port}${path}`;
}

/** `gemma3` and `gemma3:latest` are the same model to Ollama. */
export function ollamaTag(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return (lastSegment.includes(':') ? name : `${name}:latest`).toLowerCase();
}

/** Splits a case's parameters into Ollama's `options` and the request's top-level fields. */
export function ollamaRequestFields(params: EngineParams): {
  options: Record<string, ParamValue | ParamValue[]>;
  keepAlive?: string | number;
  think?: boolean | 'low' | 'medium' | 'high';
} {
  const options: Record<string, ParamValue | ParamValue[]> = {};
  for (const [key, value] of Object.entries(params)) if (!TOP_LEVEL_FIELDS.has(key)) options[key] = value;
  const keepAlive = params.keep_alive as string | number | undefined;
  const think = params.think as boolean | 'low' | 'medium' | 'high' | undefined;
  return { options, ...(keepAlive !== undefined ? { keepAlive } : {}), ...(think !== undefined ? { think } : {}) };
}

interface OllamaDoneChunk {
  done?: boolean;
  response?: string;
  thinking?: string;
  message?: { content?: string; thinking?: string };
  load_duration?: number;
  total_duration?: number;
  prompt_eval_count?: number;
  /** Prompt tokens read from the cache, not evaluated (newer servers; docs.ollama.com/api/usage). */
  prompt_eval_cached_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

const nsToMs = (ns: number): number => ns / 1e6;

/**
 * Raw timings of one streamed reply: client-side arrival times plus the durations Ollama reports (ns).
 *
 * Ollama reuses its runner's KV cache for the common prefix of consecutive prompts and has no request field to
 * turn that off (docs/api.md lists none): the runner's unique prompt prefixes are the only defence. Newer
 * servers say how much was reused (docs.ollama.com/api/usage): `prompt_eval_count` is every prompt token,
 * `prompt_eval_cached_count` those read from the cache, `prompt_eval_duration` the time of the others. The
 * cached count becomes the request's `cached_tokens` metric and prefill speed counts only evaluated tokens.
 */
export function generationFromOllama(
  arrivalsMs: number[],
  final: OllamaDoneChunk,
  endMs: number,
  outputSha256: string,
): Generation {
  const gen: Generation = {
    chunkArrivalsMs: arrivalsMs,
    e2eMs: arrivalsMs.length > 0 ? arrivalsMs[arrivalsMs.length - 1]! : endMs,
    outputTokens: final.eval_count ?? arrivalsMs.length,
    outputSha256,
  };
  if (final.prompt_eval_count !== undefined) gen.promptTokens = final.prompt_eval_count;
  const cached =
    typeof final.prompt_eval_cached_count === 'number' && final.prompt_eval_cached_count >= 0
      ? final.prompt_eval_cached_count
      : undefined;
  if (cached !== undefined) gen.metrics = { [CACHED_TOKENS]: cached };
  const reported: NonNullable<Generation['reported']> = {};
  const evaluated = (final.prompt_eval_count ?? 0) - (cached ?? 0);
  if (evaluated > 0 && final.prompt_eval_duration) {
    reported.prefillTokens = evaluated;
    reported.prefillMs = nsToMs(final.prompt_eval_duration);
  }
  if (final.eval_count && final.eval_duration) {
    reported.decodeTokens = final.eval_count;
    reported.decodeMs = nsToMs(final.eval_duration);
  }
  if (Object.keys(reported).length > 0) gen.reported = reported;
  return gen;
}

function isResponseError(error: unknown): error is Error & { status_code: number; error: string } {
  return error instanceof Error && typeof (error as { status_code?: unknown }).status_code === 'number';
}

export interface OllamaEngineOptions {
  /**
   * Replaces the keep-alive transport (tests, proxies). A foreign fetch cannot tell a reused connection from a
   * fresh one: a request lost to a connection the server closed is then a failure, not a retry.
   */
  fetch?: FetchLike;
  /** How long `unload` waits for the server to report the model gone before a cold load. */
  unloadWaitMs?: number;
  /** Time-out of short calls (version, tags, show, ps, unload); default 30 s. */
  requestTimeoutMs?: number;
  /** Pull progress as a redrawn bar (a terminal) instead of throttled log lines. */
  tty?: boolean;
  /** Seconds a pull may go without any progress before it fails (default LLM_BENCH_DOWNLOAD_STALL_S, else 60). */
  stallSeconds?: number;
}

class OllamaEngine implements Engine {
  readonly kind = 'ollama' as const;
  readonly maxLoadedCases = 1;
  /** For short calls (version, tags, show, ps, unload): a server that accepts and never answers must not hang the run. */
  private readonly client: Ollama;
  /** For pulls and cold loads, which may take minutes. */
  private readonly slowClient: Ollama;
  private readonly transport: HttpTransport | undefined;
  private version: string | undefined;

  constructor(
    readonly host: string,
    private readonly config: Pick<Config, 'pull' | 'chat'>,
    private readonly log: (line: string) => void,
    private readonly opts: OllamaEngineOptions,
  ) {
    this.transport = opts.fetch ? undefined : new HttpTransport();
    this.client = this.makeClient(opts.requestTimeoutMs ?? 30_000);
    this.slowClient = this.makeClient();
  }

  /** A client whose every request ends after `timeoutMs` (short calls), or never (pulls and loads take as long as they take). */
  private makeClient(timeoutMs?: number): Ollama {
    const base = this.opts.fetch ?? this.transport!.fetcher();
    if (timeoutMs === undefined) return new Ollama({ host: this.host, fetch: base });
    const timed = ((input: Parameters<FetchLike>[0], init?: RequestInit) =>
      fetchWithSignal(AbortSignal.timeout(timeoutMs), base)(input, init)) as FetchLike;
    return new Ollama({ host: this.host, fetch: timed });
  }

  /** Turns whatever the client threw into an EngineError that names the host and what to do. */
  private fail(error: unknown, what: string, kind: EngineError['kind'] = 'engine'): EngineError {
    if (error instanceof EngineError) return error;
    const refused = connectFailure(error);
    if (refused) {
      return new EngineError(
        `cannot reach the Ollama server at ${this.host} (${refused}: ${networkCause(error)}) while trying to ${what}. ` +
          'Start it with `ollama serve` (or `systemctl start ollama`), or point `host:` in bench.yml or OLLAMA_HOST at where it runs.',
        'engine',
      );
    }
    if (isResponseError(error))
      return new EngineError(
        `Ollama at ${this.host} answered HTTP ${error.status_code} to ${what}: ${error.error}`,
        kind,
      );
    return new EngineError(`Ollama at ${this.host} failed to ${what}: ${networkCause(error)}`, kind);
  }

  async info(): Promise<EngineInfo> {
    if (this.version === undefined) {
      try {
        this.version = (await this.client.version()).version || 'unknown';
      } catch (error) {
        throw this.fail(error, 'read its version (/api/version)');
      }
    }
    return { kind: 'ollama', version: this.version, host: this.host };
  }

  private async findLocal(name: string): Promise<ModelResponse | undefined> {
    const wanted = ollamaTag(name);
    let list: Awaited<ReturnType<typeof this.client.list>>;
    try {
      list = await this.client.list();
    } catch (error) {
      throw this.fail(error, 'list its models (/api/tags)', 'load');
    }
    return list.models.find((m) => ollamaTag(m.name) === wanted || ollamaTag(m.model ?? '') === wanted);
  }

  private async pull(name: string, signal: AbortSignal | undefined): Promise<void> {
    const stallS = this.opts.stallSeconds ?? 60;
    this.log(`ollama: pulling ${name} from ${this.host} (gives up after ${stallS} s without progress)`);
    // One progress display per large layer: layers download side by side and their total is unknown
    // until each has started, so a single summed bar would run backwards. Small layers (template,
    // license, params) finish at once and would only add noise.
    const layers = new Map<string, TransferProgress | null>();
    let lastStatus = '';
    try {
      const stream = await this.slowClient.pull({ model: name, stream: true });
      // A pull that stops making progress (a registry that hangs) fails after the stall time; a stop cancels it.
      let why: string | undefined;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = (): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          why = `no progress for ${stallS} s`;
          stream.abort();
        }, stallS * 1000);
      };
      const onStop = (): void => {
        why = 'the run was stopped';
        stream.abort();
      };
      signal?.addEventListener('abort', onStop);
      arm();
      try {
        for await (const part of this.guard(stream, () => why)) {
          arm();
          if (part.digest && part.total) {
            let progress = layers.get(part.digest);
            if (progress === undefined) {
              const label = `pulling ${name} ${part.digest.replace(/^sha256:/, '').slice(0, 12)}`;
              progress =
                part.total >= PULL_PROGRESS_MIN_BYTES
                  ? createTransferProgress(label, this.log, { tty: this.opts.tty ?? false })
                  : null;
              layers.set(part.digest, progress);
            }
            progress?.update(part.completed ?? 0, part.total);
          } else if (part.status && part.status !== lastStatus && !part.status.startsWith('pulling ')) {
            this.log(`ollama: ${name}: ${part.status}`);
          }
          lastStatus = part.status ?? lastStatus;
        }
      } finally {
        clearTimeout(watchdog);
        signal?.removeEventListener('abort', onStop);
      }
      if (why) throw new EngineError(`pulling ${name} from ${this.host} stopped: ${why}`, 'load');
      for (const progress of layers.values()) progress?.finish();
    } catch (error) {
      if (error instanceof EngineError && /stopped: no progress/.test(error.message)) {
        throw new EngineError(
          `${error.message}. Pull it on the runner beforehand (\`ollama pull ${name}\`), or restore the Ollama models directory from a cache (the action's cache-models input does)`,
          'load',
        );
      }
      throw this.fail(error, `pull ${name} (/api/pull)`, 'load');
    }
  }

  /** The stream's parts, ending with the abort's reason rather than the client's AbortError once aborted by us. */
  private async *guard<T>(stream: AsyncIterable<T>, reason: () => string | undefined): AsyncGenerator<T> {
    try {
      for await (const part of stream) yield part;
    } catch (error) {
      const why = reason();
      if (why) return;
      throw error;
    }
  }

  async prepare(model: ModelSpec, ctx: PrepareContext): Promise<PreparedModel> {
    await this.info();
    const name = model.name;
    let local = await this.findLocal(name);
    const pullMode = this.config.pull;
    if (pullMode === 'always' || (pullMode === 'missing' && !local)) {
      try {
        await this.pull(name, ctx.signal);
      } catch (error) {
        // An offline registry must not stop a run that already has the model.
        if (!local) throw error;
        this.log(`ollama: ${getErrorMessage(error)}; using the local copy of ${name}`);
      }
      local = await this.findLocal(name);
    }
    if (!local) {
      const why =
        pullMode === 'never'
          ? `and pull is "never"; run \`ollama pull ${name}\` on the runner or set \`pull: missing\``
          : 'even after pulling it';
      throw new EngineError(`model "${name}" is not on the Ollama server at ${this.host} ${why}`, 'load');
    }
    let show: ShowResponse | undefined;
    try {
      show = await this.client.show({ model: local.name });
    } catch (error) {
      this.log(`ollama: no details for ${local.name}: ${this.fail(error, 'show the model (/api/show)').message}`);
    }
    const details = show?.details ?? local.details;
    const info = (show?.model_info ?? {}) as unknown as Record<string, unknown>;
    const paramCount = info['general.parameter_count'];
    const identity: ModelIdentity = {
      id: model.id,
      name,
      source: 'ollama',
      ...(local.digest ? { digest: local.digest.startsWith('sha256:') ? local.digest : `sha256:${local.digest}` } : {}),
      ...(details?.family ? { family: details.family } : {}),
      ...(details?.parameter_size ? { parameter_size: details.parameter_size } : {}),
      ...(details?.quantization_level ? { quantization: details.quantization_level } : {}),
      ...(typeof paramCount === 'number' ? { parameter_count: paramCount } : {}),
      ...(typeof local.size === 'number' ? { size_bytes: local.size } : {}),
    };
    return { identity, location: local.name };
  }

  private async isLoaded(location: string): Promise<ModelResponse | undefined> {
    const ps = await this.client.ps();
    const wanted = ollamaTag(location);
    return ps.models.find((m) => ollamaTag(m.name) === wanted || ollamaTag(m.model ?? '') === wanted);
  }

  private async unloadLocation(location: string): Promise<void> {
    // docs/api.md "Unload a model": an empty prompt with keep_alive 0.
    await this.client.generate({ model: location, prompt: '', keep_alive: 0, stream: false });
    // The server answers before the runner has exited; a cold load measured now would include the unload.
    const waitMs = this.opts.unloadWaitMs ?? 10_000;
    const until = nowMs() + waitMs;
    while ((await this.isLoaded(location)) && nowMs() < until) await new Promise((r) => setTimeout(r, 100));
  }

  async load(prepared: PreparedModel, params: EngineParams): Promise<LoadedModel> {
    const { options, keepAlive, think } = ollamaRequestFields(params);
    const location = prepared.location;
    try {
      await this.unloadLocation(location);
    } catch (error) {
      throw this.fail(error, `unload ${location} before a cold load`, 'load');
    }
    let loadMs: number;
    try {
      // docs/api.md "Load a model": an empty prompt loads it with these options (num_ctx, num_gpu, … take effect at load).
      const t0 = nowMs();
      const reply = (await this.slowClient.generate({
        model: location,
        prompt: '',
        stream: false,
        keep_alive: keepAlive ?? DEFAULT_KEEP_ALIVE,
        options: options as never,
        ...(think !== undefined ? { think } : {}),
      })) as OllamaDoneChunk;
      const wallMs = nowMs() - t0;
      // Ollama's load reply usually carries no load_duration; the request's wall time is then the load time.
      loadMs = reply.load_duration ? nsToMs(reply.load_duration) : wallMs;
    } catch (error) {
      throw this.fail(error, `load ${location}`, 'load');
    }
    const metrics: Record<string, number> = {};
    try {
      const running = await this.isLoaded(location);
      if (running && running.size > 0) {
        metrics.gpu_offload = (running.size_vram ?? 0) / running.size;
        metrics.vram_mb = (running.size_vram ?? 0) / 1e6;
      }
    } catch (error) {
      this.log(`ollama: cannot read /api/ps after loading ${location}: ${getErrorMessage(error)}`);
    }
    return { prepared, params, loadMs, metrics };
  }

  async generate(model: LoadedModel, request: GenerationRequest): Promise<Generation> {
    const { signal } = request;
    if (signal.aborted) throw abortError(signal, 'the request');
    const { options, keepAlive, think } = ollamaRequestFields(model.params);
    const location = model.prepared.location;
    const body = {
      model: location,
      stream: true as const,
      keep_alive: keepAlive ?? DEFAULT_KEEP_ALIVE,
      options: { ...options, num_predict: (options.num_predict as number | undefined) ?? request.maxTokens } as never,
      ...(think !== undefined ? { think } : {}),
    };
    const endpoint = this.config.chat ? '/api/chat' : '/api/generate';
    // Requests lost to a keep-alive connection the server had closed, sent again: the clock restarts with each.
    const retries: string[] = [];
    let t0 = nowMs();
    const base = this.transport
      ? this.transport.fetcher((cause) => {
          retries.push(cause);
          t0 = nowMs();
        })
      : this.opts.fetch!;
    const guardedFetch: FetchLike = (async (input: Parameters<FetchLike>[0], init?: RequestInit) => {
      const res = await fetchWithSignal(signal, base)(input, init);
      if (!res.ok || !res.body) return res;
      return new Response(res.body.pipeThrough(ndjsonGuard(`${this.host}${endpoint}`)), {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    }) as FetchLike;
    const client = new Ollama({ host: this.host, fetch: guardedFetch });
    const arrivals: number[] = [];
    const hash = new OutputHash();
    let final: OllamaDoneChunk | undefined;
    try {
      const stream = this.config.chat
        ? await client.chat({ ...body, messages: [{ role: 'user', content: request.prompt }] })
        : await client.generate({ ...body, prompt: request.prompt });
      for await (const part of stream as AsyncIterable<OllamaDoneChunk>) {
        const at = nowMs() - t0;
        const text = (part.response ?? part.message?.content ?? '') + (part.thinking ?? part.message?.thinking ?? '');
        if (text) {
          arrivals.push(at);
          hash.update(text);
        }
        if (part.done) final = part;
      }
    } catch (error) {
      throw withRetries(this.generationFailure(error, signal, endpoint, location, arrivals.length), retries);
    }
    if (!final)
      throw withRetries(
        new EngineError(`the stream from ${this.host}${endpoint} ended without the final "done" chunk`, 'stream'),
        retries,
      );
    const generation = generationFromOllama(arrivals, final, nowMs() - t0, hash.digest());
    if (retries.length > 0) generation.retries = retries;
    return generation;
  }

  /** What a failed generation request is recorded as. */
  private generationFailure(
    error: unknown,
    signal: AbortSignal,
    endpoint: string,
    location: string,
    tokens: number,
  ): EngineError {
    if (signal.aborted) return abortError(signal, `generation on ${this.host}${endpoint}`);
    if (error instanceof EngineError) return error;
    // The request itself failed (no answer): not a cut stream.
    if (error instanceof TransportError) return this.fail(error, `generate with ${location} (${endpoint})`);
    if (isStreamCut(error)) {
      return new EngineError(
        `the stream from ${this.host}${endpoint} was cut after ${tokens} tokens, before the final "done" chunk (${networkCause(error)})`,
        'stream',
      );
    }
    if (error instanceof Error && /did not receive done/i.test(error.message)) {
      return new EngineError(
        `the stream from ${this.host}${endpoint} ended after ${tokens} tokens without the final "done" chunk`,
        'stream',
      );
    }
    if (isResponseError(error) && error.status_code === 404) {
      return new EngineError(`model "${location}" not found on ${this.host}: ${error.error}`, 'engine');
    }
    return this.fail(error, `generate with ${location} (${endpoint})`);
  }

  async unload(model: LoadedModel): Promise<void> {
    try {
      await this.client.generate({ model: model.prepared.location, prompt: '', keep_alive: 0, stream: false });
    } catch (error) {
      this.log(`ollama: could not unload ${model.prepared.location}: ${this.fail(error, 'unload').message}`);
    }
  }

  async close(): Promise<void> {
    this.slowClient.abort();
    this.transport?.close();
  }
}

/**
 * The Ollama engine. Host: `config.host`, else OLLAMA_HOST from `env`, else http://127.0.0.1:11434.
 * `env` is passed in (not read from process.env) so tests and the action decide what it sees.
 */
export function createOllamaEngine(
  config: Pick<Config, 'host' | 'pull' | 'chat'>,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  opts: OllamaEngineOptions = {},
): Engine & { readonly host: string } {
  const host = normalizeOllamaHost(config.host ?? env.OLLAMA_HOST);
  return new OllamaEngine(host, config, log, { stallSeconds: downloadStallSeconds(env), ...opts });
}
