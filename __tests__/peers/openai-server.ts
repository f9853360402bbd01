// A local server speaking the OpenAI streaming API (as llama-server, vLLM and LM Studio do), with controllable timing and faults.
//
// Follows:
// - OpenAI API reference, "Chat Completions → Create" and "The chat completion chunk object"
//   (platform.openai.com/docs/api-reference/chat/streaming): `stream: true` sends Server-Sent Events
//   `data: {chunk}\n\n`, each chunk `{id, object: "chat.completion.chunk", created, model,
//   choices: [{index, delta: {role?, content?}, finish_reason}]}`, the stream ends with `data: [DONE]`;
//   with `stream_options: {include_usage: true}` one more chunk before [DONE] carries `usage`
//   `{prompt_tokens, completion_tokens, total_tokens}` and an empty `choices` list.
// - OpenAI API reference, "Completions → Create" (legacy): chunks `{object: "text_completion",
//   choices: [{index, text, logprobs, finish_reason}]}`, same framing.
// - OpenAI API reference, "Models → List" (GET /v1/models: `{object: "list", data: [{id, object: "model", created, owned_by}]}`)
//   and "Error codes": errors are `{error: {message, type, code}}`.
// - llama.cpp tools/server/README.md: the final chunk carries `timings` {prompt_n, prompt_ms,
//   prompt_per_token_ms, prompt_per_second, predicted_n, predicted_ms, predicted_per_token_ms,
//   predicted_per_second}; GET /props has `build_info`; /v1/models entries carry `meta` (n_params, size).
//   As current builds do (tools/server/server-common.h, `n_gen_steps()`), the decode figures count
//   predicted_n − 1 steps: the first token comes with the prompt, predicted_ms runs from it to the last.
// - vLLM's OpenAI server: GET /version answers `{version}`.
// - Prompt caches (`promptCache`): llama.cpp tools/server/README.md, POST /completion `cache_prompt` ("Re-use KV
//   cache from a previous request if possible. This way the common prefix does not have to be re-processed, only
//   the suffix that differs between the requests", default true, taken by its OpenAI-compatible endpoints too) and
//   the `timings` of a reply: `cache_n` ("number of prompt tokens reused from cache"), `prompt_n` the tokens
//   evaluated ("the total number of tokens in context is equal to prompt_n + cache_n + predicted_n"); its usage
//   chunk counts the whole prompt in `prompt_tokens` and the reused part in `prompt_tokens_details.cached_tokens`
//   (tools/server/server-task.cpp, `usage_json_oaicompat()`), as OpenAI's API reference describes that field. Like
//   llama-server, which keeps past prompts in a host-memory cache and picks the one with the longest common prefix,
//   the peer remembers its last prompts and reuses the longest common prefix of words, always evaluating at least
//   the last prompt token (the logits of the next token come from it). The llama-server flavour honours
//   `cache_prompt: false`; the others ignore the field (vLLM accepts unknown fields and ignores them; its prefix
//   cache is a server flag) and report the reused tokens in the usage chunk only.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { closeConnection, PromptCache, type CloseConnections } from './ollama-server.js';

export type OpenAIFault =
  | { kind: 'cut'; afterTokens: number } // connection destroyed mid-stream
  | { kind: 'stall'; afterTokens: number } // stream stops, connection stays open
  | { kind: 'malformed'; afterTokens: number } // an event whose data is not JSON
  | { kind: 'no-done'; afterTokens: number } // the body ends cleanly without finish_reason or [DONE]
  | { kind: 'error-event'; afterTokens: number; message: string } // `data: {"error": …}` mid-stream, as vLLM sends
  | { kind: 'status'; status: number; message: string };

export interface OpenAIPeerOptions {
  models?: Array<{ id: string; nParams?: number; sizeBytes?: number }>;
  /** Which server to imitate beyond the common API: version endpoints and the `timings` object. */
  flavor?: 'llama-server' | 'vllm' | 'plain';
  /** The `Server` response header, if any. */
  serverHeader?: string;
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  tokens?: number;
  firstTokenDelayMs?: number;
  interTokenDelayMs?: number;
  /** Send the empty role chunk as soon as the request arrives, before any token (some servers do). */
  earlyRoleChunk?: boolean;
  /** Leave out the usage chunk even when asked for it. */
  noUsage?: boolean;
  fault?: (index: number) => OpenAIFault | undefined;
  /** Close keep-alive connections after a number of requests, as a real server may (see CloseConnections). */
  closeConnections?: CloseConnections;
  /** Emulate a prompt cache (see the header): reuse the longest common prefix of the last prompts and report it. */
  promptCache?: boolean;
}

export interface OpenAIPeer {
  url: string;
  port: number;
  options: OpenAIPeerOptions;
  requests: Array<{
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: Record<string, unknown> | undefined;
  }>;
  /** The timings objects the peer sent (llama-server flavour), in order. */
  timingsSent: Record<string, number>[];
  /** Prompt tokens reused from the prompt cache by each streamed generation, in the order their prompts were evaluated (all 0 without `promptCache`). */
  cachedSent: number[];
  /** In-flight generation requests now, the most at once, and the count seen by each arriving request. */
  inFlight: number;
  maxInFlight: number;
  inFlightAtArrival: number[];
  /** Connections accepted, and those closed by `closeConnections`. */
  connectionsOpened: number;
  connectionsClosed: number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function errorBody(message: string, status: number): unknown {
  const type =
    status === 404
      ? 'NotFoundError'
      : status === 401
        ? 'AuthenticationError'
        : status >= 500
          ? 'InternalServerError'
          : 'BadRequestError';
  return { error: { message, type, code: status } };
}

export async function startOpenAIPeer(options: OpenAIPeerOptions = {}): Promise<OpenAIPeer> {
  const sockets = new Set<Socket>();
  const flavor = options.flavor ?? 'plain';
  let generationIndex = 0;
  const peer: OpenAIPeer = {
    url: '',
    port: 0,
    options,
    requests: [],
    timingsSent: [],
    cachedSent: [],
    inFlight: 0,
    maxInFlight: 0,
    inFlightAtArrival: [],
    connectionsOpened: 0,
    connectionsClosed: 0,
    close: async () => {},
  };
  const extraHeaders = (): Record<string, string> => (options.serverHeader ? { Server: options.serverHeader } : {});
  const cache = new PromptCache();

  async function completion(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    chat: boolean,
  ): Promise<void> {
    const modelId = String(body.model ?? '');
    if (!(options.models ?? []).some((m) => m.id === modelId)) {
      return json(res, 404, errorBody(`The model \`${modelId}\` does not exist.`, 404), extraHeaders());
    }
    const index = generationIndex++;
    const fault = options.fault?.(index);
    if (fault?.kind === 'status')
      return json(res, fault.status, errorBody(fault.message, fault.status), extraHeaders());

    peer.inFlight++;
    peer.maxInFlight = Math.max(peer.maxInFlight, peer.inFlight);
    peer.inFlightAtArrival.push(peer.inFlight);
    res.on('close', () => peer.inFlight--);

    const started = performance.now();
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
    const tokens = Math.min(options.tokens ?? 8, maxTokens);
    const prompt = chat
      ? ((body.messages as { content?: string }[] | undefined) ?? []).map((m) => m.content ?? '').join(' ')
      : String(body.prompt ?? '');
    const promptTokens = prompt.split(/\s+/).filter(Boolean).length;
    // The prompt cache: only llama-server takes `cache_prompt`; the others ignore it.
    const useCache = options.promptCache === true && !(flavor === 'llama-server' && body.cache_prompt === false);
    const cacheN = useCache ? cache.reuse(prompt) : 0;
    if (options.promptCache) cache.remember(prompt);
    const promptN = promptTokens - cacheN;
    const id = `cmpl-${index}`;
    const created = Math.floor(Date.now() / 1000);
    const base = chat
      ? { id, object: 'chat.completion.chunk', created, model: modelId }
      : { id, object: 'text_completion', created, model: modelId };
    const choice = (text: string | undefined, finish: string | null, role = false): unknown =>
      chat
        ? {
            index: 0,
            delta: { ...(role ? { role: 'assistant' } : {}), ...(text !== undefined ? { content: text } : {}) },
            logprobs: null,
            finish_reason: finish,
          }
        : { index: 0, text: text ?? '', logprobs: null, finish_reason: finish };

    if (body.stream !== true) {
      await sleep((options.firstTokenDelayMs ?? 0) + (options.interTokenDelayMs ?? 0) * Math.max(0, tokens - 1));
      const text = Array.from({ length: tokens }, (_, i) => `t${i} `).join('');
      return json(res, 200, {
        id,
        object: chat ? 'chat.completion' : 'text_completion',
        created,
        model: modelId,
        choices: [
          chat
            ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'length' }
            : { index: 0, text, finish_reason: 'length' },
        ],
        usage: { prompt_tokens: promptTokens, completion_tokens: tokens, total_tokens: promptTokens + tokens },
      });
    }

    res.writeHead(200, {
      ...extraHeaders(),
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    const send = (o: unknown): boolean => res.write(`data: ${JSON.stringify(o)}\n\n`);
    if (chat && options.earlyRoleChunk) send({ ...base, choices: [choice('', null, true)] });
    await sleep(options.firstTokenDelayMs ?? 0);
    const promptMs = performance.now() - started;
    peer.cachedSent.push(cacheN);
    const decodeStart = performance.now();
    for (let i = 0; i < tokens; i++) {
      if (res.destroyed) return;
      if (i > 0) await sleep(options.interTokenDelayMs ?? 0);
      if (fault && fault.afterTokens === i) {
        if (fault.kind === 'cut') return void res.socket?.destroy();
        if (fault.kind === 'stall') return;
        if (fault.kind === 'malformed') res.write(`data: {"id": "${id}", "choices": [{"delta": {"content": "t\n\n`);
        if (fault.kind === 'no-done') return void res.end();
        if (fault.kind === 'error-event')
          return void res.end(
            `data: ${JSON.stringify({ error: { message: fault.message, type: 'InternalServerError', code: 500 } })}\n\n`,
          );
      }
      const first = i === 0 && chat && !options.earlyRoleChunk;
      send({ ...base, choices: [choice(`t${i} `, null, first)] });
    }
    const predictedMs = performance.now() - decodeStart;
    const final: Record<string, unknown> = {
      ...base,
      choices: [choice(chat ? undefined : '', tokens < (options.tokens ?? 8) ? 'length' : 'stop')],
    };
    if (flavor === 'llama-server') {
      const timings = {
        cache_n: cacheN,
        prompt_n: promptN,
        prompt_ms: promptMs,
        prompt_per_token_ms: promptMs / Math.max(1, promptN),
        prompt_per_second: (1000 * promptN) / promptMs,
        predicted_n: tokens,
        predicted_ms: predictedMs,
        predicted_per_token_ms: tokens > 1 ? predictedMs / (tokens - 1) : 0,
        predicted_per_second: tokens > 1 ? (1000 * (tokens - 1)) / predictedMs : 0,
      };
      final.timings = timings;
      peer.timingsSent.push(timings);
    }
    send(final);
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage && !options.noUsage) {
      const details =
        flavor === 'llama-server' || options.promptCache ? { prompt_tokens_details: { cached_tokens: cacheN } } : {};
      send({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: tokens,
          total_tokens: promptTokens + tokens,
          ...details,
        },
      });
    }
    res.end('data: [DONE]\n\n');
    void req;
  }

  const served = new WeakMap<Socket, number>();
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closeConnection(options.closeConnections, served, req, res, () => peer.connectionsClosed++)) return;
    const url = new URL(req.url ?? '/', 'http://peer');
    let text = '';
    for await (const chunk of req) text += chunk;
    let body: Record<string, unknown> | undefined;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      return json(res, 400, errorBody('request body is not JSON', 400));
    }
    peer.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return json(res, 401, errorBody('Invalid API key', 401), extraHeaders());
    }
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /v1/models':
        return json(
          res,
          200,
          {
            object: 'list',
            data: (options.models ?? []).map((m) => ({
              id: m.id,
              object: 'model',
              created: 1700000000,
              owned_by: flavor === 'llama-server' ? 'llamacpp' : 'peer',
              ...(flavor === 'llama-server' ? { meta: { n_params: m.nParams ?? 0, size: m.sizeBytes ?? 0 } } : {}),
            })),
          },
          extraHeaders(),
        );
      case 'GET /version':
        if (flavor === 'vllm') return json(res, 200, { version: '0.8.5' });
        break;
      case 'GET /props':
        if (flavor === 'llama-server')
          return json(res, 200, { build_info: 'b5000-peer', total_slots: 4, model_path: '/models/peer.gguf' });
        break;
      case 'POST /v1/chat/completions':
        return completion(req, res, body ?? {}, true);
      case 'POST /v1/completions':
        return completion(req, res, body ?? {}, false);
    }
    return json(res, 404, errorBody(`Not found: ${route}`, 404));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, errorBody(String(error), 500));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    peer.connectionsOpened++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.address() as AddressInfo).port;
  peer.url = `http://127.0.0.1:${peer.port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return peer;
}
