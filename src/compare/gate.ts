// What the gate decided, counted once: every report, output, check title and step error takes its numbers from here.
import type { CaseVerdict, MetricVerdict, Verdict, VerdictStatus } from '../schema/verdict.js';
import type { Results } from '../schema/results.js';

export interface GateCounts {
  /** Gated metrics significantly worse beyond their threshold. */
  regressions: number;
  /** Gated metrics outside their min/max. */
  limits: number;
  /** regressions + limits: what fails the check, the `regressions` output and the step. */
  failures: number;
  /** Significantly worse in metrics that do not gate: "slower, not gated", never called a regression. */
  worseNotGated: number;
  improvements: number;
  unchanged: number;
  new: number;
  missing: number;
  /** Gated metrics the head did not measure (a case or metric the baseline has): never "no regression". */
  missingGated: number;
}

/** True for a metric entry that fails the gate. */
export function failsGate(m: MetricVerdict): boolean {
  return m.gated && (m.verdict === 'regression' || m.verdict === 'limit');
}

/** The one count over metric entries (case × metric). */
export function countCases(cases: readonly CaseVerdict[]): GateCounts {
  const n: GateCounts = {
    regressions: 0,
    limits: 0,
    failures: 0,
    worseNotGated: 0,
    improvements: 0,
    unchanged: 0,
    new: 0,
    missing: 0,
    missingGated: 0,
  };
  for (const c of cases) {
    for (const m of Object.values(c.metrics)) {
      switch (m.verdict) {
        case 'regression':
          if (m.gated) n.regressions++;
          else n.worseNotGated++;
          break;
        case 'limit':
          n.limits++;
          break;
        case 'improvement':
          n.improvements++;
          break;
        case 'unchanged':
          n.unchanged++;
          break;
        case 'new':
          n.new++;
          break;
        case 'missing':
          n.missing++;
          if (m.gated) n.missingGated++;
          break;
      }
    }
  }
  n.failures = n.regressions + n.limits;
  return n;
}

export function gateCounts(verdict: Pick<Verdict, 'cases'>): GateCounts {
  return countCases(verdict.cases);
}

/** Gated regressions and broken limits: what fails the check, and the `regressions` output. */
export function gatedFailures(verdict: Pick<Verdict, 'cases'>): number {
  return gateCounts(verdict).failures;
}

/** verdict.summary's counts, from the one count. */
export function summaryCounts(counts: GateCounts): Omit<Verdict['summary'], 'geomean'> {
  return {
    regressions: counts.regressions,
    worse_not_gated: counts.worseNotGated,
    improvements: counts.improvements,
    unchanged: counts.unchanged,
    limits: counts.limits,
    new: counts.new,
    missing: counts.missing,
  };
}

const num = (n: number): string => n.toLocaleString('en-US');

/** Why a head run did not judge everything: one reason per partial run, one for gated metrics it did not measure. */
export function incompleteReasons(
  heads: ReadonlyArray<{ label: string; head: Results }>,
  cases: readonly CaseVerdict[],
): Verdict['incomplete'] {
  const reasons: string[] = [];
  let cancelled = false;
  for (const { label, head } of heads) {
    if (head.status === 'complete') continue;
    const progress =
      head.planned_repetitions !== undefined && head.completed_repetitions !== undefined
        ? `: ${num(head.completed_repetitions)} of ${num(head.planned_repetitions)} repetitions ran`
        : head.completed_repetitions !== undefined
          ? `: ${num(head.completed_repetitions)} repetitions ran`
          : '';
    const why = head.interrupted
      ? 'interrupted (cancelled or stopped by a signal)'
      : head.status === 'running'
        ? 'never finished (still running, or the process died)'
        : head.status === 'failed'
          ? 'failed'
          : 'partial (a case did not finish)';
    if (head.interrupted) cancelled = true;
    reasons.push(`head run on ${label} ${why}${progress}`);
  }
  const missing: string[] = [];
  for (const c of cases) {
    for (const m of Object.values(c.metrics))
      if (m.gated && m.verdict === 'missing') missing.push(`${c.id} ${m.metric}`);
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ');
    reasons.push(
      `${num(missing.length)} gated metric${missing.length === 1 ? '' : 's'} the baseline has were not measured by the head (${shown}${missing.length > 5 ? `, and ${num(missing.length - 5)} more` : ''})`,
    );
  }
  return reasons.length > 0 ? { cancelled, reasons } : undefined;
}

/** regression (something gated failed) > incomplete (not everything judged) > pass (something compared) > no-baseline. */
export function verdictStatus(counts: GateCounts, incomplete: Verdict['incomplete'], compared: boolean): VerdictStatus {
  if (counts.failures > 0) return 'regression';
  if (incomplete) return 'incomplete';
  return compared ? 'pass' : 'no-baseline';
}
