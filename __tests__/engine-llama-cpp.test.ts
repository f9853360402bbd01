// The embedded engine on a generated model in real llama.cpp: identity, every metric, bad files, downloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readFile, writeFile, truncate, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from './helpers/models.js';
import { availableParallelism } from 'node:os';
import { threadCandidates, createLlamaCppEngine } from '../src/engines/llama-cpp.js';
import type { Engine, PrepareContext } from '../src/engines/types.js';
import { metricsOfGeneration } from '../src/runner/metrics.js';
import { InputError } from '../src/util/errors.js';
import { NODE_LLAMA_CPP_VERSION } from '../src/version.js';
import { startHuggingFacePeer, type HuggingFacePeer } from './peers/huggingface-server.js';

let tiny: string;
let dir: string;
let engine: Engine;
let peer: HuggingFacePeer;
const logs: string[] = [];
const ctx = (): PrepareContext => ({ configDir: dir, cacheDir: join(dir, 'cache'), log: (l) => logs.push(l) });

beforeAll(async () => {
  tiny = await ensureModel('tiny');
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-llama-'));
  peer = await startHuggingFacePeer(
    [{ user: 'llm-bench', model: 'tiny-GGUF', tag: 'F32', filename: 'tiny.F32.gguf', path: tiny }],
    { 'plain.gguf': tiny },
  );
  engine = createLlamaCppEngine({ options: { threads: 1 }, model_dir: undefined }, { huggingFaceEndpoint: peer.url });
});

afterAll(async () => {
  await engine?.close();
  await peer?.close();
});

describe('llama-cpp engine', () => {
  it('identifies the model: digest, architecture, quantization, parameters, bytes', async () => {
    const prepared = await engine.prepare({ id: 'assistant', name: tiny, source: 'path' }, ctx());
    const sha = createHash('sha256')
      .update(await readFile(tiny))
      .digest('hex');
    expect(prepared.identity).toMatchObject({
      id: 'assistant',
      digest: `sha256:${sha}`,
      family: 'llama',
      quantization: 'F32',
      size_bytes: (await stat(tiny)).size,
    });
    expect(prepared.identity.parameter_count).toBeGreaterThan(100_000);
    expect((await engine.info()).version).toBe(
      `llama.cpp ${(await engine.info()).version.split(' ')[1]} (node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, cpu)`,
    );
    expect(NODE_LLAMA_CPP_VERSION).toBe(
      JSON.parse(await readFile(new URL('../node_modules/node-llama-cpp/package.json', import.meta.url), 'utf8'))
        .version,
    );
  });

  it('threads: auto probes every candidate count once, keeps the fastest and records it', async () => {
    const probeLogs: string[] = [];
    const auto = createLlamaCppEngine({ options: {}, model_dir: undefined }, { log: (l) => probeLogs.push(l) });
    const prepared = await auto.prepare({ id: 'assistant', name: tiny, source: 'path' }, ctx());
    const loaded = await auto.load(prepared, { threads: 'auto', context_size: 256 });
    try {
      const candidates = threadCandidates(availableParallelism());
      expect(candidates).toContain(loaded.metrics!.threads_used);
      const probe = probeLogs.find((l) => l.startsWith('threads: auto'))!;
      expect(probe).toMatch(
        new RegExp(
          `^threads: auto → ${loaded.metrics!.threads_used} for .* \\(probe: ${candidates.map((t) => `${t} threads? \\d+ tok/s`).join(', ')}\\)$`,
        ),
      );
      const gen = await auto.generate(loaded, {
        prompt: 'The quick brown fox',
        maxTokens: 8,
        signal: new AbortController().signal,
      });
      expect(gen.outputTokens).toBe(8);
      // A second load of the same model and settings reuses the choice: no second probe.
      const again = await auto.load(prepared, { threads: 'auto', context_size: 256 });
      expect(again.metrics!.threads_used).toBe(loaded.metrics!.threads_used);
      expect(probeLogs.filter((l) => l.startsWith('threads: auto'))).toHaveLength(1);
      await auto.unload(again);
    } finally {
      await auto.unload(loaded);
      await auto.close();
    }
    expect(threadCandidates(2)).toEqual([1, 2]);
    expect(threadCandidates(6)).toEqual([1, 2, 4, 6]);
    expect(threadCandidates(16)).toEqual([1, 2, 4, 8, 16]);
  });

  it('generates exactly max_tokens for real and yields every metric it can measure', async () => {
    const prepared = await engine.prepare({ id: 'assistant', name: tiny, source: 'path' }, ctx());
    const loaded = await engine.load(prepared, { threads: 1, context_size: 256 });
    try {
      expect(loaded.loadMs).toBeGreaterThan(0);
      expect(loaded.metrics).toEqual({ gpu_offload: 0 });
      const gen = await engine.generate(loaded, {
        prompt: 'The quick brown fox',
        maxTokens: 24,
        signal: new AbortController().signal,
      });
      expect(gen.outputTokens).toBe(24);
      expect(gen.chunkArrivalsMs).toHaveLength(24);
      expect(gen.promptTokens).toBeGreaterThan(3);
      const m = metricsOfGeneration(gen);
      for (const name of [
        'ttft_ms',
        'prefill_tps',
        'decode_tps',
        'tpot_ms',
        'itl_p50_ms',
        'itl_p99_ms',
        'e2e_ms',
        'output_tokens',
        'prompt_tokens',
      ]) {
        expect(m[name], name).toBeGreaterThan(0);
      }
      expect(m.decode_tps).toBeCloseTo(23 / ((gen.chunkArrivalsMs[23]! - gen.chunkArrivalsMs[0]!) / 1000), 6);
      // Greedy decoding of the same prompt from a cleared sequence gives the same tokens.
      const again = await engine.generate(loaded, {
        prompt: 'The quick brown fox',
        maxTokens: 24,
        signal: new AbortController().signal,
      });
      expect(again.outputSha256).toBe(gen.outputSha256);
    } finally {
      await engine.unload(loaded);
    }
  });

  it('generates two models in lockstep, each timed on its own steps', async () => {
    const small = await ensureModel('small');
    const a = await engine.load(await engine.prepare({ id: 'a', name: tiny, source: 'path' }, ctx()), {
      threads: 1,
      context_size: 256,
    });
    const b = await engine.load(await engine.prepare({ id: 'b', name: small, source: 'path' }, ctx()), {
      threads: 1,
      context_size: 256,
    });
    try {
      const signal = new AbortController().signal;
      const started = performance.now();
      const [ga, gb] = await engine.generatePair!(a, { prompt: 'The quick brown fox', maxTokens: 16, signal }, b, {
        prompt: 'The quick brown fox',
        maxTokens: 20,
        signal,
      });
      const wallMs = performance.now() - started;
      expect([ga.outputTokens, gb.outputTokens]).toEqual([16, 20]);
      for (const g of [ga, gb]) {
        expect(g.chunkArrivalsMs.every((t, i) => i === 0 || t >= g.chunkArrivalsMs[i - 1]!)).toBe(true);
        expect(g.e2eMs).toBeGreaterThanOrEqual(g.chunkArrivalsMs.at(-1)!);
      }
      // Own steps only: the two sides' times add up to no more than the wall time they shared.
      expect(ga.e2eMs + gb.e2eMs).toBeLessThanOrEqual(wallMs);
      // The same tokens as generating alone (greedy decoding is deterministic).
      const alone = await engine.generate(a, { prompt: 'The quick brown fox', maxTokens: 16, signal });
      expect(alone.outputSha256).toBe(ga.outputSha256);
    } finally {
      await engine.unload(a);
      await engine.unload(b);
    }
  });

  it('stops at a time-out and says how far it got', async () => {
    const prepared = await engine.prepare({ id: 'a', name: tiny, source: 'path' }, ctx());
    const loaded = await engine.load(prepared, { threads: 1, context_size: 256 });
    try {
      const controller = new AbortController();
      controller.abort();
      await expect(
        engine.generate(loaded, { prompt: 'x', maxTokens: 8, signal: controller.signal }),
      ).rejects.toMatchObject({ kind: 'timeout' });
    } finally {
      await engine.unload(loaded);
    }
  });

  it.each([
    ['a path that does not exist', async () => join(dir, 'missing.gguf'), /model file .*missing\.gguf does not exist/],
    [
      'a file that is not GGUF',
      async () => {
        const p = join(dir, 'notes.gguf');
        await writeFile(p, 'these are not weights\n');
        return p;
      },
      /notes\.gguf.*(not a GGUF|magic)/i,
    ],
    [
      'a truncated GGUF',
      async () => {
        const p = join(dir, 'cut.gguf');
        await copyFile(tiny, p);
        await truncate(p, Math.floor((await stat(tiny)).size / 2));
        return p;
      },
      /cut\.gguf.*truncated/i,
    ],
  ])('refuses %s with a clear error', async (_name, make, pattern) => {
    const path = await make();
    const error = await engine.prepare({ id: 'm', name: path, source: 'path' }, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(pattern);
  });

  it('refuses a file whose sha256 is not the pinned one', async () => {
    const error = await engine
      .prepare({ id: 'm', name: tiny, source: 'path', sha256: '0'.repeat(64) }, ctx())
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/has sha256 [0-9a-f]{64}, expected 0{64}/);
  });

  it('downloads an hf: URI into the cache with progress, then reuses it', async () => {
    logs.length = 0;
    const prepared = await engine.prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx());
    expect(prepared.location.startsWith(join(dir, 'cache'))).toBe(true);
    expect(await readFile(prepared.location)).toEqual(await readFile(tiny));
    expect(prepared.identity.source).toBe('hf:llm-bench/tiny-GGUF:F32');
    // What, from where and into where, before the first request.
    expect(logs[0]).toMatch(
      new RegExp(
        `^downloading hf:llm-bench/tiny-GGUF:F32 from ${peer.url.replace(/\/$/, '')} into ${join(dir, 'cache')} \\(gives up after \\d+ s without progress\\)$`,
      ),
    );
    expect(logs.some((l) => /^downloading hf:llm-bench\/tiny-GGUF:F32: 100% of 0\.7 MB/.test(l))).toBe(true);
    expect(peer.requests).toContain('GET /v2/llm-bench/tiny-GGUF/manifests/F32');
    const before = peer.requests.length;
    logs.length = 0;
    await engine.prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx());
    // The second time the file comes from the cache directory: no request at all, so it works offline.
    expect(peer.requests.slice(before)).toEqual([]);
    // And the log says so, instead of a download of 0.0 MB.
    expect(logs.filter((l) => /downloading/.test(l))).toEqual([]);
    expect(logs).toContain(`using hf:llm-bench/tiny-GGUF:F32 from the model cache: ${prepared.location}`);
  });

  it('downloads a plain http URL', async () => {
    // Without an endpoint override, a 127.0.0.1 URL is not taken for the hub (node-llama-cpp compares host names).
    const plainEngine = createLlamaCppEngine({ options: {}, model_dir: undefined });
    const prepared = await plainEngine.prepare(
      { id: 'plain', name: `${peer.url}files/plain.gguf`, source: 'url' },
      ctx(),
    );
    expect(prepared.identity.family).toBe('llama');
    expect(prepared.identity.digest).toBe(
      `sha256:${createHash('sha256')
        .update(await readFile(tiny))
        .digest('hex')}`,
    );
    await plainEngine.close();
  });

  it('names an hf: model the hub does not have', async () => {
    const error = await engine
      .prepare({ id: 'x', name: 'hf:llm-bench/missing-GGUF:Q4_K_M', source: 'url' }, ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /cannot download model hf:llm-bench\/missing-GGUF:Q4_K_M from http:\/\/127\.0\.0\.1:\d+: .*does not exist/,
    );
    // The hub answered: no advice for runners without network.
    expect((error as Error).message).not.toMatch(/without network/);
  });
});
