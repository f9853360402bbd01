// Capacity under load (issue 15, part 1), the pure half: per load level the throughput, the latency percentiles,
// goodput under service-level objectives (vLLM's definition), the capacity (the highest level that meets the SLOs),
// the knee (where throughput stops growing while latency climbs), over-saturation (a queue growing without bound,
// GuideLLM's --stop-over-saturated) and the time N requests take at the measured rate, with its interval.
import { quantile } from '../stats/descriptive.js';
import { regularizedGammaQ } from '../stats/special.js';
import { downsampleIndices, mannKendall, theilSen } from '../stats/trend.js';

/** One request of a load level, in the order it was sent. */
export interface LoadRequest {
  ok: boolean;
  /** Seconds from the level's start to the request's start. */
  start_s: number;
  ttft_ms?: number;
  /** Time per output token after the first (vLLM's TPOT: (e2e − ttft) ÷ (output tokens − 1)). */
  tpot_ms?: number;
  e2e_ms?: number;
  output_tokens?: number;
}

export interface LoadLevel {
  /** Concurrent requests, or requests per second for rate levels. */
  level: number;
  /** Wall time of the level in seconds, first start to last finish. */
  duration_s: number;
  requests: readonly LoadRequest[];
}

/** Service-level objectives: a request meets them when every one given holds (vLLM's goodput). */
export interface Slo {
  ttft_ms?: number;
  tpot_ms?: number;
  e2e_ms?: number;
}

export const SLO_METRICS = ['ttft_ms', 'tpot_ms', 'e2e_ms'] as const;

export interface CapacityOptions {
  /** Share of requests that must meet every SLO for a level to count as meeting them (default 0.9). */
  attainment?: number;
  /** Below this relative throughput gain per step, with latency rising, the curve has reached its knee (default 0.1). */
  kneeGain?: number;
  /** Significance of the rising-TTFT test that calls a level over-saturated (default 0.01). */
  alpha?: number;
  /** Confidence of the rate interval (default 0.95). */
  confidence?: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

export interface LevelSummary {
  level: number;
  requests: number;
  succeeded: number;
  success_rate: number;
  /** Completed requests per second, with its interval (exact Poisson on the count over the level's time). */
  request_tps: number;
  request_tps_ci: [number, number];
  output_tps: number;
  /** Requests per second that succeeded and met every SLO; equals request_tps when no SLO is given. */
  goodput: number;
  /** Share of all requests that succeeded and met every SLO. */
  slo_attainment: number;
  meets_slo: boolean;
  latency: Partial<Record<(typeof SLO_METRICS)[number], Percentiles>>;
  /** TTFT grows with the request's start time (Mann–Kendall p < alpha, Theil–Sen slope > 0): the queue did not drain. */
  over_saturated: boolean;
  /** TTFT growth in ms per second of the level when over-saturated. */
  ttft_slope_ms_per_s?: number;
}

export interface CapacityAnalysis {
  levels: LevelSummary[];
  /** The highest level that meets the SLOs with every lower level meeting them too; null when the lowest does not. */
  capacity: number | null;
  /** The first level after which throughput grows less than kneeGain while p50 e2e latency rises; null if none. */
  knee: number | null;
  /** The level with the highest goodput. */
  best_goodput: number | null;
}

function percentiles(values: number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  return { p50: quantile(values, 0.5), p90: quantile(values, 0.9), p99: quantile(values, 0.99) };
}

export function meetsSlo(request: LoadRequest, slo: Slo): boolean {
  if (!request.ok) return false;
  for (const key of SLO_METRICS) {
    const bound = slo[key];
    if (bound === undefined) continue;
    const value = request[key];
    if (value === undefined || !(value <= bound)) return false;
  }
  return true;
}

/** Inverse of the regularized lower incomplete gamma P(a, ·) by bisection: the Poisson/Garwood bounds need it. */
function gammaPInverse(p: number, a: number): number {
  let lo = 0;
  let hi = Math.max(1, a) * 4 + 50;
  while (1 - regularizedGammaQ(a, hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (1 - regularizedGammaQ(a, mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The exact (Garwood) interval of a Poisson mean from an observed count. */
export function poissonInterval(count: number, confidence = 0.95): [number, number] {
  const tail = (1 - confidence) / 2;
  const lower = count === 0 ? 0 : gammaPInverse(tail, count);
  return [lower, gammaPInverse(1 - tail, count + 1)];
}

/** A level is over-saturated when its TTFT keeps rising over the level: waiting time grows with the queue. */
function saturation(requests: readonly LoadRequest[], alpha: number): { over: boolean; slope?: number } {
  const timed = requests.filter((r) => r.ok && r.ttft_ms !== undefined);
  if (timed.length < 8) return { over: false };
  const keep = downsampleIndices(timed.length, 2000).map((i) => timed[i]!);
  const ttft = keep.map((r) => r.ttft_ms!);
  const trend = mannKendall(ttft);
  if (!(trend.pValue < alpha) || trend.s <= 0) return { over: false };
  const fit = theilSen(
    keep.map((r) => r.start_s),
    ttft,
  );
  return fit.slope > 0 ? { over: true, slope: fit.slope } : { over: false };
}

export function summariseLevel(level: LoadLevel, slo: Slo, opts: CapacityOptions = {}): LevelSummary {
  const attainment = opts.attainment ?? 0.9;
  const requests = level.requests;
  const ok = requests.filter((r) => r.ok);
  const good = requests.filter((r) => meetsSlo(r, slo)).length;
  const seconds = level.duration_s > 0 ? level.duration_s : Number.NaN;
  const [lo, hi] = poissonInterval(ok.length, opts.confidence ?? 0.95);
  const latency: LevelSummary['latency'] = {};
  for (const key of SLO_METRICS) {
    const p = percentiles(ok.flatMap((r) => (r[key] === undefined ? [] : [r[key]!])));
    if (p) latency[key] = p;
  }
  const sat = saturation(requests, opts.alpha ?? 0.01);
  const share = requests.length > 0 ? good / requests.length : 0;
  return {
    level: level.level,
    requests: requests.length,
    succeeded: ok.length,
    success_rate: requests.length > 0 ? ok.length / requests.length : 0,
    request_tps: ok.length / seconds,
    request_tps_ci: [lo / seconds, hi / seconds],
    output_tps: ok.reduce((sum, r) => sum + (r.output_tokens ?? 0), 0) / seconds,
    goodput: good / seconds,
    slo_attainment: share,
    meets_slo: requests.length > 0 && share >= attainment && !sat.over,
    latency,
    over_saturated: sat.over,
    ...(sat.slope !== undefined ? { ttft_slope_ms_per_s: sat.slope } : {}),
  };
}

/** The knee: the first step whose throughput gain falls under `kneeGain` while the median latency rises. */
function findKnee(levels: readonly LevelSummary[], kneeGain: number): number | null {
  for (let i = 0; i + 1 < levels.length; i++) {
    const a = levels[i]!;
    const b = levels[i + 1]!;
    const gain = b.request_tps / a.request_tps - 1;
    const latA = a.latency.e2e_ms?.p50 ?? a.latency.ttft_ms?.p50;
    const latB = b.latency.e2e_ms?.p50 ?? b.latency.ttft_ms?.p50;
    const rising = latA !== undefined && latB !== undefined && latB > latA;
    if (gain < kneeGain && rising) return a.level;
  }
  return null;
}

/** Capacity, knee and goodput over load levels (sorted by level here; the input order does not matter). */
export function analyseCapacity(levels: readonly LoadLevel[], slo: Slo, opts: CapacityOptions = {}): CapacityAnalysis {
  const summaries = [...levels].sort((a, b) => a.level - b.level).map((l) => summariseLevel(l, slo, opts));
  let capacity: number | null = null;
  for (const s of summaries) {
    if (!s.meets_slo) break;
    capacity = s.level;
  }
  let best: LevelSummary | undefined;
  for (const s of summaries) if (Number.isFinite(s.goodput) && (!best || s.goodput > best.goodput)) best = s;
  return {
    levels: summaries,
    capacity,
    knee: findKnee(summaries, opts.kneeGain ?? 0.1),
    best_goodput: best && best.goodput > 0 ? best.level : null,
  };
}

export interface Projection {
  requests: number;
  /** Seconds at the measured rate, and at the ends of its interval (fastest first). */
  seconds: number;
  interval: [number, number];
}

/** Seed 002's table: how long N requests take at a level's measured request rate, with the rate's interval. */
export function projectTimes(level: LevelSummary, counts: readonly number[]): Projection[] {
  const [lo, hi] = level.request_tps_ci;
  return counts.map((n) => ({
    requests: n,
    seconds: n / level.request_tps,
    interval: [n / hi, lo > 0 ? n / lo : Number.POSITIVE_INFINITY],
  }));
}
