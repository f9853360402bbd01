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
