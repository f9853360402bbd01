import { describe, expect, it } from 'vitest';
import {
  analyseCapacity,
  meetsSlo,
  poissonInterval,
  projectTimes,
  summariseLevel,
  type LoadLevel,
  type LoadRequest,
} from '../src/compare/capacity.js';
import { seededRandom } from '../src/stats/random.js';

/**
 * A server with `slots` parallel slots, a prefill cost and a per-token cost, simulated exactly (no clock): closed-loop
 * clients at concurrency `c` each send their next request when the previous one finishes. Above `slots` requests
 * queue, so TTFT grows while throughput stays at slots ÷ service time: the capacity is `slots`.
 */
function closedLoop(c: number, slots: number, requests: number, seed = 1): LoadLevel {
  const rng = seededRandom(seed);
  const prefillMs = 40;
  const tokenMs = 10;
  const tokens = 64;
  const slotFree: number[] = Array.from({ length: slots }, () => 0);
  const clientReady: number[] = Array.from({ length: c }, () => 0);
  const out: LoadRequest[] = [];
  let end = 0;
  for (let i = 0; i < requests; i++) {
    const client = clientReady.indexOf(Math.min(...clientReady));
    const sent = clientReady[client]!;
    const slot = slotFree.indexOf(Math.min(...slotFree));
    const begin = Math.max(sent, slotFree[slot]!);
    const jitter = 1 + (rng() - 0.5) * 0.02;
    const ttft = begin - sent + prefillMs * jitter;
    const e2e = ttft + tokenMs * (tokens - 1) * jitter;
    slotFree[slot] = sent + e2e;
    clientReady[client] = sent + e2e;
    end = Math.max(end, sent + e2e);
    out.push({
      ok: true,
      start_s: sent / 1000,
      ttft_ms: ttft,
      tpot_ms: (e2e - ttft) / (tokens - 1),
      e2e_ms: e2e,
      output_tokens: tokens,
    });
  }
  return { level: c, duration_s: end / 1000, requests: out };
}

/** Open-loop arrivals at `rate` per second on a server that serves `slots` at a time: above capacity the queue grows. */
function openLoop(rate: number, slots: number, requests: number): LoadLevel {
  const serviceMs = 500;
  const slotFree: number[] = Array.from({ length: slots }, () => 0);
  const out: LoadRequest[] = [];
  let end = 0;
  for (let i = 0; i < requests; i++) {
    const sent = (i * 1000) / rate;
    const slot = slotFree.indexOf(Math.min(...slotFree));
    const begin = Math.max(sent, slotFree[slot]!);
    slotFree[slot] = begin + serviceMs;
    end = Math.max(end, begin + serviceMs);
    out.push({ ok: true, start_s: sent / 1000, ttft_ms: begin - sent + 50, e2e_ms: begin - sent + serviceMs });
  }
  return { level: rate, duration_s: end / 1000, requests: out };
}

describe('capacity analysis', () => {
  it('finds the capacity and the knee of a server with 4 slots within one level', () => {
    const levels = [1, 2, 4, 8, 16].map((c) => closedLoop(c, 4, 400, c));
    const analysis = analyseCapacity(levels, { ttft_ms: 200, e2e_ms: 1000 });
    const tps = analysis.levels.map((l) => l.request_tps);
    // Throughput grows to 4 slots ÷ 0.67 s ≈ 6 requests/s and stays there.
    expect(tps[2]! / tps[0]!).toBeCloseTo(4, 0);
    expect(tps[4]! / tps[2]!).toBeCloseTo(1, 1);
    expect(analysis.capacity).toBe(4);
    expect(analysis.knee).toBe(4);
    // Queueing at 8 and 16 clients: TTFT p50 far above the objective, so no goodput there.
    expect(analysis.levels[3]!.latency.ttft_ms!.p50).toBeGreaterThan(200);
    // Only the first requests, sent before the queue formed, meet them.
    expect(analysis.levels[3]!.goodput).toBeLessThan(0.05 * analysis.levels[3]!.request_tps);
    expect(analysis.levels[3]!.meets_slo).toBe(false);
    expect(analysis.best_goodput).toBe(4);
  });

  it('without objectives, goodput is the request rate and every level that completes meets them', () => {
    const analysis = analyseCapacity([closedLoop(2, 4, 100)], {});
    const level = analysis.levels[0]!;
    expect(level.goodput).toBeCloseTo(level.request_tps, 12);
    expect(level.meets_slo).toBe(true);
    expect(level.output_tps).toBeCloseTo(level.request_tps * 64, 6);
  });

  it('calls a level over-saturated when arrivals outpace service, and never below capacity', () => {
    // 4 slots × 2 requests/s each = 8 requests/s of service.
    const below = summariseLevel(openLoop(6, 4, 300), {});
    const above = summariseLevel(openLoop(12, 4, 300), {});
    expect(below.over_saturated).toBe(false);
    expect(above.over_saturated).toBe(true);
    // The queue grows by 12 − 8 = 4 requests per second, each worth 1/8 s of waiting: 500 ms of TTFT per second.
    expect(above.ttft_slope_ms_per_s!).toBeGreaterThan(400);
    expect(above.ttft_slope_ms_per_s!).toBeLessThan(600);
    expect(above.meets_slo).toBe(false);
  });

  it('counts failed requests against success and goodput, never as fast ones', () => {
    const level = closedLoop(1, 4, 20);
    const failed: LoadLevel = {
      ...level,
      requests: level.requests.map((r, i) => (i % 4 === 0 ? { ok: false, start_s: r.start_s } : r)),
    };
    const s = summariseLevel(failed, { ttft_ms: 1000 }, { attainment: 0.9 });
    expect(s.success_rate).toBe(0.75);
    expect(s.slo_attainment).toBe(0.75);
    expect(s.meets_slo).toBe(false);
    expect(meetsSlo({ ok: false, start_s: 0, ttft_ms: 1 }, { ttft_ms: 10 })).toBe(false);
    expect(meetsSlo({ ok: true, start_s: 0 }, { ttft_ms: 10 })).toBe(false);
  });

  it('gives the exact Poisson (Garwood) interval, as scipy.stats.chi2.ppf computes it', () => {
    // chi2.ppf(0.025, 20)/2, chi2.ppf(0.975, 22)/2 = 4.795389, 18.390356; count 0: [0, chi2.ppf(0.975, 2)/2 = 3.688879]
    const [lo, hi] = poissonInterval(10);
    expect(lo).toBeCloseTo(4.795389, 5);
    expect(hi).toBeCloseTo(18.390356, 5);
    expect(poissonInterval(0)[0]).toBe(0);
    expect(poissonInterval(0)[1]).toBeCloseTo(3.688879, 5);
  });

  it('projects the time for N requests with the rate interval (seed 002)', () => {
    const level = summariseLevel(closedLoop(4, 4, 400), {});
    const [p100, p50k] = projectTimes(level, [100, 50_000]);
    expect(p100!.seconds).toBeCloseTo(100 / level.request_tps, 9);
    expect(p100!.interval[0]).toBeLessThan(p100!.seconds);
    expect(p100!.interval[1]).toBeGreaterThan(p100!.seconds);
    expect(p50k!.seconds / p100!.seconds).toBeCloseTo(500, 9);
  });
});
