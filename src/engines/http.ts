// Plumbing shared by the HTTP engines (ollama, openai): the clock, URLs, and fetch failures turned into EngineErrors that say what to do.
import { createHash, type Hash } from 'node:crypto';
import { EngineError } from './types.js';
import { getErrorMessage } from '../schema/errors.js';

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

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[] } | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'string') return e.code;
  // Node's happy-eyeballs connect reports an AggregateError with one error per address tried.
  if (Array.isArray(e.errors)) for (const inner of e.errors) { const c = errorCode(inner); if (c) return c; }
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
    if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
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
      return new EngineError(`malformed JSON in line ${lineNo} of the stream from ${where}: ${excerpt(line, 80)} (${getErrorMessage(error)})`, 'stream');
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
