// Descriptive statistics over samples: median, quantiles (numpy's linear method) and mean in linear time, with mathjs'
// formulas but exact comparisons and no per-value dispatch; MAD and standard deviation on mathjs; geometric mean.
import { mad as mMad, std as mStd } from 'mathjs';

function nonEmpty(xs: readonly number[], what: string): number[] {
  if (xs.length === 0) throw new RangeError(`${what} of an empty sample`);
  return xs as number[];
}

/**
 * Median by selection on a copy: O(n), and the same value as mathjs' median (the middle order statistic, or the mean
 * of the two middle ones), which the scipy fixtures and reports were built on. NaN anywhere gives NaN, as mathjs.
 */
export function median(xs: readonly number[]): number {
  nonEmpty(xs, 'median');
  const buf = Float64Array.from(xs);
  for (let i = 0; i < buf.length; i++) if (Number.isNaN(buf[i]!)) return Number.NaN;
  return medianBySelection(buf);
}

/**
 * Quantile with linear interpolation between order statistics (numpy's default, R type 7); q in [0, 1]. mathjs'
 * quantileSeq formula, (1 − f)·x₍ᵢ₎ + f·x₍ᵢ₊₁₎, on order statistics found by exact selection: mathjs compares with a
 * relative tolerance of 1e-12 around a random pivot, so two values that close could swap from one call to the next.
 */
export function quantile(xs: readonly number[], q: number): number {
  nonEmpty(xs, 'quantile');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: probability must be between 0 and 1 (got ${q})`);
  const buf = Float64Array.from(xs);
  for (let i = 0; i < buf.length; i++) if (Number.isNaN(buf[i]!)) return Number.NaN;
  const index = q * (buf.length - 1);
  const integerPart = Math.floor(index);
  const fracPart = index % 1;
  if (fracPart === 0) return selectInPlace(buf, index);
  const right = selectInPlace(buf, integerPart + 1);
  let left = buf[integerPart]!;
  for (let i = 0; i < integerPart; i++) if (buf[i]! > left) left = buf[i]!;
  return left * (1 - fracPart) + right * fracPart;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(xs: readonly number[]): number {
  return mMad(nonEmpty(xs, 'MAD')) as number;
}

/** Arithmetic mean: the running sum from the first value, divided by n, exactly as mathjs' mean adds and divides. */
export function mean(xs: readonly number[]): number {
  nonEmpty(xs, 'mean');
  let sum = xs[0]!;
  for (let i = 1; i < xs.length; i++) sum += xs[i]!;
  return sum / xs.length;
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

/** Below this many values a range is sorted rather than partitioned further. */
const SELECT_SORT_BELOW = 16;

/**
 * Rearranges `buf` so that `buf[k]` holds the value a sort would put there, with no larger value before it and no
 * smaller one after it; returns that value. Hoare partitioning around a median-of-three pivot, O(n) on average;
 * after a generous number of partitions it sorts what is left (O(n log n)), so no input makes it quadratic.
 * `buf` must hold no NaN.
 */
export function selectInPlace(buf: Float64Array, k: number): number {
  let lo = 0;
  let hi = buf.length - 1;
  if (!(k >= 0 && k <= hi) || !Number.isInteger(k)) throw new RangeError(`select: index ${k} outside 0..${hi}`);
  let budget = 2 * Math.ceil(Math.log2(buf.length + 1)) + 8;
  while (hi > lo) {
    if (hi - lo < SELECT_SORT_BELOW || budget-- === 0) {
      buf.subarray(lo, hi + 1).sort();
      return buf[k]!;
    }
    const mid = (lo + hi) >>> 1;
    const a = buf[lo]!;
    const b = buf[mid]!;
    const c = buf[hi]!;
    const pivot = a < b ? (b < c ? b : Math.max(a, c)) : a < c ? a : Math.max(b, c);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i]! < pivot) i++;
      while (buf[j]! > pivot) j--;
      if (i <= j) {
        const t = buf[i]!;
        buf[i] = buf[j]!;
        buf[j] = t;
        i++;
        j--;
      }
    }
    // Now buf[lo..j] ≤ pivot ≤ buf[i..hi], and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return buf[k]!;
  }
  return buf[k]!;
}

/** Median of a NaN-free scratch buffer by selection, reordering it. */
function medianBySelection(buf: Float64Array): number {
  const n = buf.length;
  const mid = n >> 1;
  const upper = selectInPlace(buf, mid);
  if (n % 2 === 1) return upper;
  // Everything before `mid` is ≤ the upper middle value: the lower middle value is their maximum.
  let lower = buf[0]!;
  for (let i = 1; i < mid; i++) if (buf[i]! > lower) lower = buf[i]!;
  return (lower + upper) / 2;
}

/**
 * Median of a scratch buffer, reordering it in place. For resampling loops that take thousands of medians, where
 * mathjs' generic median (which copies and type-checks) would dominate the run time. Selection, not a full sort, for
 * more than 64 values: the same value, in O(n).
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
    const mid = n >> 1;
    return n % 2 === 1 ? buf[mid]! : (buf[mid - 1]! + buf[mid]!) / 2;
  }
  for (let i = 0; i < n; i++) if (Number.isNaN(buf[i]!)) return Number.NaN;
  return medianBySelection(buf);
}
