// The ollama engine against a local peer that speaks Ollama's API: the real `ollama` client, real HTTP, real timers.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOllamaEngine,
  generationFromOllama,
  normalizeOllamaHost,
  ollamaRequestFields,
  ollamaTag,
} from '../src/engines/ollama.js';
import type { Engine, GenerationRequest, LoadedModel } from '../src/engines/types.js';
import { metricsOfGeneration } from '../src/runner/metrics.js';
import type { ModelSpec } from '../src/config/parse.js';
import {
  closedPort,
  peerPromptTokens,
  startOllamaPeer,
  type OllamaFault,
  type OllamaPeer,
  type PeerModel,
} from './peers/ollama-server.js';
import { engineFailure, expectSame } from './peers/expect-engine.js';

const gemma: PeerModel = {
  name: 'gemma3:1b',
  digest: `sha256:${'a'.repeat(64)}`,
  sizeBytes: 815_000_000,
  family: 'gemma3',
  parameterSize: '999.89M',
  quantization: 'Q4_K_M',
  parameterCount: 999_885_952,
  vramShare: 0.75,
};
const qwen: PeerModel = {
  ...gemma,
  name: 'qwen3:0.6b',
  digest: `sha256:${'c'.repeat(64)}`,
  sizeBytes: 522_000_000,
  family: 'qwen3',
  parameterSize: '751.63M',
  vramShare: 1,
};
const spec = (name: string): ModelSpec => ({ id: name, name, source: 'name' });
const ctx = { configDir: '/tmp', cacheDir: '/tmp', log: () => {} };
const PROMPT = 'Craft a witty remark after a close racing finish.';

function request(maxTokens = 16, timeoutMs = 5000): GenerationRequest {
  return { prompt: PROMPT, maxTokens, signal: AbortSignal.timeout(timeoutMs) };
}

describe('normalizeOllamaHost (as Ollama reads OLLAMA_HOST)', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:8080', 'http://127.0.0.1:8080'],
    [':11435', 'http://127.0.0.1:11435'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:9999', 'http://gpu-box:9999'],
    ['http://gpu-box', 'http://gpu-box:80'],
    ['https://ollama.example.com', 'https://ollama.example.com:443'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['https://proxy.example.com:8443/ollama/', 'https://proxy.example.com:8443/ollama'],
    ['[::1]:11434', 'http://[::1]:11434'],
    ['::1', 'http://[::1]:11434'],
    ['  127.0.0.1:11434  ', 'http://127.0.0.1:11434'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeOllamaHost(input)).toBe(expected);
  });

  it('prefers config.host over OLLAMA_HOST', () => {
    const e = createOllamaEngine({ host: 'http://a:1', pull: 'never', chat: false }, { OLLAMA_HOST: 'b:2' }, () => {});
    expect(e.host).toBe('http://a:1');
    expect(createOllamaEngine({ pull: 'never', chat: false }, { OLLAMA_HOST: 'b:2' }, () => {}).host).toBe(
      'http://b:2',
    );
  });

  it('treats a bare name as its :latest tag and splits top-level fields from options', () => {
    expect(ollamaTag('gemma3')).toBe('gemma3:latest');
    expect(ollamaTag('registry.example.com:5000/me/gemma3')).toBe('registry.example.com:5000/me/gemma3:latest');
    expect(ollamaTag('Gemma3:1B')).toBe('gemma3:1b');
    expect(ollamaRequestFields({ num_ctx: 2048, keep_alive: '5m', think: false, temperature: 0 })).toEqual({
      options: { num_ctx: 2048, temperature: 0 },
      keepAlive: '5m',
      think: false,
    });
  });
});

describe('ollama engine against a well-behaved server', () => {
  let peer: OllamaPeer;
  let engine: Engine;
  const logs: string[] = [];
  let loaded: LoadedModel;

  beforeAll(async () => {
    peer = await startOllamaPeer({
      models: [gemma],
      registry: [qwen],
      pullSteps: 40,
      tokens: 12,
      firstTokenDelayMs: 40,
      interTokenDelayMs: 15,
      loadDelayMs: 30,
    });
    engine = createOllamaEngine({ host: peer.url, pull: 'missing', chat: false }, {}, (l) => logs.push(l));
  });
  afterAll(async () => {
    await engine.close();
    await peer.close();
  });

  it('reads the server version', async () => {
    expect(await engine.info()).toEqual({ kind: 'ollama', version: '0.12.6', host: peer.url });
  });

  it('identifies a local model from /api/tags and /api/show', async () => {
    const prepared = await engine.prepare(spec('gemma3:1b'), ctx);
    expect(prepared.location).toBe('gemma3:1b');
    expect(prepared.identity).toEqual({
      id: 'gemma3:1b',
      name: 'gemma3:1b',
      source: 'ollama',
      digest: gemma.digest,
      family: 'gemma3',
      parameter_size: '999.89M',
      quantization: 'Q4_K_M',
      parameter_count: 999_885_952,
      size_bytes: 815_000_000,
    });
    expect(peer.requests.some((r) => r.path === '/api/pull')).toBe(false);
  });

  it('pulls a missing model with throttled progress lines', async () => {
    const before = logs.length;
    const prepared = await engine.prepare(spec('qwen3:0.6b'), ctx);
    expect(prepared.identity.digest).toBe(qwen.digest);
    const lines = logs.slice(before);
    const progress = lines.filter((l) => l.startsWith('pulling qwen3:0.6b '));
    expect(progress.length).toBeGreaterThan(0);
    // 40 progress chunks for this layer give at most one line per 10% (+ the first), not one per chunk.
    expect(progress.length).toBeLessThanOrEqual(11);
    expect(progress.at(-1)).toMatch(/^pulling qwen3:0\.6b cccccccccccc: 100% of 516\.8 MB, [\d.]+ MB\/s$/);
    // The 5 MB layer beside the weights finishes at once and gets no display of its own.
    expect(progress.every((l) => l.includes('cccccccccccc'))).toBe(true);
    expect(lines).toContain('ollama: qwen3:0.6b: success');
  });

  it('measures a cold load: unloads first, loads with the case options, reads GPU share from /api/ps', async () => {
    const prepared = await engine.prepare(spec('gemma3:1b'), ctx);
    peer.loaded.add('gemma3:1b'); // warm from an earlier case
    const start = peer.requests.length;
    loaded = await engine.load(prepared, { num_ctx: 2048, temperature: 0, keep_alive: '10m' });
    const gens = peer.requests.slice(start).filter((r) => r.path === '/api/generate');
    expect(gens[0]!.body).toMatchObject({ model: 'gemma3:1b', prompt: '', keep_alive: 0 });
    expect(gens[1]!.body).toMatchObject({
      model: 'gemma3:1b',
      prompt: '',
      keep_alive: '10m',
      options: { num_ctx: 2048, temperature: 0 },
    });
    // The peer's load reply, like Ollama's, has no load_duration: the client's wall time of the load is used.
    expect(loaded.loadMs).toBeGreaterThanOrEqual(29);
    expect(loaded.loadMs).toBeLessThan(2000);
    expect(loaded.metrics).toEqual({ gpu_offload: 0.75, vram_mb: (815_000_000 * 0.75) / 1e6 });
  });

  it('streams a generation: reported durations give prefill/decode exactly, arrival times give TTFT and ITL', async () => {
    const start = peer.requests.length;
    const gen = await engine.generate(loaded, request(10));
    const sent = peer.requests.slice(start).find((r) => r.path === '/api/generate')!.body!;
    expect(sent).toMatchObject({
      model: 'gemma3:1b',
      prompt: PROMPT,
      stream: true,
      keep_alive: '10m',
      options: { num_ctx: 2048, temperature: 0, num_predict: 10 },
    });
    const done = peer.doneChunks.at(-1)!;
    const m = metricsOfGeneration(gen);
    expect(gen.outputTokens).toBe(10);
    expect(gen.promptTokens).toBe(peerPromptTokens(PROMPT));
    expectSame(m.decode_tps, (done.eval_count as number) / ((done.eval_duration as number) / 1e9));
    expectSame(m.prefill_tps, (done.prompt_eval_count as number) / ((done.prompt_eval_duration as number) / 1e9));
    expect(gen.chunkArrivalsMs).toHaveLength(10);
    // Client-side times: bounded below by the peer's delays, loosely above (shared CI machine).
    expect(m.ttft_ms).toBeGreaterThanOrEqual(39);
    expect(m.ttft_ms).toBeLessThan(40 + 500);
    expect(m.itl_p50_ms).toBeGreaterThanOrEqual(14);
    expect(m.itl_p50_ms).toBeLessThan(15 + 100);
    expect(m.e2e_ms).toBeGreaterThanOrEqual(39 + 9 * 14);
    expect(m.tpot_ms).toBeCloseTo((gen.e2eMs - gen.chunkArrivalsMs[0]!) / 9, 9);
    expect(gen.outputSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('uses /api/chat when chat is set', async () => {
    const chatEngine = createOllamaEngine({ host: peer.url, pull: 'never', chat: true }, {}, () => {});
    const start = peer.requests.length;
    const gen = await chatEngine.generate(loaded, request(4));
    const sent = peer.requests.slice(start).find((r) => r.path === '/api/chat')!.body!;
    expect(sent.messages).toEqual([{ role: 'user', content: PROMPT }]);
    expect(gen.outputTokens).toBe(4);
    expect(gen.chunkArrivalsMs).toHaveLength(4);
    const done = peer.doneChunks.at(-1)!;
    expectSame(metricsOfGeneration(gen).decode_tps, 4 / ((done.eval_duration as number) / 1e9));
  });

  it('uses load_duration when the load reply carries it', async () => {
    peer.options.loadReplyDuration = true;
    const prepared = await engine.prepare(spec('gemma3:1b'), ctx);
    const reloaded = await engine.load(prepared, { num_ctx: 2048, temperature: 0, keep_alive: '10m' });
    peer.options.loadReplyDuration = false;
    const loadDurationNs = peer.loadReplies.at(-1)!.load_duration as number;
    expect(loadDurationNs).toBeGreaterThanOrEqual(29e6); // a cold load: the engine unloaded first
    expect(reloaded.loadMs).toBe(loadDurationNs / 1e6);
  });

  it('pull: always pulls a model that is already there, and keeps going with the local copy when the registry is down', async () => {
    const always = createOllamaEngine({ host: peer.url, pull: 'always', chat: false }, {}, (l) => logs.push(l));
    const pullsBefore = peer.requests.filter((r) => r.path === '/api/pull').length;
    await always.prepare(spec('gemma3:1b'), ctx);
    expect(peer.requests.filter((r) => r.path === '/api/pull').length).toBe(pullsBefore + 1);
    peer.options.registryOffline = true;
    const before = logs.length;
    const prepared = await always.prepare(spec('gemma3:1b'), ctx);
    peer.options.registryOffline = false;
    expect(prepared.identity.digest).toBe(gemma.digest);
    expect(logs.slice(before).join('\n')).toMatch(/no such host.*using the local copy of gemma3:1b/);
  });

  it('unloads with keep_alive 0', async () => {
    await engine.unload(loaded);
    expect(peer.loaded.has('gemma3:1b')).toBe(false);
    expect(peer.requests.at(-1)!.body).toMatchObject({ model: 'gemma3:1b', prompt: '', keep_alive: 0 });
  });
});

describe('ollama engine when things go wrong', () => {
  let peer: OllamaPeer;
  let faults: Map<number, OllamaFault>;
  let engine: Engine;
  let loaded: LoadedModel;

  beforeAll(async () => {
    faults = new Map();
    peer = await startOllamaPeer({
      models: [gemma],
      tokens: 6,
      firstTokenDelayMs: 5,
      interTokenDelayMs: 5,
      fault: (i) => faults.get(i),
    });
    engine = createOllamaEngine({ host: peer.url, pull: 'never', chat: false }, {}, () => {});
    loaded = await engine.load(await engine.prepare(spec('gemma3:1b'), ctx), {});
  });
  afterAll(async () => {
    await engine.close();
    await peer.close();
  });

  it('names the host and how to start Ollama when nothing listens', async () => {
    const port = await closedPort();
    const down = createOllamaEngine({ pull: 'missing', chat: false }, { OLLAMA_HOST: `127.0.0.1:${port}` }, () => {});
    const error = await engineFailure(down.info());
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toContain('connection refused');
    // The cause with its code, never a bare "fetch failed".
    expect(error.message).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error.message).toContain('ollama serve');
    expect(error.message).toContain('OLLAMA_HOST');
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const stuck = createOllamaEngine({ host: `http://127.0.0.1:${port}`, pull: 'never', chat: false }, {}, () => {}, {
        requestTimeoutMs: 200,
      });
      const error = await engineFailure(stuck.info());
      expect(error.message).toContain(`http://127.0.0.1:${port}`);
      expect(error.message).toMatch(/version.*timeout/i);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('refuses a model that is not on the server when pull is never', async () => {
    const error = await engineFailure(engine.prepare(spec('llama3.2:1b'), ctx));
    expect(error.kind).toBe('load');
    expect(error.message).toContain('"llama3.2:1b"');
    expect(error.message).toContain('ollama pull llama3.2:1b');
    expect(peer.requests.some((r) => r.path === '/api/pull')).toBe(false);
  });

  it('reports a registry that has no such model', async () => {
    const pulling = createOllamaEngine({ host: peer.url, pull: 'missing', chat: false }, {}, () => {});
    const error = await engineFailure(pulling.prepare(spec('nosuch:7b'), ctx));
    expect(error.kind).toBe('load');
    expect(error.message).toContain('pull nosuch:7b');
    expect(error.message).toContain('file does not exist');
  });

  it('a 404 for the model names it', async () => {
    const gone = { ...loaded, prepared: { ...loaded.prepared, location: 'deleted:1b' } };
    const error = await engineFailure(engine.generate(gone, request()));
    expect(error.kind).toBe('engine');
    expect(error.message).toContain('"deleted:1b"');
    expect(error.message).toContain('not found');
  });

  it('a 500 carries the server message', async () => {
    faults.set(0, { kind: 'status', status: 500, message: 'llama runner process has terminated: exit status 2' });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('engine');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('llama runner process has terminated');
  });

  it('a stream cut before done is a stream error for that request only', async () => {
    faults.set(1, { kind: 'cut', afterTokens: 3 });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toMatch(/cut after 3 tokens, before the final "done" chunk \(ECONNRESET aborted\)$/);
    expect(error.retries).toBeUndefined();
    const next = await engine.generate(loaded, request());
    expect(next.outputTokens).toBe(6);
  });

  it('a stalled stream is aborted by the time-out, and the next request works', async () => {
    faults.set(3, { kind: 'stall', afterTokens: 2 });
    const error = await engineFailure(engine.generate(loaded, request(16, 300)));
    expect(error.kind).toBe('timeout');
    const next = await engine.generate(loaded, request());
    expect(next.outputTokens).toBe(6);
    // The aborted request's connection is closed, not left hanging on the server.
    await new Promise((r) => setTimeout(r, 50));
    expect(peer.inFlight).toBe(0);
  });

  it('a malformed line is a stream error naming it (not skipped as ollama-js would)', async () => {
    faults.set(5, { kind: 'malformed', afterTokens: 2 });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toMatch(/malformed JSON in line 3/);
    expect(error.message).toContain('"response": "t');
  });

  it('an error object mid-stream is an engine error with its message', async () => {
    faults.set(6, { kind: 'error-chunk', afterTokens: 2, message: 'out of memory' });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('engine');
    expect(error.message).toContain('out of memory');
  });

  it('a stream that ends cleanly without the done chunk is a stream error', async () => {
    faults.set(7, { kind: 'no-done', afterTokens: 4 });
    const error = await engineFailure(engine.generate(loaded, request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toContain('ended after 4 tokens without the final "done" chunk');
  });

  it('a slow first token shows in ttft_ms, not in decode', async () => {
    peer.options.firstTokenDelayMs = 250;
    const gen = await engine.generate(loaded, request());
    peer.options.firstTokenDelayMs = 5;
    const m = metricsOfGeneration(gen);
    expect(m.ttft_ms).toBeGreaterThanOrEqual(249);
    const done = peer.doneChunks.at(-1)!;
    expect(done.prompt_eval_duration as number).toBeGreaterThanOrEqual(249e6);
    expectSame(m.decode_tps, 6 / ((done.eval_duration as number) / 1e9));
  });

  it('an already aborted signal fails at once as a time-out', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await engineFailure(
      engine.generate(loaded, { prompt: PROMPT, maxTokens: 4, signal: controller.signal }),
    );
    expect(error.kind).toBe('timeout');
  });
});

describe('ollama engine and its prompt cache', () => {
  it('reads prompt_eval_cached_count: cached_tokens, and prefill speed over the tokens evaluated', () => {
    const done = {
      done: true,
      prompt_eval_count: 40,
      prompt_eval_cached_count: 32,
      prompt_eval_duration: 8e6,
      eval_count: 4,
      eval_duration: 3e7,
    };
    const gen = generationFromOllama([10, 20, 30, 40], done, 41, 'x');
    expect(gen.promptTokens).toBe(40);
    expect(gen.metrics).toEqual({ cached_tokens: 32 });
    const m = metricsOfGeneration(gen);
    expect(m.cached_tokens).toBe(32);
    expect(m.prefill_tps).toBe(8 / 0.008);
    // Older servers say nothing about a cache: no metric, the prompt as evaluated.
    const old = generationFromOllama(
      [10, 20],
      { done: true, prompt_eval_count: 40, prompt_eval_duration: 8e6, eval_count: 2, eval_duration: 1e7 },
      21,
      'x',
    );
    expect(old.metrics).toBeUndefined();
    expect(metricsOfGeneration(old).prefill_tps).toBe(40 / 0.008);
    // All of it cached: no prefill speed at all.
    expect(
      generationFromOllama([10], { ...done, prompt_eval_cached_count: 40 }, 11, 'x').reported?.prefillTokens,
    ).toBeUndefined();
  });

  it('has no request field to turn the cache off: a repeated prompt is served from it, a varied one is not', async () => {
    const peer = await startOllamaPeer({ models: [gemma], tokens: 3, promptCache: true });
    const engine = createOllamaEngine({ host: peer.url, pull: 'never', chat: false }, {}, () => {});
    try {
      const loaded = await engine.load(await engine.prepare(spec('gemma3:1b'), ctx), {});
      const first = await engine.generate(loaded, request(3));
      const repeated = await engine.generate(loaded, request(3));
      const varied = await engine.generate(loaded, { ...request(3), prompt: `[000000000001] ${PROMPT}` });
      const sent = peer.requests.filter((r) => r.path === '/api/generate' && r.body?.prompt).map((r) => r.body!);
      for (const body of sent) {
        expect(body).not.toHaveProperty('cache_prompt');
        expect(body.options).not.toHaveProperty('cache_prompt');
      }
      expect(first.metrics).toEqual({ cached_tokens: 0 });
      expect(repeated.metrics).toEqual({ cached_tokens: peerPromptTokens(PROMPT) - 1 });
      expect(varied.metrics).toEqual({ cached_tokens: 0 });
      expect(peer.doneChunks.map((d) => d.prompt_eval_cached_count)).toEqual([0, peerPromptTokens(PROMPT) - 1, 0]);
    } finally {
      await engine.close();
      await peer.close();
    }
  });
});

describe('ollama pulls that stop making progress', () => {
  let peer: OllamaPeer;
  beforeAll(async () => {
    // Each progress line comes 5 s after the last: a registry that has stalled.
    peer = await startOllamaPeer({
      models: [gemma],
      registry: [qwen],
      pullSteps: 3,
      pullStepDelayMs: 5_000,
      loadDelayMs: 0,
    });
  });
  afterAll(async () => {
    await peer.close();
  });

  it('fail after the stall time, naming the model, the host and how to pre-fill the models offline', async () => {
    const logs: string[] = [];
    const engine = createOllamaEngine(
      { host: peer.url, pull: 'missing', chat: false },
      { LLM_BENCH_DOWNLOAD_STALL_S: '0.3' },
      (l) => logs.push(l),
    );
    const error = await engine
      .prepare({ id: 'q', name: 'qwen3:0.6b', source: 'name' }, { configDir: '/tmp', cacheDir: '/tmp', log: () => {} })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^pulling qwen3:0\\.6b from ${peer.url.replace(/[.:/]/g, '\\$&')} stopped: no progress for 0\\.3 s\\. Pull it on the runner beforehand \\(\`ollama pull qwen3:0\\.6b\`\\), or restore the Ollama models directory`,
      ),
    );
    expect(logs[0]).toMatch(/^ollama: pulling qwen3:0\.6b from .* \(gives up after 0\.3 s without progress\)$/);
    await engine.close();
  });

  it('a stop cancels the pull at once', async () => {
    const engine = createOllamaEngine({ host: peer.url, pull: 'missing', chat: false }, {}, () => {});
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const error = await engine
      .prepare(
        { id: 'q', name: 'qwen3:0.6b', source: 'name' },
        { configDir: '/tmp', cacheDir: '/tmp', log: () => {}, signal: abort.signal },
      )
      .catch((e: unknown) => e);
    // The default stall time is 60 s: the pull ended because of the stop, not the watchdog.
    expect((error as Error).message).toMatch(/^pulling qwen3:0\.6b from .* stopped: the run was stopped$/);
    await engine.close();
  });
});
