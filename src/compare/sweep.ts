// Sweep analysis (pure, issue 14): what a matrix run means. Per model and prompt, the best configuration for an
// objective under constraints, the configurations not significantly worse than it (Mann-Whitney, Holm-corrected:
// nobody picks a winner out of noise), the main effect of each swept parameter, two-parameter tables of medians,
// a Pareto front of two objectives, and the winner as a ready-to-paste options block.
import type { CaseResult, ParamValue, Results } from '../schema/results.js';
import { metricInfo } from '../schema/metrics.js';
import { median, quantile } from '../stats/descriptive.js';
import { mannWhitneyU } from '../stats/mannwhitney.js';

export interface SweepObjective {
  metric: string;
  /** Default: the metric's better direction (decode_tps max, ttft_ms min). */
  goal?: 'max' | 'min';
}

export interface SweepConstraint {
  min?: number;
  max?: number;
  /** The statistic the bound applies to: the median (default) or a percentile such as 0.9. */
  quantile?: number;
}

export interface SweepOptions {
  objective: SweepObjective;
  constraints?: Record<string, SweepConstraint>;
  /** Significance for the ties (default 0.05), Holm-corrected over the candidates. */
  alpha?: number;
  /**
   * A candidate is worse than the best only when significantly so AND by more than this (default 0.03, as compare's
   * min_effect): the best is the largest of many noisy medians (the winner's curse), so significance alone would
   * call true ties worse far more often than alpha.
   */
  minEffect?: number;
}

export interface SweepCandidate {
  caseId: string;
  params: Record<string, ParamValue>;
  /** The objective's median and sample count. */
  value: number;
  n: number;
  feasible: boolean;
  /** Why not feasible: "ttft_ms p90 612 > max 500". */
  violations: string[];
  /** Holm-adjusted p of "worse than the best" (null for the best itself). */
  pValue: number | null;
  /** Not significantly worse than the best. */
  tied: boolean;
}

export interface ParameterEffect {
  param: string;
  /** Per level: the best objective median at that level ÷ the overall best (1 = as good as the best). */
  levels: Array<{ value: ParamValue; ratio: number; median: number }>;
  /** 1 − the worst level's ratio (for "max"; for "min", worst ÷ best − 1): how much this parameter matters. */
  spread: number;
}

export interface SweepGroup {
  model: string;
  prompt: string;
  objective: { metric: string; goal: 'max' | 'min'; unit: string };
  candidates: SweepCandidate[];
  best: SweepCandidate | undefined;
  equivalents: SweepCandidate[];
  effects: ParameterEffect[];
  /** The swept parameters (those with more than one level in this group). */
  swept: string[];
  /**
   * Whether the samples can separate any candidate from the best at all: the smallest p an exact one-sided
   * Mann-Whitney test can reach with these sample counts, Holm-multiplied, must be below alpha. When not, the
   * ties say nothing and `repetitionsNeeded` says how many would do.
   */
  resolvable: boolean;
  repetitionsNeeded?: number;
}

/** log C(n, k). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** The smallest one-sided p an exact Mann-Whitney test reaches with n1 and n2 samples (no ties): 1 ÷ C(n1 + n2, n1). */
function smallestMannWhitneyP(n1: number, n2: number): number {
  return Math.exp(-logChoose(n1 + n2, Math.min(n1, n2)));
}

function goalOf(metric: string, results: Results, goal?: 'max' | 'min'): 'max' | 'min' {
  if (goal) return goal;
  return metricInfo(metric, results.metrics).direction === 'lower' ? 'min' : 'max';
}

function stat(samples: readonly number[], q: number | undefined): number {
  return q === undefined ? median(samples) : quantile(samples, q);
}

/** Holm's step-down adjustment of p-values (keeps the family-wise error rate at alpha). */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** The sweep analysis of a results file, one group per model × prompt (A/B head side only when sides exist). */
export function analyseSweep(results: Results, opts: SweepOptions): SweepGroup[] {
  const metric = opts.objective.metric;
  const goal = goalOf(metric, results, opts.objective.goal);
  const better = (a: number, b: number): boolean => (goal === 'max' ? a > b : a < b);
  const cases = results.cases.filter((c) => c.side === undefined || c.side === 'head');
  const groups = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const key = `${c.model.id}\u0000${c.prompt.id}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const out: SweepGroup[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const candidates: SweepCandidate[] = group
      .filter((c) => (c.samples[metric]?.length ?? 0) > 0)
      .map((c) => {
        const violations: string[] = [];
        for (const [name, bound] of Object.entries(opts.constraints ?? {})) {
          const samples =
            name === 'success_rate'
              ? [c.requests.ok / Math.max(1, c.requests.ok + c.requests.failed)]
              : c.samples[name];
          const what = bound.quantile === undefined ? `${name}` : `${name} p${Math.round(bound.quantile * 100)}`;
          if (!samples?.length) {
            violations.push(`${name} not measured`);
            continue;
          }
          const v = stat(samples, bound.quantile);
          if (bound.max !== undefined && v > bound.max) violations.push(`${what} ${fmt(v)} > max ${bound.max}`);
          if (bound.min !== undefined && v < bound.min) violations.push(`${what} ${fmt(v)} < min ${bound.min}`);
        }
        return {
          caseId: c.id,
          params: c.params,
          value: median(c.samples[metric]!),
          n: c.samples[metric]!.length,
          feasible: violations.length === 0,
          violations,
          pValue: null,
          tied: false,
        };
      });
    const feasible = candidates.filter((c) => c.feasible);
    const best = feasible.reduce<SweepCandidate | undefined>(
      (a, c) => (!a || better(c.value, a.value) ? c : a),
      undefined,
    );
    if (best) {
      best.tied = true;
      const others = feasible.filter((c) => c !== best);
      const bestSamples = group.find((c) => c.id === best.caseId)!.samples[metric]!;
      // One-sided question "is this one worse than the best?": the two-sided test's p halved in the worse direction.
      const raw = others.map((c) => {
        const samples = group.find((g) => g.id === c.caseId)!.samples[metric]!;
        const p2 = mannWhitneyU(bestSamples, samples).pValue;
        const worse = goal === 'max' ? median(samples) <= best.value : median(samples) >= best.value;
        return worse ? p2 / 2 : 1 - p2 / 2;
      });
      const adjusted = holm(raw);
      const minEffect = opts.minEffect ?? 0.03;
      others.forEach((c, i) => {
        c.pValue = adjusted[i]!;
        const shortfall = goal === 'max' ? 1 - c.value / best.value : c.value / best.value - 1;
        c.tied = !(adjusted[i]! < (opts.alpha ?? 0.05) && shortfall > minEffect);
      });
    }
    const alpha = opts.alpha ?? 0.05;
    const comparisons = Math.max(1, feasible.length - 1);
    const fewest = feasible.length ? Math.min(...feasible.map((c) => c.n)) : 0;
    const resolvable = feasible.length < 2 || smallestMannWhitneyP(fewest, fewest) * comparisons < alpha;
    let repetitionsNeeded: number | undefined;
    if (!resolvable) {
      repetitionsNeeded = fewest;
      while (
        smallestMannWhitneyP(repetitionsNeeded, repetitionsNeeded) * comparisons >= alpha &&
        repetitionsNeeded < 1000
      )
        repetitionsNeeded++;
    }
    const swept = [...new Set(group.flatMap((c) => Object.keys(c.params)))].filter(
      (p) => new Set(group.map((c) => JSON.stringify(c.params[p]))).size > 1,
    );
    const effects: ParameterEffect[] = best
      ? swept
          .map((param) => {
            const levels = [
              ...new Set(feasible.map((c) => c.params[param]).filter((v) => v !== undefined)),
            ] as ParamValue[];
            const rows = levels.map((value) => {
              const at = feasible.filter((c) => c.params[param] === value);
              const top = at.reduce((a, c) => (better(c.value, a) ? c.value : a), at[0]!.value);
              return { value, median: top, ratio: top / best.value };
            });
            const worst =
              goal === 'max' ? Math.min(...rows.map((r) => r.ratio)) : Math.max(...rows.map((r) => r.ratio));
            return {
              param,
              levels: rows.sort((a, b) => (goal === 'max' ? b.ratio - a.ratio : a.ratio - b.ratio)),
              spread: goal === 'max' ? 1 - worst : worst - 1,
            };
          })
          .sort((a, b) => b.spread - a.spread)
      : [];
    out.push({
      model: first.model.id,
      prompt: first.prompt.id,
      objective: { metric, goal, unit: metricInfo(metric, results.metrics).unit },
      candidates,
      best,
      equivalents: feasible.filter((c) => c !== best && c.tied),
      effects,
      swept,
      resolvable,
      ...(repetitionsNeeded !== undefined ? { repetitionsNeeded } : {}),
    });
  }
  return out;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/** The non-dominated candidates for two objectives (each with its goal). */
export function paretoFront<T>(
  items: readonly T[],
  a: (t: T) => number,
  b: (t: T) => number,
  goals: ['max' | 'min', 'max' | 'min'],
): T[] {
  const sign = (g: 'max' | 'min') => (g === 'max' ? 1 : -1);
  const [sa, sb] = [sign(goals[0]), sign(goals[1])];
  return items.filter(
    (x) =>
      !items.some(
        (y) =>
          y !== x &&
          sa * a(y) >= sa * a(x) &&
          sb * b(y) >= sb * b(x) &&
          (sa * a(y) > sa * a(x) || sb * b(y) > sb * b(x)),
      ),
  );
}

/** A two-parameter table of objective medians: rows of `rowParam`, columns of `colParam`, the best cell known. */
export function heatmap(
  group: SweepGroup,
  rowParam: string,
  colParam: string,
): { rows: ParamValue[]; cols: ParamValue[]; cells: Array<Array<number | null>>; best: [number, number] | null } {
  const levels = (p: string) =>
    [...new Set(group.candidates.map((c) => c.params[p]).filter((v) => v !== undefined))].sort((x, y) =>
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)),
    ) as ParamValue[];
  const rows = levels(rowParam);
  const cols = levels(colParam);
  const better = (a: number, b: number) => (group.objective.goal === 'max' ? a > b : a < b);
  let best: [number, number] | null = null;
  let bestValue = 0;
  const cells = rows.map((r, i) =>
    cols.map((c, j) => {
      const at = group.candidates.filter((k) => k.feasible && k.params[rowParam] === r && k.params[colParam] === c);
      if (at.length === 0) return null;
      const v = at.reduce((a, k) => (better(k.value, a) ? k.value : a), at[0]!.value);
      if (best === null || better(v, bestValue)) {
        best = [i, j];
        bestValue = v;
      }
      return v;
    }),
  );
  return { rows, cols, cells, best };
}

/** The winner as a ready-to-paste bench.yml `options:` block (YAML flow keys, one per line). */
export function bestOptionsYaml(group: SweepGroup): string | undefined {
  if (!group.best) return undefined;
  const lines = Object.entries(group.best.params).map(
    ([k, v]) => `  ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`,
  );
  return `options:\n${lines.join('\n')}\n`;
}
