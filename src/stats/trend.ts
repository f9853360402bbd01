// Trends over time for soaks: Theil–Sen slope with its distribution-free interval, the Mann–Kendall test, and the
// Wilson interval of a success rate. Checked against scipy.stats.theilslopes / kendalltau and statsmodels' formulas.
import { normalCdf } from './special.js';

/**
 * The standard normal quantile: Acklam's rational approximation (relative error < 1.2e-9) refined by one Halley step
 * on normalCdf, so it agrees with scipy.stats.norm.ppf to ~1e-12 over (1e-12, 1 − 1e-12).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

export interface TheilSen {
  /** Median of the pairwise slopes (value units per time unit). */
  slope: number;
  /** Intercept: median(y) − slope·median(x) (scipy's default, method "separate"). */
  intercept: number;
  /** Distribution-free interval of the slope at the requested confidence (Sen 1968), as scipy.stats.theilslopes. */
  low: number;
  high: number;
}

function medianSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Tie-corrected variance of Kendall's S for samples `x` (and `y` when given), Kendall's formula. */
function tieTerm(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const t of counts.values()) if (t > 1) sum += t * (t - 1) * (2 * t + 5);
  return sum;
}

/**
 * Theil–Sen estimator of y on x: the median of the slopes of all pairs with distinct x, and Sen's interval from the
 * ranks of the sorted slopes (as scipy.stats.theilslopes). O(n²) pairs: series are downsampled to ≤ 1,000 points
 * by the caller (a soak at one request every 2 s for 24 h has 43,200).
 */
export function theilSen(x: readonly number[], y: readonly number[], confidence = 0.95): TheilSen {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`theilSen: ${n} x values but ${y.length} y values`);
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN, low: Number.NaN, high: Number.NaN };
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j]! - x[i]!;
      if (dx !== 0) slopes.push((y[j]! - y[i]!) / dx);
    }
  }
  slopes.sort((a, b) => a - b);
  const slope = medianSorted(slopes);
  const intercept = medianSorted([...y].sort((a, b) => a - b)) - slope * medianSorted([...x].sort((a, b) => a - b));
  // Sen's interval (1968, eq. 2.6): S's variance less the ties in x and in y; the slopes at ranks (N ∓ z·σ)/2,
  // rounded half to even as numpy does.
  const m = slopes.length;
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5) - tieTerm(x) - tieTerm(y)) / 18);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  let ru = roundHalfEven((m + z * sigma) / 2);
  let rl = roundHalfEven((m - z * sigma) / 2) - 1;
  ru = Math.min(m - 1, Math.max(0, ru));
  rl = Math.min(m - 1, Math.max(0, rl));
  return { slope, intercept, low: slopes[rl]!, high: slopes[ru]! };
}

export interface MannKendall {
  /** Kendall's S: concordant minus discordant pairs of (time, value). */
  s: number;
  /** Normal approximation with continuity correction and the tie-corrected variance. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Kendall's tau-a = S ÷ (n(n−1)/2). */
  tau: number;
}

/**
 * The Mann–Kendall trend test of a series in time order: S = Σ sign(y_j − y_i) over i < j, variance
 * n(n−1)(2n+5)/18 less the tie terms, z = (S ∓ 1)/σ. No trend when n < 3.
 */
export function mannKendall(y: readonly number[]): MannKendall {
  const n = y.length;
  if (n < 3) return { s: 0, z: 0, pValue: 1, tau: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j]! - y[i]!);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm(y)) / 18;
  const z = variance > 0 ? (s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0) : 0;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { s, z, pValue, tau: s / ((n * (n - 1)) / 2) };
}

/** Wilson score interval of a proportion `successes ÷ trials` at `confidence` (the interval statsmodels calls "wilson"). */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): [number, number] {
  if (trials <= 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Evenly spaced indices keeping at most `max` points, first and last included: series for charts and O(n²) trends. */
export function downsampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return [...new Set(out)];
}
