// A/B in one run (strategy `ab`): base and head cases ran interleaved in randomised blocks; compare them pairwise by block.
import { InputError } from '../util/errors.js';
import { metricInfo } from '../schema/metrics.js';
import type { CaseResult, Results } from '../schema/results.js';
import type { Verdict } from '../schema/verdict.js';
import { median } from '../stats/descriptive.js';
import { assembleVerdict, customMetrics, metricNames, type CaseEvaluation, type MetricEvaluation } from './assemble.js';
import { metricSeed } from './baseline.js';
import { blockLogRatios, decideIndependent, decidePaired, type PairedOptions, type Rule } from './decide.js';
import {
  MIN_SAMPLES,
  checkSettings,
  thresholdFor,
  type CompareOptions,
  type CompareSettingsInput,
} from './settings.js';

export interface ABOptions extends CompareOptions {
  /** Paired test on the per-block log ratios (default 'wilcoxon'; see decide.ts). */
  test?: PairedOptions['test'];
  /** File name for error messages. */
  file?: string;
}

/** Base and head sides of each case id, in the order the ids first appear. */
export function splitSides(
  results: Results,
  file?: string,
): Array<{ id: string; base: CaseResult | null; head: CaseResult | null }> {
  const byId = new Map<string, { id: string; base: CaseResult | null; head: CaseResult | null }>();
  results.cases.forEach((c, i) => {
    if (!c.side)
      throw new InputError(`expected "side": "base" or "head" on every case of an A/B results file`, {
        file,
        path: `cases[${i}].side`,
      });
    const entry = byId.get(c.id) ?? { id: c.id, base: null, head: null };
    entry[c.side] = c;
    byId.set(c.id, entry);
  });
  return [...byId.values()];
}

/**
 * Samples of a metric can be paired by block only when there is one per repetition: `blocks[i]` belongs to
 * `samples[m][i]`. Without `blocks`, the repetition index is the block (the runner interleaves by repetition).
 */
function blockedOrNull(c: CaseResult, metric: string): { samples: number[]; blocks?: number[] } | null {
  const samples = c.samples[metric]!;
  if (!c.blocks) return { samples };
  return c.blocks.length === samples.length ? { samples, blocks: c.blocks } : null;
}

function compareMetric(
  label: string,
  base: CaseResult,
  head: CaseResult,
  metric: string,
  rule: Rule,
  opts: ABOptions,
): MetricEvaluation {
  const bs = base.samples[metric];
  const hs = head.samples[metric];
  const ev: MetricEvaluation = {
    metric,
    base: bs ? { n: bs.length, median: median(bs) } : null,
    head: hs ? { n: hs.length, median: median(hs) } : null,
    decision: null,
  };
  if (!bs || !hs) return ev;
  const seed = metricSeed(label, head.id, metric, opts.seed);
  const resampling = { seed, iterations: opts.iterations, confidence: opts.confidence };
  const b = blockedOrNull(base, metric);
  const h = blockedOrNull(head, metric);
  if (!b || !h) {
    // e.g. load_ms, measured once per case: nothing to pair, so the run-vs-run rule is the honest fallback.
    ev.decision = decideIndependent(bs, hs, rule, resampling);
    ev.notes = ['not one sample per block: compared unpaired (Mann-Whitney)'];
    return ev;
  }
  const pairing = blockLogRatios(b, h);
  ev.decision = decidePaired(pairing.logRatios, rule, { ...resampling, test: opts.test });
  const notes = [`paired over ${pairing.logRatios.length} blocks`];
  if (!base.blocks || !head.blocks) notes.push('no block indices recorded: paired by repetition');
  if (pairing.dropped)
    notes.push(`${pairing.dropped} block${pairing.dropped > 1 ? 's' : ''} without both sides left out`);
  ev.notes = notes;
  return ev;
}

/**
 * Compares the two sides of an A/B results file: per case id and metric, per-block log ratios head ÷ base tested
 * with the Wilcoxon signed-rank test (ratio = geometric mean of the block ratios, interval = exp of a seeded
 * bootstrap of the mean log ratio). Machine-speed drift shared by a block cancels in its ratio, which is why this
 * is the default on pull requests. A case id with only a head side is `new`, only a base side `missing`.
 */
export function compareAB(results: Results, settings: CompareSettingsInput, opts: ABOptions): Verdict {
  checkSettings(settings);
  const label = results.runner.label;
  const custom = customMetrics(results);
  const cases: CaseEvaluation[] = splitSides(results, opts.file).map(({ base, head }) => {
    const metrics = metricNames(head, base).map((metric) => {
      if (!base || !head) {
        const one = (head ?? base)!.samples[metric]!;
        const stats = { n: one.length, median: median(one) };
        return { metric, base: head ? null : stats, head: head ? stats : null, decision: null };
      }
      const info = metricInfo(metric, custom);
      const rule: Rule = {
        direction: info.direction,
        alpha: settings.alpha,
        threshold: thresholdFor(metric, settings),
        minSamples: MIN_SAMPLES,
      };
      return compareMetric(label, base, head, metric, rule, opts);
    });
    return { label, head, base, metrics };
  });
  const test = opts.test === 'sign-flip' ? 'sign-flip permutation test' : 'Wilcoxon signed-rank';
  const notes = [
    `A/B in one run: base and head interleaved in blocks; ${test} on per-block log ratios; ratio = geometric mean of the block ratios`,
  ];
  return assembleVerdict({
    settings,
    now: opts.now,
    // Both sides ran in one process; only the commit the base config came from differs.
    runs: [
      {
        label,
        strategy: 'ab',
        base: results.base_git ? { ...results, git: results.base_git } : results,
        head: results,
        notes,
      },
    ],
    cases,
    custom,
  });
}
