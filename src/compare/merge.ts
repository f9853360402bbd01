// Several runner labels' verdicts as the one the report shows.
import { InputError } from '../util/errors.js';
import type { Verdict } from '../schema/verdict.js';
import { VERDICT_SCHEMA } from '../schema/verdict.js';
import { geomeanRatios } from './assemble.js';
import { countCases, summaryCounts, verdictStatus } from './gate.js';

/**
 * Counts recomputed over every case (the one count of compare/gate.ts), geomeans over every compared case, each label
 * keeping its own strategy in `runs`; incomplete when any label's run was; two verdicts of one label are refused.
 */
export function mergeVerdicts(verdicts: Verdict[], now: Date): Verdict {
  if (verdicts.length === 0) throw new InputError('nothing to report: no results');
  if (verdicts.length === 1) return verdicts[0]!;
  const seen = new Set<string>();
  for (const v of verdicts) {
    for (const run of v.runs) {
      if (seen.has(run.label))
        throw new InputError(`two results for runner label "${run.label}": give each matrix job its own runner-label`);
      seen.add(run.label);
    }
  }
  const cases = verdicts.flatMap((v) => v.cases);
  const runs = verdicts.flatMap((v) => v.runs);
  const counts = countCases(cases);
  const reasons = verdicts.flatMap((v) => v.incomplete?.reasons ?? []);
  const incomplete =
    reasons.length > 0 ? { cancelled: verdicts.some((v) => v.incomplete?.cancelled), reasons } : undefined;
  const strategies = [...new Set(runs.map((r) => r.strategy))];
  const notes = [
    ...new Set(
      verdicts.flatMap((v) => v.notes).filter((n) => !n.startsWith('runner labels used different strategies')),
    ),
  ];
  if (strategies.length > 1)
    notes.push(`runner labels used different strategies: ${runs.map((r) => `${r.label} ${r.strategy}`).join(', ')}`);
  const compared = verdicts.some((v) => v.status !== 'no-baseline' && v.cases.some((c) => c.status === 'compared'));
  return {
    schema: VERDICT_SCHEMA,
    created_at: now.toISOString(),
    status: verdictStatus(counts, incomplete, compared),
    strategy: strategies.length === 1 ? strategies[0]! : 'baseline',
    settings: verdicts[0]!.settings,
    ...(incomplete ? { incomplete } : {}),
    summary: { ...summaryCounts(counts), geomean: geomeanRatios(cases) },
    runs,
    metrics: Object.assign({}, ...verdicts.map((v) => v.metrics)) as Verdict['metrics'],
    cases,
    notes,
  };
}
