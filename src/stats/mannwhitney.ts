// Two-sided Mann-Whitney U test, following scipy.stats.mannwhitneyu(x, y, alternative="two-sided") and its default method.
import { averageRanks, hasTies, tieTerm } from './ranks.js';
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
}

function checkSample(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`Mann-Whitney U: ${what} is empty`);
  if (xs.some((v) => !Number.isFinite(v))) throw new RangeError(`Mann-Whitney U: ${what} holds a value that is not a finite number`);
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
 * P(U ≤ k) under the null hypothesis for samples of sizes n1 and n2 without ties.
 * The counts of arrangements with U = u are the coefficients of the Gaussian binomial [n1+n2 choose n1]_q,
 * built with the q-Pascal rule [N, j] = [N−1, j−1] + q^j [N−1, j]: additions only, so no cancellation.
 */
export function mannWhitneyExactCdf(k: number, n1: number, n2: number): number {
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

export function mannWhitneyU(x: readonly number[], y: readonly number[], opts: MannWhitneyOptions = {}): MannWhitneyResult {
  checkSample(x, 'the first sample');
  checkSample(y, 'the second sample');
  const n1 = x.length;
  const n2 = y.length;
  const { ranks, tieCounts } = averageRanks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  const method = !opts.method || opts.method === 'auto' ? chooseMannWhitneyMethod(n1, n2, hasTies(tieCounts)) : opts.method;

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
