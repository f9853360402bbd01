// Run vs stored baseline (strategies `baseline` and `baseline-calibrated`): head results against base results, per runner label.
import { InputError } from '../util/errors.js';
import { metricInfo } from '../schema/metrics.js';
import type { CaseResult, Results } from '../schema/results.js';
import type { Strategy, Verdict } from '../schema/verdict.js';
import { median } from '../stats/descriptive.js';
import { seedFrom } from '../stats/random.js';
import {
  assembleVerdict,
  casesById,
  checkSameLabel,
  customMetrics,
  metricNames,
  runDifferences,
  type CaseEvaluation,
  type MetricEvaluation,
  type RunEntry,
} from './assemble.js';
import { calibrationBetween, calibrationScale, rescale, type Calibration } from './calibration.js';
import { decideIndependent, type Rule } from './decide.js';
import {
  MIN_SAMPLES,
  checkSettings,
  thresholdFor,
  type CompareOptions,
  type CompareSettingsInput,
} from './settings.js';

export interface BaselinePair {
  /** Runner label of this pair: the head's `runner.label`. */
  label: string;
  base: Results | null;
  head: Results;
  /** File names for error messages. */
  baseFile?: string;
  headFile?: string;
}

export interface BaselineOptions extends CompareOptions {
  /**
   * 'auto' (default): when both runs measured the reference workload (`calibration.samples`), rescale the base's
   * speeds and latencies to the head machine's reference speed before comparing; the verdict's strategy then says
   * `baseline-calibrated`. 'off': compare the raw samples.
   */
  calibration?: 'auto' | 'off';
}

export function ruleFor(metric: string, results: Array<Results | null>, settings: CompareSettingsInput): Rule {
  const info = metricInfo(metric, customMetrics(...results));
  return {
    direction: info.direction,
    alpha: settings.alpha,
    threshold: thresholdFor(metric, settings),
    minSamples: MIN_SAMPLES,
  };
}

/** The resampling seed of one case and metric: stable under reordering or adding other cases. */
export function metricSeed(label: string, caseId: string, metric: string, seed = 1): number {
  return seedFrom(`${label}\u0000${caseId}\u0000${metric}`, seed);
}

function compareCase(
  label: string,
  head: CaseResult | null,
  base: CaseResult | null,
  results: { base: Results | null; head: Results },
  settings: CompareSettingsInput,
  opts: BaselineOptions,
  calibration: Calibration | null,
): CaseEvaluation {
  const custom = customMetrics(results.base, results.head);
  const id = (head ?? base)!.id;
  const metrics: MetricEvaluation[] = metricNames(head, base).map((metric) => {
    const info = metricInfo(metric, custom);
    const measured = base?.samples[metric];
    const hs = head?.samples[metric];
    const scale = calibration ? calibrationScale(metric, info) : null;
    const bs = measured && scale && calibration ? rescale(measured, scale, calibration.factor) : measured;
    const ev: MetricEvaluation = {
      metric,
      base: bs ? { n: bs.length, median: median(bs) } : null,
      head: hs ? { n: hs.length, median: median(hs) } : null,
      decision: null,
    };
    if (scale && measured) {
      const times = scale === 'speed' ? calibration!.factor : 1 / calibration!.factor;
      ev.notes = [
        `base ${scale === 'speed' ? 'speeds' : 'times'} calibrated to the head machine (×${times.toFixed(3)})`,
      ];
    }
    if (bs && hs) {
      ev.decision = decideIndependent(bs, hs, ruleFor(metric, [results.base, results.head], settings), {
        seed: metricSeed(label, id, metric, opts.seed),
        iterations: opts.iterations,
        confidence: opts.confidence,
      });
    }
    return ev;
  });
  return { label, head, base, metrics };
}

/** Head and base cases of one runner label, matched by case id, in head order with missing cases last. */
export function matchCases(
  base: Results | null,
  head: Results,
  files: { base?: string; head?: string } = {},
): Array<{ head: CaseResult | null; base: CaseResult | null }> {
  const headById = casesById(head, files.head);
  const baseById = base ? casesById(base, files.base) : new Map<string, CaseResult>();
  const pairs: Array<{ head: CaseResult | null; base: CaseResult | null }> = [];
  for (const [id, c] of headById) pairs.push({ head: c, base: baseById.get(id) ?? null });
  for (const [id, c] of baseById) if (!headById.has(id)) pairs.push({ head: null, base: c });
  return pairs;
}

/**
 * Compares head results with baseline results, one pair per runner label. Cases match by id within a label; a
 * case only in head is `new`, only in base `missing`. Each metric gets a Mann-Whitney p-value, the ratio of
 * medians and its bootstrap interval, and a verdict (see decide.ts and assemble.ts for the rules).
 */
export function compareResults(
  pairs: readonly BaselinePair[],
  settings: CompareSettingsInput,
  opts: BaselineOptions,
): Verdict {
  checkSettings(settings);
  if (pairs.length === 0) throw new InputError('nothing to compare: no head results were given');
  const seen = new Set<string>();
  const runs: RunEntry[] = [];
  const cases: CaseEvaluation[] = [];
  for (const pair of pairs) {
    if (seen.has(pair.label))
      throw new InputError(`two head results for runner label "${pair.label}"`, {
        file: pair.headFile,
        path: 'runner.label',
      });
    seen.add(pair.label);
    const files = { base: pair.baseFile, head: pair.headFile };
    if (pair.base) checkSameLabel(pair.base, pair.head, files);
    const calibration = pair.base && opts.calibration !== 'off' ? calibrationBetween(pair.base, pair.head) : null;
    const notes = pair.base
      ? runDifferences(pair.base, pair.head)
      : [`no baseline for runner label "${pair.label}": every case is new`];
    if (calibration) notes.push(calibration.note);
    else if (pair.base && opts.calibration !== 'off' && (pair.base.calibration || pair.head.calibration)) {
      notes.push('not calibrated: only one of the two runs measured the reference workload');
    }
    const strategy: Strategy = calibration ? 'baseline-calibrated' : 'baseline';
    runs.push({ label: pair.label, strategy, base: pair.base, head: pair.head, notes });
    for (const m of matchCases(pair.base, pair.head, files)) {
      cases.push(
        compareCase(pair.label, m.head, m.base, { base: pair.base, head: pair.head }, settings, opts, calibration),
      );
    }
  }
  return assembleVerdict({
    settings,
    now: opts.now,
    runs,
    cases,
    custom: customMetrics(...pairs.flatMap((p) => [p.base, p.head])),
  });
}
