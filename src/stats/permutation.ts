// Sign-flip permutation test of the mean of paired differences: exact enumeration when small, seeded Monte Carlo beyond,
// and the normal limit of the permutation distribution for very many differences.
import { seededRandom } from './random.js';
import { normalSf } from './special.js';

export interface SignFlipOptions {
  /** Enumerate all 2^n sign assignments up to this many differences (default 16: 65,536 flips). */
  maxExact?: number;
  /** Random flips when n exceeds maxExact (default 9999, as scipy.stats.permutation_test). */
  iterations?: number;
  seed?: number;
  /**
   * Above this many differences (default 1000), the normal approximation of the sign-flip distribution instead of
   * Monte Carlo, whose 9999 passes over every difference grow with n: the sum of ±d_i has mean 0 and variance Σ d_i².
   */
  maxMonteCarlo?: number;
}

export interface SignFlipResult {
  pValue: number;
  method: 'exact' | 'monte-carlo' | 'asymptotic';
}

/** Default of SignFlipOptions.maxMonteCarlo. */
export const SIGN_FLIP_MONTE_CARLO_MAX = 1000;

/**
 * Two-sided test that paired differences are symmetric around zero, with the sum (equivalently the mean) as statistic.
 * Conventions follow scipy.stats.permutation_test: two-sided p doubles the smaller tail; Monte Carlo adds one
 * to numerator and denominator so p is never zero; a relative tolerance treats numerically equal sums as ties.
 */
export function signFlipTest(diffs: readonly number[], opts: SignFlipOptions = {}): SignFlipResult {
  if (diffs.length === 0) throw new RangeError('sign-flip test: no differences');
  if (diffs.some((d) => !Number.isFinite(d)))
    throw new RangeError('sign-flip test: a difference is not a finite number');
  const n = diffs.length;
  const observed = diffs.reduce((s, d) => s + d, 0);
  const gamma = Math.abs(observed) * Number.EPSILON * 100;
  let less = 0;
  let greater = 0;
  let total: number;
  let adjustment = 0;
  let method: SignFlipResult['method'];
  const count = (sum: number): void => {
    if (sum <= observed + gamma) less++;
    if (sum >= observed - gamma) greater++;
  };
  if (n > (opts.maxMonteCarlo ?? SIGN_FLIP_MONTE_CARLO_MAX) && n > (opts.maxExact ?? 16)) {
    // Independent random signs: Σ ±d_i has mean 0 and variance Σ d_i², and is normal in the limit (Lindeberg) unless
    // a few differences dominate the sum of squares.
    let sumSquares = 0;
    for (const d of diffs) sumSquares += d * d;
    if (sumSquares === 0) return { pValue: 1, method: 'asymptotic' };
    return { pValue: Math.min(1, 2 * normalSf(Math.abs(observed) / Math.sqrt(sumSquares))), method: 'asymptotic' };
  }
  if (n <= (opts.maxExact ?? 16)) {
    method = 'exact';
    total = 2 ** n;
    for (let mask = 0; mask < total; mask++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -diffs[i]! : diffs[i]!;
      count(sum);
    }
  } else {
    method = 'monte-carlo';
    total = opts.iterations ?? 9999;
    adjustment = 1;
    const random = seededRandom(opts.seed ?? 1);
    for (let k = 0; k < total; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += random() < 0.5 ? -diffs[i]! : diffs[i]!;
      count(sum);
    }
  }
  const pLess = (less + adjustment) / (total + adjustment);
  const pGreater = (greater + adjustment) / (total + adjustment);
  return { pValue: Math.min(1, 2 * Math.min(pLess, pGreater)), method };
}
