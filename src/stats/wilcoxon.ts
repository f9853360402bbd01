// Two-sided Wilcoxon signed-rank test on paired differences, following scipy.stats.wilcoxon(d) with its defaults.
import { averageRanks, hasTies, pooledRankSum, tieTerm } from './ranks.js';
import { normalSf } from './special.js';

export type WilcoxonMethod = 'exact' | 'asymptotic' | 'permutation';

export interface WilcoxonResult {
  /** min(R+, R−), what scipy reports for the two-sided test. */
  statistic: number;
  rPlus: number;
  rMinus: number;
  /** Non-zero differences: zeros are dropped (scipy's zero_method="wilcox"). */
  n: number;
  zeros: number;
  pValue: number;
  method: WilcoxonMethod;
}

export interface WilcoxonOptions {
  /**
   * 'auto' (scipy 1.17's default): normal approximation above 50 differences; otherwise exact without ties or zeros,
   * an exact sign-flip permutation of the statistic up to 13 differences, the normal approximation beyond.
   */
  method?: 'auto' | WilcoxonMethod;
  /** Continuity correction of the normal approximation (scipy's default: off). */
  correction?: boolean;
}

/** Counts of sign assignments giving each value of 2·R+ (half ranks keep it an integer): Π (1 + q^(2·rank)). */
function signedRankCounts(doubledRanks: readonly number[]): Float64Array {
  const max = doubledRanks.reduce((s, r) => s + r, 0);
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  let reach = 0;
  for (const r of doubledRanks) {
    for (let v = reach; v >= 0; v--) if (counts[v] !== 0) counts[v + r] += counts[v]!;
    reach += r;
  }
  return counts;
}

/** P(R+ ≤ k) and P(R+ ≥ k) for the exact null distribution of n untied, non-zero differences (ranks 1..n). */
export function wilcoxonExactTails(rPlus: number, n: number): { cdf: number; sf: number } {
  const counts = signedRankCounts(Array.from({ length: n }, (_, i) => 2 * (i + 1)));
  const total = 2 ** n;
  let cdf = 0;
  let sf = 0;
  const lo = 2 * Math.ceil(rPlus);
  const hi = 2 * Math.floor(rPlus);
  for (let v = 0; v < counts.length; v++) {
    if (v <= lo) cdf += counts[v]!;
    if (v >= hi) sf += counts[v]!;
  }
  return { cdf: cdf / total, sf: sf / total };
}

export function wilcoxonSignedRank(diffs: readonly number[], opts: WilcoxonOptions = {}): WilcoxonResult {
  if (diffs.length === 0) throw new RangeError('Wilcoxon signed-rank: no differences');
  if (diffs.some((d) => !Number.isFinite(d)))
    throw new RangeError('Wilcoxon signed-rank: a difference is not a finite number');
  const nonZero = diffs.filter((d) => d !== 0);
  const zeros = diffs.length - nonZero.length;
  const n = nonZero.length;
  // Ranks of |d|: the positive differences and the magnitudes of the negative ones, sorted apart and merged
  // (pooledRankSum, O(n log n)). R+ is the positives' rank sum; ranks are multiples of ½, so R− = n(n+1)/2 − R+ exactly.
  const positives = new Float64Array(n);
  const negatives = new Float64Array(n);
  let np = 0;
  let nn = 0;
  for (const d of nonZero) {
    if (d > 0) positives[np++] = d;
    else negatives[nn++] = -d;
  }
  const { rankSum: rPlus, tieCounts } = pooledRankSum(
    positives.subarray(0, np).sort(),
    negatives.subarray(0, nn).sort(),
  );
  const rMinus = (n * (n + 1)) / 2 - rPlus;

  let method: WilcoxonMethod;
  if (opts.method && opts.method !== 'auto') method = opts.method;
  else if (diffs.length > 50) method = 'asymptotic';
  else if (!hasTies(tieCounts) && zeros === 0) method = 'exact';
  else if (diffs.length <= 13) method = 'permutation';
  else method = 'asymptotic';

  let pValue: number;
  if (n === 0) {
    pValue = 1; // every difference is zero: no evidence either way (scipy returns NaN here)
  } else if (method === 'exact') {
    const { cdf, sf } = wilcoxonExactTails(rPlus, n);
    pValue = 2 * Math.min(sf, cdf);
  } else if (method === 'permutation') {
    // Flipping the sign of each difference (zeros included, which changes nothing) enumerates 2^N equally likely
    // outcomes; as in scipy.stats.permutation_test, the p-value doubles the smaller tail at the observed R+.
    const { ranks } = averageRanks(nonZero.map(Math.abs)); // n ≤ 13 here
    const counts = signedRankCounts(ranks.map((r) => Math.round(2 * r)));
    const observed = Math.round(2 * rPlus);
    let less = 0;
    let greater = 0;
    for (let v = 0; v < counts.length; v++) {
      if (v <= observed) less += counts[v]!;
      if (v >= observed) greater += counts[v]!;
    }
    const total = 2 ** n; // zeros multiply both tails and the total alike
    pValue = 2 * Math.min(less / total, greater / total);
  } else {
    const mean = (n * (n + 1)) / 4;
    const se = Math.sqrt((n * (n + 1) * (2 * n + 1) - tieTerm(tieCounts) / 2) / 24);
    let z = (rPlus - mean) / se;
    if (opts.correction) z -= (Math.sign(z) * 0.5) / se;
    pValue = 2 * normalSf(Math.abs(z));
  }
  return {
    statistic: Math.min(rPlus, rMinus),
    rPlus,
    rMinus,
    n,
    zeros,
    pValue: Math.min(1, Math.max(0, pValue)),
    method,
  };
}
