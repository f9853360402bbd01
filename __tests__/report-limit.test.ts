// The size limit: bodies stay under maxChars by dropping detail step by step, keep the first line, and say how many rows they left out.
import { beforeAll, describe, expect, it } from 'vitest';
import { marked } from 'marked';
import {
  MAX_CHARS,
  keepThrough,
  renderAllReports,
  renderReport,
  renderReportResult,
  renderTrimmed,
  type ReportKind,
  type Trim,
} from '../src/report/render.js';
import { largestFitting } from '../src/report/trim.js';
import { PI_LABEL, scaleVerdict } from '../scripts/bench-report/verdict.js';
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

const NOTE =
  /… ([\d,]+) rows?(?: and (?:the chart|[\d,]+ charts?))? omitted to fit GitHub's limit(?: \((?:all [\d,]+ failing rows? shown|[\d,]+ of [\d,]+ failing rows? shown, every runner's worst first)\))?; full report in the /;
const LINKS = {
  run: 'https://github.com/acme/game/actions/runs/7',
  results: 'https://github.com/acme/game/actions/runs/7#artifacts',
};
const ARTIFACTS =
  '[results artifacts](https://github.com/acme/game/actions/runs/7#artifacts) (`llm-bench-results-<runner label>`)';

function render(verdict: Verdict, kind: ReportKind, maxChars?: number, template?: TemplateSource): string {
  return renderReport(verdict, { kind, template: template ?? templates[kind], reportId: 'bench', maxChars });
}

/** Rows in the Markdown tables whose first column is a case (the report's metric rows and pivot rows). */
function tableRows(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter(
      (l) =>
        /^\| [^-|]/.test(l) &&
        !/^\| case \|/.test(l) &&
        !/^\| runner \|/.test(l) &&
        !/^\| (engine|commit|llm-bench|metric) \|/.test(l),
    );
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
    expect(fitted.split('\n')[1]).toMatch(
      /^\*\*⚠️ 40 regressions\*\*: decode_tps −39% \(p[<=]0\.00\d\) on gpu-4080 for gemma3:1b num_batch=320 num_ctx=4096; /,
    );
    expect(fitted).toMatch(NOTE);
    // Without links (the command line) the full data is in the verdict file; all 40 failures are shown.
    expect(fitted).toContain(
      "omitted to fit GitHub's limit (all 40 failing rows shown); full report in the verdict file",
    );
    // Every regression is still listed: they are dropped last.
    expect(tableRows(fitted).filter((r) => r.includes('⚠️ regression'))).toHaveLength(40);
    // Shown rows and omitted rows add up to the rows the untrimmed comment shows.
    expect(tableRows(fitted).length + omittedCount(fitted)).toBe(tableRows(full).length);
  });

  describe('drops detail step by step', () => {
    const verdict = largeVerdict({ labels: ['gpu-4080'], casesPerLabel: 120, regressions: 5 });
    const opts = () => ({ kind: 'comment' as const, template: templates.comment, reportId: 'bench' });
    const at = (trim: Partial<Trim>) => renderTrimmed(verdict, opts(), trim);
    const fitWithin = (maxChars: number) => renderReport(verdict, { ...opts(), maxChars });

    const keep = (tier: Parameters<typeof keepThrough>[2]) => keepThrough(verdict, 'comment', tier);

    it('first folded unchanged rows, as few as it must, keeping the chart', () => {
      const full = at({});
      expect(full).toContain('<details><summary>458 unchanged rows</summary>');
      const fitted = fitWithin(full.length - 1);
      expect(fitted.length).toBeLessThan(full.length);
      const kept = Number(/<details><summary>(\d+) of 458 unchanged rows<\/summary>/.exec(fitted)?.[1]);
      // The note costs about two rows' worth of characters; nothing more than that is dropped.
      expect(kept).toBeGreaterThan(450);
      expect(kept).toBeLessThan(458);
      expect(fitted).toContain('```mermaid');
      expect(omittedCount(fitted)).toBe(tableRows(full).length - tableRows(fitted).length);
      expect(omittedCount(fitted)).toBeGreaterThan(0);
      // Rows of gated metrics stay folded longest.
      const noFolded = at({ keep: keep('chart') });
      const half = fitWithin(Math.floor((full.length + noFolded.length) / 2));
      const start = half.indexOf('unchanged rows</summary>');
      const folded = half.slice(start, half.indexOf('</details>', start));
      expect(folded).toContain('| decode_tps |');
      expect(folded).not.toContain('| peak_rss_mb |');
      // Significant changes of ungated metrics (the e2e_ms improvements) are folded apart and kept longer still.
      expect(half).toMatch(
        /<details><summary>\d+ significant changes in metrics that do not gate<\/summary>[\s\S]*\| e2e_ms \|[\s\S]*🚀 improvement/,
      );
    });

    it('then all of them, then the chart, then changes of ungated metrics, then the least important rows', () => {
      const noFolded = at({ keep: keep('chart') });
      expect(fitWithin(noFolded.length)).toBe(noFolded);
      expect(noFolded).toMatch(/<details><summary>\d+ significant changes in metrics that do not gate<\/summary>/);
      expect(noFolded).not.toContain('unchanged rows</summary>');
      expect(noFolded).toContain('```mermaid');

      const noChart = at({ keep: keep('pivot') });
      expect(fitWithin(noFolded.length - 1)).toBe(noChart);
      expect(noChart).not.toContain('```mermaid');
      expect(noChart).toMatch(/rows and the chart omitted/);
      // The e2e_ms improvements (an ungated metric) are folded apart; they go next, before anything that gates.
      expect(noChart).toContain('| e2e_ms |');
      // One character less drops only as many e2e_ms rows as it must.
      const e2e = (text: string) => tableRows(text).filter((r) => r.includes('| e2e_ms |')).length;
      const fewer = fitWithin(noChart.length - 1);
      expect(e2e(fewer)).toBeLessThan(e2e(noChart));
      expect(e2e(fewer)).toBeGreaterThan(e2e(noChart) - 3);
      const gatedOnly = at({ keep: keep('improvement') });
      expect(fitWithin(gatedOnly.length)).toBe(gatedOnly);
      expect(gatedOnly).not.toContain('| e2e_ms |');
      expect(gatedOnly).not.toContain('<details>');
      expect(tableRows(gatedOnly).filter((r) => r.includes('⚠️ regression'))).toHaveLength(5);

      const twoRows = at({ keep: 2 });
      const tight = fitWithin(twoRows.length);
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
    expect(html).toMatch(/<p>… [\d,]+ rows(?: and (?:the chart|[\d,]+ charts))? omitted to fit GitHub(&#39;|')s limit/);
    expect((fitted.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((fitted.match(/<details>/g) ?? []).length).toBe((fitted.match(/<\/details>/g) ?? []).length);
  });

  it('keeps the summary and the check under their own limits and points to the artifact', () => {
    const summary = render(big, 'summary');
    expect(summary.length).toBeLessThanOrEqual(MAX_CHARS.summary);
    expect(summary).toContain('full report in the verdict file');
    // With the action's links, the summary (which never points to itself) names the results artifacts.
    const linked = renderReport(big, { kind: 'summary', template: templates.summary, links: LINKS });
    expect(linked).toContain(`full report in the ${ARTIFACTS}`);
    expect(linked).not.toContain('job summary');
    const check = render(big, 'check');
    expect(check.length).toBeLessThanOrEqual(MAX_CHARS.check);
    // The check lists what gates (and the headline metric); significant changes of other metrics are only in the summary.
    const changes = big.cases
      .flatMap((c) => Object.values(c.metrics))
      .filter((m) => m.verdict === 'regression' || m.verdict === 'improvement');
    const listed = changes.filter((m) => m.gated || m.metric === big.settings.headline_metric).length;
    expect(changes.length - listed).toBeGreaterThan(0);
    expect(check).toContain(`… and ${listed - 10} more rows in the verdict file.`);
    // The check sends the reader to the job summary only when the caller says the summary holds every row.
    const told = (summaryComplete: boolean) =>
      renderReport(big, { kind: 'check', template: templates.check, links: LINKS, summaryComplete });
    expect(told(false)).toContain(`… and ${listed - 10} more rows in the ${ARTIFACTS}.`);
    expect(told(true)).toContain(
      `… and ${listed - 10} more rows in the [job summary](${LINKS.run}) and the ${ARTIFACTS}.`,
    );
    expect(summary).toContain('| e2e_ms |');
  });

  it('adds the note when a user template does not print it', () => {
    const bare: TemplateSource = {
      text: '{{headline}}\n{{#each labels}}{{#each rows}}\n{{metric}} {{pct ratio}}{{/each}}{{#each unchanged}}\n{{metric}}{{/each}}{{/each}}\n',
      file: 'bare.md.hbs',
    };
    const out = render(big, 'comment', 4_000, bare);
    expect(out.length).toBeLessThanOrEqual(4_000);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(NOTE);
  });
});

/** The markdown's sections per runner label (`#### label` in the comment), up to the footer. */
function sections(markdown: string): Map<string, string> {
  const body = markdown.slice(0, markdown.indexOf('\n---\n'));
  const out = new Map<string, string>();
  for (const part of body.split('\n#### ').slice(1)) out.set(part.slice(0, part.indexOf('\n')), part);
  return out;
}

/** "case | metric" of a case and metric, as the comment's table prints them (the generator's names need no escaping). */
function rowKey(c: Verdict['cases'][number], metric: string): string {
  const params = Object.keys(c.params)
    .sort()
    .map((k) => `${k}=${String(c.params[k])}`)
    .join(' ');
  return `| ${c.model.id} ${params} · ${c.prompt_id} | ${metric} |`;
}

/** Each label's failures in the order the cut keeps them: worst regression, worst limit, second regression, … */
function failuresByLabel(verdict: Verdict): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const label of new Set(verdict.cases.map((c) => c.label))) {
    const rows = verdict.cases
      .filter((c) => c.label === label)
      .flatMap((c) => Object.values(c.metrics).map((m) => ({ c, m })));
    const regressions = rows
      .filter(({ m }) => m.verdict === 'regression' && m.gated)
      .sort((a, b) => Math.abs(Math.log(b.m.ratio!)) - Math.abs(Math.log(a.m.ratio!)));
    const over = (m: (typeof rows)[number]['m']) => Math.abs(Math.log(m.head!.median / m.limit!.max!));
    const limits = rows.filter(({ m }) => m.verdict === 'limit').sort((a, b) => over(b.m) - over(a.m));
    const order: string[] = [];
    for (let i = 0; i < Math.max(regressions.length, limits.length); i++) {
      if (regressions[i]) order.push(rowKey(regressions[i]!.c, regressions[i]!.m.metric));
      if (limits[i]) order.push(rowKey(limits[i]!.c, limits[i]!.m.metric));
    }
    out.set(label, order);
  }
  return out;
}

describe('cuts keep what fails (100 runners × 200 cases × 12 metrics, seeded)', () => {
  let verdict: Verdict;
  let comment: ReturnType<typeof renderReportResult>;
  let counts: { regressions: number; limits: number };

  beforeAll(() => {
    verdict = scaleVerdict({ runners: 100, casesPerRunner: 200, seed: 9 });
    const all = verdict.cases.flatMap((c) => Object.values(c.metrics));
    counts = {
      regressions: all.filter((m) => m.verdict === 'regression' && m.gated).length,
      limits: all.filter((m) => m.verdict === 'limit').length,
    };
    comment = renderReportResult(verdict, {
      kind: 'comment',
      template: templates.comment,
      reportId: 'bench',
      links: LINKS,
    });
  });

  it('fits, with a headline that counts every failure and a note that says how many failing rows it shows', () => {
    expect(counts.regressions).toBeGreaterThan(350);
    expect(counts.limits).toBeGreaterThan(180);
    expect(comment.text.length).toBeLessThanOrEqual(MAX_CHARS.comment);
    expect(comment.text.split('\n')[1]).toMatch(
      new RegExp(`^\\*\\*⚠️ ${counts.regressions} regressions, 🚫 ${counts.limits} limits exceeded\\*\\*`),
    );
    const shown = tableRows(comment.text).length;
    expect(comment.text).toContain(
      `(${shown} of ${counts.regressions + counts.limits} failing rows shown, every runner's worst first)`,
    );
    // Not every failure fits in 65,536 characters, so nothing else is shown: no improvement, ungated change or unchanged row.
    expect(shown).toBeLessThan(counts.regressions + counts.limits);
    expect(
      tableRows(comment.text).every(
        (r) => r.endsWith('⚠️ regression |') || / 🚫 limit \(max 75 °C\)(: .*)? \|$/.test(r),
      ),
    ).toBe(true);
    expect(comment.text).not.toContain('<details>');
    expect(comment.text).not.toContain('```mermaid');
    // Found in a handful of renders, none of the whole verdict (a count, not a time: speed is bench:report's).
    expect(comment.renders).toBeLessThanOrEqual(8);
  });

  it("keeps every runner's worst failure before any runner's second: round-robin by badness", () => {
    const bySection = sections(comment.text);
    const order = failuresByLabel(verdict);
    const shownPerLabel: number[] = [];
    for (const [label, failures] of order) {
      const section = bySection.get(label) ?? '';
      const shown = failures.filter((key) => section.includes(key));
      // What a runner shows is the start of its own order: its worst failures, never a lesser one instead.
      expect(shown).toEqual(failures.slice(0, shown.length));
      if (failures.length > 0) expect(shown.length).toBeGreaterThan(0);
      shownPerLabel.push(failures.length > shown.length ? shown.length : Number.POSITIVE_INFINITY);
    }
    // Runners that lost failures to the cut differ by at most one round.
    const cut = shownPerLabel.filter(Number.isFinite);
    expect(cut.length).toBeGreaterThan(0);
    expect(Math.max(...cut) - Math.min(...cut)).toBeLessThanOrEqual(1);
    // The Pi, last of 100 runners, keeps its one failure: temp_max_c over its max of 75 °C.
    const pi = bySection.get(PI_LABEL)!;
    expect(pi).toMatch(
      /\| temp_max_c \| [\d.]+ °C \| [\d.]+ °C \| [^|]+ \| [^|]+ \| 🚫 limit \(max 75 °C\): head median [\d.]+ is above the maximum 75 \|/,
    );
  });

  it('collapses runner lines that read the same into one line listing the labels', () => {
    const runners = comment.text
      .slice(comment.text.indexOf('**Runners**\n') + 12)
      .split('\n\n')[0]!
      .split('\n');
    expect(runners).toHaveLength(2);
    const gpuLabels = [...new Set(verdict.cases.map((c) => c.label))].filter((l) => l !== PI_LABEL);
    expect(runners[0]).toBe(
      `- ${gpuLabels.map((l) => `**${l}**`).join(', ')}: Linux 6.8.0-51-generic · x64 · AMD Ryzen 9 7950X · 16 cores · 59.6 GiB RAM · NVIDIA GeForce RTX 4080 (16 GiB) · ollama 0.12.3 · base aaaaaa<wbr>a (main) 2026-11-20 10:00 UTC → head bbbbbb<wbr>b (main) 2026-11-21 09:00 UTC`,
    );
    expect(runners[1]).toMatch(
      /^- \*\*pi-4\*\*: Linux 6\.6\.51 · arm64 · Cortex-A72 · 4 cores · .* · llama-cpp b6100 · base /,
    );
  });

  it('names the results artifacts, and the job summary only when it was not cut itself', () => {
    expect(comment.text).toContain(`; full report in the ${ARTIFACTS}`);
    expect(comment.text).not.toMatch(/omitted to fit[^\n]*job summary/);
    const told = renderReport(verdict, {
      kind: 'comment',
      template: templates.comment,
      reportId: 'bench',
      links: LINKS,
      summaryComplete: true,
      maxChars: 20_000,
    });
    expect(told).toContain(`; full report in the [job summary](${LINKS.run}) and the ${ARTIFACTS}`);
  });

  it('renders all three reports with the summary first: a cut summary is never named as the full report', () => {
    const reports = renderAllReports(verdict, { templates, reportId: 'bench', links: LINKS });
    expect(reports.summary).toContain(`full report in the ${ARTIFACTS}`);
    expect(reports.summary.length).toBeLessThanOrEqual(MAX_CHARS.summary);
    expect(reports.comment).toBe(comment.text);
    expect(reports.check.length).toBeLessThanOrEqual(MAX_CHARS.check);
    expect(reports.check).toMatch(/… and [\d,]+ more rows in the \[results artifacts\]/);
    // The summary prints a runner's table once; runners whose runs read the same point to it.
    expect(reports.summary.match(/^\| runner \| /gm)).toHaveLength(2);
    expect(reports.summary.match(/^Runner, engine, commits and llm-bench as on \*\*gpu-01\*\*\.$/gm)).toHaveLength(98);
    expect(reports.summary).toContain('\n### gpu-99\n');
  });
});

describe('cut order below the failures (20 runners × 200 cases, seeded)', () => {
  const verdict = scaleVerdict({ runners: 20, casesPerRunner: 200, seed: 3 });
  const opts = () => ({ kind: 'comment' as const, template: templates.comment, reportId: 'bench' });
  const metricRows = verdict.cases.flatMap((c) => Object.values(c.metrics).map((m) => ({ c, m })));
  const keys = (pick: (m: (typeof metricRows)[number]['m']) => boolean) =>
    metricRows.filter(({ m }) => pick(m)).map(({ c, m }) => rowKey(c, m.metric));

  it('drops ungated changes before improvements, and both before any failure', () => {
    const throughImprovements = renderTrimmed(verdict, opts(), {
      keep: keepThrough(verdict, 'comment', 'improvement'),
    });
    // Room for one round of ungated changes (a folded block per runner), not for all of them.
    const fitted = renderReport(verdict, { ...opts(), maxChars: throughImprovements.length + 15_000 });
    const has = (key: string) => fitted.includes(key);
    const failures = keys((m) => m.verdict === 'limit' || (m.verdict === 'regression' && m.gated));
    const improvements = keys((m) => m.verdict === 'improvement' && m.gated);
    const ungated = keys((m) => (m.verdict === 'regression' || m.verdict === 'improvement') && !m.gated);
    expect(failures.length).toBeGreaterThan(50);
    expect(failures.every(has)).toBe(true);
    expect(improvements.every(has)).toBe(true);
    const ungatedShown = ungated.filter(has).length;
    expect(ungatedShown).toBeGreaterThan(0);
    expect(ungatedShown).toBeLessThan(ungated.length);
    expect(fitted).not.toContain('unchanged rows</summary>');
    expect(fitted).toContain(`(all ${failures.length} failing rows shown)`);
    // Round-robin there too: every runner that has ungated changes shows at least one.
    const bySection = sections(fitted);
    expect(bySection.size).toBe(20);
    for (const [label, section] of bySection) {
      if (
        metricRows.some(
          ({ c, m }) => c.label === label && (m.verdict === 'regression' || m.verdict === 'improvement') && !m.gated,
        )
      ) {
        expect(section, label).toContain('in metrics that do not gate</summary>');
      }
    }
  });
});

describe('largestFitting', () => {
  it('finds the largest prefix that fits in a few renders, never rendering far past it', () => {
    const n = 240_000;
    // Estimates 20% low and uneven; the body grows by 100 to 160 characters an item, deterministically.
    const size = (i: number) => 100 + ((i * 7919) % 61);
    const lengths = new Float64Array(n + 1);
    const estimate = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      lengths[i + 1] = lengths[i]! + size(i);
      estimate[i + 1] = estimate[i]! + 0.8 * size(i) + ((i % 3) - 1) * 5;
    }
    const asked: number[] = [];
    const k = largestFitting(estimate, 65_536, (j) => {
      asked.push(j);
      return 3_000 + lengths[j]!;
    });
    expect(3_000 + lengths[k]!).toBeLessThanOrEqual(65_536);
    expect(3_000 + lengths[k + 1]!).toBeGreaterThan(65_536);
    expect(asked.length).toBeLessThanOrEqual(8);
    expect(Math.max(...asked)).toBeLessThan(2 * k);
  });

  it('returns −1 when not even nothing fits, and n when everything does', () => {
    const estimate = [0, 10, 20, 30];
    expect(largestFitting(estimate, 5, (j) => 10 + j)).toBe(-1);
    expect(largestFitting(estimate, 1_000, (j) => 10 + j * 10)).toBe(3);
  });
});
