// A Mermaid `xychart-beta` of base and head medians of the headline metric over cases (GitHub renders it).
import { escapeMermaidLabel } from './escape.js';

export interface ChartPoint {
  label: string;
  /** Null when there is no baseline: the chart then shows head medians only. */
  base: number | null;
  head: number;
}

export interface ChartInput {
  metric: string;
  unit: string;
  points: ChartPoint[];
  /** Cases that had a value, when more than `points` did (the title says how many are shown). */
  total?: number;
}

/** Mermaid wants plain decimals; four significant digits are plenty at a chart's resolution. */
function chartNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Number(value.toPrecision(4));
  if (Math.abs(rounded) < 1e-6) return '0';
  const text = String(rounded);
  return text.includes('e') ? rounded.toFixed(Math.abs(rounded) >= 1 ? 0 : 10) : text;
}

/** A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten, above the largest value. */
function axisMax(max: number): number {
  if (!(max > 0)) return 1;
  const target = max * 1.1;
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= target) return step * power;
  return 10 * power;
}

/** Labels must differ, or Mermaid stacks two cases on one tick. */
function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (${count})`;
  });
}

/** The fenced Mermaid block, or an empty string when there is nothing to plot. */
export function mermaidChart(input: ChartInput): string {
  const points = input.points.filter((p) => Number.isFinite(p.head) && (p.base === null || Number.isFinite(p.base)));
  if (points.length === 0) return '';
  const headOnly = points.every((p) => p.base === null);
  const labels = uniqueLabels(points.map((p) => escapeMermaidLabel(p.label, 28)));
  const values = points.flatMap((p) => (p.base === null ? [p.head] : [p.base, p.head]));
  const metric = escapeMermaidLabel(input.metric, 40);
  const unit = escapeMermaidLabel(input.unit || 'value', 16);
  const shown =
    input.total !== undefined && input.total > points.length ? `, ${points.length} of ${input.total} cases` : '';
  const title = headOnly ? `${metric} head medians${shown}` : `${metric} medians: bars base, line head${shown}`;
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${labels.map((l) => `"${l}"`).join(', ')}]`,
    `  y-axis "${unit}" 0 --> ${chartNumber(axisMax(Math.max(...values)))}`,
  ];
  if (headOnly) {
    lines.push(`  bar [${points.map((p) => chartNumber(p.head)).join(', ')}]`);
  } else {
    // Two bar series overlap in xychart; a line for head over bars for base stays readable.
    lines.push(`  bar [${points.map((p) => chartNumber(p.base ?? 0)).join(', ')}]`);
    lines.push(`  line [${points.map((p) => chartNumber(p.head)).join(', ')}]`);
  }
  lines.push('```');
  return lines.join('\n');
}
