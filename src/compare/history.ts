// Run against a history of stored baseline runs (strategy `baseline-history`): run-to-run spread sets the bar.
import { InputError } from '../util/errors.js';
import { metricInfo } from '../schema/metrics.js';
import type { CaseResult, Results } from '../schema/results.js';
import type { Strategy, Verdict } from '../schema/verdict.js';
import { median } from '../stats/descriptive.js';
import {
  assembleVerdict,
  casesById,
  customMetrics,
  metricNames,
  runDifferences,
  type CaseEvaluation,
  type MetricEvaluation,
} from './assemble.js';
import { metricSeed } from './baseline.js';
import { calibrationBetween, calibrationScale, rescale, type Calibration } from './calibration.js';
import { decideHistory, decideIndependent, type Rule } from './decide.js';
import {
  MIN_SAMPLES,
  checkSettings,
  thresholdFor,
  type CompareOptions,
  type CompareSettingsInput,
} from './settings.js';

export interface HistoryOptions extends CompareOptions {
  /** Stored runs needed before their spread is trusted (default 3); with fewer, the latest run is the baseline. */
  minRuns?: number;
  /** 'auto' (default): when the head and every stored run measured the reference workload, put the stored runs on the head machine's speed. */
  calibration?: 'auto' | 'off';
  files?: { head?: string; history?: string[] };
}

interface StoredRun {
  results: Results;
  cases: Map<string, CaseResult>;
  calibration: Calibration | null;
}

function storedSamples(
  run: StoredRun,
  caseId: string,
  metric: string,
  custom: Parameters<typeof metricInfo>[1],
): number[] | null {
  const samples = run.cases.get(caseId)?.samples[metric];
  if (!samples) return null;
  const scale = run.calibration ? calibrationScale(metric, metricInfo(metric, custom)) : null;
  return scale ? rescale(samples, scale, run.calibration!.factor) : samples;
}

/**
 * Compares a head run with a history of baseline runs of the same runner label. For each case and metric held by
 * at least `minRuns` stored runs, the stored run medians give a prediction interval for a new run median (see
 * decideHistory); the head run median outside it in the bad direction and worse than min_effect (or the metric's
 * gate) is a regression. Metrics with fewer stored runs are compared with the latest run by Mann-Whitney. Cases
 * of the latest run absent from the head are `missing`.
 */
export function compareWithHistory(
  history: readonly Results[],
  head: Results,
  settings: CompareSettingsInput,
  opts: HistoryOptions,
): Verdict {
  checkSettings(settings);
  const label = head.runner.label;
  const minRuns = opts.minRuns ?? 3;
  if (!(Number.isInteger(minRuns) && minRuns >= 2))
    throw new RangeError(`history: minRuns must be a whole number ≥ 2 (got ${minRuns})`);
  history.forEach((run, i) => {
    if (run.runner.label !== label) {
      throw new InputError(
        `stored baseline run has runner label "${run.runner.label}", the head has "${label}": compare runs of the same label`,
        {
          file: opts.files?.history?.[i] ?? `history[${i}]`,
          path: 'runner.label',
        },
      );
    }
  });
  const ordered = history
    .map((results, i) => ({ results, i }))
    .sort((a, b) => a.results.started_at.localeCompare(b.results.started_at) || a.i - b.i);
  const calibrate =
    opts.calibration !== 'off' &&
    ordered.length > 0 &&
    ordered.every((r) => calibrationBetween(r.results, head) !== null);
  const runs: StoredRun[] = ordered.map(({ results, i }) => ({
    results,
    cases: casesById(results, opts.files?.history?.[i]),
    calibration: calibrate ? calibrationBetween(results, head) : null,
  }));
  const latest = runs[runs.length - 1] ?? null;
  const custom = customMetrics(...ordered.map((r) => r.results), head);
  let usedHistory = false;

  const evaluate = (headCase: CaseResult | null, baseCase: CaseResult | null): CaseEvaluation => {
    const id = (headCase ?? baseCase)!.id;
    const metrics = metricNames(headCase, baseCase).map((metric): MetricEvaluation => {
      const hs = headCase?.samples[metric];
      const stored = runs.map((run) => storedSamples(run, id, metric, custom)).filter((s): s is number[] => s !== null);
      const ev: MetricEvaluation = {
        metric,
        base: null,
        head: hs ? { n: hs.length, median: median(hs) } : null,
        decision: null,
      };
      if (stored.length === 0) return ev;
      const info = metricInfo(metric, custom);
      const rule: Rule = {
        direction: info.direction,
        alpha: settings.alpha,
        threshold: thresholdFor(metric, settings),
        minSamples: MIN_SAMPLES,
      };
      const resampling = {
        seed: metricSeed(label, id, metric, opts.seed),
        iterations: opts.iterations,
        confidence: opts.confidence,
      };
      if (stored.length >= minRuns) {
        const medians = stored.map((s) => median(s));
        if (!hs) {
          ev.base = { n: medians.length, median: medians.reduce((a, b) => a + b, 0) / medians.length };
          return ev;
        }
        const d = decideHistory(medians, hs, rule, resampling);
        usedHistory = true;
        ev.base = { n: medians.length, median: d.centre };
        ev.decision = d;
        ev.notes = [
          `base = mean of ${medians.length} stored run medians; ${Math.round((1 - settings.alpha) * 100)}% prediction interval ${fmt(d.interval[0])}–${fmt(d.interval[1])}`,
        ];
        return ev;
      }
      const last = stored[stored.length - 1]!;
      ev.base = { n: last.length, median: median(last) };
      if (hs) {
        ev.decision = decideIndependent(last, hs, rule, resampling);
        ev.notes = [
          `only ${stored.length} stored run${stored.length > 1 ? 's' : ''} (history needs ${minRuns}): compared with the latest by Mann-Whitney`,
        ];
      }
      return ev;
    });
    return { label, head: headCase, base: baseCase, metrics };
  };

  const headById = casesById(head, opts.files?.head);
  const cases: CaseEvaluation[] = [];
  for (const [id, c] of headById) {
    const baseCase =
      [...runs]
        .reverse()
        .find((r) => r.cases.has(id))
        ?.cases.get(id) ?? null;
    cases.push(evaluate(c, baseCase));
  }
  if (latest) for (const [id, c] of latest.cases) if (!headById.has(id)) cases.push(evaluate(null, c));

  const notes: string[] = [];
  if (runs.length === 0) notes.push(`no stored baseline runs for runner label "${label}": every case is new`);
  else {
    notes.push(
      `history of ${runs.length} stored run${runs.length > 1 ? 's' : ''}, ${runs[0]!.results.started_at} to ${latest!.results.started_at}`,
    );
    notes.push(...runDifferences(latest!.results, head));
    if (calibrate)
      notes.push(
        `calibrated: each stored run's speeds and latencies rescaled to the head machine's reference ${runs[0]!.calibration!.metric}`,
      );
  }
  const strategy: Strategy = usedHistory ? 'baseline-history' : 'baseline';
  return assembleVerdict({
    settings,
    now: opts.now,
    runs: [{ label, strategy, base: latest?.results ?? null, head, notes }],
    cases,
    custom,
  });
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
