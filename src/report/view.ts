// Turns a verdict into the data the report templates see: ordered rows per runner label, the first line, the chart, the runs.
import type { CaseVerdict, MetricVerdict, MetricVerdictKind, RunMeta, Strategy, Verdict } from '../schema/verdict.js';
import type { Direction } from '../schema/metrics.js';
import { plainText } from './escape.js';
import { formatBytes, formatTime, formatValue, pluralize, shortRef, shortSha } from './format.js';
import { mermaidChart, type ChartPoint } from './chart.js';
import { buildHeadline, nothingCompared } from './headline.js';
import { gateCounts } from '../compare/gate.js';
import { capVerdictStrings } from './cap.js';

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
  cases: { case: string; caseId: string; limitViolated: boolean; values: ({ median: number; n: number; unit: string } | null)[] }[];
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
  omitted: { rows: number; chart: boolean } | null;
  omittedNote: Markdown | null;
  createdAt: string | null;
  toolVersion: string | null;
  /** The verdict as it is, for templates that need more (printed values are escaped on output). */
  verdict: Verdict;
}

/** How much detail is dropped to fit the size limit, step by step. */
export interface Trim {
  /** Folded unchanged rows kept (gated metrics first, then in case order). */
  maxUnchanged: number;
  dropChart: boolean;
  dropUngated: boolean;
  /** Rows kept in the main tables (and pivots), most important first. */
  maxRows: number;
}

export const NO_TRIM: Trim = { maxUnchanged: Number.POSITIVE_INFINITY, dropChart: false, dropUngated: false, maxRows: Number.POSITIVE_INFINITY };

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

const KIND_ORDER: Record<MetricVerdictKind, number> = { regression: 0, limit: 1, improvement: 2, new: 3, missing: 4, unchanged: 5 };
const TOP_ROWS = 10;
const CHART_CASES = 20;
const PIVOT_METRICS = 6;
const NOTE_CHARS = 300;

interface RankedRow {
  row: RowView;
  /** Folded (unchanged) rather than in the main table. */
  folded: boolean;
  key: boolean;
  rank: number;
}

interface RankedPivotCase {
  label: string;
  entry: PivotView['cases'][number];
  rank: number;
}

/** Everything about a verdict that does not depend on how much is trimmed. */
export interface ReportModel {
  kind: ReportKind;
  verdict: Verdict;
  rows: RankedRow[];
  pivotCases: RankedPivotCase[];
  pivotMetrics: Map<string, PivotView['metrics']>;
  headOnlyLabels: Set<string>;
  labels: string[];
  /** Cases differ by prompt too, so their names must say which. */
  showPrompt: boolean;
  headline: { markdown: string; text: string };
  counts: ReportView['counts'];
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
    (max !== undefined && head !== undefined && head > max ? 'max' : min !== undefined && head !== undefined && head < min ? 'min' : null);
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

function metricOrder(c: CaseVerdict, headlineMetric: string): string[] {
  const names = Object.keys(c.metrics);
  return [...names.filter((n) => n === headlineMetric), ...names.filter((n) => n !== headlineMetric)];
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

function rowView(verdict: Verdict, c: CaseVerdict, m: MetricVerdict, showPrompt: boolean): RowView {
  const limit = limitText(m);
  return {
    label: c.label,
    caseId: c.id,
    case: caseText(c, showPrompt),
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

/** Sorts rows: regressions (worst first), limits, improvements (largest first), new, missing, unchanged. */
function compareRows(a: { row: RowView; badness: number; index: number }, b: { row: RowView; badness: number; index: number }): number {
  const kind = KIND_ORDER[a.row.verdict] - KIND_ORDER[b.row.verdict];
  if (kind !== 0) return kind;
  if (a.row.verdict === 'regression' || a.row.verdict === 'improvement') {
    if (a.row.gated !== b.row.gated) return a.row.gated ? -1 : 1;
    if (b.badness !== a.badness) return b.badness - a.badness;
  }
  return a.index - b.index;
}

export function buildReportModel(uncapped: Verdict, kind: ReportKind): ReportModel {
  const verdict = capVerdictStrings(uncapped);
  const headlineMetric = verdict.settings.headline_metric;
  const showPrompt = new Set(verdict.cases.map((c) => c.prompt_id)).size > 1;
  const labels = [...new Set([...verdict.runs.map((r) => r.label), ...verdict.cases.map((c) => c.label)])];
  const headOnlyLabels = new Set(
    labels.filter((label) => {
      const run = verdict.runs.find((r) => r.label === label);
      const cases = verdict.cases.filter((c) => c.label === label);
      return nothingCompared(verdict) || (run !== undefined && run.base === null) || (cases.length > 0 && cases.every((c) => c.status === 'new'));
    }),
  );

  const all: { row: RowView; badness: number; index: number; key: boolean; include: boolean }[] = [];
  const gate = gateCounts(verdict);
  const counts = {
    regressions: gate.regressions,
    limits: gate.limits,
    worseNotGated: gate.worseNotGated,
    improvements: gate.improvements,
    unchanged: gate.unchanged,
    new: gate.new,
    missing: gate.missing,
  };
  for (const c of verdict.cases) {
    for (const name of metricOrder(c, headlineMetric)) {
      const m = c.metrics[name]!;
      const key = m.gated || m.metric === headlineMetric || m.limit !== undefined;
      all.push({ row: rowView(verdict, c, m, showPrompt), badness: badness(m), index: all.length, key, include: includeRow(kind, m, key) });
    }
  }
  const sorted = [...all].sort(compareRows);
  const viewCounts: ReportView['counts'] = {
    ...counts,
    cases: verdict.cases.length,
    newCases: verdict.cases.filter((c) => c.status === 'new').length,
    missingCases: verdict.cases.filter((c) => c.status === 'missing').length,
    labels: labels.length,
  };
  const headline = buildHeadline(
    verdict,
    sorted.map((s) => s.row),
    viewCounts,
  );

  // Head-only labels show a pivot of head medians instead of rows with nothing to compare.
  const pivotMetrics = new Map<string, PivotView['metrics']>();
  const pivotCases: RankedPivotCase[] = [];
  for (const label of headOnlyLabels) {
    const cases = verdict.cases.filter((c) => c.label === label);
    const seen = new Map<string, string>();
    for (const c of cases) {
      for (const name of metricOrder(c, headlineMetric)) {
        const m = c.metrics[name]!;
        if (!seen.has(name) && (m.gated || name === headlineMetric || m.limit !== undefined)) seen.set(name, m.unit);
      }
    }
    if (seen.size === 0) {
      for (const c of cases) for (const name of metricOrder(c, headlineMetric)) if (!seen.has(name)) seen.set(name, c.metrics[name]!.unit);
    }
    const metrics = [...seen].slice(0, PIVOT_METRICS).map(([name, unit]) => ({ name, unit }));
    pivotMetrics.set(label, metrics);
    cases.forEach((c, i) => {
      const limitViolated = Object.values(c.metrics).some((m) => m.verdict === 'limit');
      pivotCases.push({
        label,
        rank: (limitViolated ? 0 : 1) * 1e9 + i,
        entry: {
          case: caseText(c, showPrompt),
          caseId: c.id,
          limitViolated,
          values: metrics.map((metric) => {
            const m = c.metrics[metric.name];
            return m?.head ? { median: m.head.median, n: m.head.n, unit: m.unit } : null;
          }),
        },
      });
    });
  }
  pivotCases.sort((a, b) => a.rank - b.rank);
  pivotCases.forEach((p, i) => (p.rank = i));

  const rows: RankedRow[] = [];
  let rank = 0;
  const folded: { ranked: RankedRow; index: number }[] = [];
  for (const s of sorted) {
    if (!s.include) continue;
    const headOnly = headOnlyLabels.has(s.row.label);
    // In a head-only label the pivot carries the medians; only limits and the summary's full list remain as rows.
    // The comment and the check keep their main table for what gates; other significant changes fold away.
    const isFolded = headOnly
      ? s.row.verdict !== 'limit'
      : s.row.verdict === 'unchanged' || (kind !== 'summary' && !s.key && (s.row.verdict === 'regression' || s.row.verdict === 'improvement'));
    if (headOnly && isFolded && kind !== 'summary') continue;
    const ranked: RankedRow = { row: s.row, folded: isFolded, key: s.key, rank: isFolded ? 0 : rank++ };
    rows.push(ranked);
    if (isFolded) folded.push({ ranked, index: s.index });
  }
  // Folded rows rank on their own, kept longest first: significant changes of metrics that do not gate, then
  // unchanged rows of gated metrics, then the rest, each group in case order.
  const isChange = (f: { ranked: RankedRow }): number => Number(f.ranked.row.verdict === 'regression' || f.ranked.row.verdict === 'improvement');
  folded
    .sort((a, b) => isChange(b) - isChange(a) || Number(b.ranked.key) - Number(a.ranked.key) || a.index - b.index)
    .forEach((f, i) => (f.ranked.rank = i));
  return { kind, verdict, rows, pivotCases, pivotMetrics, headOnlyLabels, labels, showPrompt, headline, counts: viewCounts };
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

function chartFor(model: ReportModel, label: string, headOnly: boolean): Markdown | null {
  const { verdict } = model;
  const metric = verdict.settings.headline_metric;
  const candidates: { point: ChartPoint; tokens: string[]; priority: number; index: number }[] = [];
  verdict.cases.forEach((c, index) => {
    if (c.label !== label) return;
    const m = c.metrics[metric];
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
  const unit = verdict.metrics[metric]?.unit ?? verdict.cases.find((c) => c.metrics[metric])?.metrics[metric]?.unit ?? '';
  return new Markdown(mermaidChart({ metric, unit, points: chosen.map((c) => c.point), total: candidates.length }));
}

function omittedNote(kind: ReportKind, rows: number, chart: boolean, links: ReportView['links']): string {
  const what = [rows > 0 ? pluralize(rows, 'row') : '', chart ? 'the chart' : ''].filter(Boolean).join(' and ');
  const summary = links.run ? `[job summary](${links.run})` : 'job summary';
  const artifact = links.results ? `[results artifact](${links.results})` : 'results artifact';
  const where = kind === 'summary' ? artifact : `${summary} and the ${artifact}`;
  return `… ${what} omitted to fit GitHub's limit; full report in the ${where}`;
}

export interface ViewOptions {
  reportMarker: string | null;
  links: ReportView['links'];
}

/** A folded significant change of a metric that does not gate (head-only labels fold their new rows instead). */
function isOtherChange(r: RankedRow, headOnly: boolean): boolean {
  return !headOnly && (r.row.verdict === 'regression' || r.row.verdict === 'improvement');
}

/** The template data for one level of trimming; `omitted` counts what the trim left out. */
export function buildView(model: ReportModel, trim: Trim, opts: ViewOptions): ReportView {
  const { verdict, kind } = model;
  const keptRows: RankedRow[] = [];
  let mainKept = 0;
  for (const r of model.rows) {
    if (r.folded) {
      if (r.rank < trim.maxUnchanged) keptRows.push(r);
      continue;
    }
    if (trim.dropUngated && !r.key && r.row.verdict !== 'regression' && r.row.verdict !== 'limit') continue;
    if (mainKept >= trim.maxRows) continue;
    mainKept++;
    keptRows.push(r);
  }
  // Pivot rows share the row budget after the main rows: regressions matter more than head medians.
  const pivotBudget = Math.max(0, trim.maxRows - mainKept);
  const keptPivot = model.pivotCases.filter((p) => p.rank < pivotBudget);
  const omittedRows = model.rows.length - keptRows.length + (model.pivotCases.length - keptPivot.length);

  const labelViews: LabelView[] = model.labels.map((label) => {
    const run = verdict.runs.find((r) => r.label === label);
    const headOnly = model.headOnlyLabels.has(label);
    const rows = keptRows.filter((r) => r.row.label === label);
    const base = runView(run?.base);
    const head = runView(run?.head);
    return {
      label,
      strategy: strategyView(run?.strategy ?? verdict.strategy),
      headOnly,
      pivot: headOnly
        ? {
            metrics: model.pivotMetrics.get(label) ?? [],
            cases: keptPivot.filter((p) => p.label === label).map((p) => p.entry),
          }
        : null,
      rows: rows.filter((r) => !r.folded).map((r) => r.row),
      otherChanges: rows.filter((r) => r.folded && isOtherChange(r, headOnly)).map((r) => r.row),
      unchanged: rows.filter((r) => r.folded && !isOtherChange(r, headOnly)).map((r) => r.row),
      unchangedTotal: model.rows.filter((r) => r.folded && !isOtherChange(r, headOnly) && r.row.label === label).length,
      chart: trim.dropChart ? null : chartFor(model, label, headOnly),
      omittedRows:
        model.rows.filter((r) => r.row.label === label).length -
        rows.length +
        model.pivotCases.filter((p) => p.label === label).length -
        keptPivot.filter((p) => p.label === label).length,
      base,
      head,
      notes: (run?.notes ?? []).map((n) => plainText(n, { maxLength: NOTE_CHARS })),
    };
  });

  const chartDropped = trim.dropChart && model.labels.some((l) => chartFor(model, l, model.headOnlyLabels.has(l)) !== null);
  const omitted = omittedRows > 0 || chartDropped ? { rows: omittedRows, chart: chartDropped } : null;
  const mainRows = keptRows.filter((r) => !r.folded).sort((a, b) => a.rank - b.rank);
  const top = mainRows.filter((r) => r.row.verdict !== 'new' && r.row.verdict !== 'missing').map((r) => r.row);
  const headlineUnit =
    verdict.metrics[verdict.settings.headline_metric]?.unit ??
    verdict.cases.find((c) => c.metrics[verdict.settings.headline_metric])?.metrics[verdict.settings.headline_metric]?.unit ??
    '';
  const strategies = new Set(verdict.runs.map((r) => r.strategy));

  return {
    kind,
    marker: opts.reportMarker === null ? null : new Markdown(opts.reportMarker),
    headline: new Markdown(model.headline.markdown),
    title: model.headline.text,
    status: verdict.status,
    isRegression: verdict.status === 'regression',
    isPass: verdict.status === 'pass',
    isIncomplete: verdict.incomplete !== undefined,
    incomplete: verdict.incomplete
      ? { cancelled: verdict.incomplete.cancelled, reasons: verdict.incomplete.reasons.map((r) => plainText(r, { maxLength: NOTE_CHARS })) }
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
    omitted,
    omittedNote: omitted ? new Markdown(omittedNote(kind, omitted.rows, omitted.chart, opts.links)) : null,
    createdAt: formatTime(verdict.created_at),
    toolVersion: verdict.runs[0]?.head.tool_version ?? null,
    verdict,
  };
}

/** How many rows the main tables and pivots hold before any trimming (the range of `Trim.maxRows`). */
export function mainRowCount(model: ReportModel): number {
  return model.rows.filter((r) => !r.folded).length + model.pivotCases.length;
}

/** How many folded rows there are before any trimming (the range of `Trim.maxUnchanged`). */
export function foldedRowCount(model: ReportModel): number {
  return model.rows.filter((r) => r.folded).length;
}
