// Builds the verdict@1 document from per-metric decisions: limits, gating, case entries, summary counts and status.
import { InputError } from '../util/errors.js';
import { metricInfo, type MetricInfo } from '../schema/metrics.js';
import type { CaseResult, Results } from '../schema/results.js';
import type { CaseVerdict, MetricVerdict, RunMeta, Strategy, Verdict } from '../schema/verdict.js';
import { VERDICT_SCHEMA } from '../schema/verdict.js';
import { geomean } from '../stats/descriptive.js';
import type { Decision } from './decide.js';
import { countCases, incompleteReasons, summaryCounts, verdictStatus } from './gate.js';
import { isGated, thresholdFor, type CompareSettingsInput, type GateInput } from './settings.js';

export interface SideStats {
  n: number;
  median: number;
}

export interface MetricEvaluation {
  metric: string;
  base: SideStats | null;
  head: SideStats | null;
  /** Null for a metric on one side only (new or missing). */
  decision: Decision | null;
  notes?: string[];
}

export interface CaseEvaluation {
  label: string;
  head: CaseResult | null;
  base: CaseResult | null;
  metrics: MetricEvaluation[];
}

export interface RunEntry {
  label: string;
  strategy: Strategy;
  base: Results | null;
  head: Results;
  notes: string[];
}

function checkLimit(gate: GateInput | undefined, value: number | undefined): MetricVerdict['limit'] {
  if (!gate || (gate.min === undefined && gate.max === undefined)) return undefined;
  const limit: NonNullable<MetricVerdict['limit']> = {};
  if (gate.min !== undefined) limit.min = gate.min;
  if (gate.max !== undefined) limit.max = gate.max;
  if (value !== undefined) {
    if (gate.min !== undefined && value < gate.min) limit.violated = 'min';
    else if (gate.max !== undefined && value > gate.max) limit.violated = 'max';
  }
  return limit;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

export function metricVerdict(ev: MetricEvaluation, info: MetricInfo, settings: CompareSettingsInput): MetricVerdict {
  const gate = settings.gates[ev.metric];
  // Strategies never rescale the head (calibration rescales the base), so this is the median the PR measured.
  const limit = checkLimit(gate, ev.head?.median);
  const notes = [...(ev.decision?.note ? [ev.decision.note] : []), ...(ev.notes ?? [])];
  let verdict: MetricVerdict['verdict'];
  if (!ev.head) verdict = 'missing';
  else if (limit?.violated) {
    verdict = 'limit';
    const bound =
      limit.violated === 'min' ? `below the minimum ${fmt(limit.min!)}` : `above the maximum ${fmt(limit.max!)}`;
    notes.unshift(`head median ${fmt(ev.head.median)} is ${bound}`);
  } else if (!ev.base || !ev.decision) verdict = 'new';
  else verdict = ev.decision.verdict;
  const out: MetricVerdict = {
    metric: ev.metric,
    direction: info.direction,
    unit: info.unit,
    base: ev.base,
    head: ev.head,
    ratio: ev.decision?.ratio ?? null,
    ci: ev.decision?.ci ?? null,
    p_value: ev.decision?.pValue ?? null,
    verdict,
    gated: isGated(ev.metric, info.direction, settings),
    threshold: info.direction === 'none' ? null : (ev.decision?.threshold ?? thresholdFor(ev.metric, settings)),
  };
  if (limit) out.limit = limit;
  if (notes.length) out.note = notes.join('; ');
  return out;
}

/** Custom metrics declared by the results files; the head's declaration wins over the base's. */
export function customMetrics(...results: Array<Results | null | undefined>): Record<string, MetricInfo> {
  const out: Record<string, MetricInfo> = {};
  for (const r of results) if (r) Object.assign(out, r.metrics);
  return out;
}

/** Metric names of a case pair: the head's order first, then those only the base has. */
export function metricNames(head: CaseResult | null, base: CaseResult | null): string[] {
  return [...new Set([...Object.keys(head?.samples ?? {}), ...Object.keys(base?.samples ?? {})])];
}

export function runMeta(results: Results): RunMeta {
  const meta: RunMeta = {
    started_at: results.started_at,
    tool_version: results.tool.version,
    runner: results.runner,
    engine: results.engine,
  };
  if (results.git) meta.git = results.git;
  return meta;
}

/** Differences between the two runs' machines and engines that a reader should know before trusting a ratio. */
export function runDifferences(base: Results, head: Results): string[] {
  const notes: string[] = [];
  const b = base.runner;
  const h = head.runner;
  const hw: string[] = [];
  if (b.cpu !== h.cpu) hw.push(`cpu "${b.cpu}" → "${h.cpu}"`);
  if (b.cores !== h.cores) hw.push(`cores ${b.cores} → ${h.cores}`);
  if (b.memory_bytes !== h.memory_bytes) hw.push(`memory ${b.memory_bytes} → ${h.memory_bytes} bytes`);
  const bg = b.gpus.map((g) => g.name).join(', ');
  const hg = h.gpus.map((g) => g.name).join(', ');
  if (bg !== hg) hw.push(`gpus "${bg || 'none'}" → "${hg || 'none'}"`);
  if (hw.length) notes.push(`base and head ran on different hardware: ${hw.join('; ')}`);
  if (base.engine.kind !== head.engine.kind || base.engine.version !== head.engine.version) {
    notes.push(
      `engine changed: ${base.engine.kind} ${base.engine.version} → ${head.engine.kind} ${head.engine.version}`,
    );
  }
  return notes;
}

/** A baseline from another runner label cannot be compared: that is a different machine class. */
export function checkSameLabel(base: Results, head: Results, files: { base?: string; head?: string } = {}): void {
  if (base.runner.label !== head.runner.label) {
    throw new InputError(
      `baseline runner label "${base.runner.label}" differs from head runner label "${head.runner.label}"` +
        (files.head ? ` (in ${files.head})` : '') +
        ': compare results of the same runner label',
      { file: files.base, path: 'runner.label' },
    );
  }
}

/** Cases by id for run-vs-run matching; a results file holding both sides of an A/B run is refused here. */
export function casesById(results: Results, file?: string): Map<string, CaseResult> {
  const byId = new Map<string, CaseResult>();
  results.cases.forEach((c, i) => {
    if (byId.has(c.id)) {
      throw new InputError(`case id "${c.id}" appears twice (an A/B results file? compare it with the ab strategy)`, {
        file,
        path: `cases[${i}].id`,
      });
    }
    byId.set(c.id, c);
  });
  return byId;
}

function caseVerdict(
  ev: CaseEvaluation,
  infos: Record<string, MetricInfo>,
  settings: CompareSettingsInput,
): CaseVerdict {
  const main = (ev.head ?? ev.base)!;
  const metrics: Record<string, MetricVerdict> = {};
  for (const m of ev.metrics) metrics[m.metric] = metricVerdict(m, infos[m.metric]!, settings);
  const out: CaseVerdict = {
    label: ev.label,
    id: main.id,
    model: main.model,
    params: main.params,
    prompt_id: main.prompt.id,
    status: ev.head && ev.base ? 'compared' : ev.head ? 'new' : 'missing',
    errors: main.errors.length,
    metrics,
  };
  if (ev.head && ev.base) out.base_model = ev.base.model;
  return out;
}

export interface VerdictParts {
  settings: CompareSettingsInput;
  now: Date;
  runs: RunEntry[];
  cases: CaseEvaluation[];
  /** Custom metric declarations of every results file involved. */
  custom: Record<string, MetricInfo>;
  notes?: string[];
}

/**
 * Summary counts come from gateCounts (compare/gate.ts), the one count every report uses: regressions are gated ones,
 * significant changes for the worse in ungated metrics are counted apart. The geomean ratio of a metric runs over the
 * compared cases with a finite ratio. A head run that did not finish, or gated metrics it did not measure, make the
 * verdict incomplete: never a pass.
 */
export function assembleVerdict(parts: VerdictParts): Verdict {
  const infos: Record<string, MetricInfo> = {};
  for (const c of parts.cases) for (const m of c.metrics) infos[m.metric] ??= metricInfo(m.metric, parts.custom);
  const cases = parts.cases.map((c) => caseVerdict(c, infos, parts.settings));
  const summary: Verdict['summary'] = { ...summaryCounts(countCases(cases)), geomean: geomeanRatios(cases) };
  const incomplete = incompleteReasons(parts.runs, cases);
  const compared = cases.some((c) => c.status === 'compared');
  const strategies = [...new Set(parts.runs.map((r) => r.strategy))];
  const notes = [...(parts.notes ?? [])];
  if (strategies.length > 1)
    notes.push(
      `runner labels used different strategies: ${parts.runs.map((r) => `${r.label} ${r.strategy}`).join(', ')}`,
    );
  const metrics: Verdict['metrics'] = {};
  for (const [name, info] of Object.entries(infos))
    metrics[name] = { direction: info.direction, unit: info.unit, description: info.description };
  return {
    schema: VERDICT_SCHEMA,
    created_at: parts.now.toISOString(),
    status: verdictStatus(countCases(cases), incomplete, compared),
    strategy: strategies.length === 1 ? strategies[0]! : 'baseline', // mixed (or none): the plain name, with a note
    settings: settingsEntry(parts.settings),
    ...(incomplete ? { incomplete } : {}),
    summary,
    runs: parts.runs.map((r) => ({
      label: r.label,
      strategy: r.strategy,
      base: r.base ? runMeta(r.base) : null,
      head: runMeta(r.head),
      notes: r.notes,
    })),
    metrics,
    cases,
    notes,
  };
}

/** The verdict's settings entry, with where a pull request's gates came from when that was decided. */
export function settingsEntry(settings: CompareSettingsInput): Verdict['settings'] {
  return {
    alpha: settings.alpha,
    min_effect: settings.min_effect,
    headline_metric: settings.headline,
    ...(settings.gatesFrom ? { gates_from: settings.gatesFrom } : {}),
    ...(settings.gateChanges?.length ? { gate_changes: [...settings.gateChanges] } : {}),
  };
}

/** Geometric mean of head ÷ base per metric over the compared cases with a finite, positive ratio. */
export function geomeanRatios(cases: readonly CaseVerdict[]): Record<string, number> {
  const ratios = new Map<string, number[]>();
  for (const c of cases) {
    if (c.status !== 'compared') continue;
    for (const m of Object.values(c.metrics)) {
      if (m.ratio === null || !(m.ratio > 0) || !Number.isFinite(m.ratio)) continue;
      const list = ratios.get(m.metric);
      if (list) list.push(m.ratio);
      else ratios.set(m.metric, [m.ratio]);
    }
  }
  const out: Record<string, number> = {};
  for (const [metric, list] of ratios) out[metric] = geomean(list);
  return out;
}
