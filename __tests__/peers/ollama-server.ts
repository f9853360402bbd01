// A local server speaking Ollama's REST API, with controllable timing and faults, for the real `ollama` client to run against.
//
// Follows Ollama's docs/api.md (github.com/ollama/ollama/blob/main/docs/api.md):
// - "Conventions": durations are nanoseconds; streaming endpoints send one JSON object per line
//   (application/x-ndjson) and the final object has `done: true`.
// - "Generate a completion" (POST /api/generate) and "Generate a chat completion" (POST /api/chat):
//   streamed chunks `{model, created_at, response | message, done: false}`, then a final chunk with
//   done_reason, total_duration, load_duration, prompt_eval_count, prompt_eval_duration, eval_count,
//   eval_duration; "Load a model" (empty prompt) and "Unload a model" (empty prompt, keep_alive 0)
//   answer one object with done: true (done_reason "load" / "unload") and no durations.
// - "List Local Models" (GET /api/tags), "Show Model Information" (POST /api/show: details, model_info),
//   "List Running Models" (GET /api/ps: size, size_vram), "Version" (GET /api/version),
//   "Pull a Model" (POST /api/pull: status lines, then per-layer {status, digest, total, completed},
//   then "verifying sha256 digest", "writing manifest", "success").
// - Errors are `{ "error": "..." }` with an HTTP status (404 for an unknown model).
// - docs.ollama.com/api/usage (`promptCache`): `prompt_eval_count` "how many input tokens were in the prompt",
//   `prompt_eval_cached_count` "how many prompt tokens were read from the cache", `prompt_eval_duration` "how long
//   it took to evaluate the uncached prompt tokens". Ollama has no request field to turn its cache off.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface PeerModel {
  name: string;
  digest: string;
  sizeBytes: number;
  family: string;
  parameterSize: string;
  quantization: string;
  parameterCount: number;
  /** Share of the model the peer claims to hold in VRAM once loaded. */
  vramShare?: number;
}

/** What can go wrong with one generation request. */
export type OllamaFault =
  | { kind: 'cut'; afterTokens: number } // the connection is destroyed mid-stream, before `done`
  | { kind: 'stall'; afterTokens: number } // the stream stops sending but stays open
  | { kind: 'malformed'; afterTokens: number } // a line that is not JSON
  | { kind: 'no-done'; afterTokens: number } // the body ends cleanly, without the `done` chunk
  | { kind: 'error-chunk'; afterTokens: number; message: string } // `{ "error": ... }` mid-stream, as a crashed runner gives
  | { kind: 'status'; status: number; message: string }; // an HTTP error before any stream

/**
 * Closes a keep-alive connection once it has served `after` requests, without saying so (no `Connection: close`),
 * so that the client still holds it as idle and reusable: the race a benchmark client meets with real servers.
 *
 * llama-server (llama.cpp, the build node-llama-cpp ships) does this after every streamed answer:
 * tools/server/server-http.cpp `process_handler_response()` gives cpp-httplib a chunked content provider that
 * calls `sink.done()` and then returns `has_next`, false; cpp-httplib v0.54 (vendor/cpp-httplib/httplib.cpp,
 * `write_content_chunked()`) takes that false for `Error::Canceled`, so `process_server_socket_core()` leaves its
 * keep-alive loop and closes the connection — although the answer, complete, said `Keep-Alive: timeout=5,
 * max=100` (CPPHTTPLIB_KEEPALIVE_TIMEOUT_SECOND 5, CPPHTTPLIB_KEEPALIVE_MAX_COUNT 100; the last of the 100
 * answers says `Connection: close`). curl reports "Connection died, retrying a fresh connect" on the next request;
 * undici's fetch loses 6–11% of streamed requests at concurrency 4–8 to `UND_ERR_SOCKET other side closed`.
 * Node's own http server closes idle connections silently too, after `keepAliveTimeout` (Node docs,
 * "server.keepAliveTimeout"; "request.reusedSocket" describes the race and the retry). The modes:
 * - `after-answer` (default): the socket is destroyed as soon as its `after`-th answer is sent, as llama-server
 *   does with `after: 1`. Whether the client's next request beats the close is a race (undici's fetch through
 *   the engine loses it for under 1% of requests against this peer on 2 cores; node:http, which reuses a
 *   connection as soon as an answer ends, nearly always).
 * - `next-request`: the socket is destroyed when request `after + 1` arrives on it, unanswered: the race lost
 *   every time, deterministically, by any client.
 */
export interface CloseConnections {
  after: number;
  mode?: 'after-answer' | 'next-request';
}

export interface OllamaPeerOptions {
  version?: string;
  /** Models already on the server. */
  models?: PeerModel[];
  /** Models the registry can deliver through /api/pull. */
  registry?: PeerModel[];
  /** Tokens generated when num_predict allows (default 8). */
  tokens?: number;
  /** Delay before the first token (the peer's prompt evaluation), ms. */
  firstTokenDelayMs?: number;
  /** Delay between consecutive tokens, ms. */
  interTokenDelayMs?: number;
  /** Time a cold load takes, ms. */
  loadDelayMs?: number;
  /** Pull progress: bytes per step and delay between steps. */
  pullSteps?: number;
  pullStepDelayMs?: number;
  /** Put load_duration into the reply to a load request (the docs' example has none; some servers add it). */
  loadReplyDuration?: boolean;
  /** Make /api/pull fail for every model (an offline registry). */
  registryOffline?: boolean;
  /** Faults by generation request index (0-based, counting /api/generate and /api/chat streams with a prompt). */
  fault?: (index: number) => OllamaFault | undefined;
  /** Close keep-alive connections after a number of requests, as a real server may (see CloseConnections). */
  closeConnections?: CloseConnections;
  /** Emulate the runner's prompt cache (PromptCache) and report `prompt_eval_cached_count`, as newer servers do. */
  promptCache?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

export interface OllamaPeer {
  url: string;
  port: number;
  options: OllamaPeerOptions;
  requests: RecordedRequest[];
  /** Final `done` chunks the peer sent, in order: the ground truth for reported durations. */
  doneChunks: Record<string, unknown>[];
  /** Replies to load requests (empty prompt), in order. */
  loadReplies: Record<string, unknown>[];
  /** Generation requests in flight now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  loaded: Set<string>;
  /** Connections closed by `closeConnections`. */
  connectionsClosed: number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const nowNs = (): bigint => process.hrtime.bigint();

function tagOf(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.includes(':') ? name : `${name}:latest`;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function details(m: PeerModel): Record<string, unknown> {
  return {
    parent_model: '',
    format: 'gguf',
    family: m.family,
    families: [m.family],
    parameter_size: m.parameterSize,
    quantization_level: m.quantization,
  };
}

function listEntry(m: PeerModel): Record<string, unknown> {
  return {
    name: m.name,
    model: m.name,
    modified_at: '2025-01-01T00:00:00Z',
    size: m.sizeBytes,
    digest: m.digest,
    details: details(m),
  };
}

/** Counts the prompt's tokens the way this peer "tokenizes": one per whitespace-separated word. */
export function peerPromptTokens(prompt: string): number {
  return prompt.split(/\s+/).filter(Boolean).length;
}

/**
 * A prompt cache as llama.cpp-based servers keep one (llama-server's `cache_prompt`, Ollama's runner): the last
 * prompts, in this peer's tokens (words); a new prompt reuses the longest common prefix with any of them, but at
 * least its last token is always evaluated, since the next token's logits come from it. Bounded: the last 32.
 */
export class PromptCache {
  private readonly prompts: string[][] = [];
  constructor(private readonly size = 32) {}

  /** Tokens of `prompt` a server would take from the cache. */
  reuse(prompt: string): number {
    const words = prompt.split(/\s+/).filter(Boolean);
    let best = 0;
    for (const past of this.prompts) {
      let n = 0;
      while (n < words.length && n < past.length && words[n] === past[n]) n++;
      best = Math.max(best, n);
    }
    return Math.min(best, Math.max(0, words.length - 1));
  }

  remember(prompt: string): void {
    this.prompts.push(prompt.split(/\s+/).filter(Boolean));
    if (this.prompts.length > this.size) this.prompts.shift();
  }
}

/** Counts requests per connection and closes connections as `CloseConnections` says; true when the request must go unanswered. */
export function closeConnection(
  policy: CloseConnections | undefined,
  served: WeakMap<Socket, number>,
  req: IncomingMessage,
  res: ServerResponse,
  onClose: () => void,
): boolean {
  if (!policy) return false;
  const socket = req.socket;
  const n = (served.get(socket) ?? 0) + 1;
  served.set(socket, n);
  if ((policy.mode ?? 'after-answer') === 'next-request') {
    if (n <= policy.after) return false;
    onClose();
    socket.destroy();
    return true;
  }
  if (n === policy.after) {
    res.on('finish', () => {
      onClose();
      socket.destroy();
    });
  }
  return false;
}

export async function startOllamaPeer(options: OllamaPeerOptions = {}): Promise<OllamaPeer> {
  const models = new Map<string, PeerModel>((options.models ?? []).map((m) => [tagOf(m.name), m]));
  const sockets = new Set<Socket>();
  const cache = new PromptCache();
  let generationIndex = 0;
  const peer: OllamaPeer = {
    url: '',
    port: 0,
    options,
    requests: [],
    doneChunks: [],
    loadReplies: [],
    inFlight: 0,
    maxInFlight: 0,
    loaded: new Set(),
    connectionsClosed: 0,
    close: async () => {},
  };

  const notFound = (res: ServerResponse, name: string): void => json(res, 404, { error: `model '${name}' not found` });

  async function load(tag: string): Promise<bigint> {
    if (peer.loaded.has(tag)) return 0n;
    const t = nowNs();
    await sleep(options.loadDelayMs ?? 5);
    peer.loaded.add(tag);
    return nowNs() - t;
  }

  async function generation(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    chat: boolean,
  ): Promise<void> {
    const start = nowNs();
    const name = String(body.model ?? '');
    const tag = tagOf(name);
    const model = models.get(tag);
    if (!model) return notFound(res, name);
    const messages = (body.messages as { content?: string }[] | undefined) ?? [];
    const prompt = chat ? messages.map((m) => m.content ?? '').join(' ') : String(body.prompt ?? '');
    const keepAlive = body.keep_alive;
    const stamp = (): string => new Date().toISOString();

    if (!prompt && !(chat && messages.length > 0)) {
      if (keepAlive === 0 || keepAlive === '0' || keepAlive === '0s') {
        peer.loaded.delete(tag);
        return json(res, 200, { model: name, created_at: stamp(), response: '', done: true, done_reason: 'unload' });
      }
      const loadNs = await load(tag);
      const reply = {
        model: name,
        created_at: stamp(),
        response: '',
        done: true,
        done_reason: 'load',
        ...(options.loadReplyDuration
          ? { load_duration: Number(loadNs), total_duration: Number(nowNs() - start) }
          : {}),
      };
      peer.loadReplies.push(reply);
      return json(res, 200, reply);
    }

    const index = generationIndex++;
    const fault = options.fault?.(index);
    if (fault?.kind === 'status') return json(res, fault.status, { error: fault.message });

    peer.inFlight++;
    peer.maxInFlight = Math.max(peer.maxInFlight, peer.inFlight);
    res.on('close', () => peer.inFlight--);

    const opts = (body.options as Record<string, unknown> | undefined) ?? {};
    const numPredict = typeof opts.num_predict === 'number' && opts.num_predict >= 0 ? opts.num_predict : Infinity;
    const tokens = Math.min(options.tokens ?? 8, numPredict);
    const loadNs = await load(tag);

    if (body.stream === false) {
      await sleep(options.firstTokenDelayMs ?? 0);
      const text = Array.from({ length: tokens }, (_, i) => `t${i} `).join('');
      return json(res, 200, { model: name, created_at: stamp(), response: text, done: true, done_reason: 'length' });
    }

    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const cachedN = options.promptCache ? cache.reuse(prompt) : 0;
    if (options.promptCache) cache.remember(prompt);
    const promptStart = nowNs();
    await sleep(options.firstTokenDelayMs ?? 0);
    const promptNs = nowNs() - promptStart;
    const evalStart = nowNs();
    for (let i = 0; i < tokens; i++) {
      if (res.destroyed) return;
      if (i > 0) await sleep(options.interTokenDelayMs ?? 0);
      if (fault && fault.afterTokens === i) {
        if (fault.kind === 'cut') return void res.socket?.destroy();
        if (fault.kind === 'stall') return; // never ends: the client must time out
        if (fault.kind === 'no-done') return void res.end();
        if (fault.kind === 'malformed') res.write(`{"model": "${name}", "response": "t\n`);
        if (fault.kind === 'error-chunk') return void res.end(`${JSON.stringify({ error: fault.message })}\n`);
      }
      const piece = `t${i} `;
      const chunk = chat
        ? { model: name, created_at: stamp(), message: { role: 'assistant', content: piece }, done: false }
        : { model: name, created_at: stamp(), response: piece, done: false };
      res.write(`${JSON.stringify(chunk)}\n`);
    }
    const evalNs = nowNs() - evalStart;
    const done: Record<string, unknown> = {
      model: name,
      created_at: stamp(),
      ...(chat ? { message: { role: 'assistant', content: '' } } : { response: '' }),
      done: true,
      done_reason: tokens < (options.tokens ?? 8) ? 'length' : 'stop',
      total_duration: Number(nowNs() - start),
      load_duration: Number(loadNs),
      prompt_eval_count: peerPromptTokens(prompt),
      ...(options.promptCache ? { prompt_eval_cached_count: cachedN } : {}),
      prompt_eval_duration: Number(promptNs),
      eval_count: tokens,
      eval_duration: Number(evalNs),
    };
    if (!chat) done.context = [1, 2, 3];
    peer.doneChunks.push(done);
    res.end(`${JSON.stringify(done)}\n`);
    void req;
  }

  async function pull(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const name = String(body.model ?? body.name ?? '');
    const tag = tagOf(name);
    const entry = (options.registry ?? []).find((m) => tagOf(m.name) === tag) ?? models.get(tag);
    if (!entry || options.registryOffline) {
      // The real server streams the error as a line when the registry has no such manifest.
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ status: 'pulling manifest' })}\n`);
      const error = options.registryOffline
        ? 'pull model manifest: dial tcp: lookup registry.ollama.ai: no such host'
        : 'pull model manifest: file does not exist';
      return void res.end(`${JSON.stringify({ error })}\n`);
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const line = (o: unknown): boolean => res.write(`${JSON.stringify(o)}\n`);
    line({ status: 'pulling manifest' });
    const layers = [
      { digest: entry.digest, total: Math.round(entry.sizeBytes * 0.99) },
      { digest: `sha256:${'b'.repeat(64)}`, total: entry.sizeBytes - Math.round(entry.sizeBytes * 0.99) },
    ];
    const steps = options.pullSteps ?? 5;
    for (const layer of layers) {
      for (let s = 1; s <= steps; s++) {
        await sleep(options.pullStepDelayMs ?? 1);
        line({
          status: `pulling ${layer.digest.slice(7, 19)}`,
          digest: layer.digest,
          total: layer.total,
          completed: Math.round((layer.total * s) / steps),
        });
      }
    }
    line({ status: 'verifying sha256 digest' });
    line({ status: 'writing manifest' });
    models.set(tag, { ...entry, name: tag });
    res.end(`${JSON.stringify({ status: 'success' })}\n`);
  }

  const served = new WeakMap<Socket, number>();
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closeConnection(options.closeConnections, served, req, res, () => peer.connectionsClosed++)) return;
    const url = new URL(req.url ?? '/', 'http://peer');
    const body = req.method === 'POST' || req.method === 'DELETE' ? await readBody(req) : undefined;
    peer.requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/version':
        return json(res, 200, { version: options.version ?? '0.12.6' });
      case 'GET /api/tags':
        return json(res, 200, { models: [...models.values()].map(listEntry) });
      case 'POST /api/show': {
        const name = String(body?.model ?? body?.name ?? '');
        const m = models.get(tagOf(name));
        if (!m) return notFound(res, name);
        return json(res, 200, {
          license: 'test',
          modelfile: `FROM ${m.name}`,
          parameters: 'temperature 1',
          template: '{{ .Prompt }}',
          details: details(m),
          model_info: {
            'general.architecture': m.family,
            'general.parameter_count': m.parameterCount,
            'general.file_type': 15,
          },
          capabilities: ['completion'],
          modified_at: '2025-01-01T00:00:00Z',
        });
      }
      case 'GET /api/ps':
        return json(res, 200, {
          models: [...peer.loaded].map((tag) => {
            const m = models.get(tag)!;
            return {
              ...listEntry(m),
              expires_at: '2099-01-01T00:00:00Z',
              size_vram: Math.round(m.sizeBytes * (m.vramShare ?? 1)),
              context_length: 4096,
            };
          }),
        });
      case 'POST /api/pull':
        return pull(res, body ?? {});
      case 'POST /api/generate':
        return generation(req, res, body ?? {}, false);
      case 'POST /api/chat':
        return generation(req, res, body ?? {}, true);
      default:
        return json(res, 404, { error: `404 page not found: ${route}` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  peer.port = port;
  peer.url = `http://127.0.0.1:${port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return peer;
}

/** A port on 127.0.0.1 that nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
