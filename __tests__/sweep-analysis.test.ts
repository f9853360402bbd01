// Sweep analysis on a seeded response surface shaped like seed 001's Ollama grid (num_gpu × num_ctx).
import { describe, expect, it } from 'vitest';
import { analyseSweep, bestOptionsYaml, heatmap, holm, paretoFront } from '../src/compare/sweep.js';
import { parseResults, type Results } from '../src/schema/results.js';
import { seededRandom } from '../src/stats/random.js';

const NUM_GPU = [60, 80, 120, 999];
const NUM_CTX = [1024, 2048, 4096];

/** decode tok/s: GPU layers matter most, context a little; TTFT grows with context. Noise 3%, n = 10 per cell. */
function surface(seed: number, tie = false): Results {
  const rng = seededRandom(seed);
  const noise = () => 1 + 0.03 * (Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
  const cases = [];
  for (const gpu of NUM_GPU) {
    for (const ctx of NUM_CTX) {
      const layers = Math.min(gpu, 120) / 120;
      let decode = 40 + 160 * layers ** 2 - (ctx / 4096) * 20;
      if (tie && gpu === 120 && ctx === 2048) decode = 40 + 160 - (1024 / 4096) * 20; // the same as 120 × 1024
      const ttft = 80 + ctx / 8;
      cases.push({
        id: `gemma3/banter/num_gpu=${gpu},num_ctx=${ctx}`,
        model: { id: 'gemma3', name: 'gemma3:1b' },
        params: { num_gpu: gpu, num_ctx: ctx },
        prompt: { id: 'banter', sha256: 'x', chars: 10, max_tokens: 64 },
        samples: {
          decode_tps: Array.from({ length: 10 }, () => decode * noise()),
          ttft_ms: Array.from({ length: 10 }, () => ttft * noise()),
        },
        errors: [],
        requests: { ok: 10, failed: 0 },
      });
    }
  }
  return parseResults(
    {
      schema: 'llm-bench/results@1',
      tool: { name: 'llm-bench', version: '0' },
      started_at: '2026-12-03T00:00:00Z',
      status: 'complete',
      runner: { label: 'gpu', os: 'linux', arch: 'x64', cpu: 'x', cores: 8, memory_bytes: 1, gpus: [] },
      engine: { kind: 'ollama', version: '0.12' },
      cases,
    },
    'sweep.json',
  );
}

describe('analyseSweep', () => {
  it('finds the best configuration, ranks what matters, and says so as an options block', () => {
    const [g] = analyseSweep(surface(1), { objective: { metric: 'decode_tps' } });
    expect(g!.objective).toEqual({ metric: 'decode_tps', goal: 'max', unit: 'tok/s' });
    // 120 and 999 GPU layers are the same model fully offloaded: either is the best, with 1024 context.
    expect(g!.best!.params.num_ctx).toBe(1024);
    expect([120, 999]).toContain(g!.best!.params.num_gpu);
    expect(g!.equivalents.map((c) => c.params.num_gpu).every((v) => v === 120 || v === 999)).toBe(true);
    expect(g!.effects.map((e) => e.param)).toEqual(['num_gpu', 'num_ctx']);
    expect(g!.effects[0]!.spread).toBeGreaterThan(0.6);
    expect(g!.effects[1]!.spread).toBeGreaterThan(0.05);
    expect(g!.effects[1]!.spread).toBeLessThan(0.15);
    expect(bestOptionsYaml(g!)).toBe(`options:\n  num_gpu: ${g!.best!.params.num_gpu}\n  num_ctx: 1024\n`);
  });

  it('statistical ties: a configuration as good as the best is listed as equivalent, not as a loser', () => {
    const [g] = analyseSweep(surface(2, true), { objective: { metric: 'decode_tps' } });
    const ids = [g!.best!, ...g!.equivalents].map((c) => `${c.params.num_gpu}x${c.params.num_ctx}`);
    expect(ids).toEqual(expect.arrayContaining(['120x1024', '999x1024', '120x2048']));
    expect(ids).not.toContain('60x1024');
    expect(ids).not.toContain('120x4096');
  });

  it('over 20 seeded surfaces the true best is always the best or one of its equivalents', () => {
    for (let seed = 10; seed < 30; seed++) {
      const [g] = analyseSweep(surface(seed), { objective: { metric: 'decode_tps' } });
      const chosen = [g!.best!, ...g!.equivalents].map((c) => `${c.params.num_gpu}x${c.params.num_ctx}`);
      expect(chosen.some((id) => id === '120x1024' || id === '999x1024')).toBe(true);
      expect(chosen.every((id) => id.startsWith('120x') || id.startsWith('999x'))).toBe(true);
    }
  });

  it('constraints rule configurations out, with the reason; TTFT is minimised by default', () => {
    const [g] = analyseSweep(surface(3), {
      objective: { metric: 'decode_tps' },
      constraints: { ttft_ms: { max: 300, quantile: 0.9 } },
    });
    const out = g!.candidates.filter((c) => !c.feasible);
    expect(out.every((c) => c.params.num_ctx === 2048 || c.params.num_ctx === 4096)).toBe(true);
    expect(out[0]!.violations[0]).toMatch(/^ttft_ms p90 \d+(\.\d+)? > max 300$/);
    const [t] = analyseSweep(surface(3), { objective: { metric: 'ttft_ms' } });
    expect(t!.objective.goal).toBe('min');
    expect(t!.best!.params.num_ctx).toBe(1024);
  });

  it('a heatmap of medians over two parameters marks the best cell; a Pareto front of speed vs TTFT', () => {
    const [g] = analyseSweep(surface(4), { objective: { metric: 'decode_tps' } });
    const h = heatmap(g!, 'num_gpu', 'num_ctx');
    expect(h.rows).toEqual(NUM_GPU);
    expect(h.cols).toEqual(NUM_CTX);
    expect(h.cells.flat().every((v) => typeof v === 'number')).toBe(true);
    expect(h.cols[h.best![1]]).toBe(1024);
    const ttft = (c: { params: Record<string, unknown> }) => 80 + Number(c.params.num_ctx) / 8;
    const front = paretoFront(g!.candidates, (c) => c.value, ttft, ['max', 'min']);
    expect(front.length).toBeGreaterThanOrEqual(1);
    expect(front.every((c) => c.params.num_ctx === 1024 || c.value >= g!.best!.value * 0.8)).toBe(true);
  });

  it('Holm adjusts step-down and keeps order', () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holm([])).toEqual([]);
  });
});
