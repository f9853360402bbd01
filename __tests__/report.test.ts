// The Markdown report: snapshots of every built-in template for each fixture, first lines, GFM conversion and table columns.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { marked } from 'marked';
import { renderReport, reportTitle, type ReportKind } from '../src/report/render.js';
import { reportMarker, parseReportMarker } from '../src/report/marker.js';
import type { TemplateSource } from '../src/report/helpers.js';
import type { Verdict } from '../src/schema/verdict.js';
import { FIXTURE_NAMES, builtinTemplates, loadVerdict } from './fixtures/verdicts/index.js';

const KINDS: ReportKind[] = ['comment', 'summary', 'check'];
let templates: Record<ReportKind, TemplateSource>;

beforeAll(async () => {
  templates = await builtinTemplates();
});

afterEach(() => {
  vi.useRealTimers();
});

function render(
  verdict: Verdict,
  kind: ReportKind,
  extra: { links?: { run?: string; results?: string } } = {},
): string {
  return renderReport(verdict, { kind, template: templates[kind], reportId: 'llm-bench', ...extra });
}

/** The first line a reader sees: the comment's first line is the hidden marker. */
function firstVisibleLine(markdown: string, kind: ReportKind): string {
  return markdown.split('\n')[kind === 'comment' ? 1 : 0]!;
}

function html(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

function tables(htmlText: string): { headers: string[]; rows: string[][] }[] {
  return [...htmlText.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => {
    const body = m[1]!;
    const headers = [...body.matchAll(/<th(?:\s[^>]*)?>([\s\S]*?)<\/th>/g)].map((h) => h[1]!.trim());
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((r) => [...r[1]!.matchAll(/<td(?:\s[^>]*)?>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.trim()))
      .filter((cells) => cells.length > 0);
    return { headers, rows };
  });
}

describe('built-in templates', () => {
  const cases = FIXTURE_NAMES.flatMap((fixture) => KINDS.map((kind) => ({ fixture, kind })));

  it.each(cases)('$fixture $kind matches its snapshot', async ({ fixture, kind }) => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const markdown = render(loadVerdict(fixture), kind, {
      links: { run: 'https://github.com/acme/game/actions/runs/123' },
    });
    await expect(markdown).toMatchFileSnapshot(`__snapshots__/report-${fixture}.${kind}.md`);
  });

  it('renders the same text whatever the clock says', () => {
    const verdict = loadVerdict('mixed');
    vi.useFakeTimers({ now: new Date('2001-02-03T04:05:06Z') });
    const early = KINDS.map((k) => render(verdict, k));
    vi.setSystemTime(new Date('2099-12-31T23:59:59Z'));
    const late = KINDS.map((k) => render(verdict, k));
    expect(late).toEqual(early);
  });
});

describe('first line', () => {
  it('names regressions with change, p-value, runner and case, then limits, then new and missing cases', () => {
    const markdown = render(loadVerdict('mixed'), 'comment');
    expect(markdown.split('\n')[0]).toBe(reportMarker('llm-bench'));
    expect(firstVisibleLine(markdown, 'comment')).toBe(
      '**⚠️ 2 regressions, 🚫 1 limit exceeded**: decode_tps −18% (p=0.002), ttft_ms +25% (p<0.001) on gpu-4080 for gemma3:1b num_ctx=4096; ' +
        'temp_max_c 76.2 °C > max 75 °C on pi-4 for antonio (antonio-gemma3-smart-q4) threads=4 · 🆕 1 new case · ❔ 1 missing case',
    );
  });

  it('has a plain-text twin for a check run title', () => {
    expect(reportTitle(loadVerdict('mixed'))).toBe(
      '⚠️ 2 regressions, 🚫 1 limit exceeded: decode_tps −18% (p=0.002), ttft_ms +25% (p<0.001) on gpu-4080 for gemma3:1b num_ctx=4096; ' +
        'temp_max_c 76.2 °C > max 75 °C on pi-4 for antonio (antonio-gemma3-smart-q4) threads=4 · 🆕 1 new case · ❔ 1 missing case',
    );
    const verdict = loadVerdict('ab');
    verdict.cases[0]!.model.id = 'a|b *c*\nd';
    expect(reportTitle(verdict)).toContain('on ci-cpu for a|b *c* d (small.gguf) threads=1 · summary');
  });

  it('is the same line in the summary and the check', () => {
    const verdict = loadVerdict('mixed');
    const line = firstVisibleLine(render(verdict, 'comment'), 'comment');
    expect(firstVisibleLine(render(verdict, 'summary'), 'summary')).toBe(line);
    expect(firstVisibleLine(render(verdict, 'check'), 'check')).toBe(line);
  });

  it('names three changes at most, then "and N more"', () => {
    const verdict = loadVerdict('mixed');
    const c = verdict.cases.find((x) => x.id === 'gemma3:1b/banter/num_ctx=2048')!;
    for (const name of ['decode_tps', 'ttft_ms', 'e2e_ms']) {
      c.metrics[name] = {
        ...c.metrics[name]!,
        verdict: 'regression',
        gated: true,
        ratio: name === 'decode_tps' ? 0.5 : 1.5,
        p_value: 0.01,
      };
    }
    const line = firstVisibleLine(render(verdict, 'comment'), 'comment');
    expect(line).toMatch(/^\*\*⚠️ 5 regressions, 🚫 1 limit exceeded\*\*: /);
    // The headline metric (decode_tps) leads, from every case, then the rest worst first.
    expect(line).toContain(
      'decode_tps −50% (p=0.010), ttft_ms +50% (p=0.010) on gpu-4080 for gemma3:1b num_ctx=2048; decode_tps −18% (p=0.002) on gpu-4080 for gemma3:1b num_ctx=4096; and 3 more',
    );
  });

  it('says there is no significant change, with counts of new and missing cases', () => {
    const verdict = loadVerdict('mixed');
    for (const c of verdict.cases) {
      for (const m of Object.values(c.metrics))
        if (['regression', 'improvement', 'limit'].includes(m.verdict)) m.verdict = 'unchanged';
    }
    verdict.status = 'pass';
    expect(firstVisibleLine(render(verdict, 'comment'), 'comment')).toBe(
      '**✅ No significant change** · 🆕 1 new case · ❔ 1 missing case',
    );
    expect(firstVisibleLine(render(verdict, 'check'), 'check')).toBe(
      '**✅ No significant change** · 🆕 1 new case · ❔ 1 missing case',
    );
  });

  it('lists improvements of an A/B run that passed', () => {
    expect(firstVisibleLine(render(loadVerdict('ab'), 'comment'), 'comment')).toBe(
      '**✅ No significant regression** · 🚀 3 improvements: decode_tps +139% (p<0.001), ttft_ms −54% (p<0.001), e2e_ms −58% (p<0.001) on ci-cpu for assistant (small.gguf) threads=1 · summary',
    );
  });

  it('says when there is no baseline and limits still fail', () => {
    const verdict = loadVerdict('no-baseline');
    expect(firstVisibleLine(render(verdict, 'comment'), 'comment')).toBe(
      '**🆕 No baseline yet**: head medians of 3 cases on pi-5',
    );
    const hot = verdict.cases[2]!.metrics.temp_max_c!;
    Object.assign(hot, { verdict: 'limit', head: { n: 10, median: 78.5 }, limit: { max: 75, violated: 'max' } });
    // compare gives a failed limit the status "regression" even when nothing had a baseline.
    verdict.status = 'regression';
    const markdown = render(verdict, 'comment');
    expect(markdown).toContain('No baseline for this runner yet; head medians:');
    expect(markdown).toContain('| 🚫 gemma3:1b num_ctx=2048 | 7.4 tok/s | 1,215 ms | 78.5 °C |');
    expect(firstVisibleLine(markdown, 'comment')).toBe(
      '**🚫 1 limit exceeded** (no baseline yet): temp_max_c 78.5 °C > max 75 °C on pi-5 for gemma3:1b num_ctx=2048',
    );
  });
});

describe('content', () => {
  it('puts one comparison table per runner label with the seven columns, regressions first', () => {
    const out = html(render(loadVerdict('mixed'), 'comment'));
    const sevenColumns = tables(out).filter((t) => t.headers[0] === 'case' && t.headers.length === 7);
    // One main table per runner label, and gpu-4080's folded table of changes in metrics that do not gate.
    expect(sevenColumns).toHaveLength(3);
    const found = sevenColumns.filter((t) => !t.rows.every((r) => r[1] === 'e2e_ms'));
    expect(found).toHaveLength(2);
    for (const t of sevenColumns) {
      expect(t.headers).toEqual(['case', 'metric', 'base', 'head', 'change', 'p', 'verdict']);
      for (const row of t.rows) expect(row).toHaveLength(7);
    }
    const gpu = found[0]!.rows.map((r) => [r[1], r[6]]);
    // Significant changes of metrics that do not gate are folded in a block of their own, never called a regression.
    const other = tables(out).find((t) => t.headers.length === 7 && t.rows.every((r) => r[1] === 'e2e_ms'))!;
    expect(other.rows.map((r) => `${r[1]} ${r[6]}`)).toEqual(['e2e_ms ↘️ slower, not gated', 'e2e_ms 🚀 improvement']);
    expect(out).toContain('<details><summary>2 significant changes in metrics that do not gate</summary>');
    // The main table holds what gates (and the headline metric), regressions first; e2e_ms does not gate here.
    expect(gpu.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      'ttft_ms ⚠️ regression',
      'decode_tps ⚠️ regression',
      'decode_tps 🚀 improvement',
      'decode_tps 🆕 new',
      'ttft_ms 🆕 new',
      'decode_tps ❔ missing',
      'ttft_ms ❔ missing',
    ]);
    expect(gpu.map((r) => r[1])).toEqual([
      '⚠️ regression',
      '⚠️ regression',
      '🚀 improvement',
      '🆕 new',
      '🆕 new',
      '❔ missing',
      '❔ missing',
    ]);
    expect(found[1]!.rows).toEqual([
      [
        'antonio (antonio-gemma3-smart-q4) threads=4',
        'temp_max_c',
        '73.5 °C',
        '76.2 °C',
        '+3.7%',
        '0.015',
        '🚫 limit (max 75 °C)',
      ],
    ]);
  });

  it('folds unchanged rows in <details>, showing "~" for changes that are not significant', () => {
    const markdown = render(loadVerdict('mixed'), 'comment');
    const start = markdown.indexOf('<details><summary>4 unchanged rows</summary>');
    const details = markdown.slice(start, markdown.indexOf('</details>', start));
    expect(details).toContain('| gemma3:1b num_ctx=2048 | decode_tps | 103 tok/s | 102 tok/s | ~ | 0.406 |');
    // Significant (p=0.041) but below the smallest change that counts: the change is shown, the row stays folded.
    expect(details).toContain(
      '| banter (gemma3:270m → gemma3:1b-it-qat) num_ctx=2048 | ttft_ms | 40.1 ms | 39.3 ms | −2.0% | 0.041 |',
    );
    const out = html(markdown);
    expect(out).toContain('<details><summary>4 unchanged rows</summary>');
    const folded = tables(out).filter((t) => t.headers.length === 6);
    expect(folded.map((t) => t.rows.length)).toEqual([4, 5]);
  });

  it('leaves counts out of the comment but keeps every row in the summary', () => {
    const verdict = loadVerdict('mixed');
    const comment = render(verdict, 'comment');
    const summary = render(verdict, 'summary');
    expect(comment).not.toContain('output_tokens');
    const summaryRows = tables(html(summary))
      .filter((t) => t.headers[0] === 'case')
      .reduce((n, t) => n + t.rows.length, 0);
    const metricRows = verdict.cases.reduce((n, c) => n + Object.keys(c.metrics).length, 0);
    expect(summaryRows).toBe(metricRows);
  });

  it('draws a Mermaid xychart of base (bars) and head (line) medians of the headline metric', () => {
    const markdown = render(loadVerdict('mixed'), 'comment');
    const chart = /```mermaid\n(xychart-beta[\s\S]*?)```/.exec(markdown)![1]!;
    expect(chart.split('\n')).toEqual([
      'xychart-beta',
      '  title "decode_tps medians: bars base, line head"',
      '  x-axis ["gemma3:1b num_ctx=2048", "gemma3:1b num_ctx=4096", "banter num_ctx=2048"]',
      '  y-axis "tok/s" 0 --> 250',
      '  bar [102.9, 98.4, 160.2]',
      '  line [101.8, 80.7, 210.5]',
      '',
    ]);
  });

  it('omits the chart when the headline metric has nothing to plot', () => {
    const verdict = loadVerdict('ab');
    verdict.settings.headline_metric = 'request_tps';
    expect(render(verdict, 'comment')).not.toContain('```mermaid');
  });

  it('shows head medians only when there is no baseline', () => {
    const markdown = render(loadVerdict('no-baseline'), 'comment');
    const found = tables(html(markdown));
    expect(found).toHaveLength(1);
    expect(found[0]!.headers).toEqual(['case', 'decode_tps', 'ttft_ms', 'temp_max_c']);
    expect(found[0]!.rows[0]).toEqual(['gemma3:270m num_ctx=1024', '24.6 tok/s', '310 ms', '61.2 °C']);
    expect(markdown).toContain('title "decode_tps head medians"');
    expect(markdown).not.toMatch(/\| base \|/);
    expect(markdown).toContain('No stored baseline matched these results');
  });

  it('says which strategy decided, the runner fingerprint, the engine and both commits', () => {
    const ab = render(loadVerdict('ab'), 'comment');
    expect(ab).toContain('Strategy **A/B in one run**: base and head ran in the same job on the same runner');
    expect(ab).toContain(
      '- **ci-cpu**: Linux 6.8.0-1021-azure · x64 · AMD EPYC 7763 64-Core Processor · 2 cores · 7.75 GiB RAM · no GPU · llama-cpp 3.22.1 · ' +
        'base 111111<wbr>1 (main) 2026-11-21 10:40 UTC → head dddddd<wbr>4 (threads-one) 2026-11-21 10:40 UTC',
    );
    const mixed = render(loadVerdict('mixed'), 'summary');
    expect(mixed).toContain('Strategy **stored baseline**: the head run was compared');
    expect(mixed).toContain('| engine | ollama 0.12.3 | ollama 0.12.3 |');
    expect(mixed).toContain('NVIDIA GeForce RTX 4080 Laptop GPU (12 GiB)');
  });

  it("shows each runner's notes under its table and the verdict's notes at the end", () => {
    const markdown = render(loadVerdict('mixed'), 'comment');
    const pi = markdown.slice(markdown.indexOf('#### pi-4'), markdown.indexOf('---\n'));
    expect(pi).toContain('\n- 2 repetitions of antonio/banter/threads=2 timed out\n');
    expect(markdown.slice(markdown.indexOf('**Notes**'))).toContain(
      '- Baseline: results of main at 4f2a9c<wbr>1 from the branch store.',
    );
    expect(markdown.match(/timed out/g)).toHaveLength(1);
  });

  it('carries the marker only in the comment, parseable back to its id', () => {
    const verdict = loadVerdict('ab');
    const comment = renderReport(verdict, { kind: 'comment', template: templates.comment, reportId: 'nightly.gpu' });
    expect(parseReportMarker(comment)).toBe('nightly.gpu');
    expect(parseReportMarker(render(verdict, 'summary'))).toBeUndefined();
    expect(parseReportMarker(render(verdict, 'check'))).toBeUndefined();
    expect(renderReport(verdict, { kind: 'comment', template: templates.comment }).split('\n')[0]).toBe(
      '<!-- llm-bench:report-id=llm-bench -->',
    );
  });

  it('lists the most important rows in the check run text and says where the rest is', () => {
    const check = render(loadVerdict('mixed'), 'check', {
      links: { run: 'https://github.com/acme/game/actions/runs/123' },
    });
    const [table] = tables(html(check));
    expect(table!.headers).toEqual(['runner', 'case', 'metric', 'base', 'head', 'change', 'p', 'verdict']);
    expect(table!.rows.map((r) => `${r[0]} ${r[2]} ${r[7]}`)).toEqual([
      'gpu-4080 ttft_ms ⚠️ regression',
      'gpu-4080 decode_tps ⚠️ regression',
      'pi-4 temp_max_c 🚫 limit (max 75 °C)',
      'gpu-4080 decode_tps 🚀 improvement',
    ]);
    expect(check).toContain('[Full report in the job summary](https://github.com/acme/game/actions/runs/123)');
    expect(check.length).toBeLessThan(3000);
  });

  it('links only http(s) URLs', () => {
    const markdown = render(loadVerdict('ab'), 'comment', {
      links: { run: 'javascript:alert(1)', results: 'https://example.com/a b)' },
    });
    expect(markdown).not.toContain('javascript:');
    expect(markdown).toContain('[Results](https://example.com/a%20b%29)');
  });

  it.each(FIXTURE_NAMES.flatMap((f) => KINDS.map((k) => ({ f, k }))))(
    '$f $k converts through marked (GFM) with well-formed tables',
    ({ f, k }) => {
      const out = html(render(loadVerdict(f), k));
      expect(out.length).toBeGreaterThan(200);
      for (const t of tables(out)) {
        expect(t.headers.length).toBeGreaterThan(1);
        for (const row of t.rows) expect(row).toHaveLength(t.headers.length);
      }
      // Every <details> the templates open is closed, and no Markdown table leaked through as text.
      expect((out.match(/<details>/g) ?? []).length).toBe((out.match(/<\/details>/g) ?? []).length);
      expect(out).not.toMatch(/<p>\| /);
    },
  );
});
