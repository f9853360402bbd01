// The per-metric decision rules on plain sample arrays: run vs run, paired A/B blocks, run-median history, and a fixed ratio.
import type { Direction } from '../schema/metrics.js';
import { mean, median } from '../stats/descriptive.js';
import { bootstrapPairedRatioCI, bootstrapRatioCI, ratioOf, type CentreStatistic } from '../stats/bootstrap.js';
import { mannWhitneyU } from '../stats/mannwhitney.js';
import { sortedCopy } from '../stats/ranks.js';
import { wilcoxonSignedRank } from '../stats/wilcoxon.js';
import { signFlipTest } from '../stats/permutation.js';
import { predictionInterval, predictionPValue } from '../stats/prediction.js';
import { studentTQuantile } from '../stats/special.js';
import { MIN_SAMPLES } from './settings.js';

export type ChangeKind = 'regression' | 'improvement' | 'unchanged';

export interface Rule {
  direction: Direction;
  alpha: number;
  /** Smallest relative change that counts (0.03 = 3%), in either direction. */
  threshold: number;
  /** Fewer samples than this on a side: not judged (default 4). */
  minSamples?: number;
}

export interface ResamplingOptions {
  seed?: number;
  iterations?: number;
  confidence?: number;
}

export interface Decision {
  /** head ÷ base for the rule's estimator; null when undefined (a base of zero). */
  ratio: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  verdict: ChangeKind;
  /** The threshold that applied (history widens it to the run-to-run spread); null when not judged by direction. */
  threshold: number | null;
  /** Which test produced p ('mann-whitney exact', 'wilcoxon exact', …). */
  test: string;
  note?: string;
}

/**
 * The decision rule (docs/design.md "Where each rule lives"): a regression needs p < alpha AND a change beyond the threshold in the metric's bad
 * direction; an improvement the same in the good direction; everything else is unchanged. A ratio of +Infinity (a
 * count that rose from zero) counts as a change without bound.
 */
export function classifyChange(
  ratio: number,
  pValue: number,
  rule: Pick<Rule, 'direction' | 'alpha' | 'threshold'>,
): ChangeKind {
  if (rule.direction === 'none' || Number.isNaN(ratio) || !(pValue < rule.alpha)) return 'unchanged';
  const higher = ratio > 1 + rule.threshold;
  const lower = ratio < 1 - rule.threshold;
  if (rule.direction === 'higher') return lower ? 'regression' : higher ? 'improvement' : 'unchanged';
  return higher ? 'regression' : lower ? 'improvement' : 'unchanged';
}

interface Counts {
  /** Samples (or runs) on the base side; absent when only the head's count matters (history). */
  base?: number;
  head: number;
  what: string;
}

function judge(
  ratio: number,
  pValue: number,
  rule: Rule,
  counts: Counts,
): Pick<Decision, 'verdict' | 'threshold' | 'note'> {
  const min = rule.minSamples ?? MIN_SAMPLES;
  if (rule.direction === 'none') return { verdict: 'unchanged', threshold: null };
  if ((counts.base !== undefined && counts.base < min) || counts.head < min) {
    const seen =
      counts.base !== undefined
        ? `base ${counts.base}, head ${counts.head}; needs ${min} a side`
        : `${counts.head}; needs ${min}`;
    return { verdict: 'unchanged', threshold: rule.threshold, note: `too few ${counts.what} to judge (${seen})` };
  }
  return { verdict: classifyChange(ratio, pValue, rule), threshold: rule.threshold };
}

/** head ÷ base, with x ÷ 0 as +Infinity so a count rising from zero still has a direction. */
function directedRatio(head: number, base: number): number {
  const r = ratioOf(head, base);
  return Number.isNaN(r) && head > 0 ? Number.POSITIVE_INFINITY : r;
}

/**
 * Run vs run (strategy `baseline`): two-sided Mann-Whitney U on the samples, ratio of medians with a seeded
 * bootstrap interval. Assumes the two runs saw the same machine speed, which drift between runs breaks.
 */
export function decideIndependent(
  base: readonly number[],
  head: readonly number[],
  rule: Rule,
  opts: ResamplingOptions = {},
): Decision {
  // Sorted once, shared by the medians, the rank test and (above RESAMPLE_MAX) the bootstrap: a soak run's millions of
  // samples are sorted twice a side otherwise. Samples with NaN or infinities go the plain way, to the tests' errors.
  const sorted = allFinite(base) && allFinite(head) ? { base: sortedCopy(base), head: sortedCopy(head) } : undefined;
  const medianOf = (xs: readonly number[], s: Float64Array | undefined): number =>
    s && s.length > 0 ? sortedMedian(s) : median(xs);
  const raw = directedRatio(medianOf(head, sorted?.head), medianOf(base, sorted?.base));
  const ratio = Number.isFinite(raw) ? raw : null;
  const min = rule.minSamples ?? MIN_SAMPLES;
  if (base.length < min || head.length < min) {
    // Too few to test: no p-value and no interval, rather than a meaningless p = 1 beside the note.
    return {
      ratio,
      ci: null,
      pValue: null,
      test: 'none',
      ...judge(raw, 1, rule, { base: base.length, head: head.length, what: 'samples' }),
    };
  }
  const mw = mannWhitneyU(base, head, sorted ? { sorted: [sorted.base, sorted.head] } : {});
  const ci = bootstrapRatioCI(base, head, { ...opts, sorted });
  return {
    ratio,
    ci,
    pValue: mw.pValue,
    test: `mann-whitney ${mw.method}`,
    ...judge(raw, mw.pValue, rule, { base: base.length, head: head.length, what: 'samples' }),
  };
}

function allFinite(xs: readonly number[]): boolean {
  for (const v of xs) if (!Number.isFinite(v)) return false;
  return true;
}

/** Median of an ascending array: the middle value, or the mean of the two middle ones (what median() returns). */
function sortedMedian(s: Float64Array): number {
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export type PairedTest = 'wilcoxon' | 'sign-flip';

export interface PairedOptions extends ResamplingOptions {
  /**
   * 'wilcoxon' (default): exact for ≤ 50 untied pairs, deterministic and fast, robust to one disturbed block.
   * 'sign-flip': permutation test of the mean log ratio (exact up to 16 pairs, seeded Monte Carlo beyond).
   */
  test?: PairedTest;
  /** Centre of the log ratios that gives the ratio and its interval (default 'mean': a geometric mean of ratios). */
  statistic?: CentreStatistic;
}

/** The smallest two-sided p-value an exact signed-rank or sign-flip test can reach with n pairs: 2 / 2^n. */
export function smallestPairedPValue(n: number): number {
  return Math.min(1, 2 / 2 ** n);
}

/**
 * A/B in one run (strategy `ab`): a paired test on per-block log ratios log(head ÷ base), ratio = exp(centre),
 * interval = exp(seeded bootstrap interval of the centre). Drift common to both sides of a block cancels.
 */
export function decidePaired(logRatios: readonly number[], rule: Rule, opts: PairedOptions = {}): Decision {
  const n = logRatios.length;
  if (n === 0) {
    return {
      ratio: null,
      ci: null,
      pValue: null,
      verdict: 'unchanged',
      threshold: rule.direction === 'none' ? null : rule.threshold,
      test: 'none',
      note: 'no blocks with both sides',
    };
  }
  const testName = opts.test ?? 'wilcoxon';
  let pValue: number;
  let test: string;
  if (testName === 'sign-flip') {
    const res = signFlipTest(logRatios, { seed: opts.seed });
    pValue = res.pValue;
    test = `sign-flip ${res.method}`;
  } else {
    const res = wilcoxonSignedRank(logRatios);
    pValue = res.pValue;
    test = `wilcoxon ${res.method}`;
  }
  const { ratio, ci } = bootstrapPairedRatioCI(logRatios, { ...opts, statistic: opts.statistic });
  const judged = judge(ratio, pValue, rule, { head: n, what: 'paired blocks' });
  const floor = smallestPairedPValue(n);
  if (!judged.note && rule.direction !== 'none' && floor >= rule.alpha) {
    judged.note = `${n} blocks cannot reach p < ${rule.alpha} (smallest possible p is ${floor.toPrecision(2)}): run more repetitions`;
  }
  if (!judged.note && judged.verdict === 'unchanged') {
    // "Unchanged" from too few blocks for the noise is not "no regression": say how large a change could have shown.
    const sensitivity = pairedSensitivity(logRatios, rule);
    if (sensitivity && sensitivity.blocksForTwiceThreshold !== null && sensitivity.detectable > 2 * rule.threshold) {
      judged.note =
        `${n} blocks detect only changes of about ${percent(sensitivity.detectable)} or more (block ratios vary by ±${percent(sensitivity.spread)}); ` +
        `about ${sensitivity.blocksForTwiceThreshold} blocks would detect ${percent(2 * rule.threshold)}`;
    }
  }
  return { ratio, ci, pValue, test, ...judged };
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(2))}%`;
}

/** Probability with which pairedSensitivity's detectable change is called a regression. */
export const DETECTION_POWER = 0.95;

export interface PairedSensitivity {
  /** Sample standard deviation of the block log ratios (≈ the relative spread of the block ratios). */
  spread: number;
  /** Smallest relative change in the metric's bad direction (0.17 = 17%) these blocks call a regression with probability DETECTION_POWER. */
  detectable: number;
  /** Blocks that would detect a change of twice the threshold with that probability, at the same spread; null with a threshold of 0. */
  blocksForTwiceThreshold: number | null;
}

/** The bad-direction log change that a relative change `fraction` of the metric is: speeds fall, times rise. */
function logChange(fraction: number, direction: 'higher' | 'lower'): number {
  return direction === 'higher' ? -Math.log(1 - Math.min(fraction, 0.999999)) : Math.log(1 + fraction);
}

function detectableLog(sd: number, n: number, thresholdLog: number, alpha: number): number {
  const se = sd / Math.sqrt(n);
  return (
    Math.max(thresholdLog, studentTQuantile(1 - alpha / 2, n - 1) * se) + studentTQuantile(DETECTION_POWER, n - 1) * se
  );
}

/**
 * How large a change a paired comparison of these blocks can see. With se = sd ÷ √n of the block log ratios, a true
 * change δ (as a log ratio) is called a regression with probability ≈ DETECTION_POWER when
 * δ ≥ max(threshold, t(1 − α/2)·se) + t(DETECTION_POWER)·se, t with n − 1 degrees of freedom: the estimate must clear
 * both the threshold and the significance bar. A t approximation of the Wilcoxon rule, conservative for the
 * heavy-tailed block ratios of a busy machine (bench:stats compares it with measured detection rates). Null when the
 * metric has no direction or there are fewer than 2 blocks.
 */
export function pairedSensitivity(
  logRatios: readonly number[],
  rule: Pick<Rule, 'direction' | 'alpha' | 'threshold'>,
): PairedSensitivity | null {
  const n = logRatios.length;
  if (rule.direction === 'none' || n < 2) return null;
  const direction = rule.direction;
  const m = mean(logRatios);
  const spread = Math.sqrt(logRatios.reduce((sum, d) => sum + (d - m) ** 2, 0) / (n - 1));
  const thresholdLog = logChange(rule.threshold, direction);
  const delta = detectableLog(spread, n, thresholdLog, rule.alpha);
  const detectable = direction === 'higher' ? 1 - Math.exp(-delta) : Math.exp(delta) - 1;
  if (!(rule.threshold > 0)) return { spread, detectable, blocksForTwiceThreshold: null };
  // detectableLog falls as blocks are added: double, then bisect, for the first count that reaches the target.
  const target = logChange(2 * rule.threshold, direction);
  const reaches = (blocks: number): boolean => detectableLog(spread, blocks, thresholdLog, rule.alpha) <= target;
  let high = 2;
  while (!reaches(high) && high < 1e7) high *= 2;
  let low = Math.max(1, high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (reaches(mid)) high = mid;
    else low = mid;
  }
  // Never fewer blocks than the signed-rank test needs to reach p < alpha at all.
  let fewest = MIN_SAMPLES;
  while (smallestPairedPValue(fewest) >= rule.alpha) fewest++;
  return { spread, detectable, blocksForTwiceThreshold: Math.max(high, fewest) };
}

export interface BlockedSamples {
  samples: readonly number[];
  /** Block index of each sample; absent → the repetition index is the block. */
  blocks?: readonly number[];
}

export interface BlockPairing {
  logRatios: number[];
  /** Block indices, in the order of logRatios. */
  blocks: number[];
  /** Blocks present on one side only, or where one side's mean was zero and the other's not. */
  dropped: number;
}

function groupByBlock(side: BlockedSamples): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  side.samples.forEach((v, i) => {
    const block = side.blocks ? side.blocks[i]! : i;
    const list = groups.get(block);
    if (list) list.push(v);
    else groups.set(block, [v]);
  });
  return groups;
}

/**
 * Per-block log ratios log(mean head ÷ mean base) for blocks both sides ran in. The means keep a block with several
 * repetitions a side to one pair, so the test's unit is the block, where drift is shared. Blocks where both means are
 * zero give 0 (no change); a zero on one side only has no finite log ratio and is dropped.
 */
export function blockLogRatios(base: BlockedSamples, head: BlockedSamples): BlockPairing {
  for (const side of [base, head]) {
    if (side.blocks && side.blocks.length !== side.samples.length) {
      throw new RangeError(`block pairing: ${side.samples.length} samples but ${side.blocks.length} block indices`);
    }
  }
  const logRatios: number[] = [];
  const blocks: number[] = [];
  let dropped = 0;
  const pair = (block: number, bm: number, hm: number): void => {
    if (bm === 0 && hm === 0) {
      logRatios.push(0);
      blocks.push(block);
    } else if (bm > 0 && hm > 0) {
      logRatios.push(Math.log(hm / bm));
      blocks.push(block);
    } else dropped++;
  };
  if (!base.blocks && !head.blocks) {
    // The repetition index is the block: one sample a block and side, paired by index without grouping (a soak run
    // has a million blocks). The mean of one value is that value, so this is the grouped rule below, in O(n).
    const both = Math.min(base.samples.length, head.samples.length);
    for (let i = 0; i < both; i++) pair(i, base.samples[i]!, head.samples[i]!);
    dropped += Math.max(base.samples.length, head.samples.length) - both;
    return { logRatios, blocks, dropped };
  }
  const b = groupByBlock(base);
  const h = groupByBlock(head);
  const all = [...new Set([...b.keys(), ...h.keys()])];
  // Recorded blocks usually come in order already; sorting a million of them with a comparator is not free.
  let ordered = true;
  for (let i = 1; i < all.length && ordered; i++) ordered = all[i - 1]! < all[i]!;
  if (!ordered) all.sort((x, y) => x - y);
  for (const block of all) {
    const bs = b.get(block);
    const hs = h.get(block);
    if (!bs || !hs) {
      dropped++;
      continue;
    }
    pair(block, mean(bs), mean(hs));
  }
  return { logRatios, blocks, dropped };
}

export interface HistoryDecision extends Decision {
  /** Mean of the stored run medians: the centre of the prediction interval and the denominator of the ratio. */
  centre: number;
  /** Prediction interval for a new run median at 1 − alpha. */
  interval: [number, number];
}

/**
 * Run-median history (strategy `baseline-history`): the stored runs' medians give a Student-t prediction interval
 * for the next run median at 1 − alpha. The head run median outside it in the bad direction AND worse than the
 * threshold is a regression, so the smallest change that counts is max(threshold, half-width ÷ centre). p is the
 * two-sided t probability of a run median at least that far from the centre; the interval of the ratio is
 * (head median ± t·sd·√(1 + 1/k)) ÷ centre at the requested confidence.
 */
export function decideHistory(
  runMedians: readonly number[],
  head: readonly number[],
  rule: Rule,
  opts: ResamplingOptions = {},
): HistoryDecision {
  if (runMedians.length < 2)
    throw new RangeError(`history rule: needs at least 2 run medians (got ${runMedians.length})`);
  const headMedian = median(head);
  const decision = predictionInterval(runMedians, 1 - rule.alpha);
  const reported = predictionInterval(runMedians, opts.confidence ?? 0.95);
  const centre = decision.mean;
  const pValue = predictionPValue(headMedian, runMedians);
  const raw = directedRatio(headMedian, centre);
  const ratio = Number.isFinite(raw) ? raw : null;
  const ci: [number, number] | null =
    centre > 0 ? [(headMedian - reported.halfWidth) / centre, (headMedian + reported.halfWidth) / centre] : null;
  const widened = { ...rule, threshold: Math.max(rule.threshold, centre > 0 ? decision.halfWidth / centre : 0) };
  const judged = judge(raw, pValue, widened, { head: head.length, what: 'head samples' });
  return {
    ratio,
    ci,
    pValue,
    test: `prediction interval (t, ${runMedians.length} runs)`,
    centre,
    interval: [decision.low, decision.high],
    ...judged,
  };
}

/**
 * github-action-benchmark's rule, for measuring it beside ours: one value against one value, alarm when the change in
 * the bad direction exceeds `ratio` (2 = its default 200%). No statistics, no improvements.
 */
export function decideRatioRule(baseValue: number, headValue: number, direction: Direction, ratio = 2): ChangeKind {
  if (direction === 'none') return 'unchanged';
  const worse = direction === 'higher' ? baseValue / headValue : headValue / baseValue;
  return worse > ratio ? 'regression' : 'unchanged';
}
