// Soak analysis (pure): what a model publisher needs before shipping to a Raspberry Pi. Success with its interval,
// drift of latency and speed over the hours, an engine memory leak measured rather than eyeballed, the temperature
// profile and throttling, outages and recovery, cold start apart from warm, and speed by output length.
import { median } from '../stats/descriptive.js';
import { downsampleIndices, mannKendall, theilSen, wilsonInterval } from '../stats/trend.js';

/** One request of a soak, in start order (`t_s`: seconds since the soak started). */
export interface SoakRequest {
  t_s: number;
  ok: boolean;
  /** Failure kind as the results record it (timeout, engine, stream, …). */
  kind?: string;
  e2e_ms?: number;
  ttft_ms?: number;
  decode_tps?: number;
  max_tokens?: number;
}

/** One monitor sample (`t_s` as above). */
export interface MonitorPoint {
  t_s: number;
  /** Resident memory of the engine process, MB. */
  rss_mb?: number;
  temp_c?: number;
  mem_used_pct?: number;
  load1?: number;
  /** Raspberry Pi `get_throttled` bits, as read (0 = none). */
  throttled_bits?: number;
}

export interface SoakOptions {
  alpha?: number;
  /** A drift counts when significant and at least this large per hour (fraction, default 0.02 = 2%/h). */
  minDriftPerHour?: number;
  /**
   * A leak counts when the engine RSS slope is significant at `leakAlpha` (default 0.01: a leak verdict stops a
   * release) and, continued for `leakHorizonH` hours (default 24), would grow the RSS by at least this fraction
   * (default 0.05): a 1 MB/min leak in a 5-minute soak is a leak, a 2 MB wobble is not.
   */
  minLeakGrowth?: number;
  leakAlpha?: number;
  leakHorizonH?: number;
  /** Monitor samples and requests before this many seconds are warm-up, left out of drift and leak (default 60 s or 10% of the soak). */
  warmupS?: number;
  /** Temperature limit for "minutes above" (°C, default 80: the Raspberry Pi's soft limit). */
  tempLimitC?: number;
  /** Points kept for the O(n²) trend estimators (default 1,000). */
  maxTrendPoints?: number;
}

export interface Trend {
  n: number;
  /** Theil–Sen slope per hour, in the metric's unit, with Sen's 95% interval. */
  perHour: number;
  perHourCi: [number, number];
  /** The slope as a fraction of the median per hour (0.031 = +3.1%/h). */
  pctPerHour: number;
  pValue: number;
  significant: boolean;
}

export interface Outage {
  start_s: number;
  /** When the first request after it succeeded (recovery); undefined when the soak ended down. */
  end_s: number | undefined;
  duration_s: number | undefined;
  failures: number;
}

export interface SoakAnalysis {
  duration_s: number;
  requests: number;
  success: {
    ok: number;
    failed: number;
    rate: number;
    ci: [number, number];
    byKind: Record<string, number>;
    failureTimes: number[];
  };
  drift: Record<string, Trend>;
  leak: {
    verdict: 'leak' | 'no leak' | 'not measured';
    growth_mb?: number;
    growth_pct?: number;
    trend?: Trend;
    note: string;
  };
  temperature?: {
    mean: number;
    min: number;
    max: number;
    limit: number;
    minutes_above: number;
    throttling: Array<{ t_s: number; flags: string[] }>;
  };
  memory?: { mean_used_pct: number; max_used_pct: number };
  outages: Outage[];
  cold?: {
    ttft_ms?: number;
    decode_tps?: number;
    warm_ttft_ms?: number;
    warm_decode_tps?: number;
    decode_ratio?: number;
  };
  byOutputLength?: { points: Array<{ max_tokens: number; decode_tps: number; n: number }>; dropPerDoubling: number };
}

/** Raspberry Pi `vcgencmd get_throttled` bits (raspberrypi.com documentation, "vcgencmd"): now (0–3) and since boot (16–19). */
const THROTTLE_BITS: Array<[number, string]> = [
  [0, 'under-voltage'],
  [1, 'arm frequency capped'],
  [2, 'throttled'],
  [3, 'soft temperature limit'],
  [16, 'under-voltage has occurred'],
  [17, 'arm frequency capping has occurred'],
  [18, 'throttling has occurred'],
  [19, 'soft temperature limit has occurred'],
];

export function decodeThrottled(bits: number): string[] {
  return THROTTLE_BITS.filter(([bit]) => (bits & (1 << bit)) !== 0).map(([, name]) => name);
}

function trendOf(
  points: Array<{ t_s: number; v: number }>,
  alpha: number,
  minPerHour: number,
  maxPoints: number,
): Trend | undefined {
  if (points.length < 4) return undefined;
  const idx = downsampleIndices(points.length, maxPoints);
  const t = idx.map((i) => points[i]!.t_s / 3600);
  const v = idx.map((i) => points[i]!.v);
  const ts = theilSen(t, v);
  const mk = mannKendall(v);
  const centre = median(v);
  const pct = centre !== 0 ? ts.slope / Math.abs(centre) : 0;
  return {
    n: points.length,
    perHour: ts.slope,
    perHourCi: [ts.low, ts.high],
    pctPerHour: pct,
    pValue: mk.pValue,
    // Significant and large enough, with the interval of the slope excluding zero.
    significant: mk.pValue < alpha && Math.abs(pct) >= minPerHour && (ts.low > 0 || ts.high < 0),
  };
}

/** Consecutive failures form an outage; the first success after them is the recovery. */
function outagesOf(requests: readonly SoakRequest[]): Outage[] {
  const out: Outage[] = [];
  let current: Outage | undefined;
  for (const r of requests) {
    if (!r.ok) {
      if (!current) current = { start_s: r.t_s, end_s: undefined, duration_s: undefined, failures: 0 };
      current.failures++;
    } else if (current) {
      current.end_s = r.t_s;
      current.duration_s = r.t_s - current.start_s;
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function analyseSoak(
  requests: readonly SoakRequest[],
  monitor: readonly MonitorPoint[],
  opts: SoakOptions = {},
): SoakAnalysis {
  const alpha = opts.alpha ?? 0.05;
  const maxPoints = opts.maxTrendPoints ?? 1000;
  const sorted = [...requests].sort((a, b) => a.t_s - b.t_s);
  const samples = [...monitor].sort((a, b) => a.t_s - b.t_s);
  const end = Math.max(sorted.at(-1)?.t_s ?? 0, samples.at(-1)?.t_s ?? 0);
  const warmup = opts.warmupS ?? Math.min(60, 0.1 * end);

  const ok = sorted.filter((r) => r.ok).length;
  const failed = sorted.length - ok;
  const byKind: Record<string, number> = {};
  for (const r of sorted) if (!r.ok) byKind[r.kind ?? 'unknown'] = (byKind[r.kind ?? 'unknown'] ?? 0) + 1;

  const drift: Record<string, Trend> = {};
  for (const metric of ['e2e_ms', 'ttft_ms', 'decode_tps'] as const) {
    const points = sorted
      .filter((r) => r.ok && r.t_s >= warmup && r[metric] !== undefined)
      .map((r) => ({ t_s: r.t_s, v: r[metric]! }));
    const trend = trendOf(points, alpha, opts.minDriftPerHour ?? 0.02, maxPoints);
    if (trend) drift[metric] = trend;
  }

  const rss = samples
    .filter((s) => s.rss_mb !== undefined && s.t_s >= warmup)
    .map((s) => ({ t_s: s.t_s, v: s.rss_mb! }));
  let leak: SoakAnalysis['leak'];
  const rssTrend = trendOf(rss, opts.leakAlpha ?? 0.01, 0, maxPoints);
  if (!rssTrend) {
    leak = { verdict: 'not measured', note: `${rss.length} engine RSS samples after warm-up: too few to judge a leak` };
  } else {
    const span = (rss.at(-1)!.t_s - rss[0]!.t_s) / 3600;
    const growthMb = rssTrend.perHour * span;
    const base = median(rss.slice(0, Math.max(1, Math.ceil(rss.length / 10))).map((p) => p.v));
    const growthPct = base > 0 ? growthMb / base : 0;
    const horizon = opts.leakHorizonH ?? 24;
    const projectedPct = base > 0 ? (rssTrend.perHour * horizon) / base : 0;
    const isLeak = rssTrend.significant && rssTrend.perHour > 0 && projectedPct >= (opts.minLeakGrowth ?? 0.05);
    leak = {
      verdict: isLeak ? 'leak' : 'no leak',
      growth_mb: growthMb,
      growth_pct: growthPct,
      trend: rssTrend,
      note: isLeak
        ? `engine RSS grew ${growthMb.toFixed(1)} MB (${(growthPct * 100).toFixed(1)}%) over the soak, ${rssTrend.perHour.toFixed(1)} MB/h ` +
          `[${rssTrend.perHourCi[0].toFixed(1)}, ${rssTrend.perHourCi[1].toFixed(1)}] (p = ${rssTrend.pValue.toPrecision(2)}): +${(projectedPct * 100).toFixed(0)}% in ${horizon} h`
        : `no significant growth of the engine RSS that would reach ${((opts.minLeakGrowth ?? 0.05) * 100).toFixed(0)}% in ${horizon} h ` +
          `(slope ${rssTrend.perHour.toFixed(2)} MB/h, p = ${rssTrend.pValue.toPrecision(2)})`,
    };
  }

  const temps = samples.filter((s) => s.temp_c !== undefined);
  let temperature: SoakAnalysis['temperature'];
  if (temps.length > 0) {
    const limit = opts.tempLimitC ?? 80;
    let above = 0;
    for (let i = 0; i < temps.length; i++) {
      const next = temps[i + 1]?.t_s ?? temps[i]!.t_s;
      if (temps[i]!.temp_c! > limit) above += next - temps[i]!.t_s;
    }
    const values = temps.map((s) => s.temp_c!);
    temperature = {
      mean: mean(values),
      min: Math.min(...values),
      max: Math.max(...values),
      limit,
      minutes_above: above / 60,
      throttling: samples
        .filter((s) => (s.throttled_bits ?? 0) & 0xf)
        .map((s) => ({ t_s: s.t_s, flags: decodeThrottled(s.throttled_bits! & 0xf) })),
    };
  }
  const mem = samples.filter((s) => s.mem_used_pct !== undefined).map((s) => s.mem_used_pct!);
  const memory = mem.length > 0 ? { mean_used_pct: mean(mem), max_used_pct: Math.max(...mem) } : undefined;

  // Cold start: the first successful request against everything after it.
  const firstOk = sorted.findIndex((r) => r.ok);
  let cold: SoakAnalysis['cold'];
  if (firstOk >= 0) {
    const warm = sorted.slice(firstOk + 1).filter((r) => r.ok);
    const c = sorted[firstOk]!;
    const warmTtft = warm.filter((r) => r.ttft_ms !== undefined).map((r) => r.ttft_ms!);
    const warmDecode = warm.filter((r) => r.decode_tps !== undefined).map((r) => r.decode_tps!);
    cold = {
      ...(c.ttft_ms !== undefined ? { ttft_ms: c.ttft_ms } : {}),
      ...(c.decode_tps !== undefined ? { decode_tps: c.decode_tps } : {}),
      ...(warmTtft.length ? { warm_ttft_ms: median(warmTtft) } : {}),
      ...(warmDecode.length ? { warm_decode_tps: median(warmDecode) } : {}),
      ...(c.decode_tps !== undefined && warmDecode.length ? { decode_ratio: c.decode_tps / median(warmDecode) } : {}),
    };
  }

  // Decode speed by output length: log2 regression of the per-length medians.
  const lengths = [
    ...new Set(sorted.filter((r) => r.ok && r.max_tokens && r.decode_tps !== undefined).map((r) => r.max_tokens!)),
  ].sort((a, b) => a - b);
  let byOutputLength: SoakAnalysis['byOutputLength'];
  if (lengths.length >= 2) {
    const points = lengths.map((len) => {
      const v = sorted
        .filter((r) => r.ok && r.max_tokens === len && r.decode_tps !== undefined)
        .map((r) => r.decode_tps!);
      return { max_tokens: len, decode_tps: median(v), n: v.length };
    });
    const x = points.map((p) => Math.log2(p.max_tokens));
    const y = points.map((p) => Math.log(p.decode_tps));
    const mx = mean(x);
    const my = mean(y);
    const slope = x.reduce((s, xi, i) => s + (xi - mx) * (y[i]! - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    byOutputLength = { points, dropPerDoubling: 1 - Math.exp(slope) };
  }

  return {
    duration_s: end,
    requests: sorted.length,
    success: {
      ok,
      failed,
      rate: sorted.length ? ok / sorted.length : 0,
      ci: wilsonInterval(ok, sorted.length),
      byKind,
      failureTimes: sorted.filter((r) => !r.ok).map((r) => r.t_s),
    },
    drift,
    leak,
    ...(temperature ? { temperature } : {}),
    ...(memory ? { memory } : {}),
    outages: outagesOf(sorted),
    ...(cold ? { cold } : {}),
    ...(byOutputLength ? { byOutputLength } : {}),
  };
}
