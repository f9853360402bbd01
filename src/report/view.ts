// Turns a verdict into the data the report templates see: ordered rows per runner label, the first line, the chart, the runs.
import type { CaseVerdict, MetricVerdict, MetricVerdictKind, RunMeta, Strategy, Verdict } from '../schema/verdict.js';
import type { Direction } from '../schema/metrics.js';
import { plainText } from './escape.js';
import { formatBytes, formatNumber, formatTime, formatValue, pluralize, shortRef, shortSha } from './format.js';
import { mermaidChart, type ChartPoint } from './chart.js';
import { buildHeadline, nothingCompared } from './headline.js';
import { gateCounts } from '../compare/gate.js';
import { capVerdictStrings } from './cap.js';
import { capUntrusted } from './escape.js';

export type ReportKind = 'comment' | 'summary' | 'check';

/** Markdown that is already safe: templates print it as it is (Handlebars' SafeString protocol). */
export class Markdown {
  constructor(readonly text: string) {}
  toHTML(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

export interface SideView {
  n: number;
  median: number;
}

export interface RowView {
  label: string;
  caseId: string;
  /** Model (and the model it replaced), swept parameters and, when there are several, the prompt. */
  case: string;
  model: string;
  params: string;
  prompt: string;
  metric: string;
  unit: string;
  direction: Direction;
  base: SideView | null;
  head: SideView | null;
  ratio: number | null;
  ci: [number, number] | null;
  p: number | null;
  /** p below alpha: the change column shows the change, otherwise "~". */
  significant: boolean;
  verdict: MetricVerdictKind;
  gated: boolean;
  threshold: number | null;
  /** "max 75 °C", "min 2 tok/s" when a limit applies. */
  limit: string | null;
  /** Which limit the head median broke, if any. */
  limitHit: 'min' | 'max' | null;
  note: string | null;
}

export interface PivotView {
  metrics: { name: string; unit: string }[];
  cases: {
    case: string;
    caseId: string;
    limitViolated: boolean;
    values: ({ median: number; n: number; unit: string } | null)[];
  }[];
}

export interface RunView {
  /** "abc1234 (main) 2026-11-20 10:04 UTC": sha, ref and start time, whichever are known. */
  commit: string;
  startedAt: string | null;
  sha: string | null;
  ref: string | null;
  engine: string;
  tool: string;
  fingerprint: string;
  runner: RunMeta['runner'];
}

export interface StrategyView {
  id: Strategy;
  name: string;
  description: string;
}

/** One line of the comment's runner list: the labels of runners whose fingerprint, engine and commits read the same. */
export interface RunnerGroupView {
  labels: string[];
  fingerprint: string;
  engine: string;
  /** "abc1234 (main) 2026-11-20 10:04 UTC" when every runner of the group has it; without the time when only that differs. */
  base: string | null;
  head: string;
}

export interface LabelView {
  label: string;
  strategy: StrategyView;
  /** No baseline for this label: the pivot of head medians replaces the comparison table. */
  headOnly: boolean;
  pivot: PivotView | null;
  /** Regressions, limits, improvements, new and missing rows, most important first. */
  rows: RowView[];
  /** Comment and check: significant changes of metrics that neither gate nor are the headline, folded apart. */
  otherChanges: RowView[];
  /** Rows without a significant change, shown folded. */
  unchanged: RowView[];
  /** Folded rows before trimming: more than `unchanged.length` when some were left out to fit. */
  unchangedTotal: number;
  chart: Markdown | null;
  /** Rows of this label left out to fit the size limit. */
  omittedRows: number;
  base: RunView | null;
  head: RunView | null;
  /** An earlier label whose runs read exactly the same (runner, engine, commits, llm-bench): the summary points there instead of repeating them. */
  sameRunsAs: string | null;
  notes: string[];
}

export interface ReportView {
  kind: ReportKind;
  marker: Markdown | null;
  /** The first visible line, Markdown. */
  headline: Markdown;
  /** The first line as plain text (for a check run's title). */
  title: string;
  status: Verdict['status'];
  isRegression: boolean;
  isPass: boolean;
  /** Not everything was judged (a cancelled or partial run, gated metrics not measured): never a pass. */
  isIncomplete: boolean;
  incomplete: { cancelled: boolean; reasons: string[] } | null;
  /** On a pull request: whose gates judged it and what the PR changed in them (untrusted-free: built from numbers and metric names). */
  gatesFrom: 'base' | 'head' | 'config' | null;
  gateChanges: string[];
  /** Nothing was compared: no case had a baseline (the status may still be a regression, from limits). */
  isNoBaseline: boolean;
  strategy: StrategyView;
  mixedStrategies: boolean;
  settings: { alpha: number; minEffect: number; headlineMetric: string; headlineUnit: string };
  /** From gateCounts (compare/gate.ts): regressions are gated ones; worseNotGated the significant changes for the worse that do not gate. */
  counts: {
    regressions: number;
    limits: number;
    worseNotGated: number;
    improvements: number;
    unchanged: number;
    new: number;
    missing: number;
    cases: number;
    newCases: number;
    missingCases: number;
    labels: number;
  };
  labels: LabelView[];
  /** The most important rows over all labels (the check run lists these). */
  top: RowView[];
  topMore: number;
  geomean: { metric: string; ratio: number; unit: string }[];
  notes: string[];
  /** The verdict's notes and every label's, the latter prefixed "label: ". */
  allNotes: string[];
  links: { run: string | null; results: string | null };
  /** Runners whose line would read the same (fingerprint, engine, commits): one entry, every label listed. */
  runners: RunnerGroupView[];
  /** Rows and charts left out to fit the size limit (`charts`: how many; `chart`: whether any was). */
  omitted: { rows: number; chart: boolean; charts: number } | null;
  omittedNote: Markdown | null;
  /** Where every row is, Markdown: "the [job summary](…) and the [results artifacts](…) (`llm-bench-results-<runner label>`)", "the verdict file". */
  fullReport: Markdown;
  /** The job summary holds every row (the caller rendered it uncut and said so): only then do notes point to it. */
  summaryComplete: boolean;
  createdAt: string | null;
  toolVersion: string | null;
  /** The verdict as it is, for templates that need more (printed values are escaped on output). */
  verdict: Verdict;
}

/**
 * How much is kept: the first `keep` items of the model's keep order (see `ReportModel.items`), which lists what
 * fails first and what matters least last, so every cut removes, in turn: folded unchanged rows, charts, head medians
 * of runners without a baseline, ungated changes, improvements, new and missing rows, and only then failures.
 */
export interface Trim {
  keep: number;
}

export const NO_TRIM: Trim = { keep: Number.POSITIVE_INFINITY };

export const STRATEGIES: Record<Strategy, { name: string; description: string }> = {
  ab: {
    name: 'A/B in one run',
    description:
      'base and head ran in the same job on the same runner, interleaved in randomised blocks, and were compared by a paired test on per-block ratios, so drift of the machine hits both sides alike.',
  },
  baseline: {
    name: 'stored baseline',
    description:
      "the head run was compared with the base branch's stored results by a Mann-Whitney U test; drift of the machine between the two runs is not cancelled, so small changes may be noise.",
  },
  'baseline-calibrated': {
    name: 'calibrated baseline',
    description:
      'each run also measured a fixed reference workload and metrics were compared as ratios to it, which cancels drift in machine speed between the runs.',
  },
  'baseline-history': {
    name: 'baseline history',
    description:
      'the spread of the medians of several stored baseline runs set the smallest change that counts (a prediction interval), so the gate reflects real run-to-run variance.',
  },
};

const KIND_ORDER: Record<MetricVerdictKind, number> = {
  regression: 0,
  limit: 1,
  improvement: 2,
  new: 3,
  missing: 4,
  unchanged: 5,
};
const TOP_ROWS = 10;
const CHART_CASES = 20;
const PIVOT_METRICS = 6;
const NOTE_CHARS = 300;

/**
 * What a cut removes, last first: the keep order lists every failure, then new and missing rows, improvements, ungated
 * changes, head medians, charts and folded unchanged rows. A failure is a limit broken or a gated regression
 * (compare/gate.ts counts the same); "ungated" is a significant change of a metric that does not gate.
 */
export const TIERS = ['failure', 'new-missing', 'improvement', 'ungated', 'pivot', 'chart', 'unchanged'] as const;
export type TierName = (typeof TIERS)[number];

/** One metric row of the verdict, as ranked for the cut; its RowView is built only when something shows it. */
interface Entry {
  kind: 'row';
  /** The case with its names capped (see `capCaseNames`); `m` is the verdict's own entry, capped when shown. */
  c: CaseVerdict;
  m: MetricVerdict;
  label: string;
  index: number;
  badness: number;
  key: boolean;
  /** main: the main table; other: folded apart as a change of a metric that does not gate; folded: folded unchanged (or head medians). */
  place: 'main' | 'other' | 'folded';
  tier: TierName;
  /** Round-robin position: the label's how-manieth item of its tier, and how bad it is. */
  labelIndex: number;
  round: number;
  score: number;
  row?: RowView;
}

interface PivotEntry {
  kind: 'pivot';
  label: string;
  labelIndex: number;
  round: number;
  score: number;
  c: CaseVerdict;
  /** Position among the label's pivot cases: limits first, then case order. */
  order: number;
  limitViolated: boolean;
  entry?: PivotView['cases'][number];
}

export type TrimItem = Entry | PivotEntry | { kind: 'chart'; label: string };

/** Everything about a verdict that does not depend on how much is trimmed. */
export interface ReportModel {
  kind: ReportKind;
  verdict: Verdict;
  /** Everything a cut may remove, most important first: `Trim.keep` keeps a prefix of it. */
  items: TrimItem[];
  /** Where each tier's items start and end in `items`. */
  tiers: Record<TierName, { start: number; end: number }>;
  metricOfs: Map<string, PivotView['metrics']>;
  headOnlyLabels: Set<string>;
  labels: string[];
  /** Cases differ by prompt too, so their names must say which. */
  showPrompt: boolean;
  headline: { markdown: string; text: string };
  counts: ReportView['counts'];
  /** Per label: rows (and pivot cases) before trimming, and folded unchanged rows before trimming. */
  totals: Map<string, { rows: number; unchanged: number }>;
  runs: Map<string, Verdict['runs'][number]>;
  casesByLabel: Map<string, CaseVerdict[]>;
  caseTexts: Map<CaseVerdict, string>;
  charts: Map<string, Markdown | null>;
  /** A case's metric entry by its capped name (the pivot, the chart). */
  metricOf: (c: CaseVerdict, name: string) => MetricVerdict | undefined;
  /** The verdict as given: `view.verdict` caps it when a template reads it. */
  uncapped: Verdict;
  cappedVerdict?: Verdict;
}

function strategyView(id: Strategy): StrategyView {
  return { id, ...STRATEGIES[id] };
}

function badness(m: MetricVerdict): number {
  if (m.ratio === null || !(m.ratio > 0)) return 0;
  return Math.abs(Math.log(m.ratio));
}

function limitText(m: MetricVerdict): { text: string | null; hit: 'min' | 'max' | null } {
  if (!m.limit) return { text: null, hit: null };
  const { min, max } = m.limit;
  const head = m.head?.median;
  const hit =
    m.limit.violated ??
    (max !== undefined && head !== undefined && head > max
      ? 'max'
      : min !== undefined && head !== undefined && head < min
        ? 'min'
        : null);
  const parts: string[] = [];
  if (min !== undefined && (hit === null || hit === 'min')) parts.push(`min ${formatValue(min, m.unit)}`);
  if (max !== undefined && (hit === null || hit === 'max')) parts.push(`max ${formatValue(max, m.unit)}`);
  return { text: parts.length ? parts.join(', ') : null, hit };
}

function paramsText(params: CaseVerdict['params']): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(' ');
}

function modelText(c: CaseVerdict): string {
  const { id, name } = c.model;
  const baseName = c.base_model?.name;
  if (baseName !== undefined && baseName !== name) return `${id} (${baseName} → ${name})`;
  return name && name !== id ? `${id} (${name})` : id;
}

function caseText(c: CaseVerdict, showPrompt: boolean): string {
  const parts = [modelText(c), paramsText(c.params)];
  if (showPrompt) parts.push(`· ${c.prompt_id}`);
  return plainText(parts.filter(Boolean).join(' '), { maxLength: 160 });
}

/** Which rows a report of this kind shows at all: the comment and check leave out what nobody gates on. */
function includeRow(kind: ReportKind, m: MetricVerdict, key: boolean): boolean {
  if (kind === 'summary') return true;
  switch (m.verdict) {
    case 'regression':
    case 'limit':
    case 'improvement':
      return true;
    case 'new':
    case 'missing':
      return key;
    case 'unchanged':
      return m.direction !== 'none' || m.gated;
  }
}

function rowView(verdict: Verdict, c: CaseVerdict, m: MetricVerdict, text: string): RowView {
  const limit = limitText(m);
  return {
    label: c.label,
    caseId: c.id,
    case: text,
    model: modelText(c),
    params: paramsText(c.params),
    prompt: c.prompt_id,
    metric: m.metric,
    unit: m.unit,
    direction: m.direction,
    base: m.base,
    head: m.head,
    ratio: m.ratio,
    ci: m.ci,
    p: m.p_value,
    significant: m.p_value !== null && m.p_value < verdict.settings.alpha,
    verdict: m.verdict,
    gated: m.gated,
    threshold: m.threshold,
    limit: limit.text,
    limitHit: limit.hit,
    note: m.note === undefined ? null : plainText(m.note, { maxLength: 120 }),
  };
}

/** Display order of rows: regressions (gated first, worst first), limits, improvements (largest first), new, missing, unchanged. */
function compareEntries(a: Entry, b: Entry): number {
  const kind = KIND_ORDER[a.m.verdict] - KIND_ORDER[b.m.verdict];
  if (kind !== 0) return kind;
  if (a.m.verdict === 'regression' || a.m.verdict === 'improvement') {
    if (a.m.gated !== b.m.gated) return a.m.gated ? -1 : 1;
    if (b.badness !== a.badness) return b.badness - a.badness;
  }
  return a.index - b.index;
}

/** How far past its limit the head median is, as a log ratio, so limits rank by badness as regressions do. */
function overshoot(m: MetricVerdict): number {
  const head = m.head?.median;
  const bound = m.limit?.violated === 'min' ? m.limit.min : m.limit?.violated === 'max' ? m.limit.max : undefined;
  if (head === undefined || bound === undefined || !(head > 0) || !(bound > 0)) return 0;
  return Math.abs(Math.log(head / bound));
}

function tierOf(m: MetricVerdict, place: Entry['place']): TierName {
  if (m.verdict === 'limit' || (m.verdict === 'regression' && m.gated)) return 'failure';
  if (place === 'folded') return 'unchanged';
  if (m.verdict === 'new' || m.verdict === 'missing') return 'new-missing';
  if (!m.gated) return 'ungated';
  return 'improvement';
}

/**
 * Round-robin over labels: every label's first item comes before any label's second, each round ordered by `score`
 * (worst first), then by label order; within a label, items keep the order they are given in. Sorts in place.
 */
function roundRobin<T extends { labelIndex: number; round: number; score: number }>(
  items: T[],
  score: (t: T) => number,
): T[] {
  const rounds = new Map<number, number>();
  for (const item of items) {
    const round = rounds.get(item.labelIndex) ?? 0;
    rounds.set(item.labelIndex, round + 1);
    item.round = round;
    item.score = score(item);
  }
  return items.sort((a, b) => a.round - b.round || b.score - a.score || a.labelIndex - b.labelIndex);
}

/** A label's failures, worst first: its regressions by size and its broken limits by how far past the limit, alternately. */
function failureOrder(entries: Entry[]): Entry[] {
  const regressions = entries
    .filter((e) => e.m.verdict === 'regression')
    .sort((a, b) => b.badness - a.badness || a.index - b.index);
  const limits = entries
    .filter((e) => e.m.verdict === 'limit')
    .sort((a, b) => overshoot(b.m) - overshoot(a.m) || a.index - b.index);
  const out: Entry[] = [];
  for (let i = 0; i < Math.max(regressions.length, limits.length); i++) {
    if (i < regressions.length) out.push(regressions[i]!);
    if (i < limits.length) out.push(limits[i]!);
  }
  return out;
}

function score(e: Entry): number {
  return e.m.verdict === 'limit' ? overshoot(e.m) : e.badness;
}

const noScore = (): number => 0;

/**
 * The case's names capped as capVerdictStrings (cap.ts) caps them: label, id, prompt, model, base model and params,
 * the parts a row prints. Its metrics stay the verdict's own (uncapped); a row caps its metric's strings when it is shown
 * (`rowOf`), so 240,000 metric entries are not copied to show a few hundred.
 */
function capCaseNames(c: CaseVerdict): CaseVerdict {
  return { ...capVerdictStrings({ ...EMPTY_VERDICT, cases: [{ ...c, metrics: {} }] }).cases[0]!, metrics: c.metrics };
}

const EMPTY_VERDICT: Verdict = {
  schema: 'llm-bench/verdict@1',
  created_at: '',
  status: 'pass',
  strategy: 'baseline',
  settings: { alpha: 0, min_effect: 0, headline_metric: '' },
  summary: {
    regressions: 0,
    worse_not_gated: 0,
    improvements: 0,
    unchanged: 0,
    limits: 0,
    new: 0,
    missing: 0,
    geomean: {},
  },
  runs: [],
  metrics: {},
  cases: [],
  notes: [],
};

/** A metric entry with its strings capped as capVerdictStrings caps them. */
function capMetricStrings(m: MetricVerdict): MetricVerdict {
  return {
    ...m,
    metric: capUntrusted(m.metric),
    unit: capUntrusted(m.unit),
    ...(m.note !== undefined ? { note: capUntrusted(m.note, 300) } : {}),
  };
}

/** The RowView of an entry, built once. */
function rowOf(model: Pick<ReportModel, 'verdict' | 'caseTexts' | 'showPrompt'>, e: Entry): RowView {
  if (!e.row)
    e.row = rowView(
      model.verdict,
      e.c,
      capMetricStrings(e.m),
      model.caseTexts.get(e.c) ?? caseText(e.c, model.showPrompt),
    );
  return e.row;
}

/** `headlineOnly`: the headline and counts, nothing to lay out (a check's title, a log line): no keep order is built. */
export function buildReportModel(
  uncapped: Verdict,
  kind: ReportKind,
  opts: { headlineOnly?: boolean } = {},
): ReportModel {
  // Everything but the cases capped now; each case's names below; metric strings when a row shows them.
  const capped = capVerdictStrings({ ...uncapped, cases: [] });
  const cases = uncapped.cases.map(capCaseNames);
  const verdict: Verdict = { ...capped, cases };
  const headlineMetric = verdict.settings.headline_metric;
  const showPrompt = new Set(cases.map((c) => c.prompt_id)).size > 1;
  const labels = [...new Set([...verdict.runs.map((r) => r.label), ...cases.map((c) => c.label)])];
  const labelOrder = new Map(labels.map((l, i) => [l, i]));
  const runs = new Map<string, Verdict['runs'][number]>();
  for (const r of verdict.runs) if (!runs.has(r.label)) runs.set(r.label, r);
  const casesByLabel = new Map<string, CaseVerdict[]>(labels.map((l) => [l, []]));
  for (const c of cases) casesByLabel.get(c.label)!.push(c);
  const noneCompared = nothingCompared(verdict);
  const headOnlyLabels = new Set(
    labels.filter((label) => {
      const run = runs.get(label);
      const cases = casesByLabel.get(label)!;
      return (
        noneCompared ||
        (run !== undefined && run.base === null) ||
        (cases.length > 0 && cases.every((c) => c.status === 'new'))
      );
    }),
  );
  // Metric names as capVerdictStrings caps them (it caps the keys of `metrics`).
  const metricNames = new Map<string, string>();
  const metricName = (name: string): string => {
    let capped = metricNames.get(name);
    if (capped === undefined) metricNames.set(name, (capped = capUntrusted(name)));
    return capped;
  };
  const metricsOf = (i: number): [string, MetricVerdict][] => {
    const own = uncapped.cases[i]!.metrics;
    const names = Object.keys(own);
    const ordered = [
      ...names.filter((n) => metricName(n) === headlineMetric),
      ...names.filter((n) => metricName(n) !== headlineMetric),
    ];
    return ordered.map((n) => [metricName(n), own[n]!]);
  };
  const caseTexts = new Map<CaseVerdict, string>(cases.map((c) => [c, caseText(c, showPrompt)]));

  const gate = gateCounts(uncapped);
  const viewCounts: ReportView['counts'] = {
    regressions: gate.regressions,
    limits: gate.limits,
    worseNotGated: gate.worseNotGated,
    improvements: gate.improvements,
    unchanged: gate.unchanged,
    new: gate.new,
    missing: gate.missing,
    cases: verdict.cases.length,
    newCases: verdict.cases.filter((c) => c.status === 'new').length,
    missingCases: verdict.cases.filter((c) => c.status === 'missing').length,
    labels: labels.length,
  };

  // Every metric row once; what the headline names (failures and improvements) gets its RowView now, the rest when shown.
  const entries: Entry[] = [];
  const named: Entry[] = [];
  let index = 0;
  cases.forEach((c, caseIndex) => {
    const headOnly = headOnlyLabels.has(c.label);
    const labelIndex = labelOrder.get(c.label)!;
    for (const [name, m] of metricsOf(caseIndex)) {
      const key = m.gated || name === headlineMetric || m.limit !== undefined;
      const e = {
        kind: 'row',
        c,
        m,
        label: c.label,
        labelIndex,
        index: index++,
        badness: badness(m),
        key,
        round: 0,
        score: 0,
      } as Entry;
      if (m.verdict === 'regression' || m.verdict === 'limit' || m.verdict === 'improvement') named.push(e);
      if (opts.headlineOnly || !includeRow(kind, m, key)) continue;
      // In a head-only label the pivot carries the medians; only limits and the summary's full list remain as rows.
      // The comment and the check keep their main table for what gates; other significant changes fold away.
      const change = m.verdict === 'regression' || m.verdict === 'improvement';
      if (headOnly) {
        if (m.verdict !== 'limit' && kind !== 'summary') continue;
        e.place = m.verdict === 'limit' ? 'main' : 'folded';
      } else {
        e.place = m.verdict === 'unchanged' ? 'folded' : kind !== 'summary' && !key && change ? 'other' : 'main';
      }
      e.tier = tierOf(m, e.place);
      entries.push(e);
    }
  });
  named.sort(compareEntries);
  const model0 = { verdict, caseTexts, showPrompt };
  const headline = buildHeadline(
    verdict,
    named.map((e) => rowOf(model0, e)),
    viewCounts,
  );

  // Head-only labels show a pivot of head medians instead of rows with nothing to compare.
  const metricOfs = new Map<string, PivotView['metrics']>();
  const pivots: PivotEntry[] = [];
  const caseIndex = new Map<CaseVerdict, number>(cases.map((c, i) => [c, i]));
  for (const label of headOnlyLabels) {
    const own = casesByLabel.get(label)!;
    const seen = new Map<string, string>();
    for (const c of own) {
      for (const [name, m] of metricsOf(caseIndex.get(c)!)) {
        if (!seen.has(name) && (m.gated || name === headlineMetric || m.limit !== undefined))
          seen.set(name, capUntrusted(m.unit));
      }
    }
    if (seen.size === 0) {
      for (const c of own)
        for (const [name, m] of metricsOf(caseIndex.get(c)!)) if (!seen.has(name)) seen.set(name, capUntrusted(m.unit));
    }
    metricOfs.set(
      label,
      [...seen].slice(0, PIVOT_METRICS).map(([name, unit]) => ({ name, unit })),
    );
    const labelIndex = labelOrder.get(label)!;
    const withLimit = own.map((c, i) => ({
      c,
      i,
      limitViolated: Object.values(uncapped.cases[caseIndex.get(c)!]!.metrics).some((m) => m.verdict === 'limit'),
    }));
    withLimit
      .sort((a, b) => Number(b.limitViolated) - Number(a.limitViolated) || a.i - b.i)
      .forEach((p, order) =>
        pivots.push({
          kind: 'pivot',
          label,
          labelIndex,
          round: 0,
          score: 0,
          c: p.c,
          order,
          limitViolated: p.limitViolated,
        }),
      );
  }
  const metricsByCase = new Map<CaseVerdict, Map<string, MetricVerdict>>();
  const metricOf = (c: CaseVerdict, name: string): MetricVerdict | undefined => {
    // The usual case, a name capping leaves alone: no map.
    const own = c.metrics[name];
    if (own !== undefined && metricName(name) === name) return own;
    let map = metricsByCase.get(c);
    if (!map) metricsByCase.set(c, (map = new Map(metricsOf(caseIndex.get(c)!))));
    return map.get(name);
  };

  // The keep order, tier by tier, each round-robin over labels.
  const byTier = new Map<TierName, Entry[]>(TIERS.map((t) => [t, []]));
  for (const e of entries) byTier.get(e.tier)!.push(e);
  const items: TrimItem[] = [];
  const tiers = {} as ReportModel['tiers'];
  // A loop, not push(...list): a verdict can have hundreds of thousands of rows, more than a call's arguments.
  const push = (list: TrimItem[]) => {
    for (const item of list) items.push(item);
  };
  for (const tier of TIERS) {
    const start = items.length;
    const list = byTier.get(tier)!;
    if (tier === 'failure') {
      const perLabel = new Map<string, Entry[]>();
      for (const e of list) (perLabel.get(e.label) ?? perLabel.set(e.label, []).get(e.label)!).push(e);
      push(roundRobin([...perLabel.values()].flatMap(failureOrder), score));
      // Pivot cases of broken limits stay with the failures they show.
      push(
        roundRobin(
          pivots.filter((p) => p.limitViolated),
          noScore,
        ),
      );
    } else if (tier === 'new-missing') {
      list.sort(
        (a, b) =>
          Number(b.m.verdict === 'missing') - Number(a.m.verdict === 'missing') ||
          Number(b.m.gated) - Number(a.m.gated) ||
          a.index - b.index,
      );
      push(roundRobin(list, noScore));
    } else if (tier === 'improvement' || tier === 'ungated') {
      list.sort((a, b) => b.badness - a.badness || a.index - b.index);
      push(roundRobin(list, score));
    } else if (tier === 'pivot') {
      push(
        roundRobin(
          pivots.filter((p) => !p.limitViolated),
          noScore,
        ),
      );
    } else if (tier === 'chart') {
      for (const label of labels) items.push({ kind: 'chart', label });
    } else {
      // Folded rows: those of metrics that gate (or the headline) first, then the rest, each in case order.
      list.sort((a, b) => Number(b.key) - Number(a.key) || a.index - b.index);
      push(roundRobin(list, noScore));
    }
    tiers[tier] = { start, end: items.length };
    byTier.set(tier, []);
  }

  const totals = new Map<string, { rows: number; unchanged: number }>(
    labels.map((l) => [l, { rows: 0, unchanged: 0 }]),
  );
  for (const e of entries) {
    const t = totals.get(e.label)!;
    t.rows++;
    if (e.place === 'folded') t.unchanged++;
  }
  for (const p of pivots) totals.get(p.label)!.rows++;

  const model: ReportModel = {
    kind,
    verdict,
    items,
    tiers,
    metricOfs,
    headOnlyLabels,
    labels,
    showPrompt,
    headline,
    counts: viewCounts,
    totals,
    runs,
    casesByLabel,
    caseTexts,
    charts: new Map(),
    metricOf,
    uncapped,
  };
  // A label without a chart has nothing to drop: its chart item goes.
  const charts = new Set(labels.filter((l) => chartOf(model, l) !== null));
  const kept = items.filter((i) => i.kind !== 'chart' || charts.has(i.label));
  if (kept.length !== items.length) {
    const removedBefore = (n: number) =>
      items.slice(0, n).filter((i) => i.kind === 'chart' && !charts.has(i.label)).length;
    for (const tier of TIERS)
      tiers[tier] = {
        start: tiers[tier].start - removedBefore(tiers[tier].start),
        end: tiers[tier].end - removedBefore(tiers[tier].end),
      };
    model.items = kept;
  }
  return model;
}

function runView(meta: RunMeta | null | undefined): RunView | null {
  if (!meta) return null;
  const r = meta.runner;
  const gpus = r.gpus.length
    ? r.gpus.map((g) => (g.memory_bytes ? `${g.name} (${formatBytes(g.memory_bytes)})` : g.name)).join(', ')
    : 'no GPU';
  const fingerprint = [
    [r.os, r.release].filter(Boolean).join(' '),
    r.arch,
    r.cpu,
    pluralize(r.cores, 'core'),
    `${formatBytes(r.memory_bytes)} RAM`,
    gpus,
  ]
    .filter(Boolean)
    .join(' · ');
  const sha = shortSha(meta.git?.sha);
  const ref = shortRef(meta.git?.ref);
  const startedAt = formatTime(meta.started_at);
  return {
    commit: plainText([sha, ref === null ? null : `(${ref})`, startedAt].filter(Boolean).join(' '), { maxLength: 160 }),
    startedAt,
    sha,
    ref,
    engine: [meta.engine.kind, meta.engine.version].filter(Boolean).join(' '),
    tool: meta.tool_version,
    fingerprint: plainText(fingerprint, { maxLength: 300 }),
    runner: r,
  };
}

/** The unit of the first case that has the (capped) metric. */
function headMetricUnit(model: ReportModel, metric: string): string {
  for (const c of model.verdict.cases) {
    const m = model.metricOf(c, metric);
    if (m) return m.unit;
  }
  return '';
}

/** The label's chart, built once. */
function chartOf(model: ReportModel, label: string): Markdown | null {
  if (model.charts.has(label)) return model.charts.get(label)!;
  const chart = chartFor(model, label, model.headOnlyLabels.has(label));
  model.charts.set(label, chart);
  return chart;
}

function chartFor(model: ReportModel, label: string, headOnly: boolean): Markdown | null {
  const { verdict } = model;
  const metric = verdict.settings.headline_metric;
  const candidates: { point: ChartPoint; tokens: string[]; priority: number; index: number }[] = [];
  (model.casesByLabel.get(label) ?? []).forEach((c, index) => {
    const m = model.metricOf(c, metric);
    if (!m?.head) return;
    if (!headOnly && !m.base) return;
    candidates.push({
      point: { label: '', base: headOnly ? null : (m.base?.median ?? null), head: m.head.median },
      tokens: [c.model.id, ...paramsText(c.params).split(' '), model.showPrompt ? c.prompt_id : ''].filter(Boolean),
      priority: KIND_ORDER[m.verdict],
      index,
    });
  });
  if (candidates.length === 0) return null;
  const chosen = [...candidates]
    .sort((a, b) => a.priority - b.priority || a.index - b.index)
    .slice(0, CHART_CASES)
    .sort((a, b) => a.index - b.index);
  // Axis labels name only what differs between the plotted cases, so they stay short enough to read.
  const shared = chosen.length > 1 ? chosen[0]!.tokens.filter((t) => chosen.every((c) => c.tokens.includes(t))) : [];
  for (const c of chosen) {
    const own = c.tokens.filter((t) => !shared.includes(t));
    c.point.label = (own.length ? own : c.tokens.slice(0, 1)).join(' ');
  }
  const unit = verdict.metrics[metric]?.unit ?? capUntrusted(headMetricUnit(model, metric));
  return new Markdown(mermaidChart({ metric, unit, points: chosen.map((c) => c.point), total: candidates.length }));
}

/** The name every runner's results artifact has (github/artifacts.ts), in a code span: nothing in it links. */
const ARTIFACT_NAME = '`llm-bench-results-<runner label>`';

/**
 * Where every row of the verdict is, as the note about a cut says it: the results artifacts (one per runner, the raw
 * results the verdict was made from) when the action gave their link, else the verdict file; the job summary only
 * when the caller said it holds every row, and never in the summary itself.
 */
function fullReportText(kind: ReportKind, links: ReportView['links'], summaryComplete: boolean): string {
  const artifact = links.results
    ? `[results artifacts](${links.results}) (${ARTIFACT_NAME})`
    : links.run
      ? `results artifacts (${ARTIFACT_NAME})`
      : 'verdict file';
  if (kind === 'summary' || !summaryComplete) return `the ${artifact}`;
  const summary = links.run ? `[job summary](${links.run})` : 'job summary';
  return `the ${summary} and the ${artifact}`;
}

function omittedNote(
  omitted: { rows: number; charts: number },
  chartLabels: number,
  failures: { shown: number; total: number },
  where: string,
): string {
  const charts = omitted.charts === 0 ? '' : chartLabels === 1 ? 'the chart' : pluralize(omitted.charts, 'chart');
  const what = [omitted.rows > 0 ? pluralize(omitted.rows, 'row') : '', charts].filter(Boolean).join(' and ');
  const kept =
    failures.total === 0
      ? ''
      : failures.shown === failures.total
        ? ` (all ${pluralize(failures.total, 'failing row')} shown)`
        : ` (${formatNumber(failures.shown)} of ${pluralize(failures.total, 'failing row')} shown, every runner's worst first)`;
  return `… ${what} omitted to fit GitHub's limit${kept}; full report in ${where}`;
}

export interface ViewOptions {
  reportMarker: string | null;
  links: ReportView['links'];
  /** The job summary holds every row: notes about a cut may send the reader there. */
  summaryComplete?: boolean;
}

/** Runners whose lines read the same, one entry each: fingerprint, engine and commits (times dropped when only they differ). */
function runnerGroups(labels: { label: string; base: RunView | null; head: RunView | null }[]): RunnerGroupView[] {
  const shaRef = (r: RunView) => [r.sha, r.ref === null ? null : `(${r.ref})`].filter(Boolean).join(' ');
  const groups = new Map<
    string,
    { labels: string[]; fingerprint: string; engine: string; bases: (RunView | null)[]; heads: RunView[] }
  >();
  for (const l of labels) {
    if (!l.head) continue;
    const key = JSON.stringify([l.head.fingerprint, l.head.engine, l.base ? shaRef(l.base) : null, shaRef(l.head)]);
    const group = groups.get(key);
    if (group) {
      group.labels.push(l.label);
      group.bases.push(l.base);
      group.heads.push(l.head);
    } else
      groups.set(key, {
        labels: [l.label],
        fingerprint: l.head.fingerprint,
        engine: l.head.engine,
        bases: [l.base],
        heads: [l.head],
      });
  }
  const commit = (runs: RunView[]): string =>
    runs.every((r) => r.commit === runs[0]!.commit) ? runs[0]!.commit : plainText(shaRef(runs[0]!), { maxLength: 160 });
  return [...groups.values()].map((g) => {
    const bases = g.bases.filter((b): b is RunView => b !== null);
    return {
      labels: g.labels,
      fingerprint: g.fingerprint,
      engine: g.engine,
      base: bases.length ? commit(bases) : null,
      head: commit(g.heads),
    };
  });
}

/** An own, enumerable property computed on first read (Handlebars reads own properties only) and then kept. */
function lazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
}

/** The template data for one level of trimming; `omitted` counts what the trim left out. */
export function buildView(model: ReportModel, trim: Trim, opts: ViewOptions): ReportView {
  const { verdict, kind } = model;
  const keep = Math.min(model.items.length, Math.max(0, trim.keep));
  const keptEntries = new Map<string, Entry[]>();
  const keptPivots = new Map<string, PivotEntry[]>();
  const keptCharts = new Set<string>();
  let keptRows = 0;
  let failuresShown = 0;
  for (let i = 0; i < keep; i++) {
    const item = model.items[i]!;
    if (item.kind === 'chart') {
      keptCharts.add(item.label);
      continue;
    }
    keptRows++;
    if (item.kind === 'pivot') {
      (keptPivots.get(item.label) ?? keptPivots.set(item.label, []).get(item.label)!).push(item);
      continue;
    }
    if (item.tier === 'failure') failuresShown++;
    (keptEntries.get(item.label) ?? keptEntries.set(item.label, []).get(item.label)!).push(item);
  }
  const allCharts = model.items.filter((i) => i.kind === 'chart').length;
  const totalRows = model.items.length - allCharts;
  const omittedCharts = allCharts - keptCharts.size;
  const failureTier = model.tiers.failure;
  const failuresTotal = model.items.slice(failureTier.start, failureTier.end).filter((i) => i.kind === 'row').length;

  const firstWithRuns = new Map<string, string>();
  const labelViews: LabelView[] = model.labels.map((label) => {
    const run = model.runs.get(label);
    const headOnly = model.headOnlyLabels.has(label);
    const kept = keptEntries.get(label) ?? [];
    const pivots = (keptPivots.get(label) ?? []).sort((a, b) => a.order - b.order);
    const totals = model.totals.get(label)!;
    // Rows become RowViews only when the template reads them: the check prints ten rows of a verdict that may have 240,000.
    let sorted: Entry[] | undefined;
    const rowsIn = (place: Entry['place']) => () => {
      sorted ??= kept.sort(compareEntries);
      return sorted.filter((e) => e.place === place).map((e) => rowOf(model, e));
    };
    const view = {
      label,
      strategy: strategyView(run?.strategy ?? verdict.strategy),
      headOnly,
      pivot: headOnly
        ? {
            metrics: model.metricOfs.get(label) ?? [],
            cases: pivots.map((p) => pivotCase(model, p)),
          }
        : null,
      unchangedTotal: totals.unchanged,
      chart: keptCharts.has(label) ? chartOf(model, label) : null,
      omittedRows: totals.rows - kept.length - pivots.length,
      base: runView(run?.base),
      head: runView(run?.head),
      notes: (run?.notes ?? []).map((n) => plainText(n, { maxLength: NOTE_CHARS })),
    } as LabelView;
    const runsKey = JSON.stringify(
      [view.base, view.head].map((r) => (r ? [r.fingerprint, r.engine, r.commit, r.tool] : null)),
    );
    view.sameRunsAs = view.head ? (firstWithRuns.get(runsKey) ?? null) : null;
    if (view.head && !firstWithRuns.has(runsKey)) firstWithRuns.set(runsKey, label);
    lazy(view, 'rows', rowsIn('main'));
    lazy(view, 'otherChanges', rowsIn('other'));
    lazy(view, 'unchanged', rowsIn('folded'));
    return view;
  });

  const omittedRows = totalRows - keptRows;
  const omitted =
    omittedRows > 0 || omittedCharts > 0
      ? { rows: omittedRows, chart: omittedCharts > 0, charts: omittedCharts }
      : null;
  const top = labelViews
    .flatMap((l) =>
      (keptEntries.get(l.label) ?? []).filter(
        (e) => e.place === 'main' && e.m.verdict !== 'new' && e.m.verdict !== 'missing',
      ),
    )
    .sort(compareEntries)
    .map((e) => rowOf(model, e));
  const headlineUnit =
    verdict.metrics[verdict.settings.headline_metric]?.unit ??
    capUntrusted(headMetricUnit(model, verdict.settings.headline_metric));
  const strategies = new Set(verdict.runs.map((r) => r.strategy));
  const summaryComplete = opts.summaryComplete === true && kind !== 'summary';
  const where = fullReportText(kind, opts.links, summaryComplete);

  const view = {
    kind,
    marker: opts.reportMarker === null ? null : new Markdown(opts.reportMarker),
    headline: new Markdown(model.headline.markdown),
    title: model.headline.text,
    status: verdict.status,
    isRegression: verdict.status === 'regression',
    isPass: verdict.status === 'pass',
    isIncomplete: verdict.incomplete !== undefined,
    incomplete: verdict.incomplete
      ? {
          cancelled: verdict.incomplete.cancelled,
          reasons: verdict.incomplete.reasons.map((r) => plainText(r, { maxLength: NOTE_CHARS })),
        }
      : null,
    gatesFrom: verdict.settings.gates_from ?? null,
    gateChanges: (verdict.settings.gate_changes ?? []).map((c) => plainText(c, { maxLength: NOTE_CHARS })),
    isNoBaseline: nothingCompared(verdict),
    strategy: strategyView(verdict.strategy),
    mixedStrategies: strategies.size > 1 || (strategies.size === 1 && !strategies.has(verdict.strategy)),
    settings: {
      alpha: verdict.settings.alpha,
      minEffect: verdict.settings.min_effect,
      headlineMetric: verdict.settings.headline_metric,
      headlineUnit,
    },
    counts: model.counts,
    labels: labelViews,
    top: top.slice(0, TOP_ROWS),
    topMore: Math.max(0, top.length - TOP_ROWS),
    geomean: Object.entries(verdict.summary.geomean).map(([metric, ratio]) => ({
      metric,
      ratio,
      unit: verdict.metrics[metric]?.unit ?? '',
    })),
    notes: verdict.notes.map((n) => plainText(n, { maxLength: NOTE_CHARS })),
    allNotes: [
      ...verdict.notes.map((n) => plainText(n, { maxLength: NOTE_CHARS })),
      ...labelViews.flatMap((l) => l.notes.map((n) => `${l.label}: ${n}`)),
    ],
    links: opts.links,
    runners: runnerGroups(labelViews),
    omitted,
    omittedNote: omitted
      ? new Markdown(omittedNote(omitted, allCharts, { shown: failuresShown, total: failuresTotal }, where))
      : null,
    fullReport: new Markdown(where),
    summaryComplete,
    createdAt: formatTime(verdict.created_at),
    toolVersion: verdict.runs[0]?.head.tool_version ?? null,
  } as ReportView;
  // The whole verdict, capped, only for a template that reads it: copying 240,000 metric entries costs.
  lazy(view, 'verdict', () => (model.cappedVerdict ??= capVerdictStrings(model.uncapped)));
  return view;
}

function pivotCase(model: ReportModel, p: PivotEntry): PivotView['cases'][number] {
  if (!p.entry) {
    const metrics = model.metricOfs.get(p.label) ?? [];
    p.entry = {
      case: model.caseTexts.get(p.c) ?? caseText(p.c, model.showPrompt),
      caseId: p.c.id,
      limitViolated: p.limitViolated,
      values: metrics.map((metric) => {
        const m = model.metricOf(p.c, metric.name);
        return m?.head ? { median: m.head.median, n: m.head.n, unit: capUntrusted(m.unit) } : null;
      }),
    };
  }
  return p.entry;
}

/** A rough length of what an item adds to a body, for the first guess of how much fits (renders then correct it). */
export function itemSizeEstimate(model: ReportModel, item: TrimItem): number {
  if (item.kind === 'chart') return chartOf(model, item.label)?.text.length ?? 0;
  if (item.kind === 'pivot')
    return (model.caseTexts.get(item.c)?.length ?? 40) + 16 * (model.metricOfs.get(item.label)?.length ?? 1) + 8;
  const { c, m } = item;
  const perRow = model.kind === 'summary' ? 100 : 70;
  return (
    perRow +
    (model.caseTexts.get(c)?.length ?? 40) +
    m.metric.length +
    (m.note ? Math.min(m.note.length, 130) : 0) +
    (m.limit ? 16 : 0)
  );
}
