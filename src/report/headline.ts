// The report's first line: what a reviewer needs in ten seconds, as Markdown and as plain text.
import type { Verdict } from '../schema/verdict.js';
import { escapeMarkdown, plainText } from './escape.js';
import { formatChange, formatNumber, formatPValue, formatValue, pluralize } from './format.js';
import type { ReportView, RowView } from './view.js';

/** Changes named before "and N more". */
const HEADLINE_ITEMS = 3;

/** "decode_tps −18% (p=0.002)" or "temp_max_c 76.2 °C > max 75 °C"; `esc` escapes the untrusted parts. */
function headlineChange(row: RowView, esc: (s: string) => string): string {
  if (row.verdict === 'limit' && row.limitHit && row.head) {
    return `${esc(row.metric)} ${esc(formatValue(row.head.median, row.unit))} ${row.limitHit === 'max' ? '>' : '<'} ${esc(row.limit ?? '')}`;
  }
  // formatChange and formatPValue print digits, signs, "%", "p=", "p<": nothing Markdown reads as syntax.
  return `${esc(row.metric)} ${formatChange(row.ratio)}${row.p === null ? '' : ` (${formatPValue(row.p, true)})`}`;
}

/** No case had a baseline: compare's status is then `no-baseline`, or `regression` when a limit failed. */
export function nothingCompared(verdict: Verdict): boolean {
  return (
    verdict.status === 'no-baseline' || (verdict.cases.length > 0 && verdict.cases.every((c) => c.status === 'new'))
  );
}

/** Up to three changes, grouped by runner and case: "a −18% (p=0.002), b +25% (p<0.001) on gpu-4080 for gemma3:1b; … and 2 more". */
function listItems(rows: RowView[], markdown: boolean): string {
  const esc = markdown
    ? (s: string) => escapeMarkdown(s, { maxLength: 80 })
    : (s: string) => plainText(s, { maxLength: 80 });
  const shown = rows.slice(0, HEADLINE_ITEMS);
  const groups: { where: string; changes: string[] }[] = [];
  for (const row of shown) {
    const where = `on ${esc(row.label)} for ${esc(row.case)}`;
    const group = groups.find((g) => g.where === where);
    if (group) group.changes.push(headlineChange(row, esc));
    else groups.push({ where, changes: [headlineChange(row, esc)] });
  }
  const text = groups.map((g) => `${g.changes.join(', ')} ${g.where}`).join('; ');
  const more = rows.length - shown.length;
  return more > 0 ? `${text}; and ${formatNumber(more)} more` : text;
}

export function buildHeadline(
  verdict: Verdict,
  rows: RowView[],
  counts: ReportView['counts'],
): { markdown: string; text: string } {
  const line = headlineOfJudged(verdict, rows, counts);
  if (!verdict.incomplete) return line;
  // Not everything was judged: that comes first, and a verdict without failures never reads as a pass.
  const reasons = verdict.incomplete.reasons.map((r) => plainText(r, { maxLength: 160 }));
  const what = verdict.incomplete.cancelled ? 'Cancelled, incomplete' : 'Incomplete';
  const mdReasons = reasons.map((r) => escapeMarkdown(r)).join('; ');
  const judged = { markdown: line.markdown.replace('✅ ', ''), text: line.text.replace('✅ ', '') };
  const rest =
    counts.regressions + counts.limits > 0
      ? line
      : { markdown: `in what ran: ${judged.markdown}`, text: `in what ran: ${judged.text}` };
  return {
    markdown: `**⛔ ${what}, not a pass**: ${mdReasons}. ${rest.markdown}`,
    text: `⛔ ${what}, not a pass: ${reasons.join('; ')}. ${rest.text}`,
  };
}

function headlineOfJudged(
  verdict: Verdict,
  rows: RowView[],
  counts: ReportView['counts'],
): { markdown: string; text: string } {
  // The reviewer reads the headline metric first (decode_tps unless the config says otherwise), then the rest worst first.
  const headlineMetric = verdict.settings.headline_metric;
  const ordered = [
    ...rows.filter((r) => r.metric === headlineMetric),
    ...rows.filter((r) => r.metric !== headlineMetric),
  ];
  // Only gated metrics are regressions (compare/gate.ts); the others are "slower, not gated".
  const gatedRegressions = ordered.filter((r) => r.verdict === 'regression' && r.gated);
  const limits = ordered.filter((r) => r.verdict === 'limit');
  const extras: string[] = [];
  if (counts.newCases) extras.push(`🆕 ${pluralize(counts.newCases, 'new case')}`);
  if (counts.missingCases) extras.push(`❔ ${pluralize(counts.missingCases, 'missing case')}`);
  // Without a baseline every case is new; saying so again adds nothing.
  const noBaseline = nothingCompared(verdict);
  const tail = extras.length && !noBaseline ? ` · ${extras.join(' · ')}` : '';

  const failing = [...gatedRegressions, ...limits];
  if (failing.length > 0) {
    const heads: string[] = [];
    if (gatedRegressions.length) heads.push(`⚠️ ${pluralize(gatedRegressions.length, 'regression')}`);
    if (limits.length) heads.push(`🚫 ${pluralize(limits.length, 'limit')} exceeded`);
    const suffix = noBaseline ? ' (no baseline yet)' : '';
    return {
      markdown: `**${heads.join(', ')}**${suffix}: ${listItems(failing, true)}${tail}`,
      text: `${heads.join(', ')}${suffix}: ${listItems(failing, false)}${tail}`,
    };
  }
  if (verdict.status === 'regression') {
    return { markdown: `**⚠️ Regression**: see the tables below${tail}`, text: `⚠️ Regression${tail}` };
  }
  if (noBaseline) {
    const labels = [...new Set(verdict.cases.map((c) => c.label))];
    const where = labels.length ? ` on ${labels.map((l) => escapeMarkdown(l, { maxLength: 40 })).join(', ')}` : '';
    const whereText = labels.length ? ` on ${labels.map((l) => plainText(l, { maxLength: 40 })).join(', ')}` : '';
    return {
      markdown: `**🆕 No baseline yet**: head medians of ${pluralize(counts.cases, 'case')}${where}`,
      text: `🆕 No baseline yet: head medians of ${pluralize(counts.cases, 'case')}${whereText}`,
    };
  }
  const ungated = counts.worseNotGated
    ? ` · ${pluralize(counts.worseNotGated, 'metric')} slower or worse, not gated`
    : '';
  const improvements = ordered.filter((r) => r.verdict === 'improvement');
  if (improvements.length) {
    return {
      markdown: `**✅ No significant regression** · 🚀 ${pluralize(improvements.length, 'improvement')}: ${listItems(improvements, true)}${ungated}${tail}`,
      text: `✅ No significant regression · 🚀 ${pluralize(improvements.length, 'improvement')}: ${listItems(improvements, false)}${ungated}${tail}`,
    };
  }
  return {
    markdown: `**✅ No significant change**${ungated}${tail}`,
    text: `✅ No significant change${ungated}${tail}`,
  };
}
