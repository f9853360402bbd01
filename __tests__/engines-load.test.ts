// The concurrency driver: exactly N in flight (seen by a real server), Poisson arrivals, time-outs, vLLM-style metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMetrics, poissonArrivalsMs, runLoad, type LoadOutcome } from '../src/runner/concurrency.js';
import { LOAD_METRICS } from '../src/schema/metrics.js';
import { createOpenAIEngine } from '../src/engines/openai.js';
import { EngineError, type Generation, type LoadedModel } from '../src/engines/types.js';
import { isBuiltinMetric } from '../src/schema/metrics.js';
import { startOpenAIPeer, type OpenAIPeer } from './peers/openai-server.js';
import { startOllamaPeer } from './peers/ollama-server.js';
import { createOllamaEngine } from '../src/engines/ollama.js';

function gen(arrivalsMs: number[], outputTokens = arrivalsMs.length, e2eMs = arrivalsMs.at(-1)!): Generation {
  return { chunkArrivalsMs: arrivalsMs, e2eMs, outputTokens, outputSha256: 'x' };
}

interface Deferred {
  index: number;
  signal: AbortSignal;
  resolve: (g: Generation) => void;
  reject: (e: unknown) => void;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('poissonArrivalsMs', () => {
  it('is seeded, increasing, and ends exactly at requests ÷ rate (vLLM rescaling)', () => {
    const a = poissonArrivalsMs(50, 10, 7);
    expect(poissonArrivalsMs(50, 10, 7)).toEqual(a);
    expect(poissonArrivalsMs(50, 10, 8)).not.toEqual(a);
    expect(a).toHaveLength(50);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(a.at(-1)).toBeCloseTo(5000, 6);
    // Exponential gaps vary: not a fixed 100 ms cadence.
    const gaps = a.map((t, i) => t - (a[i - 1] ?? 0));
    expect(Math.max(...gaps) / Math.min(...gaps)).toBeGreaterThan(10);
  });

  it('without a usable rate, everything arrives at once', () => {
    expect(poissonArrivalsMs(3, 0)).toEqual([0, 0, 0]);
    expect(poissonArrivalsMs(0, 5)).toEqual([]);
  });
});

describe('loadMetrics', () => {
  it('computes throughput over wall time, success rate, and percentiles over successful requests', () => {
    const outcomes: LoadOutcome[] = [
      { index: 0, startMs: 0, endMs: 1000, generation: gen([100, 200, 300, 400, 500], 5) },
      { index: 1, startMs: 0, endMs: 1000, generation: gen([300, 350, 400], 3) },
      { index: 2, startMs: 0, endMs: 500, error: { kind: 'stream', message: 'cut' } },
      { index: 3, startMs: 500, endMs: 2000, generation: gen([200, 250], 2) },
    ];
    const m = loadMetrics(outcomes, 2000);
    expect(m.success_rate).toBe(0.75);
    expect(m.request_tps).toBe(3 / 2);
    expect(m.output_tps).toBe((5 + 3 + 2) / 2);
    // TTFTs 100, 300, 200 → p50 200; p99 by linear interpolation 200 + 0.98·100.
    expect(m.ttft_p50_ms).toBe(200);
    expect(m.ttft_p99_ms).toBeCloseTo(298, 9);
    // E2E 500, 400, 250; TPOT (500−100)/4 = 100, (400−300)/2 = 50, (250−200)/1 = 50.
    expect(m.e2e_p50_ms).toBe(400);
    expect(m.tpot_p50_ms).toBe(50);
    // ITL pooled over requests: 4 gaps of 100, 2 of 50, 1 of 50 → [50, 50, 50, 100, 100, 100, 100].
    expect(m.itl_p50_ms).toBe(100);
    expect(m.itl_p99_ms).toBe(100);
  });

  it('declares every metric it adds that the README metric table does not list', () => {
    const m = loadMetrics([{ index: 0, startMs: 0, endMs: 10, generation: gen([1, 2, 3]) }], 10);
    for (const name of Object.keys(m)) expect(isBuiltinMetric(name) || name in LOAD_METRICS).toBe(true);
  });
});

describe('runLoad with a controllable send', () => {
  it('keeps exactly N in flight, starting the next request as soon as one ends', async () => {
    const pending: Deferred[] = [];
    const inFlightAtStart: number[] = [];
    let inFlight = 0;
    const run = runLoad({
      requests: 10,
      concurrency: 3,
      timeoutMs: 10_000,
      send: (index, signal) =>
        new Promise<Generation>((resolve, reject) => {
          inFlight++;
          inFlightAtStart.push(inFlight);
          pending.push({
            index,
            signal,
            resolve: (g) => {
              inFlight--;
              resolve(g);
            },
            reject: (e) => {
              inFlight--;
              reject(e);
            },
          });
        }),
    });
    await tick();
    expect(pending.map((p) => p.index)).toEqual([0, 1, 2]);
    // Finish them out of order; each completion lets exactly one more start.
    const order = [1, 0, 3, 2, 5, 4, 6, 8, 7, 9];
    for (const index of order) {
      let d: Deferred | undefined;
      for (let i = 0; i < 20 && !(d = pending.find((p) => p.index === index)); i++) await tick();
      expect(d, `request ${index} started`).toBeDefined();
      if (index === 5) d!.reject(new EngineError('cut', 'stream'));
      else d!.resolve(gen([10, 20]));
      await tick();
      await tick();
      expect(inFlight).toBe(Math.min(3, 10 - (order.indexOf(index) + 1)));
    }
    const result = await run;
    expect(Math.max(...inFlightAtStart)).toBe(3);
    expect(inFlightAtStart.slice(3).every((n) => n === 3)).toBe(true);
    expect(result.maxInFlight).toBe(3);
    expect(result.generations).toHaveLength(9);
    expect(result.errors).toEqual([{ index: 5, kind: 'stream', message: 'cut' }]);
    expect(result.metrics.success_rate).toBe(0.9);
  });

  it('keeps the retries of each request, failed or not', async () => {
    const lost = 'ECONNRESET socket hang up';
    const result = await runLoad({
      requests: 3,
      concurrency: 2,
      timeoutMs: 10_000,
      send: async (index) => {
        if (index === 1) {
          const error = new EngineError('request to u failed: connect ECONNREFUSED 127.0.0.1:9', 'engine');
          error.retries = [lost];
          throw error;
        }
        return { ...gen([1, 2]), ...(index === 2 ? { retries: [lost, lost] } : {}) };
      },
    });
    expect(result.errors).toEqual([
      { index: 1, kind: 'engine', message: 'request to u failed: connect ECONNREFUSED 127.0.0.1:9', retries: [lost] },
    ]);
    expect(result.outcomes.map((o) => o.generation?.retries?.length ?? 0)).toEqual([0, 0, 2]);
    expect(result.metrics.success_rate).toBeCloseTo(2 / 3, 12);
  });

  it('times out a request that ignores its signal, frees its slot, and aborts the signal', async () => {
    const signals: AbortSignal[] = [];
    const result = await runLoad({
      requests: 4,
      concurrency: 2,
      timeoutMs: 100,
      send: (index, signal) => {
        signals[index] = signal;
        return index === 1 ? new Promise<Generation>(() => {}) : Promise.resolve(gen([1, 2]));
      },
    });
    expect(result.errors).toEqual([{ index: 1, kind: 'timeout', message: 'request 1 timed out after 100 ms' }]);
    expect(signals[1]!.aborted).toBe(true);
    expect(signals[0]!.aborted).toBe(false);
    expect(result.generations).toHaveLength(3);
  });

  it('sends at the seeded Poisson arrival times (virtual clock)', async () => {
    let clock = 0;
    const starts: number[] = [];
    const result = await runLoad({
      requests: 6,
      concurrency: 6,
      ratePerSec: 4,
      seed: 3,
      timeoutMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      send: async () => {
        starts.push(clock);
        return gen([1, 2]);
      },
    });
    expect(starts).toEqual(poissonArrivalsMs(6, 4, 3));
    expect(result.outcomes.map((o) => o.startMs)).toEqual(starts);
    expect(result.wallMs).toBeCloseTo(1500, 6);
    expect(result.metrics.request_tps).toBeCloseTo(6 / 1.5, 9);
  });
});

describe('runLoad against a real server', () => {
  let peer: OpenAIPeer;
  let loaded: LoadedModel;
  let engine: ReturnType<typeof createOpenAIEngine>;

  beforeAll(async () => {
    peer = await startOpenAIPeer({ models: [{ id: 'm' }], tokens: 5, firstTokenDelayMs: 20, interTokenDelayMs: 10 });
    engine = createOpenAIEngine({ file: 'bench.yml', host: peer.url, api: 'chat' }, {}, () => {});
    loaded = await engine.load(
      await engine.prepare({ id: 'm', name: 'm', source: 'name' }, { configDir: '.', cacheDir: '.', log: () => {} }),
      {},
    );
  });
  afterAll(async () => {
    await peer.close();
  });

  it.each([1, 4])('keeps exactly %i requests in flight at the server', async (n) => {
    peer.maxInFlight = 0;
    peer.inFlightAtArrival.length = 0;
    const result = await runLoad({
      requests: 3 * n,
      concurrency: n,
      timeoutMs: 10_000,
      send: (_i, signal) => engine.generate(loaded, { prompt: 'go', maxTokens: 5, signal }),
    });
    expect(peer.maxInFlight).toBe(n);
    expect(result.maxInFlight).toBe(n);
    expect(peer.inFlightAtArrival.slice(0, n)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(Math.max(...peer.inFlightAtArrival)).toBe(n);
    expect(result.metrics.success_rate).toBe(1);
    expect(result.metrics.output_tps).toBeCloseTo((3 * n * 5) / (result.wallMs / 1000), 9);
    expect(result.metrics.ttft_p50_ms).toBeGreaterThanOrEqual(19);
  });

  it('a cut stream fails that request only and shows in success_rate', async () => {
    peer.options.fault = (i) => (i % 6 === 2 ? { kind: 'cut', afterTokens: 2 } : undefined);
    const result = await runLoad({
      requests: 6,
      concurrency: 3,
      timeoutMs: 10_000,
      send: (_i, signal) => engine.generate(loaded, { prompt: 'go', maxTokens: 5, signal }),
    });
    peer.options.fault = undefined;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.kind).toBe('stream');
    expect(result.generations).toHaveLength(5);
    expect(result.metrics.success_rate).toBeCloseTo(5 / 6, 12);
  });
});

describe('runLoad against an Ollama server', () => {
  it('keeps exactly 3 requests in flight through the ollama engine', async () => {
    const peer = await startOllamaPeer({
      models: [
        {
          name: 'gemma3:1b',
          digest: `sha256:${'a'.repeat(64)}`,
          sizeBytes: 1e9,
          family: 'gemma3',
          parameterSize: '1B',
          quantization: 'Q4_K_M',
          parameterCount: 1e9,
        },
      ],
      tokens: 4,
      firstTokenDelayMs: 20,
      interTokenDelayMs: 10,
    });
    try {
      const engine = createOllamaEngine({ host: peer.url, pull: 'never', chat: false }, {}, () => {});
      const loaded = await engine.load(
        await engine.prepare(
          { id: 'g', name: 'gemma3:1b', source: 'name' },
          { configDir: '.', cacheDir: '.', log: () => {} },
        ),
        {},
      );
      const result = await runLoad({
        requests: 9,
        concurrency: 3,
        timeoutMs: 10_000,
        send: (_i, signal) => engine.generate(loaded, { prompt: 'go', maxTokens: 4, signal }),
      });
      expect(peer.maxInFlight).toBe(3);
      expect(result.maxInFlight).toBe(3);
      expect(result.metrics.success_rate).toBe(1);
      expect(result.generations.every((g) => g.outputTokens === 4)).toBe(true);
    } finally {
      await peer.close();
    }
  });
});
