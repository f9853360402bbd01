// The openai engine against a local peer that speaks the OpenAI streaming API (SSE), as llama-server and vLLM do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOpenAIEngine,
  generationFromStream,
  llamaServerDecodeSteps,
  openaiApiBase,
} from '../src/engines/openai.js';
import type { Engine, GenerationRequest, LoadedModel } from '../src/engines/types.js';
import { metricsOfGeneration } from '../src/runner/metrics.js';
import { InputError } from '../src/util/errors.js';
import type { ModelSpec } from '../src/config/parse.js';
import { startOpenAIPeer, type OpenAIFault, type OpenAIPeer } from './peers/openai-server.js';
import { closedPort } from './peers/ollama-server.js';
import { engineFailure, expectSame } from './peers/expect-engine.js';

const ctx = { configDir: '/tmp', cacheDir: '/tmp', log: () => {} };
const spec = (name: string): ModelSpec => ({ id: 'm', name, source: 'name' });
const PROMPT = 'Summarise the race in one line.';
const cfg = (host: string, api: 'chat' | 'completions' = 'chat', api_key_env?: string) => ({
  file: 'bench.yml',
  host,
  api,
  api_key_env,
});

function request(maxTokens = 16, timeoutMs = 5000): GenerationRequest {
  return { prompt: PROMPT, maxTokens, signal: AbortSignal.timeout(timeoutMs) };
}

describe('openai engine helpers', () => {
  it('finds the /v1 root with or without it in the host', () => {
    expect(openaiApiBase('http://h:8080')).toBe('http://h:8080/v1');
    expect(openaiApiBase('http://h:8080/')).toBe('http://h:8080/v1');
    expect(openaiApiBase('http://h:8080/v1/')).toBe('http://h:8080/v1');
    expect(openaiApiBase('http://h/proxy/v1')).toBe('http://h/proxy/v1');
  });

  it('defines TTFT, E2E and TPOT as vllm bench serve does; counts chunks only without usage', () => {
    const tally = {
      arrivalsMs: [100, 120, 150, 160],
      lastChoiceMs: 170,
      sawDone: true,
      sawFinish: true,
      events: 7,
      usage: { prompt_tokens: 9, completion_tokens: 4 },
    };
    const { generation, tokensFromChunks } = generationFromStream(tally, 'x');
    expect(tokensFromChunks).toBe(false);
    const m = metricsOfGeneration(generation);
    expect(m.ttft_ms).toBe(100);
    expect(m.e2e_ms).toBe(170); // the finish chunk (choices, no text) ends the request; usage and [DONE] do not
    expect(m.tpot_ms).toBe((170 - 100) / 3);
    expect(m.itl_p50_ms).toBe(20);
    expect(m.decode_tps).toBe(3 / ((160 - 100) / 1000));
    expect(m.prefill_tps).toBe(9 / 0.1); // prompt tokens over TTFT when the server reports no timings
    const noUsage = generationFromStream({ ...tally, usage: undefined }, 'x');
    expect(noUsage.tokensFromChunks).toBe(true);
    expect(noUsage.generation.outputTokens).toBe(4);
    expect(noUsage.generation.promptTokens).toBeUndefined();
  });

  it('reads llama-server decode timings in either convention: its own rate says over how many steps', () => {
    // Current builds: 8 tokens, the first free with the prompt, 7 decode steps in 1.705 ms (a real reply).
    const current = {
      prompt_n: 59,
      prompt_ms: 7.361,
      prompt_per_second: 8015.21532400489,
      predicted_n: 8,
      predicted_ms: 1.705,
      predicted_per_second: 4105.571847507332,
    };
    expect(llamaServerDecodeSteps(current)).toBe(7);
    const tally = {
      arrivalsMs: [9, 9.3, 9.5, 9.8, 10, 10.2, 10.5, 10.7],
      lastChoiceMs: 10.8,
      sawDone: true,
      sawFinish: true,
      events: 10,
      timings: current,
    };
    const m = metricsOfGeneration(generationFromStream(tally, 'x').generation);
    expect(m.decode_tps).toBeCloseTo(current.predicted_per_second, 6);
    expect(m.prefill_tps).toBeCloseTo(current.prompt_per_second, 6);
    // Older builds divided all predicted_n tokens by predicted_ms.
    expect(llamaServerDecodeSteps({ predicted_n: 8, predicted_ms: 2, predicted_per_second: 4000 })).toBe(8);
    // Without the rate: the tokens themselves. One token that took no step (rate 0): no decode speed at all.
    expect(llamaServerDecodeSteps({ predicted_n: 8, predicted_ms: 2 })).toBe(8);
    expect(llamaServerDecodeSteps({ predicted_n: 1, predicted_ms: 0.001, predicted_per_second: 0 })).toBeUndefined();
    expect(llamaServerDecodeSteps({ predicted_n: 1, predicted_ms: 0.5, predicted_per_second: 2000 })).toBe(1);
    expect(llamaServerDecodeSteps({ predicted_n: 0, predicted_ms: 0 })).toBeUndefined();
  });

  it('needs the API key variable it names to be set', () => {
    expect(() => createOpenAIEngine(cfg('http://h', 'chat', 'MY_KEY'), {}, () => {})).toThrow(InputError);
    expect(() => createOpenAIEngine(cfg('http://h', 'chat', 'MY_KEY'), {}, () => {})).toThrow(
      /bench\.yml: api_key_env: .*MY_KEY.* not set/,
    );
  });
});

describe('openai engine against llama-server', () => {
  let peer: OpenAIPeer;
  let engine: Engine;
  let loaded: LoadedModel;
  const logs: string[] = [];

  beforeAll(async () => {
    peer = await startOpenAIPeer({
      flavor: 'llama-server',
      models: [{ id: 'qwen3-0.6b', nParams: 751_632_384, sizeBytes: 522_000_000 }],
      apiKey: 'sk-secret-123',
      tokens: 10,
      firstTokenDelayMs: 40,
      interTokenDelayMs: 15,
    });
    engine = createOpenAIEngine(cfg(peer.url, 'chat', 'LLM_KEY'), { LLM_KEY: 'sk-secret-123' }, (l) => logs.push(l));
    loaded = await engine.load(await engine.prepare(spec('qwen3-0.6b'), ctx), {
      temperature: 0,
      top_k: 1,
      cache_prompt: false,
    });
  });
  afterAll(async () => {
    await engine.close();
    await peer.close();
  });

  it('reads the version from /props and identifies the model from /v1/models meta', async () => {
    expect(await engine.info()).toEqual({ kind: 'openai', version: 'b5000-peer', host: peer.url });
    expect(loaded.prepared.identity).toEqual({
      id: 'm',
      name: 'qwen3-0.6b',
      source: 'openai',
      parameter_count: 751_632_384,
      size_bytes: 522_000_000,
    });
    expect(loaded.loadMs).toBeUndefined();
  });

  it('streams a chat completion; llama-server timings give prefill/decode exactly; arrivals give TTFT/ITL', async () => {
    const start = peer.requests.length;
    const gen = await engine.generate(loaded, request(8));
    const sent = peer.requests.slice(start).find((r) => r.path === '/v1/chat/completions')!;
    expect(sent.headers.authorization).toBe('Bearer sk-secret-123');
    expect(sent.body).toEqual({
      model: 'qwen3-0.6b',
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      top_k: 1,
      cache_prompt: false,
    });
    const timings = peer.timingsSent.at(-1)!;
    const m = metricsOfGeneration(gen);
    expect(gen.outputTokens).toBe(8);
    expect(gen.promptTokens).toBe(6);
    expectSame(m.prefill_tps, timings.prompt_n! / (timings.prompt_ms! / 1000));
    expectSame(m.decode_tps, timings.predicted_per_second!);
    expectSame(m.decode_tps, (timings.predicted_n! - 1) / (timings.predicted_ms! / 1000));
    expect(gen.chunkArrivalsMs).toHaveLength(8);
    expect(m.ttft_ms).toBeGreaterThanOrEqual(39);
    expect(m.ttft_ms).toBeLessThan(40 + 500);
    expect(m.itl_p50_ms).toBeGreaterThanOrEqual(14);
    expect(m.itl_p50_ms).toBeLessThan(15 + 100);
    expect(m.tpot_ms).toBeCloseTo((gen.e2eMs - m.ttft_ms!) / 7, 9);
    expect(m.e2e_ms).toBeGreaterThanOrEqual(m.ttft_ms! + 7 * 14);
  });

  it('never writes the API key into logs or errors', async () => {
    peer.options.fault = (i) => (i === 1 ? { kind: 'status', status: 500, message: 'boom' } : undefined);
    const error = await engineFailure(engine.generate(loaded, request()));
    peer.options.fault = undefined;
    expect(error.message).not.toContain('sk-secret-123');
    expect(logs.join('\n')).not.toContain('sk-secret-123');
  });

  it('says when the server rejects the key', async () => {
    const wrong = createOpenAIEngine(cfg(peer.url, 'chat', 'LLM_KEY'), { LLM_KEY: 'sk-wrong' }, () => {});
    const error = await engineFailure(wrong.prepare(spec('qwen3-0.6b'), ctx));
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('Invalid API key');
    expect(error.message).toContain('api_key_env');
    expect(error.message).not.toContain('sk-wrong');
  });
});

describe('openai engine against vLLM-like and plain servers', () => {
  let vllm: OpenAIPeer;
  let plain: OpenAIPeer;

  beforeAll(async () => {
    vllm = await startOpenAIPeer({
      flavor: 'vllm',
      models: [{ id: 'Qwen/Qwen3-4B' }],
      tokens: 6,
      firstTokenDelayMs: 30,
      interTokenDelayMs: 10,
      earlyRoleChunk: true,
      serverHeader: 'uvicorn',
    });
    plain = await startOpenAIPeer({
      flavor: 'plain',
      models: [{ id: 'local-model' }],
      tokens: 5,
      firstTokenDelayMs: 5,
      interTokenDelayMs: 5,
      noUsage: true,
      serverHeader: 'lmstudio/0.3.9',
    });
  });
  afterAll(async () => {
    await vllm.close();
    await plain.close();
  });

  it('reads the version from /version; TTFT waits for text, not for an early role chunk', async () => {
    const engine = createOpenAIEngine(cfg(`${vllm.url}/v1`), {}, () => {});
    expect((await engine.info()).version).toBe('0.8.5');
    const loaded = await engine.load(await engine.prepare(spec('Qwen/Qwen3-4B'), ctx), {});
    const gen = await engine.generate(loaded, request());
    const m = metricsOfGeneration(gen);
    expect(m.ttft_ms).toBeGreaterThanOrEqual(29);
    expect(gen.outputTokens).toBe(6);
    expect(gen.promptTokens).toBe(6);
    // No server timings: decode from arrivals, prefill as prompt tokens over TTFT.
    expectSame(m.decode_tps, 5 / ((gen.chunkArrivalsMs[5]! - gen.chunkArrivalsMs[0]!) / 1000));
    expectSame(m.prefill_tps, 6 / (m.ttft_ms! / 1000));
  });

  it('uses /v1/completions when api is completions', async () => {
    const engine = createOpenAIEngine(cfg(vllm.url, 'completions'), {}, () => {});
    const loaded = await engine.load(await engine.prepare(spec('Qwen/Qwen3-4B'), ctx), {});
    const start = vllm.requests.length;
    const gen = await engine.generate(loaded, request(3));
    const sent = vllm.requests.slice(start).find((r) => r.path === '/v1/completions')!;
    expect(sent.body).toMatchObject({
      model: 'Qwen/Qwen3-4B',
      prompt: PROMPT,
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(gen.outputTokens).toBe(3);
    expect(gen.chunkArrivalsMs).toHaveLength(3);
  });

  it('falls back to the Server header and to counting chunks, and says so once', async () => {
    const logs: string[] = [];
    const engine = createOpenAIEngine(cfg(plain.url), {}, (l) => logs.push(l));
    expect((await engine.info()).version).toBe('lmstudio/0.3.9');
    const loaded = await engine.load(await engine.prepare(spec('local-model'), ctx), {});
    const a = await engine.generate(loaded, request());
    await engine.generate(loaded, request());
    expect(a.outputTokens).toBe(5);
    expect(a.promptTokens).toBeUndefined();
    expect(logs.filter((l) => l.includes('counted as streamed chunks'))).toHaveLength(1);
  });

  it('lists the served models when the model is not among them', async () => {
    const engine = createOpenAIEngine(cfg(vllm.url), {}, () => {});
    const error = await engineFailure(engine.prepare(spec('Qwen/Qwen3-8B'), ctx));
    expect(error.kind).toBe('load');
    expect(error.message).toBe(`model "Qwen/Qwen3-8B" is not served by ${vllm.url}; served models: Qwen/Qwen3-4B`);
  });
});

describe('openai engine when things go wrong', () => {
  let peer: OpenAIPeer;
  let faults: Map<number, OpenAIFault>;
  let engine: Engine;
  let loaded: LoadedModel;

  beforeAll(async () => {
    faults = new Map();
    peer = await startOpenAIPeer({
      flavor: 'vllm',
      models: [{ id: 'm1' }],
      tokens: 6,
      firstTokenDelayMs: 5,
      interTokenDelayMs: 5,
      fault: (i) => faults.get(i),
    });
    engine = createOpenAIEngine(cfg(peer.url), {}, () => {});
    loaded = await engine.load(await engine.prepare(spec('m1'), ctx), {});
  });
  afterAll(async () => {
    await peer.close();
  });

  it('names the host when nothing listens', async () => {
    const port = await closedPort();
    const down = createOpenAIEngine(cfg(`http://127.0.0.1:${port}`), {}, () => {});
    const error = await engineFailure(down.info());
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toContain('connection refused');
    // The cause with its code, never a bare "fetch failed".
    expect(error.message).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error.message).toMatch(/llama-server|vllm serve/);
    const genError = await engineFailure(down.generate(loaded, request()));
    expect(genError.message).toContain('connection refused');
    expect(genError.message).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(genError.retries).toBeUndefined();
  });

  it('a 404 for the model carries the server message', async () => {
    const gone = { ...loaded, prepared: { ...loaded.prepared, location: 'm2' } };
    const error = await engineFailure(engine.generate(gone, request()));
    expect(error.kind).toBe('engine');
    expect(error.message).toBe(`${peer.url}/v1/chat/completions answered HTTP 404: The model \`m2\` does not exist.`);
  });

  it('a 500 carries the server message', async () => {
    faults.set(0, { kind: 'status', status: 500, message: 'CUDA out of memory' });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.message).toContain('HTTP 500: CUDA out of memory');
  });

  it('a cut stream is a stream error for that request only', async () => {
    faults.set(1, { kind: 'cut', afterTokens: 2 });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toContain('cut after 2 text chunks');
    expect(error.message).toMatch(/\(ECONNRESET aborted\)$/);
    expect(error.retries).toBeUndefined();
    expect((await engine.generate(loaded, request())).outputTokens).toBe(6);
  });

  it('a stalled stream times out and frees the connection', async () => {
    faults.set(3, { kind: 'stall', afterTokens: 2 });
    const error = await engineFailure(engine.generate(loaded, request(16, 300)));
    expect(error.kind).toBe('timeout');
    expect((await engine.generate(loaded, request())).outputTokens).toBe(6);
    await new Promise((r) => setTimeout(r, 50));
    expect(peer.inFlight).toBe(0);
  });

  it('a malformed JSON chunk is a stream error naming it', async () => {
    faults.set(5, { kind: 'malformed', afterTokens: 3 });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toMatch(
      /malformed JSON in event 4 of the stream from .*\/v1\/chat\/completions: \{"id": "cmpl-5"/,
    );
  });

  it('a stream that ends without finish_reason or [DONE] is a stream error', async () => {
    faults.set(6, { kind: 'no-done', afterTokens: 4 });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toContain('ended after 4 text chunks without [DONE] or a finish_reason');
  });

  it('an error event mid-stream is an engine error with its message', async () => {
    faults.set(7, { kind: 'error-event', afterTokens: 1, message: 'engine dead' });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('engine');
    expect(error.message).toContain('engine dead');
  });

  it('a slow first token shows in ttft_ms only', async () => {
    peer.options.firstTokenDelayMs = 250;
    const gen = await engine.generate(loaded, request());
    peer.options.firstTokenDelayMs = 5;
    const m = metricsOfGeneration(gen);
    expect(m.ttft_ms).toBeGreaterThanOrEqual(249);
    expect(m.itl_p50_ms).toBeLessThan(200);
  });
});

describe('openai engine and prompt caches', () => {
  const MODEL = 'm';
  const prompt = (text: string, timeoutMs = 5000): GenerationRequest => ({
    prompt: text,
    maxTokens: 4,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const lastBody = (peer: OpenAIPeer): Record<string, unknown> =>
    peer.requests.filter((r) => r.path.endsWith('/completions')).at(-1)!.body!;
  async function against(
    peer: OpenAIPeer,
    params: Record<string, string | number | boolean> = {},
  ): Promise<{ engine: Engine; loaded: LoadedModel }> {
    const engine = createOpenAIEngine(cfg(peer.url), {}, () => {});
    return { engine, loaded: await engine.load(await engine.prepare(spec(MODEL), ctx), params) };
  }

  it('reads the cached tokens: llama-server timings.cache_n, else usage.prompt_tokens_details.cached_tokens', () => {
    const base = { arrivalsMs: [50, 60, 70], lastChoiceMs: 71, sawDone: true, sawFinish: true, events: 5 };
    // llama-server: prompt_n counts only the evaluated tokens, cache_n the reused ones (a real reply of the issue).
    const timings = {
      cache_n: 56,
      prompt_n: 1,
      prompt_ms: 2,
      prompt_per_second: 500,
      predicted_n: 3,
      predicted_ms: 20,
      predicted_per_second: 100,
    };
    const fromTimings = generationFromStream({ ...base, timings }, 'x').generation;
    expect(fromTimings.metrics).toEqual({ cached_tokens: 56 });
    expect(fromTimings.promptTokens).toBe(57); // the whole prompt, not the one token evaluated
    const m = metricsOfGeneration(fromTimings);
    expect(m.cached_tokens).toBe(56);
    expect(m.prefill_tps).toBe(500); // the server's own figure over what it evaluated: flagged by cached_tokens, not hidden
    // vLLM-like: no timings, the usage chunk says how much of the prompt came from the cache; the client's prefill
    // estimate counts only the tokens evaluated.
    const usage = { prompt_tokens: 40, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 32 } };
    const fromUsage = generationFromStream({ ...base, usage }, 'x').generation;
    expect(fromUsage.metrics).toEqual({ cached_tokens: 32 });
    expect(metricsOfGeneration(fromUsage).prefill_tps).toBe(8 / 0.05);
    // Fully cached and no timings: no prefill to estimate at all. Nothing reported: no metric.
    expect(
      generationFromStream({ ...base, usage: { ...usage, prompt_tokens_details: { cached_tokens: 40 } } }, 'x')
        .generation.reported,
    ).toBeUndefined();
    expect(
      generationFromStream({ ...base, usage: { prompt_tokens: 40, completion_tokens: 3 } }, 'x').generation.metrics,
    ).toBeUndefined();
    expect(
      generationFromStream({ ...base, usage: { ...usage, prompt_tokens_details: null } }, 'x').generation.metrics,
    ).toBeUndefined();
  });

  it('tells llama-server not to reuse its prompt cache: a repeated prompt is evaluated in full', async () => {
    const peer = await startOpenAIPeer({
      flavor: 'llama-server',
      models: [{ id: MODEL }],
      tokens: 3,
      promptCache: true,
    });
    try {
      const { engine, loaded } = await against(peer);
      const a = await engine.generate(loaded, prompt('the same prompt twice over'));
      const b = await engine.generate(loaded, prompt('the same prompt twice over'));
      expect(lastBody(peer).cache_prompt).toBe(false);
      for (const gen of [a, b]) {
        expect(gen.metrics).toEqual({ cached_tokens: 0 });
        expect(gen.promptTokens).toBe(5);
      }
      expect(peer.timingsSent.map((t) => [t.cache_n, t.prompt_n])).toEqual([
        [0, 5],
        [0, 5],
      ]);
      await engine.close();
    } finally {
      await peer.close();
    }
  });

  it('keeps the config’s own cache_prompt, and then reports what the cache served', async () => {
    const peer = await startOpenAIPeer({
      flavor: 'llama-server',
      models: [{ id: MODEL }],
      tokens: 3,
      promptCache: true,
    });
    try {
      const { engine, loaded } = await against(peer, { cache_prompt: true });
      await engine.generate(loaded, prompt('the same prompt twice over'));
      const again = await engine.generate(loaded, prompt('the same prompt twice over'));
      expect(lastBody(peer).cache_prompt).toBe(true);
      // As llama-server does: all but the last prompt token reused, that one evaluated for its logits.
      expect(again.metrics).toEqual({ cached_tokens: 4 });
      expect(again.promptTokens).toBe(5);
      expect(again.reported?.prefillTokens).toBe(1);
      await engine.close();
    } finally {
      await peer.close();
    }
  });

  it('recognises llama-server by its Server header too (/props unanswered)', async () => {
    const peer = await startOpenAIPeer({
      flavor: 'plain',
      models: [{ id: MODEL }],
      tokens: 2,
      serverHeader: 'llama.cpp',
    });
    try {
      const { engine, loaded } = await against(peer);
      await engine.generate(loaded, prompt('hello there'));
      expect(lastBody(peer).cache_prompt).toBe(false);
      await engine.close();
    } finally {
      await peer.close();
    }
  });

  it('sends no cache_prompt to other servers (OpenAI rejects unknown fields, vLLM ignores them) but reads their cached count', async () => {
    const vllm = await startOpenAIPeer({
      flavor: 'vllm',
      models: [{ id: MODEL }],
      tokens: 2,
      promptCache: true,
      serverHeader: 'uvicorn',
    });
    try {
      // Even a generate before info or prepare probes the server first, outside the timed request.
      const engine = createOpenAIEngine(cfg(vllm.url), {}, () => {});
      const loaded: LoadedModel = { prepared: { identity: { id: MODEL, name: MODEL }, location: MODEL }, params: {} };
      const first = await engine.generate(loaded, prompt('one two three four'));
      const second = await engine.generate(loaded, prompt('one two three four'));
      expect(
        vllm.requests.filter((r) => r.path.endsWith('/completions')).every((r) => !('cache_prompt' in r.body!)),
      ).toBe(true);
      expect(first.metrics).toEqual({ cached_tokens: 0 });
      expect(second.metrics).toEqual({ cached_tokens: 3 });
      // Distinct first words: nothing to reuse.
      const fresh = await engine.generate(loaded, prompt('[123456789012] one two three four'));
      expect(fresh.metrics).toEqual({ cached_tokens: 0 });
      await engine.close();
    } finally {
      await vllm.close();
    }
  });
});
