// Turns each runner label's results into a verdict with the right strategy, and several labels' verdicts into the one the report shows.
import { compareAB, compareResults, compareWithHistory, type CompareSettingsInput } from '../compare/index.js';
import { InputError } from '../schema/errors.js';
import type { Results } from '../schema/results.js';
import type { Verdict } from '../schema/verdict.js';
import { VERDICT_SCHEMA } from '../schema/verdict.js';
import { geomean } from '../stats/descriptive.js';
import type { BaselineStore } from '../store/index.js';
import type { Logger } from '../github/errors.js';

/** Stored runs from which their spread, not one run, sets the bar (DESIGN.md "Statistics"). */
export const HISTORY_MIN_RUNS = 3;

/** An A/B results file carries both sides in one document. */
export function isABResults(results: Results): boolean {
  return results.cases.some((c) => c.side !== undefined);
}

/** The head side of an A/B run as an ordinary run: what a baseline store keeps when an A/B run must be saved. */
export function headSideOnly(results: Results): Results {
  if (!isABResults(results)) return results;
  return {
    ...results,
    cases: results.cases.filter((c) => c.side === 'head').map(({ side: _side, ...rest }) => rest),
    notes: [...results.notes, 'head side of an A/B run'],
  };
}

/**
 * The verdict for one runner label: A/B results compare their two sides (no store needed); otherwise the
 * label's stored baselines decide — three or more: history; one or two: the newest; none: no baseline.
 */
export async function labelVerdict(
  results: Results,
  settings: CompareSettingsInput,
  options: { store: BaselineStore | undefined; now: Date; file?: string; log: Logger },
): Promise<Verdict> {
  const label = results.runner.label;
  if (isABResults(results)) {
    options.log.info(`Runner "${label}": comparing the base and head sides of this A/B run.`);
    return compareAB(results, settings, { now: options.now, file: options.file });
  }
  const stored = options.store ? await options.store.load(label) : [];
  // A store may knowingly hand back another label's file (the file store warns when it does): judge it as this label's.
  const baselines = stored.map((b) => (b.runner.label === label ? b : { ...b, runner: { ...b.runner, label } }));
  if (baselines.length >= HISTORY_MIN_RUNS) {
    options.log.info(`Runner "${label}": comparing with ${baselines.length} stored runs (history).`);
    return compareWithHistory(baselines, results, settings, { now: options.now, minRuns: HISTORY_MIN_RUNS, files: { head: options.file } });
  }
  const base = newest(baselines);
  options.log.info(base ? `Runner "${label}": comparing with the stored run of ${base.started_at}.` : `Runner "${label}": no stored baseline yet.`);
  return compareResults([{ label, base, head: results, headFile: options.file }], settings, { now: options.now });
}

function newest(runs: Results[]): Results | null {
  if (runs.length === 0) return null;
  return runs.reduce((a, b) => (b.started_at > a.started_at ? b : a));
}

/**
 * Several runner labels' verdicts as one: counts summed, geomeans recomputed over every compared case,
 * status the worst (regression > pass > no-baseline), each label keeping its own strategy in `runs`.
 */
export function mergeVerdicts(verdicts: Verdict[], now: Date): Verdict {
  if (verdicts.length === 0) throw new InputError('nothing to report: no results');
  if (verdicts.length === 1) return verdicts[0]!;
  const seen = new Set<string>();
  for (const v of verdicts) {
    for (const run of v.runs) {
      if (seen.has(run.label)) throw new InputError(`two results for runner label "${run.label}": give each matrix job its own runner-label`);
      seen.add(run.label);
    }
  }
  const cases = verdicts.flatMap((v) => v.cases);
  const runs = verdicts.flatMap((v) => v.runs);
  const summary: Verdict['summary'] = { regressions: 0, improvements: 0, unchanged: 0, limits: 0, new: 0, missing: 0, geomean: {} };
  for (const v of verdicts) {
    summary.regressions += v.summary.regressions;
    summary.improvements += v.summary.improvements;
    summary.unchanged += v.summary.unchanged;
    summary.limits += v.summary.limits;
    summary.new += v.summary.new;
    summary.missing += v.summary.missing;
  }
  const ratios = new Map<string, number[]>();
  for (const c of cases) {
    if (c.status !== 'compared') continue;
    for (const m of Object.values(c.metrics)) {
      if (m.ratio === null || !(m.ratio > 0) || !Number.isFinite(m.ratio)) continue;
      ratios.set(m.metric, [...(ratios.get(m.metric) ?? []), m.ratio]);
    }
  }
  for (const [metric, list] of ratios) summary.geomean[metric] = geomean(list);
  const strategies = [...new Set(runs.map((r) => r.strategy))];
  const notes = [...new Set(verdicts.flatMap((v) => v.notes).filter((n) => !n.startsWith('runner labels used different strategies')))];
  if (strategies.length > 1) notes.push(`runner labels used different strategies: ${runs.map((r) => `${r.label} ${r.strategy}`).join(', ')}`);
  const status: Verdict['status'] = verdicts.some((v) => v.status === 'regression') ? 'regression' : verdicts.some((v) => v.status === 'pass') ? 'pass' : 'no-baseline';
  return {
    schema: VERDICT_SCHEMA,
    created_at: now.toISOString(),
    status,
    strategy: strategies.length === 1 ? strategies[0]! : 'baseline',
    settings: verdicts[0]!.settings,
    summary,
    runs,
    metrics: Object.assign({}, ...verdicts.map((v) => v.metrics)) as Verdict['metrics'],
    cases,
    notes,
  };
}

/** Gated regressions and broken limits: what fails the check, and the `regressions` output. */
export function gatedFailures(verdict: Verdict): number {
  let n = 0;
  for (const c of verdict.cases) for (const m of Object.values(c.metrics)) if (m.gated && (m.verdict === 'regression' || m.verdict === 'limit')) n++;
  return n;
}
