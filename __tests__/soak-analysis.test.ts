// Soak analysis on seeded synthetic soaks with programmed faults: a leak, a latency drift, an outage, throttling.
import { describe, expect, it } from 'vitest';
import { analyseSoak, decodeThrottled, type MonitorPoint, type SoakRequest } from '../src/compare/soak.js';
import { seededRandom } from '../src/stats/random.js';

/** Box–Muller normal noise from the project's seeded generator. */
function noise(seed: number): () => number {
  const rng = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

interface Programme {
  seed: number;
  minutes: number;
  /** Latency drift as a fraction per hour. */
  driftPerHour?: number;
  /** RSS growth in MB per minute. */
  leakMbPerMin?: number;
  /** An outage [from, to) in seconds. */
  outage?: [number, number];
  hotFrom?: number;
}

/** One request every 2 s (the seed report's soak) and a monitor sample every 5 s. */
function soak(p: Programme): { requests: SoakRequest[]; monitor: MonitorPoint[] } {
  const n = noise(p.seed);
  const requests: SoakRequest[] = [];
  for (let t = 0; t < p.minutes * 60; t += 2) {
    const down = p.outage && t >= p.outage[0] && t < p.outage[1];
    const factor = 1 + (p.driftPerHour ?? 0) * (t / 3600);
    requests.push(
      down
        ? { t_s: t, ok: false, kind: 'engine' }
        : {
            t_s: t,
            ok: true,
            e2e_ms: 7900 * factor * (1 + 0.03 * n()),
            ttft_ms: 400 * (1 + 0.05 * n()),
            decode_tps: (3.3 / factor) * (1 + 0.03 * n()),
            max_tokens: 256,
          },
    );
  }
  const monitor: MonitorPoint[] = [];
  for (let t = 0; t < p.minutes * 60; t += 5) {
    monitor.push({
      t_s: t,
      rss_mb: 1800 + (p.leakMbPerMin ?? 0) * (t / 60) + 4 * n(),
      temp_c: (p.hotFrom !== undefined && t >= p.hotFrom ? 81 : 70) + 1.5 * n(),
      mem_used_pct: 42 + n(),
      throttled_bits: p.hotFrom !== undefined && t >= p.hotFrom ? 0x80008 : 0,
    });
  }
  return { requests, monitor };
}

describe('analyseSoak', () => {
  it('a flat 60-minute soak: all succeeded, no drift, no leak (the seed report, measured instead of eyeballed)', () => {
    const { requests, monitor } = soak({ seed: 1, minutes: 60 });
    const a = analyseSoak(requests, monitor);
    expect(a.requests).toBe(1800);
    expect(a.success).toMatchObject({ ok: 1800, failed: 0, rate: 1 });
    expect(a.success.ci[0]).toBeGreaterThan(0.997);
    expect(a.leak.verdict).toBe('no leak');
    expect(Object.values(a.drift).filter((d) => d.significant)).toEqual([]);
    expect(a.outages).toEqual([]);
    expect(a.temperature).toMatchObject({ limit: 80, minutes_above: 0, throttling: [] });
    expect(a.temperature!.mean).toBeCloseTo(70, 0);
  });

  it('a 1 MB/min leak over an accelerated 5-minute soak is a leak; of 200 flat soaks about 1% (the leak alpha) are', () => {
    const leaky = analyseSoak(
      ...(Object.values(soak({ seed: 2, minutes: 5, leakMbPerMin: 1 })) as [SoakRequest[], MonitorPoint[]]),
      { warmupS: 0 },
    );
    expect(leaky.leak.verdict).toBe('leak');
    expect(leaky.leak.trend!.perHour).toBeGreaterThan(40);
    expect(leaky.leak.trend!.perHour).toBeLessThan(80);
    let falseLeaks = 0;
    for (let seed = 100; seed < 300; seed++) {
      const flat = soak({ seed, minutes: 5 });
      if (analyseSoak(flat.requests, flat.monitor, { warmupS: 0 }).leak.verdict === 'leak') falseLeaks++;
    }
    // Binomial(200, 0.01): 6 or more happens with probability < 2%; the seeds are fixed, so this is deterministic.
    expect(falseLeaks).toBeLessThanOrEqual(5);
  });

  it('+10%/h latency drift is found with its size; decode speed drifts the other way', () => {
    const { requests, monitor } = soak({ seed: 3, minutes: 60, driftPerHour: 0.1 });
    const a = analyseSoak(requests, monitor);
    expect(a.drift.e2e_ms!.significant).toBe(true);
    expect(a.drift.e2e_ms!.pctPerHour).toBeGreaterThan(0.07);
    expect(a.drift.e2e_ms!.pctPerHour).toBeLessThan(0.13);
    expect(a.drift.decode_tps!.pctPerHour).toBeLessThan(-0.05);
    expect(a.drift.ttft_ms!.significant).toBe(false);
  });

  it('a 30 s outage counts as failures with their times, and its recovery', () => {
    const { requests, monitor } = soak({ seed: 4, minutes: 5, outage: [120, 150] });
    const a = analyseSoak(requests, monitor);
    expect(a.success.failed).toBe(15);
    expect(a.success.byKind).toEqual({ engine: 15 });
    expect(a.outages).toEqual([{ start_s: 120, end_s: 150, duration_s: 30, failures: 15 }]);
    expect(a.success.ci[1]).toBeLessThan(1);
  });

  it('heat above the limit is timed, and throttling bits decoded', () => {
    const { requests, monitor } = soak({ seed: 5, minutes: 10, hotFrom: 300 });
    const a = analyseSoak(requests, monitor);
    expect(a.temperature!.minutes_above).toBeGreaterThan(3.5);
    expect(a.temperature!.throttling[0]).toEqual({ t_s: 300, flags: ['soft temperature limit'] });
    expect(decodeThrottled(0x50005)).toEqual([
      'under-voltage',
      'throttled',
      'under-voltage has occurred',
      'throttling has occurred',
    ]);
  });

  it('cold start apart from warm, and decode speed by output length per doubling', () => {
    const requests: SoakRequest[] = [{ t_s: 0, ok: true, ttft_ms: 5600, decode_tps: 0.24, max_tokens: 128 }];
    const lengths: Array<[number, number]> = [
      [128, 3.45],
      [256, 3.32],
      [512, 2.55],
    ];
    let t = 2;
    for (const [len, tps] of lengths)
      for (let i = 0; i < 3; i++)
        requests.push({ t_s: (t += 2), ok: true, ttft_ms: 400, decode_tps: tps, max_tokens: len });
    const a = analyseSoak(requests, []);
    expect(a.cold).toMatchObject({ ttft_ms: 5600, decode_tps: 0.24, warm_ttft_ms: 400, warm_decode_tps: 3.32 });
    expect(1 / a.cold!.decode_ratio!).toBeCloseTo(13.8, 1);
    expect(a.byOutputLength!.points.map((p) => p.max_tokens)).toEqual([128, 256, 512]);
    expect(a.byOutputLength!.dropPerDoubling).toBeGreaterThan(0.1);
    expect(a.byOutputLength!.dropPerDoubling).toBeLessThan(0.17);
    expect(a.leak.verdict).toBe('not measured');
  });
});
