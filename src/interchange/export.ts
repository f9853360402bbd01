// Export of results and verdicts to the formats other tools read: Bencher Metric Format, github-action-benchmark's
// custom JSON, CSV and JSON lines. Pure: text in, text out.
import { metricInfo } from '../schema/metrics.js';
import type { Results } from '../schema/results.js';
import type { Verdict } from '../schema/verdict.js';
import { median } from '../stats/descriptive.js';

export const EXPORT_FORMATS = ['bmf', 'gab-bigger', 'gab-smaller', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface Row {
  runner: string;
  side: string;
  case: string;
  model: string;
  prompt: string;
  params: string;
  metric: string;
  unit: string;
  direction: string;
  n: number;
  median: number;
  min: number;
  max: number;
}

function rows(results: Results): Row[] {
  const out: Row[] = [];
  for (const c of results.cases) {
    for (const [metric, samples] of Object.entries(c.samples)) {
      const info = metricInfo(metric, results.metrics);
      out.push({
        runner: results.runner.label,
        side: c.side ?? '',
        case: c.id,
        model: c.model.name,
        prompt: c.prompt.id,
        params: Object.entries(c.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
        metric,
        unit: info.unit,
        direction: info.direction,
        n: samples.length,
        median: median(samples),
        min: Math.min(...samples),
        max: Math.max(...samples),
      });
    }
  }
  return out;
}

/** The benchmark's name in other tools: runner, side (A/B) and case id. */
const benchName = (r: Row): string => [r.runner, r.side, r.case].filter(Boolean).join(' / ');

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; formulas are defused for spreadsheets. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * - `bmf`: Bencher Metric Format (bencher.dev/docs/reference/bencher-metric-format): `{benchmark: {measure: {value,
 *   lower_value, upper_value}}}`, value = median, lower/upper = the smallest and largest sample.
 * - `gab-bigger` / `gab-smaller`: github-action-benchmark's `customBiggerIsBetter` / `customSmallerIsBetter` tools: an
 *   array of `{name, unit, value, range, extra}` for the metrics whose better direction is up / down.
 * - `csv`, `jsonl`: one row per case × metric (runner, side, case, model, prompt, params, metric, unit, direction,
 *   n, median, min, max).
 */
export function exportResults(results: Results, format: ExportFormat): string {
  const all = rows(results);
  switch (format) {
    case 'bmf': {
      const out: Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>> = {};
      for (const r of all)
        (out[benchName(r)] ??= {})[r.metric] = { value: r.median, lower_value: r.min, upper_value: r.max };
      return `${JSON.stringify(out, null, 2)}\n`;
    }
    case 'gab-bigger':
    case 'gab-smaller': {
      const want = format === 'gab-bigger' ? 'higher' : 'lower';
      const entries = all
        .filter((r) => r.direction === want)
        .map((r) => ({
          name: `${benchName(r)} ${r.metric}`,
          unit: r.unit,
          value: r.median,
          range: `${r.min} … ${r.max}`,
          extra: `n=${r.n} ${r.params}`.trim(),
        }));
      return `${JSON.stringify(entries, null, 2)}\n`;
    }
    case 'csv': {
      const header: Array<keyof Row> = [
        'runner',
        'side',
        'case',
        'model',
        'prompt',
        'params',
        'metric',
        'unit',
        'direction',
        'n',
        'median',
        'min',
        'max',
      ];
      return `${[header.join(','), ...all.map((r) => header.map((k) => csvField(r[k])).join(','))].join('\n')}\n`;
    }
    case 'jsonl':
      return all.map((r) => JSON.stringify(r)).join('\n') + (all.length ? '\n' : '');
  }
}

/** A verdict as CSV or JSON lines: one row per case × metric with both medians, the ratio, its interval, p and the verdict. */
export function exportVerdict(verdict: Verdict, format: 'csv' | 'jsonl'): string {
  const out = verdict.cases.flatMap((c) =>
    Object.values(c.metrics).map((m) => ({
      runner: c.label,
      case: c.id,
      metric: m.metric,
      unit: m.unit,
      base_median: m.base?.median ?? null,
      head_median: m.head?.median ?? null,
      base_n: m.base?.n ?? null,
      head_n: m.head?.n ?? null,
      ratio: m.ratio,
      ci_low: m.ci?.[0] ?? null,
      ci_high: m.ci?.[1] ?? null,
      p_value: m.p_value,
      verdict: m.verdict,
      gated: m.gated,
      threshold: m.threshold,
    })),
  );
  if (format === 'jsonl') return out.map((r) => JSON.stringify(r)).join('\n') + (out.length ? '\n' : '');
  const header = Object.keys(out[0] ?? { runner: '' });
  return `${[header.join(','), ...out.map((r) => header.map((k) => csvField((r as Record<string, string | number | boolean | null>)[k]!)).join(','))].join('\n')}\n`;
}
