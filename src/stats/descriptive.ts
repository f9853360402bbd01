// Descriptive statistics over samples, on mathjs: median, quantiles (numpy's linear method), MAD, geometric mean.
import { median as mMedian, quantileSeq, mad as mMad, mean as mMean, std as mStd } from 'mathjs';

function nonEmpty(xs: readonly number[], what: string): number[] {
  if (xs.length === 0) throw new RangeError(`${what} of an empty sample`);
  return xs as number[];
}

export function median(xs: readonly number[]): number {
  return mMedian(nonEmpty(xs, 'median')) as number;
}

/** Quantile with linear interpolation between order statistics (numpy's default, R type 7); q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  return quantileSeq(nonEmpty(xs, 'quantile'), q) as unknown as number;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(xs: readonly number[]): number {
  return mMad(nonEmpty(xs, 'MAD')) as number;
}

export function mean(xs: readonly number[]): number {
  return mMean(nonEmpty(xs, 'mean')) as number;
}

/** Sample standard deviation (n − 1). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return mStd(xs as number[]) as unknown as number;
}

/** Geometric mean of positive numbers, computed in log space so long lists do not overflow. */
export function geomean(xs: readonly number[]): number {
  nonEmpty(xs, 'geometric mean');
  if (xs.some((x) => !(x > 0))) throw new RangeError('geometric mean needs positive numbers');
  return Math.exp(mean(xs.map(Math.log)));
}

/**
 * Median of a scratch buffer, sorting it in place. For resampling loops that take thousands of medians of small
 * samples, where mathjs' generic median (which copies and type-checks) would dominate the run time.
 */
export function medianInPlace(buf: Float64Array): number {
  const n = buf.length;
  if (n === 0) throw new RangeError('median of an empty sample');
  // Insertion sort: resamples are small (repetitions of one case), where it beats the general sort.
  if (n <= 64) {
    for (let i = 1; i < n; i++) {
      const v = buf[i]!;
      let j = i - 1;
      while (j >= 0 && buf[j]! > v) {
        buf[j + 1] = buf[j]!;
        j--;
      }
      buf[j + 1] = v;
    }
  } else {
    buf.sort();
  }
  const mid = n >> 1;
  return n % 2 === 1 ? buf[mid]! : (buf[mid - 1]! + buf[mid]!) / 2;
}
