// Plumbing shared by the HTTP engines (ollama, openai): the clock, URLs, the keep-alive transport that retries
// a request the server's closing of an idle connection lost, and fetch failures turned into EngineErrors that say what to do.
import { createHash, type Hash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { EngineError } from './types.js';
import { getErrorMessage } from '../util/errors.js';

export type FetchLike = typeof fetch;

/** Monotonic milliseconds: arrival times must not jump with the wall clock. */
export function nowMs(): number {
  return performance.now();
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
};

export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[] } | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'string') return e.code;
  // Node's happy-eyeballs connect reports an AggregateError with one error per address tried.
  if (Array.isArray(e.errors))
    for (const inner of e.errors) {
      const c = errorCode(inner);
      if (c) return c;
    }
  return undefined;
}

/** Why a connection could not be made, when the error is a failure to connect (undici puts it in `cause`). */
export function connectFailure(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = errorCode(cause) ?? errorCode(error);
  if (code && code in CONNECT_CODES && code !== 'ECONNRESET') return CONNECT_CODES[code];
  return undefined;
}

/** A stream that the server (or the network) cut: undici says `TypeError: terminated`, sockets say ECONNRESET. */
export function isStreamCut(error: unknown): boolean {
  if (error instanceof TypeError && error.message === 'terminated') return true;
  const code = errorCode((error as { cause?: unknown } | null)?.cause) ?? errorCode(error);
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

/** The error to throw once the caller's signal has fired: the runner aborts on its time-out. */
export function abortError(signal: AbortSignal, what: string): EngineError {
  const reason: unknown = signal.reason;
  if (reason instanceof EngineError) return reason;
  const detail = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new EngineError(`${what} was aborted (time-out)${detail}`, 'timeout');
}

/**
 * A fetch whose requests also end when `signal` fires. Clients that own their AbortController
 * (ollama-js makes one per streamed request) are cancelled from outside this way.
 */
export function fetchWithSignal(signal: AbortSignal, base: FetchLike = fetch): FetchLike {
  return ((input: Parameters<FetchLike>[0], init?: RequestInit) => {
    const signals = init?.signal ? [init.signal, signal] : [signal];
    return base(input, { ...init, signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) });
  }) as FetchLike;
}

/** The server's own words from an error reply: OpenAI `{error:{message}}`, Ollama `{error}`, or the text. */
export async function errorBodyMessage(res: Response): Promise<string> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    return res.statusText || 'no body';
  }
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const err = body.error;
    if (typeof err === 'string') return err;
    if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string')
      return (err as { message: string }).message;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not JSON: fall through to the text itself
  }
  return excerpt(text.trim()) || res.statusText || 'no body';
}

/** A short, single-line excerpt of untrusted text for an error message. */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The hash of a model's output, accumulated as the text streams in. */
export class OutputHash {
  private readonly hash: Hash = createHash('sha256');
  update(text: string): void {
    if (text) this.hash.update(text);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Passes an NDJSON byte stream through unchanged but errors it at the first line that is not JSON.
 * ollama-js skips such lines with a console warning; a benchmark must not count a broken stream as a good one.
 */
export function ndjsonGuard(where: string): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  let lineNo = 0;
  const check = (line: string): EngineError | undefined => {
    lineNo++;
    if (!line.trim()) return undefined;
    try {
      JSON.parse(line);
      return undefined;
    } catch (error) {
      return new EngineError(
        `malformed JSON in line ${lineNo} of the stream from ${where}: ${excerpt(line, 80)} (${getErrorMessage(error)})`,
        'stream',
      );
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const bad = check(line);
        if (bad) return controller.error(bad);
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      pending += decoder.decode();
      const bad = check(pending);
      if (bad) controller.error(bad);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The keep-alive transport.
//
// A server may close a keep-alive connection the client holds as idle at the very moment the client sends the
// next request on it: llama.cpp's llama-server closes the connection after every streamed answer although the
// answer says `Keep-Alive` (its chunked content provider returns false after `sink.done()`, which cpp-httplib
// takes for a cancelled write), cpp-httplib after 5 s idle or 100 requests, Node's own http server after
// `keepAliveTimeout`. The request then fails before any byte of an answer (undici: `UND_ERR_SOCKET other side
// closed`; node:http: `ECONNRESET socket hang up`), although the server failed nothing: 6–11% of streamed
// requests to llama-server at concurrency 4–8 with global fetch. Node's http docs ("request.reusedSocket") describe this race and its remedy: retry a
// request that failed on a reused socket. Global fetch (undici) cannot say whether a connection was reused nor
// send a retry on a fresh one, so the HTTP engines talk node:http through this fetch-compatible transport.

/** The codes a connection that the server closed while idle fails with (node:http, undici). */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
/** Wrapper messages that say nothing about the cause: undici's fetch puts the cause in `cause`. */
const GENERIC_MESSAGES = new Set(['fetch failed', 'terminated']);

/**
 * One line naming why a request failed, its code first: `UND_ERR_SOCKET other side closed`,
 * `ECONNRESET socket hang up`, `connect ECONNREFUSED 127.0.0.1:8080`, never a bare "fetch failed".
 */
export function networkCause(error: unknown): string {
  // The transport's own errors already say it (and whether the request was sent again).
  if (error instanceof TransportError) return error.message;
  const links: Array<{ code?: string; message: string }> = [];
  let e: unknown = error;
  for (let depth = 0; e !== null && e !== undefined && depth < 8; depth++) {
    if (typeof e !== 'object') {
      links.push({ message: String(e) });
      break;
    }
    const x = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    links.push({
      code: typeof x.code === 'string' ? x.code : undefined,
      message: typeof x.message === 'string' ? x.message : '',
    });
    // Node's happy-eyeballs connect reports an AggregateError with one error per address tried.
    e = x.cause ?? (Array.isArray(x.errors) ? x.errors[0] : undefined);
  }
  // The innermost link that says something.
  const useful = links.reverse().find((l) => l.code || (l.message && !GENERIC_MESSAGES.has(l.message)));
  if (!useful) return excerpt(getErrorMessage(error) || 'unknown network error', 200);
  const { code, message } = useful;
  if (!code) return excerpt(message, 200);
  return excerpt(!message ? code : message.includes(code) ? message : `${code} ${message}`, 200);
}

/** A request the transport could not complete; `code` is the network code (ECONNREFUSED, ECONNRESET, …). */
export class TransportError extends Error {
  readonly code: string | undefined;
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'TransportError';
    this.code = errorCode(cause);
  }
}

interface PreparedRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal | undefined;
}

/** An attempt that failed before the response; `stale`: on a reused connection, before any byte came back. */
class AttemptFailure {
  constructor(
    readonly error: unknown,
    readonly stale: boolean,
  ) {}
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

async function prepareRequest(
  input: Parameters<FetchLike>[0],
  init: RequestInit | undefined,
): Promise<{ url: URL; request: PreparedRequest }> {
  const fromRequest = input instanceof Request ? input : undefined;
  const url = new URL(fromRequest ? fromRequest.url : String(input));
  const headers = new Headers(fromRequest?.headers);
  new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
  const method = (init?.method ?? fromRequest?.method ?? 'GET').toUpperCase();
  let raw: unknown = init?.body;
  if (raw === undefined && fromRequest?.body) raw = new Uint8Array(await fromRequest.arrayBuffer());
  let body: Buffer | undefined;
  if (raw === undefined || raw === null) body = undefined;
  else if (typeof raw === 'string') {
    body = Buffer.from(raw);
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  } else if (raw instanceof URLSearchParams) {
    body = Buffer.from(raw.toString());
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
  } else if (raw instanceof ArrayBuffer) body = Buffer.from(raw);
  else if (ArrayBuffer.isView(raw)) body = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  else
    throw new TypeError(`the HTTP transport sends string or byte bodies, not ${Object.prototype.toString.call(raw)}`);
  if (body) headers.set('content-length', String(body.byteLength));
  const out: Record<string, string> = {};
  headers.forEach((value, key) => (out[key] = value));
  return { url, request: { method, headers: out, body, signal: init?.signal ?? fromRequest?.signal ?? undefined } };
}

/** Sends one request; resolves at the response head, rejects with an AttemptFailure before it. */
function sendOnce(
  url: URL,
  r: PreparedRequest,
  agent: HttpAgent | HttpsAgent | false,
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: r.method, headers: r.headers, agent: agent as HttpAgent | false });
    // Bytes the connection had read before this request: a reused one has read its earlier answers.
    let readBefore: number | undefined;
    let settled = false;
    const onAbort = (): void => void req.destroy(abortReason(r.signal!) as Error);
    r.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => (readBefore ??= socket.bytesRead));
    req.on('response', (res) => {
      settled = true;
      r.signal?.removeEventListener('abort', onAbort);
      resolve({ req, res });
    });
    req.on('error', (error) => {
      if (settled) return; // after the response head: the body stream reports it
      settled = true;
      r.signal?.removeEventListener('abort', onAbort);
      const read = readBefore === undefined || !req.socket ? Infinity : req.socket.bytesRead - readBefore;
      const stale = req.reusedSocket && read === 0 && !r.signal?.aborted && STALE_CODES.has(errorCode(error) ?? '');
      reject(new AttemptFailure(error, stale));
    });
    req.end(r.body);
  });
}

/** How long a cancelled response may take to finish before its connection is closed instead of reused. */
const CANCEL_DRAIN_MS = 500;

/** The response body as a web stream; cancelling it ends the response (and the connection, if unfinished). */
function webBody(res: IncomingMessage, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  let done = false;
  const onAbort = (): void => void res.destroy(abortReason(signal!) as Error);
  const finish = (): boolean => {
    if (done) return false;
    done = true;
    signal?.removeEventListener('abort', onAbort);
    return true;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
        res.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) res.pause();
        });
        res.on('end', () => finish() && controller.close());
        res.on('error', (error) => finish() && controller.error(error));
        res.on('close', () => {
          if (!res.complete && finish())
            controller.error(res.errored ?? Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
      },
      pull() {
        res.resume();
      },
      cancel() {
        finish();
        res.resume();
        if (res.complete) return;
        // A reader that stops at the stream's last event (`[DONE]`) cancels before the body's terminating chunk
        // has arrived: drain it, so that the connection goes back to the pool, but not for long.
        const timer = setTimeout(() => res.destroy(), CANCEL_DRAIN_MS);
        timer.unref();
        res.once('end', () => clearTimeout(timer));
        res.once('close', () => clearTimeout(timer));
      },
    },
    // Enough chunks that a steady reader never pauses the socket: arrival times are read times.
    { highWaterMark: 256 },
  );
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

function toResponse(res: IncomingMessage, url: URL, r: PreparedRequest): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 0;
  const nullBody = NULL_BODY_STATUS.has(status) || r.method === 'HEAD';
  if (nullBody) res.resume();
  const response = new Response(nullBody ? null : webBody(res, r.signal), {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  });
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}

/** Called when a request lost to a closed idle connection is sent again; `cause` is what the lost one failed with. */
export type RetryListener = (cause: string) => void;

/**
 * fetch over node:http with keep-alive connections (one pool per transport): a request that fails before any
 * byte of an answer on a reused connection is sent once more on a fresh connection, and `onRetry` hears of it.
 * Everything else fails as it failed, as a TransportError whose message names the cause with its code.
 * Bodies: strings and bytes. Redirects are followed as fetch does. No content decoding (none is asked for).
 */
export class HttpTransport {
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };

  /** A fetch whose retries `onRetry` hears of: one per generation request, to count them. */
  fetcher(onRetry?: RetryListener): FetchLike {
    return ((input: Parameters<FetchLike>[0], init?: RequestInit) => this.request(input, init, onRetry)) as FetchLike;
  }

  async request(
    input: Parameters<FetchLike>[0],
    init: RequestInit | undefined,
    onRetry?: RetryListener,
  ): Promise<Response> {
    let { url, request } = await prepareRequest(input, init);
    const signal = request.signal;
    for (let redirects = 0; ; redirects++) {
      if (signal?.aborted) throw abortReason(signal);
      const agent = url.protocol === 'http:' || url.protocol === 'https:' ? this.agents[url.protocol] : undefined;
      if (!agent) throw new TypeError(`${url.protocol} URLs are not supported (only http: and https:): ${url.href}`);
      let res: IncomingMessage;
      try {
        ({ res } = await sendOnce(url, request, agent));
      } catch (first) {
        const failure = first as AttemptFailure;
        if (signal?.aborted) throw abortReason(signal);
        if (!failure.stale) throw new TransportError(networkCause(failure.error), failure.error);
        const cause = networkCause(failure.error);
        onRetry?.(cause);
        try {
          // A connection of its own, outside the pool: the pool may hold more connections the server closed.
          ({ res } = await sendOnce(url, request, false));
        } catch (second) {
          if (signal?.aborted) throw abortReason(signal);
          const error = (second as AttemptFailure).error;
          throw new TransportError(
            `${networkCause(error)} (sent again on a fresh connection after a reused one failed with ${cause})`,
            error,
          );
        }
      }
      const location = res.headers.location;
      if (REDIRECT_STATUS.has(res.statusCode ?? 0) && location && init?.redirect !== 'manual') {
        res.resume();
        if (init?.redirect === 'error')
          throw new TypeError(`${url.href} redirected to ${excerpt(location)}, and redirects are refused`);
        if (redirects >= MAX_REDIRECTS) throw new TypeError(`${url.href}: more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, url);
        const headers = { ...request.headers };
        if (next.origin !== url.origin) delete headers.authorization;
        if (
          res.statusCode === 303 ||
          ((res.statusCode === 301 || res.statusCode === 302) && request.method === 'POST')
        ) {
          for (const h of ['content-length', 'content-type']) delete headers[h];
          request = { ...request, method: request.method === 'HEAD' ? 'HEAD' : 'GET', headers, body: undefined };
        } else {
          request = { ...request, headers };
        }
        url = next;
        continue;
      }
      return toResponse(res, url, request);
    }
  }

  /** Closes every pooled connection. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
