// Seeded percentile-bootstrap confidence intervals: the ratio of medians of two samples, and the centre of paired log ratios.
// Up to RESAMPLE_MAX values a side each resample is drawn value by value; beyond, the bootstrap median is drawn directly
// from its exact distribution over the sorted sample (order statistics of uniforms), and the bootstrap of a mean gives
// way to the Student t interval it converges to. docs/statistics.md ("Large samples") gives the reasoning and coverage.
import { mean, median, medianInPlace, quantile } from './descriptive.js';
import { sortedCopy } from './ranks.js';
import { betaVariate, randomIndex, seededRandom, type Random } from './random.js';
import { studentTQuantile } from './special.js';

/**
 * Largest sample (per side) that is resampled value by value. Up to it, results are those of the plain percentile
 * bootstrap for a seed; above it, see BootstrapMethod.
 */
export const RESAMPLE_MAX = 256;

/**
 * 'resample': draw n values with replacement per iteration (O(B·n)). 'order-statistics': sort once, then draw each
 * bootstrap median from its exact distribution (O(n log n + B)): the same bootstrap, sampled differently. 'auto'
 * (default): 'resample' while every sample has at most RESAMPLE_MAX values.
 */
export type BootstrapMethod = 'auto' | 'resample' | 'order-statistics';

export interface BootstrapOptions {
  iterations?: number;
  /** Two-sided coverage of the interval, e.g. 0.95. */
  confidence?: number;
  seed?: number;
  method?: BootstrapMethod;
}

function settings(opts: BootstrapOptions): { iterations: number; confidence: number; random: Random } {
  const iterations = opts.iterations ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError(`bootstrap: iterations must be a whole number ≥ 1 (got ${iterations})`);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`bootstrap: confidence must be between 0 and 1 (got ${confidence})`);
  return { iterations, confidence, random: seededRandom(opts.seed ?? 1) };
}

function useOrderStatistics(opts: BootstrapOptions, ...sizes: number[]): boolean {
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'resample' && method !== 'order-statistics')
    throw new RangeError(`bootstrap: unknown method "${String(method)}"`);
  return method === 'order-statistics' || (method === 'auto' && sizes.some((n) => n > RESAMPLE_MAX));
}

/**
 * One bootstrap median of a sorted sample, drawn from its exact distribution. A resample is n indices ⌊n·U_j⌋ with
 * U_j uniform on [0, 1); the map u ↦ sorted[⌊n·u⌋] never decreases, so the resample's k-th smallest value is
 * sorted[⌊n·U_(k)⌋], U_(k) the k-th smallest of n uniforms: U_(k) ~ Beta(k, n − k + 1). For even n the next order
 * statistic is U_(k+1) = U_(k) + (1 − U_(k))·(1 − V^(1/(n−k))), the smallest of the n − k uniforms above U_(k).
 */
export function bootstrapMedianDraw(random: Random, sorted: Float64Array): number {
  const n = sorted.length;
  const at = (u: number): number => sorted[Math.min(n - 1, Math.floor(n * u))]!;
  if (n % 2 === 1) {
    const k = (n + 1) / 2;
    return at(betaVariate(random, k, n - k + 1));
  }
  const k = n / 2;
  const lower = betaVariate(random, k, n - k + 1);
  const upper = lower + (1 - lower) * (1 - (1 - random()) ** (1 / (n - k)));
  return (at(lower) + at(upper)) / 2;
}

function checkSample(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`bootstrap: ${what} is empty`);
  if (xs.some((v) => !Number.isFinite(v)))
    throw new RangeError(`bootstrap: ${what} holds a value that is not a finite number`);
}

function resample(random: Random, from: readonly number[], into: Float64Array): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] = from[randomIndex(random, from.length)]!;
  return into;
}

function percentileInterval(estimates: number[], confidence: number): [number, number] {
  const tail = (1 - confidence) / 2;
  return [quantile(estimates, tail), quantile(estimates, 1 - tail)];
}

/** head ÷ base, with 0 ÷ 0 = 1 (a count that stayed at zero did not change) and x ÷ 0 undefined (NaN). */
export function ratioOf(head: number, base: number): number {
  if (base === 0) return head === 0 ? 1 : Number.NaN;
  return head / base;
}

/** Ratio of the medians, head ÷ base. */
export function ratioOfMedians(base: readonly number[], head: readonly number[]): number {
  return ratioOf(median(head), median(base));
}

/**
 * Percentile-bootstrap interval of median(head) ÷ median(base), resampling each side independently.
 * Null when the ratio is undefined in some resample (a base median of zero under a non-zero head median).
 */
export function bootstrapRatioCI(
  base: readonly number[],
  head: readonly number[],
  opts: BootstrapOptions & { sorted?: { base: Float64Array; head: Float64Array } } = {},
): [number, number] | null {
  checkSample(base, 'the base sample');
  checkSample(head, 'the head sample');
  const { iterations, confidence, random } = settings(opts);
  const ratios = new Array<number>(iterations);
  if (useOrderStatistics(opts, base.length, head.length)) {
    // Ascending copies; the caller's (decideIndependent sorts once for the test, the medians and this) when given.
    const baseSorted = opts.sorted?.base ?? sortedCopy(base);
    const headSorted = opts.sorted?.head ?? sortedCopy(head);
    if (baseSorted.length !== base.length || headSorted.length !== head.length)
      throw new RangeError('bootstrap: the sorted copies do not match the samples');
    for (let k = 0; k < iterations; k++) {
      const b = bootstrapMedianDraw(random, baseSorted);
      const r = ratioOf(bootstrapMedianDraw(random, headSorted), b);
      if (!Number.isFinite(r)) return null;
      ratios[k] = r;
    }
    return percentileInterval(ratios, confidence);
  }
  const baseBuf = new Float64Array(base.length);
  const headBuf = new Float64Array(head.length);
  for (let k = 0; k < iterations; k++) {
    const b = medianInPlace(resample(random, base, baseBuf));
    const h = medianInPlace(resample(random, head, headBuf));
    const r = ratioOf(h, b);
    if (!Number.isFinite(r)) return null;
    ratios[k] = r;
  }
  return percentileInterval(ratios, confidence);
}

export type CentreStatistic = 'mean' | 'median';

/**
 * Percentile-bootstrap interval of the mean (or median) of one sample, e.g. per-block log ratios. Above RESAMPLE_MAX
 * values ('auto', or 'order-statistics'): the median by order-statistic draws; the mean by the Student t interval
 * mean ± t(1 − (1 − confidence)/2, n − 1)·s/√n, the normal limit the bootstrap of a mean converges to, in O(n).
 */
export function bootstrapCentreCI(
  values: readonly number[],
  opts: BootstrapOptions & { statistic?: CentreStatistic } = {},
): [number, number] {
  checkSample(values, 'the sample');
  const { iterations, confidence, random } = settings(opts);
  if (useOrderStatistics(opts, values.length)) {
    if (opts.statistic === 'median') {
      const sorted = sortedCopy(values);
      const centres = new Array<number>(iterations);
      for (let k = 0; k < iterations; k++) centres[k] = bootstrapMedianDraw(random, sorted);
      return percentileInterval(centres, confidence);
    }
    return meanInterval(values, confidence);
  }
  const buf = new Float64Array(values.length);
  const centres = new Array<number>(iterations);
  const useMedian = opts.statistic === 'median';
  for (let k = 0; k < iterations; k++) {
    resample(random, values, buf);
    if (useMedian) centres[k] = medianInPlace(buf);
    else {
      let sum = 0;
      for (const v of buf) sum += v;
      centres[k] = sum / buf.length;
    }
  }
  return percentileInterval(centres, confidence);
}

/** Student t interval of a mean; a single value (or no spread) gives the point. */
function meanInterval(values: readonly number[], confidence: number): [number, number] {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return [m, m];
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(ss / (n - 1) / n);
  return [m - half, m + half];
}

export interface PairedRatioEstimate {
  /** exp(centre of the log ratios): the geometric mean of the per-block ratios for 'mean'. */
  ratio: number;
  ci: [number, number];
}

/** Ratio and its interval from paired log ratios: exp of the centre and of its bootstrap interval. */
export function bootstrapPairedRatioCI(
  logRatios: readonly number[],
  opts: BootstrapOptions & { statistic?: CentreStatistic } = {},
): PairedRatioEstimate {
  checkSample(logRatios, 'the log ratios');
  const centre = opts.statistic === 'median' ? median(logRatios) : mean(logRatios);
  const [low, high] = bootstrapCentreCI(logRatios, opts);
  return { ratio: Math.exp(centre), ci: [Math.exp(low), Math.exp(high)] };
}
