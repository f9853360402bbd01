// History over months (pure, issue 16 item 2): change points in a series of run medians by binary segmentation with a
// Student t-test on each split, as Apache Otava (formerly Hunter) decides E-divisive candidates, with a minimum
// magnitude; and slow drift over the last N runs (Theil–Sen with Mann–Kendall), the change no single step shows.
import { mannKendall, theilSen } from '../stats/trend.js';
import { studentTSf } from '../stats/special.js';

export interface ChangePoint {
  /** Index of the first run after the change. */
  index: number;
  /** Mean after ÷ mean before − 1 (within the segment where it was found). */
  change: number;
  pValue: number;
  /** Runs on each side of the split in its segment. */
  before: number;
  after: number;
}

export interface ChangePointOptions {
  /** Significance of a split (default 0.001: Otava's default threshold order; false alarms stay rare in long series). */
  alpha?: number;
  /** Smallest relative change that counts (default 0.02). */
  minMagnitude?: number;
  /** Fewest runs on each side of a split (default 5). */
  minSegment?: number;
}

interface Prefix {
  sum: Float64Array;
  sq: Float64Array;
}

function prefix(values: readonly number[]): Prefix {
  const sum = new Float64Array(values.length + 1);
  const sq = new Float64Array(values.length + 1);
  values.forEach((v, i) => {
    sum[i + 1] = sum[i]! + v;
    sq[i + 1] = sq[i]! + v * v;
  });
  return { sum, sq };
}

/** Pooled two-sample t test of values[from, split) against values[split, to), from prefix sums: O(1) per split. */
function tTest(
  p: Prefix,
  from: number,
  split: number,
  to: number,
): { t: number; p: number; meanA: number; meanB: number } {
  const na = split - from;
  const nb = to - split;
  const sa = p.sum[split]! - p.sum[from]!;
  const sb = p.sum[to]! - p.sum[split]!;
  const meanA = sa / na;
  const meanB = sb / nb;
  const ssa = p.sq[split]! - p.sq[from]! - na * meanA * meanA;
  const ssb = p.sq[to]! - p.sq[split]! - nb * meanB * meanB;
  const df = na + nb - 2;
  const pooled = Math.max(0, (ssa + ssb) / df);
  const se = Math.sqrt(pooled * (1 / na + 1 / nb));
  if (!(se > 0)) return { t: meanA === meanB ? 0 : Infinity, p: meanA === meanB ? 1 : 0, meanA, meanB };
  const t = (meanB - meanA) / se;
  return { t, p: Math.min(1, 2 * studentTSf(Math.abs(t), df)), meanA, meanB };
}

/**
 * Change points of a series (run medians in time order): the split with the largest |t| in a segment is kept when
 * its t-test is significant at alpha and the change at least minMagnitude, then both sides are searched again.
 */
export function changePoints(values: readonly number[], opts: ChangePointOptions = {}): ChangePoint[] {
  const alpha = opts.alpha ?? 0.001;
  const minMagnitude = opts.minMagnitude ?? 0.02;
  const minSegment = Math.max(2, opts.minSegment ?? 5);
  const p = prefix(values);
  const found: ChangePoint[] = [];
  const search = (from: number, to: number): void => {
    if (to - from < 2 * minSegment) return;
    let best: { split: number; t: number } | undefined;
    for (let split = from + minSegment; split <= to - minSegment; split++) {
      const { t } = tTest(p, from, split, to);
      if (!best || Math.abs(t) > Math.abs(best.t)) best = { split, t };
    }
    if (!best) return;
    const test = tTest(p, from, best.split, to);
    const change = test.meanA !== 0 ? test.meanB / test.meanA - 1 : 0;
    if (!(test.p < alpha) || Math.abs(change) < minMagnitude) return;
    found.push({ index: best.split, change, pValue: test.p, before: best.split - from, after: to - best.split });
    search(from, best.split);
    search(best.split, to);
  };
  search(0, values.length);
  return found.sort((a, b) => a.index - b.index);
}

export interface Drift {
  runs: number;
  /** Theil–Sen slope × (runs − 1) ÷ the median: "−9% over 40 runs". */
  totalChange: number;
  pValue: number;
  significant: boolean;
}

/** Slow drift over the last `window` runs: significant by Mann–Kendall at alpha and at least minMagnitude in total. */
export function drift(
  values: readonly number[],
  opts: { window?: number; alpha?: number; minMagnitude?: number } = {},
): Drift | undefined {
  const series = values.slice(-(opts.window ?? 40));
  if (series.length < 8) return undefined;
  const x = series.map((_, i) => i);
  const ts = theilSen(x, series);
  const sorted = [...series].sort((a, b) => a - b);
  const centre = sorted[sorted.length >> 1]!;
  const totalChange = centre !== 0 ? (ts.slope * (series.length - 1)) / centre : 0;
  const mk = mannKendall(series);
  return {
    runs: series.length,
    totalChange,
    pValue: mk.pValue,
    significant: mk.pValue < (opts.alpha ?? 0.01) && Math.abs(totalChange) >= (opts.minMagnitude ?? 0.03),
  };
}
