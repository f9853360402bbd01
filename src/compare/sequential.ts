// Stop when decided (pure, issue 17): after each A/B block, a sequential rule on the per-block log ratios says
// regression, improvement, equivalent or continue, keeping its error rates under repeated looks.
//
// The rule: it looks at minBlocks blocks and then every `every` blocks (default 2) up to maxBlocks; at each look a
// Student-t interval of the mean log ratio at level 1 − 2·α_k, with α_k = alpha ÷ (number of looks): Bonferroni
// alpha spending, so the chance of any false decision
// over all looks stays ≤ alpha whatever the look at which it stops (a union bound; conservative, simple, and valid
// for the heavy-tailed block ratios of a busy machine, where the t interval is already conservative).
// - regression / improvement: the interval excludes 0 and the estimate is beyond the threshold in that direction
//   (the fixed design's rule: significant AND large enough);
// - equivalent: the whole interval lies within ±threshold (two one-sided tests, TOST), so "unchanged" means "the same
//   within the threshold", not "could not tell";
// - continue otherwise; at maxBlocks, undecided, with what the interval rules out.
import { studentTQuantile } from '../stats/special.js';

export type SequentialDecision = 'regression' | 'improvement' | 'equivalent' | 'continue' | 'undecided';

export interface SequentialRule {
  /** Which way is better for the metric. */
  direction: 'higher' | 'lower';
  /** Smallest relative change that counts (0.05 = 5%), the same as the gate's. */
  threshold: number;
  alpha: number;
  minBlocks: number;
  maxBlocks: number;
  /** Blocks between looks after the first (default 2): fewer looks, less alpha spent per look. */
  every?: number;
}

/** Block counts at which the rule looks: minBlocks, then every `every`, and maxBlocks. */
export function looksOf(rule: SequentialRule): number[] {
  const every = Math.max(1, rule.every ?? 2);
  const out: number[] = [];
  for (let k = Math.max(2, rule.minBlocks); k < rule.maxBlocks; k += every) out.push(k);
  out.push(rule.maxBlocks);
  return [...new Set(out)];
}

export interface SequentialState {
  decision: SequentialDecision;
  blocks: number;
  /** exp(mean log ratio): head ÷ base. */
  ratio: number;
  /** The interval of the ratio at this look's level. */
  ci: [number, number];
  /** "the change is within −3.1% … +1.2%" once undecided. */
  note?: string;
}

function meanSd(values: readonly number[]): [number, number] {
  const n = values.length;
  const m = values.reduce((a, b) => a + b, 0) / n;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, n - 1);
  return [m, Math.sqrt(v)];
}

const pct = (r: number): string => `${r >= 1 ? '+' : '−'}${(Math.abs(r - 1) * 100).toFixed(1)}%`;

/** The decision after `logRatios.length` blocks (log(head ÷ base) per block). */
export function sequentialDecision(logRatios: readonly number[], rule: SequentialRule): SequentialState {
  const n = logRatios.length;
  const alphaK = rule.alpha / looksOf(rule).length;
  if (n < Math.max(2, rule.minBlocks))
    return {
      decision: 'continue',
      blocks: n,
      ratio: n ? Math.exp(logRatios.reduce((a, b) => a + b, 0) / n) : 1,
      ci: [0, Infinity],
    };
  const [m, sd] = meanSd(logRatios);
  const half = studentTQuantile(1 - alphaK, n - 1) * (sd / Math.sqrt(n));
  const lo = m - half;
  const hi = m + half;
  const ratio = Math.exp(m);
  const ci: [number, number] = [Math.exp(lo), Math.exp(hi)];
  // Bad direction in log space: a speed falls (ratio < 1), a time rises (ratio > 1).
  const badLog = rule.direction === 'higher' ? Math.log(1 - rule.threshold) : Math.log(1 + rule.threshold);
  const goodLog = rule.direction === 'higher' ? Math.log(1 + rule.threshold) : Math.log(1 - rule.threshold);
  const [lowBound, highBound] = [Math.min(badLog, goodLog), Math.max(badLog, goodLog)];
  const bad = rule.direction === 'higher' ? hi < 0 && m <= badLog : lo > 0 && m >= badLog;
  const good = rule.direction === 'higher' ? lo > 0 && m >= goodLog : hi < 0 && m <= goodLog;
  let decision: SequentialDecision = 'continue';
  if (bad) decision = 'regression';
  else if (good) decision = 'improvement';
  else if (lo > lowBound && hi < highBound) decision = 'equivalent';
  else if (n >= rule.maxBlocks) decision = 'undecided';
  const state: SequentialState = { decision, blocks: n, ratio, ci };
  if (decision === 'undecided')
    state.note = `undecided after ${n} blocks: the change is within ${pct(ci[0])} … ${pct(ci[1])}`;
  return state;
}

/** Runs the rule block by block over a stream of block log ratios; returns the state where it stopped. */
export function runSequential(stream: readonly number[], rule: SequentialRule): SequentialState {
  let state: SequentialState = { decision: 'continue', blocks: 0, ratio: 1, ci: [0, Infinity] };
  for (const k of looksOf(rule)) {
    if (k > stream.length) break;
    state = sequentialDecision(stream.slice(0, k), rule);
    if (state.decision !== 'continue') return state;
  }
  return state;
}
