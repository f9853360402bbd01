// Student-t prediction interval for the next value of a series (e.g. the next run median from a history of run medians).
import { mean, stdev } from './descriptive.js';
import { studentTQuantile, studentTSf } from './special.js';

export interface PredictionInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1) of the history. */
  sd: number;
  df: number;
  /** t quantile at 1 − (1 − confidence)/2. */
  t: number;
  /** t · sd · √(1 + 1/n): the new value's own spread plus the uncertainty of the estimated mean. */
  halfWidth: number;
  low: number;
  high: number;
}

function checkHistory(values: readonly number[]): void {
  if (values.length < 2) throw new RangeError(`prediction interval: needs at least 2 values (got ${values.length})`);
  if (values.some((v) => !Number.isFinite(v)))
    throw new RangeError('prediction interval: a value is not a finite number');
}

/**
 * Two-sided interval that holds a new draw from the history's (normal) distribution with probability `confidence`.
 * Bencher's t-test threshold uses mean ± t·sd; the √(1 + 1/n) factor adds the error of estimating the mean from n
 * runs, which matters at the 3–10 runs a baseline store holds.
 */
export function predictionInterval(values: readonly number[], confidence = 0.95): PredictionInterval {
  checkHistory(values);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`prediction interval: confidence must be between 0 and 1 (got ${confidence})`);
  const n = values.length;
  const m = mean(values);
  const sd = stdev(values);
  const df = n - 1;
  const t = studentTQuantile(1 - (1 - confidence) / 2, df);
  const halfWidth = t * sd * Math.sqrt(1 + 1 / n);
  return { n, mean: m, sd, df, t, halfWidth, low: m - halfWidth, high: m + halfWidth };
}

/** Two-sided p-value of `value` as a new draw from the history: outside the (1 − α) interval exactly when p < α. */
export function predictionPValue(value: number, values: readonly number[]): number {
  checkHistory(values);
  const n = values.length;
  const scale = stdev(values) * Math.sqrt(1 + 1 / n);
  const distance = Math.abs(value - mean(values));
  if (scale === 0) return distance === 0 ? 1 : 0;
  return Math.min(1, 2 * studentTSf(distance / scale, n - 1));
}
