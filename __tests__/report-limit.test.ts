// The size limit: bodies stay under maxChars by dropping detail step by step, keep the first line, and say how many rows they left out.
import { beforeAll, describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { MAX_CHARS, renderReport, renderTrimmed, type ReportKind, type Trim } from '../src/report/render.js';
import type { TemplateSource } from '../src/report/helpers.js';
import type { Verdict } from '../src/schema/verdict.js';
import { builtinTemplates, largeVerdict, loadVerdict } from './fixtures/verdicts/index.js';

let templates: Record<ReportKind, TemplateSource>;
let big: Verdict;

beforeAll(async () => {
  templates = await builtinTemplates();
  // 2 runners × 400 cases × 5 metrics = 4,000 metric rows; 40 regressions.
  big = largeVerdict({ labels: ['gpu-4080', 'pi-4'], casesPerLabel: 400, regressions: 40 });
});

const NOTE = /… ([\d,]+) rows?(?: and the chart)? omitted to fit GitHub's limit; full report in the /;

function render(verdict: Verdict, kind: ReportKind, maxChars?: number, template?: TemplateSource): string {
  return renderReport(verdict, { kind, template: template ?? templates[kind], reportId: 'bench', maxChars });
}

/** Rows in the Markdown tables whose first column is a case (the report's metric rows and pivot rows). */
function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((l) => /^\| [^-|]/.test(l) && !/^\| case \|/.test(l) && !/^\| runner \|/.test(l) && !/^\| (engine|commit|llm-bench|metric) \|/.test(l));
}

function omittedCount(markdown: string): number {
  const match = NOTE.exec(markdown);
  return match ? Number(match[1]!.replace(/,/g, '')) : 0;
}

describe('size limit', () => {
  it('keeps a 4,000-row comment under 65,536 characters with the first line intact and a note', () => {
    const full = render(big, 'comment', Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(MAX_CHARS.comment);
    const fitted = render(big, 'comment');
    expect(fitted.length).toBeLessThanOrEqual(65_536);
    expect(fitted.split('\n').slice(0, 2)).toEqual(full.split('\n').slice(0, 2));
    expect(fitted.split('\n')[1]).toMatch(/^\*\*⚠️ 40 regressions\*\*: decode_tps −39% \(p[<=]0\.00\d\) on gpu-4080 for gemma3:1b num_batch=320 num_ctx=4096; /);
    expect(fitted).toMatch(NOTE);
    expect(fitted).toContain('full report in the job summary and the results artifact');
    // Every regression is still listed: they are dropped last.
    expect(tableRows(fitted).filter((r) => r.includes('⚠️ regression'))).toHaveLength(40);
    // Shown rows and omitted rows add up to the rows the untrimmed comment shows.
    expect(tableRows(fitted).length + omittedCount(fitted)).toBe(tableRows(full).length);
  });

  describe('drops detail step by step', () => {
    const verdict = largeVerdict({ labels: ['gpu-4080'], casesPerLabel: 120, regressions: 5 });
    const opts = () => ({ kind: 'comment' as const, template: templates.comment, reportId: 'bench' });
    const at = (trim: Partial<Trim>) => renderTrimmed(verdict, opts(), trim);
    const fit = (maxChars: number) => renderReport(verdict, { ...opts(), maxChars });

    it('first folded unchanged rows, as few as it must, keeping the chart', () => {
      const full = at({});
      expect(full).toContain('<details><summary>458 unchanged rows</summary>');
      const fitted = fit(full.length - 1);
      expect(fitted.length).toBeLessThan(full.length);
      const kept = Number(/<details><summary>(\d+) of 458 unchanged rows<\/summary>/.exec(fitted)?.[1]);
      // The note costs about two rows' worth of characters; nothing more than that is dropped.
      expect(kept).toBeGreaterThan(450);
      expect(kept).toBeLessThan(458);
      expect(fitted).toContain('```mermaid');
      expect(omittedCount(fitted)).toBe(tableRows(full).length - tableRows(fitted).length);
      expect(omittedCount(fitted)).toBeGreaterThan(0);
      // Rows of gated metrics stay folded longest.
      const noFolded = at({ maxUnchanged: 0 });
      const half = fit(Math.floor((full.length + noFolded.length) / 2));
      const start = half.indexOf('unchanged rows</summary>');
      const folded = half.slice(start, half.indexOf('</details>', start));
      expect(folded).toContain('| decode_tps |');
      expect(folded).not.toContain('| peak_rss_mb |');
      // Significant changes of ungated metrics (the e2e_ms improvements) are folded apart and kept longer still.
      expect(half).toMatch(/<details><summary>\d+ significant changes in metrics that do not gate<\/summary>[\s\S]*\| e2e_ms \|[\s\S]*🚀 improvement/);
    });

    it('then all of them, then the chart, then rows of ungated metrics, then the least important rows', () => {
      const noFolded = at({ maxUnchanged: 0 });
      expect(fit(noFolded.length)).toBe(noFolded);
      expect(noFolded).not.toContain('<details>');
      expect(noFolded).toContain('```mermaid');

      const noChart = at({ maxUnchanged: 0, dropChart: true });
      expect(fit(noFolded.length - 1)).toBe(noChart);
      expect(noChart).not.toContain('```mermaid');
      expect(noChart).toMatch(/rows and the chart omitted/);
      // The comment folds the e2e_ms improvements (an ungated metric): they went with the folded rows, so the
      // main table already holds only what gates and dropping ungated rows removes nothing more.
      expect(noChart).not.toContain('| e2e_ms |');
      const gatedOnly = at({ maxUnchanged: 0, dropChart: true, dropUngated: true });
      expect(gatedOnly).toBe(noChart);
      expect(tableRows(gatedOnly).filter((r) => r.includes('⚠️ regression'))).toHaveLength(5);

      const twoRows = at({ maxUnchanged: 0, dropChart: true, dropUngated: true, maxRows: 2 });
      const tight = fit(twoRows.length);
      expect(tight).toBe(twoRows);
      const changes = tableRows(tight).map((r) => r.split(' | ')[4]);
      // The generator's two worst of five regressions are 0.9 − 0.3 × 4/5 = 0.66 and 0.9 − 0.3 × 3/5 = 0.72.
      expect(changes).toEqual(['−34%', '−28%']);
      expect(tight.split('\n')[1]).toBe(noFolded.split('\n')[1]);
      expect(omittedCount(tight)).toBe(tableRows(at({})).length - 2);
    });
  });

  it('keeps the first line and the note even when nothing else fits', () => {
    const tiny = render(big, 'comment', 1_500);
    expect(tiny.length).toBeLessThanOrEqual(1_500);
    expect(tiny.split('\n')[0]).toBe('<!-- llm-bench:report-id=bench -->');
    expect(tiny.split('\n')[1]).toMatch(/^\*\*⚠️ 40 regressions\*\*/);
    expect(tiny).toMatch(NOTE);
  });

  it('cuts a template that prints more than any trimming can remove, closing open blocks', () => {
    const chatty: TemplateSource = {
      text: '{{headline}}\n\n<details><summary>log</summary>\n\n```\n{{#each verdict.cases}}{{id}} {{label}} and some padding text to make it long\n{{/each}}```\n\n</details>\n',
      file: 'chatty.md.hbs',
    };
    const out = render(loadVerdict('mixed'), 'comment', 800, chatty);
    const fitted = render(big, 'comment', 5_000, chatty);
    expect(out.length).toBeLessThanOrEqual(800);
    expect(fitted.length).toBeLessThanOrEqual(5_000);
    expect(fitted.split('\n')[0]).toMatch(/^\*\*⚠️ 40 regressions\*\*/);
    expect(fitted).toMatch(NOTE);
    const html = marked.parse(fitted, { gfm: true, async: false });
    // The note is outside the code block and the <details> are balanced.
    expect(html).toMatch(/<p>… [\d,]+ rows(?: and the chart)? omitted to fit GitHub(&#39;|')s limit/);
    expect((fitted.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((fitted.match(/<details>/g) ?? []).length).toBe((fitted.match(/<\/details>/g) ?? []).length);
  });

  it('keeps the summary and the check under their own limits and points to the artifact', () => {
    const summary = render(big, 'summary');
    expect(summary.length).toBeLessThanOrEqual(MAX_CHARS.summary);
    expect(summary).toContain('full report in the results artifact');
    const check = render(big, 'check');
    expect(check.length).toBeLessThanOrEqual(MAX_CHARS.check);
    // The check lists what gates (and the headline metric); significant changes of other metrics are only in the summary.
    const changes = big.cases.flatMap((c) => Object.values(c.metrics)).filter((m) => m.verdict === 'regression' || m.verdict === 'improvement');
    const listed = changes.filter((m) => m.gated || m.metric === big.settings.headline_metric).length;
    expect(changes.length - listed).toBeGreaterThan(0);
    expect(check).toContain(`… and ${listed - 10} more rows in the job summary.`);
    expect(summary).toContain('| e2e_ms |');
  });

  it('adds the note when a user template does not print it', () => {
    const bare: TemplateSource = { text: '{{headline}}\n{{#each labels}}{{#each rows}}\n{{metric}} {{pct ratio}}{{/each}}{{#each unchanged}}\n{{metric}}{{/each}}{{/each}}\n', file: 'bare.md.hbs' };
    const out = render(big, 'comment', 4_000, bare);
    expect(out.length).toBeLessThanOrEqual(4_000);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(NOTE);
  });
});
