// Two-sided Mann-Whitney U test, following scipy.stats.mannwhitneyu(x, y, alternative="two-sided") and its default method.
import { hasTies, pooledRankSum, sortedCopy, tieTerm } from './ranks.js';
import { normalSf } from './special.js';

export type MannWhitneyMethod = 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  /** U of the first sample (scipy's U1): the number of (x, y) pairs with x > y, ties counting one half. */
  u: number;
  pValue: number;
  method: MannWhitneyMethod;
}

export interface MannWhitneyOptions {
  /** 'auto' (scipy's default): exact unless both samples have more than 8 values or there are ties. */
  method?: 'auto' | MannWhitneyMethod;
  /** Continuity correction of the normal approximation (scipy's default: on). */
  continuity?: boolean;
  /** Ascending copies of x and y (sortedCopy), when the caller has them already: saves sorting twice. */
  sorted?: readonly [Float64Array, Float64Array];
}

function checkSample(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`Mann-Whitney U: ${what} is empty`);
  if (xs.some((v) => !Number.isFinite(v)))
    throw new RangeError(`Mann-Whitney U: ${what} holds a value that is not a finite number`);
}

/** scipy's `_mwu_choose_method` (scipy 1.17): exact when not both samples exceed 8 values and nothing is tied. */
export function chooseMannWhitneyMethod(n1: number, n2: number, ties: boolean): MannWhitneyMethod {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return ties ? 'asymptotic' : 'exact';
}

/** C(n, k) as a double, multiplied step by step so it stays exact while it fits in 53 bits. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Above this many values in the larger sample the exact null distribution comes from the product formula
 * (mannWhitneyExactCdfProduct, O(m·k)) rather than the q-Pascal table (O((m + n)·m·k)); below it, the table, whose
 * results the scipy fixtures pin down.
 */
export const MANN_WHITNEY_EXACT_TABLE_MAX = 400;

/**
 * P(U ≤ k) under the null hypothesis for samples of sizes n1 and n2 without ties.
 * The counts of arrangements with U = u are the coefficients of the Gaussian binomial [n1+n2 choose n1]_q.
 */
export function mannWhitneyExactCdf(k: number, n1: number, n2: number): number {
  return Math.max(n1, n2) > MANN_WHITNEY_EXACT_TABLE_MAX
    ? mannWhitneyExactCdfProduct(k, n1, n2)
    : mannWhitneyExactCdfTable(k, n1, n2);
}

/**
 * The Gaussian binomial built with the q-Pascal rule [N, j] = [N−1, j−1] + q^j [N−1, j]: additions only, so no
 * cancellation, but O((m + n)·m·k) work, which a sample of a million values against one of five makes hopeless.
 */
export function mannWhitneyExactCdfTable(k: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const degree = Math.floor(k);
  const poly: Float64Array[] = [];
  for (let j = 0; j <= m; j++) poly.push(new Float64Array(degree + 1));
  poly[0]![0] = 1;
  for (let total = 1; total <= m + n; total++) {
    for (let j = Math.min(total, m); j >= 1; j--) {
      const cur = poly[j]!;
      const prev = poly[j - 1]!;
      for (let u = degree; u >= 0; u--) cur[u] = prev[u]! + (u >= j ? cur[u - j]! : 0);
    }
  }
  let count = 0;
  for (const c of poly[m]!) count += c;
  return count / binomial(m + n, m);
}

/**
 * The same distribution from the product [m+n choose m]_q = Π_{i=1..m} (1 − q^(n+i)) ÷ (1 − q^i), truncated at degree
 * k: first the divisions (running sums, all positive: partitions into at most m parts), then the multiplications,
 * whose subtractions only reach degrees above n. O(m·k) time and O(k) memory. Below degree n + 1 nothing is
 * subtracted; above it the cancellation costs at most a few digits of the double's sixteen (the tests compare it
 * with the table to 1e-10).
 */
export function mannWhitneyExactCdfProduct(k: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const degree = Math.floor(k);
  const c = new Float64Array(degree + 1);
  c[0] = 1;
  for (let i = 1; i <= m; i++) for (let u = i; u <= degree; u++) c[u] += c[u - i]!;
  for (let i = 1; i <= m; i++) for (let u = degree; u >= n + i; u--) c[u] -= c[u - n - i]!;
  let count = 0;
  for (let u = 0; u <= degree; u++) count += c[u]!;
  return count / binomial(m + n, m);
}

export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  opts: MannWhitneyOptions = {},
): MannWhitneyResult {
  checkSample(x, 'the first sample');
  checkSample(y, 'the second sample');
  const n1 = x.length;
  const n2 = y.length;
  // Sorting each sample apart and merging gives the rank sum in O(n log n) without an index array (see pooledRankSum).
  const [xs, ys] = opts.sorted ?? [sortedCopy(x), sortedCopy(y)];
  if (xs.length !== n1 || ys.length !== n2)
    throw new RangeError('Mann-Whitney U: the sorted copies do not match the samples');
  const { rankSum: r1, tieCounts } = pooledRankSum(xs, ys);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  const method =
    !opts.method || opts.method === 'auto' ? chooseMannWhitneyMethod(n1, n2, hasTies(tieCounts)) : opts.method;

  let pValue: number;
  if (method === 'exact') {
    // P(U ≥ u) = P(U ≤ n1·n2 − u) by symmetry; two-sided doubles the larger tail's complement.
    pValue = 2 * mannWhitneyExactCdf(n1 * n2 - Math.floor(u), n1, n2);
  } else {
    const n = n1 + n2;
    const mu = (n1 * n2) / 2;
    const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm(tieCounts) / (n * (n - 1))));
    const numerator = u - mu - (opts.continuity === false ? 0 : 0.5);
    // All values tied: no spread, and u equals its mean, so nothing distinguishes the samples.
    pValue = sd === 0 ? (numerator > 0 ? 0 : 1) : 2 * normalSf(numerator / sd);
  }
  return { u: u1, pValue: Math.min(1, Math.max(0, pValue)), method };
}
