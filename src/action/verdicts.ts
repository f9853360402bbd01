// Turns each runner label's results into a verdict with the right strategy, and several labels' verdicts into the one the report shows.
import { compareAB, compareResults, compareWithHistory, type CompareSettingsInput } from '../compare/index.js';
import type { Results } from '../schema/results.js';
import type { Verdict } from '../schema/verdict.js';
import type { BaselineStore } from '../store/index.js';
import { apiFailure, httpStatus } from '../github/errors.js';
import type { Logger } from '../util/log.js';

/** Stored runs from which their spread, not one run, sets the bar (docs/design.md, docs/statistics.md). */
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
  let stored: Results[] = [];
  try {
    stored = options.store ? await options.store.load(label) : [];
  } catch (error) {
    // An API failure reading the store is a failure, worded with the request and the permission it needs.
    if (httpStatus(error) === undefined) throw error;
    throw apiFailure(
      `reading the ${options.store!.kind} baseline store for runner "${label}"`,
      error,
      options.store!.kind === 'branch' ? 'contents: read' : 'actions: read',
    );
  }
  // A store may knowingly hand back another label's file (the file store warns when it does): judge it as this label's.
  const baselines = stored.map((b) => (b.runner.label === label ? b : { ...b, runner: { ...b.runner, label } }));
  if (baselines.length >= HISTORY_MIN_RUNS) {
    options.log.info(`Runner "${label}": comparing with ${baselines.length} stored runs (history).`);
    return compareWithHistory(baselines, results, settings, {
      now: options.now,
      minRuns: HISTORY_MIN_RUNS,
      files: { head: options.file },
    });
  }
  const base = newest(baselines);
  options.log.info(
    base
      ? `Runner "${label}": comparing with the stored run of ${base.started_at}.`
      : `Runner "${label}": no stored baseline yet.`,
  );
  return compareResults([{ label, base, head: results, headFile: options.file }], settings, { now: options.now });
}

function newest(runs: Results[]): Results | null {
  if (runs.length === 0) return null;
  return runs.reduce((a, b) => (b.started_at > a.started_at ? b : a));
}

export { gatedFailures, mergeVerdicts } from '../compare/index.js';
