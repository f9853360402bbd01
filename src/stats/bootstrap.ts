// Seeded percentile-bootstrap confidence intervals: the ratio of medians of two samples, and the centre of paired log ratios.
import { mean, median, medianInPlace, quantile } from './descriptive.js';
import { randomIndex, seededRandom, type Random } from './random.js';

export interface BootstrapOptions {
  iterations?: number;
  /** Two-sided coverage of the interval, e.g. 0.95. */
  confidence?: number;
  seed?: number;
}

function settings(opts: BootstrapOptions): { iterations: number; confidence: number; random: Random } {
  const iterations = opts.iterations ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`bootstrap: iterations must be a whole number ≥ 1 (got ${iterations})`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrap: confidence must be between 0 and 1 (got ${confidence})`);
  return { iterations, confidence, random: seededRandom(opts.seed ?? 1) };
}

function checkSample(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`bootstrap: ${what} is empty`);
  if (xs.some((v) => !Number.isFinite(v))) throw new RangeError(`bootstrap: ${what} holds a value that is not a finite number`);
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
export function bootstrapRatioCI(base: readonly number[], head: readonly number[], opts: BootstrapOptions = {}): [number, number] | null {
  checkSample(base, 'the base sample');
  checkSample(head, 'the head sample');
  const { iterations, confidence, random } = settings(opts);
  const baseBuf = new Float64Array(base.length);
  const headBuf = new Float64Array(head.length);
  const ratios = new Array<number>(iterations);
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

/** Percentile-bootstrap interval of the mean (or median) of one sample, e.g. per-block log ratios. */
export function bootstrapCentreCI(values: readonly number[], opts: BootstrapOptions & { statistic?: CentreStatistic } = {}): [number, number] {
  checkSample(values, 'the sample');
  const { iterations, confidence, random } = settings(opts);
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
