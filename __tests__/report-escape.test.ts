// Untrusted text in reports: model names, case ids, prompt ids, params, branch names, runner labels and engine text cannot inject Markdown, HTML, Mermaid or @-mentions.
import { beforeAll, describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { escapeMarkdown, escapeMermaidLabel, plainText, safeUrl } from '../src/report/escape.js';
import { reportMarker, parseReportMarker } from '../src/report/marker.js';
import { renderReport, type ReportKind } from '../src/report/render.js';
import type { TemplateSource } from '../src/report/helpers.js';
import { verdictSchema, type Verdict } from '../src/schema/verdict.js';
import { builtinTemplates, loadVerdict } from './fixtures/verdicts/index.js';

const ZWJ = '\u200d';
const html = (markdown: string) => marked.parse(markdown, { gfm: true, async: false });

describe('escapeMarkdown', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a|b', 'a\\|b'],
    ['[click](https://evil.example)', `\\[click\\](https:${ZWJ}//evil.example)`],
    ['![x](y.png)', '!\\[x\\](y.png)'],
    ['**bold** *em* ~strike~', '\\*\\*bold\\*\\* \\*em\\* \\~strike\\~'],
    ['_em_ decode_tps', '\\_em\\_ decode_tps'],
    ['`code`', '\\`code\\`'],
    ['$\\color{red}{x}$', '\\$\\\\color{red}{x}\\$'],
    ['@org/team and @user', `@${ZWJ}org/team and @${ZWJ}user`],
    ['fixes #12', `fixes #${ZWJ}12`],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['line1\nline2\r\n| x |', 'line1 line2 \\| x \\|'],
    ['a & b "q"', 'a &amp; b &quot;q&quot;'],
    ['www.evil.example', `www${ZWJ}.evil.example`],
    ['x\u202eevil', 'xevil'],
    ['gemma3:1b-it-qat', 'gemma3:1b-it-qat'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('cuts long text to a length, ending with an ellipsis', () => {
    expect(escapeMarkdown('x'.repeat(100), { maxLength: 10 })).toBe(`${'x'.repeat(9)}…`);
    expect(plainText(undefined)).toBe('');
  });

  it('renders back to the original text in GFM', () => {
    const hostile = 'a|b <i>x</i> [l](u) **s** ~t~ `c` $m$ \\ @user #1';
    const rendered = html(escapeMarkdown(hostile))
      .replace(/<\/?p>\n?/g, '')
      .replaceAll(ZWJ, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"');
    expect(rendered).toBe(hostile);
  });
});

describe('escapeMermaidLabel and safeUrl', () => {
  it('keeps Mermaid labels to a safe alphabet and short', () => {
    const label = escapeMermaidLabel('a"]; click x call alert(1) `#35;', 64);
    expect(label).not.toMatch(/["\][;`#()]/);
    expect(escapeMermaidLabel('x'.repeat(50))).toHaveLength(24);
    expect(escapeMermaidLabel('')).toBe('_');
  });

  it('accepts only http(s) URLs without credentials', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('data:text/html,x')).toBeNull();
    expect(safeUrl('https://user:pw@example.com/')).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
    expect(safeUrl('https://github.com/o/r/actions/runs/1?x=(1)')).toBe('https://github.com/o/r/actions/runs/1?x=%281%29');
  });
});

describe('reportMarker', () => {
  it('cannot be closed early by the id', () => {
    const marker = reportMarker('x --> <img src=x onerror=alert(1)> <!--');
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(marker.slice('<!--'.length, -'-->'.length)).not.toMatch(/[<>\n]/);
    expect(parseReportMarker(`${marker}\nbody`)).toBe('x --> <img src=x onerror=alert(1)> <!--');
    expect(reportMarker('gpu-4080.nightly_1')).toBe('<!-- llm-bench:report-id=gpu-4080.nightly_1 -->');
  });
});

const HOSTILE = {
  model: '<script>alert(1)</script>[pwn](https://evil.example) @acme/admins',
  modelName: '<img src=x onerror=alert(1)>|**bold**',
  label: 'gpu|4080 @octocat </details><details open>',
  prompt: '![img](https://evil.example/x.png)',
  param: '</details> _x_ `y` $z$',
  ref: 'refs/heads/@evil/<b>branch</b>',
  engine: '1.0 <script>x</script> -->',
  note: 'line one\n# heading\n<!-- comment -->',
  sha: '<svg onload=alert(1)>',
};

/** The mixed fixture with every untrusted string replaced by something hostile. */
function hostileVerdict(): Verdict {
  const verdict = loadVerdict('mixed');
  const oldLabel = 'gpu-4080';
  for (const c of verdict.cases) {
    if (c.label === oldLabel) c.label = HOSTILE.label;
    c.model = { ...c.model, id: HOSTILE.model, name: HOSTILE.modelName };
    c.prompt_id = HOSTILE.prompt;
    c.params = { ...c.params, evil: HOSTILE.param };
    c.id = `${c.id}/${HOSTILE.param}`;
    for (const m of Object.values(c.metrics)) m.note = HOSTILE.note;
  }
  for (const run of verdict.runs) {
    if (run.label === oldLabel) run.label = HOSTILE.label;
    for (const meta of [run.base, run.head]) {
      if (!meta) continue;
      meta.engine.version = HOSTILE.engine;
      meta.git = { sha: HOSTILE.sha, ref: HOSTILE.ref };
      meta.runner = { ...meta.runner, cpu: HOSTILE.modelName, gpus: [{ name: HOSTILE.model }] };
    }
    run.notes.push(HOSTILE.note);
  }
  verdict.notes.push(HOSTILE.note);
  return verdictSchema.parse(verdict);
}

describe('a verdict full of hostile names', () => {
  let templates: Record<ReportKind, TemplateSource>;
  beforeAll(async () => {
    templates = await builtinTemplates();
  });

  const kinds: ReportKind[] = ['comment', 'summary', 'check'];

  it.each(kinds)('%s: no HTML, links, images, emphasis or mentions get through', (kind) => {
    const markdown = renderReport(hostileVerdict(), { kind, template: templates[kind], reportId: 'r' });
    const out = html(markdown);
    expect(out).not.toMatch(/<script|<img|<svg|<b>|<a |<details open|<i>|<code>|<em>|<del>/i);
    // Emphasis the templates use is around runner labels and fixed words only.
    for (const strong of out.matchAll(/<strong>([\s\S]*?)<\/strong>/g)) expect(strong[1]).not.toMatch(/bold|pwn|script/);
    // No @-mention or #-reference survives: each is broken by a zero-width joiner.
    expect(markdown).not.toMatch(/@[A-Za-z0-9]/);
    expect(markdown).not.toMatch(/(^|[^&])#[0-9]/m);
    // The note's newlines did not start a heading.
    expect(out).not.toMatch(/<h1/);
    // The marker is the comment's only HTML comment (Mermaid's axis range `0 --> 250` aside).
    const outsideCharts = markdown.replace(/```mermaid\n[\s\S]*?```/g, '');
    expect((outsideCharts.match(/<!--/g) ?? []).length).toBe(kind === 'comment' ? 1 : 0);
    expect((outsideCharts.match(/-->/g) ?? []).length).toBe(kind === 'comment' ? 1 : 0);
    expect((out.match(/<!--/g) ?? []).length).toBe(kind === 'comment' ? 1 : 0);
  });

  it.each(kinds)('%s: tables keep their columns', (kind) => {
    const out = html(renderReport(hostileVerdict(), { kind, template: templates[kind] }));
    const tableBodies = [...out.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
    expect(tableBodies.length).toBeGreaterThan(0);
    for (const body of tableBodies) {
      const width = [...body.matchAll(/<th(?:\s[^>]*)?>/g)].length;
      for (const row of body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
        const cells = [...row[1]!.matchAll(/<td(?:\s[^>]*)?>/g)].length;
        if (cells > 0) expect(cells).toBe(width);
      }
    }
    expect((out.match(/<details>/g) ?? []).length).toBe((out.match(/<\/details>/g) ?? []).length);
  });

  it('keeps the hostile text visible, just inert', () => {
    const out = html(renderReport(hostileVerdict(), { kind: 'summary', template: templates.summary }));
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('gpu|4080');
  });

  it('keeps Mermaid labels inside their quotes', () => {
    const markdown = renderReport(hostileVerdict(), { kind: 'comment', template: templates.comment });
    const charts = [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      const axis = chart.split('\n').find((l) => l.trimStart().startsWith('x-axis'))!;
      const labels = /\[(.*)\]/.exec(axis)![1]!;
      // Every label is a quoted string of the safe alphabet; nothing else sits between the brackets.
      expect(labels).toMatch(/^"[^"[\]`;#]*"(, "[^"[\]`;#]*")*$/);
    }
  });
});
