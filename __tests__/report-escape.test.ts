// Untrusted text in reports: model names, case ids, prompt ids, params, branch names, runner labels and engine text cannot inject Markdown, HTML, Mermaid or @-mentions.
import { beforeAll, describe, expect, it } from 'vitest';
import { marked } from 'marked';
import {
  TEXT_BREAK,
  TEXT_MAX,
  UNTRUSTED_MAX,
  capUntrusted,
  escapeMarkdown,
  escapeMermaidLabel,
  plainText,
  safeUrl,
} from '../src/report/escape.js';
import { reportMarker, parseReportMarker } from '../src/report/marker.js';
import { renderReport, type ReportKind } from '../src/report/render.js';
import type { TemplateSource } from '../src/report/helpers.js';
import { verdictSchema, type Verdict } from '../src/schema/verdict.js';
import { builtinTemplates, loadVerdict } from './fixtures/verdicts/index.js';

// What splits GitHub's text nodes so that nothing links or pings (report-gfm.test.ts checks it through cmark-gfm).
const BR = TEXT_BREAK;
const html = (markdown: string) => marked.parse(markdown, { gfm: true, async: false });

describe('escapeMarkdown', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a|b', 'a\\|b'],
    ['[click](https://evil.example)', `\\[click\\](https:${BR}//evil.example)`],
    ['![x](y.png)', '!\\[x\\](y.png)'],
    ['**bold** *em* ~strike~', '\\*\\*bold\\*\\* \\*em\\* \\~strike\\~'],
    ['_em_ decode_tps', '\\_em\\_ decode_tps'],
    ['`code`', '\\`code\\`'],
    ['$\\color{red}{x}$', '\\$\\\\color{red}{x}\\$'],
    ['@org/team and @user', `@${BR}org/team and @${BR}user`],
    ['fixes #12', `fixes \\#${BR}12`],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['line1\nline2\r\n| x |', 'line1 line2 \\| x \\|'],
    ['a & b "q"', 'a &amp; b &quot;q&quot;'],
    ['www.evil.example', `www${BR}.evil.example`],
    ['x\u202eevil', 'x\\\\u202eevil'],
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
      .replaceAll(BR, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"');
    expect(rendered).toBe(hostile);
  });
});

describe('escapeMarkdown against GitHub autolinks, references and invisible text', () => {
  it.each([
    // The five strings that came out live on GitHub with the zero-width-joiner escaping.
    ['_www.example.com', `\\_www${BR}.example.com`],
    ['model_www.example.com/login?next=1', `model_www${BR}.example.com/login?next=1`],
    ['admin@-example.com', `admin@${BR}-example.com`],
    ['admin@.example.com', `admin@${BR}.example.com`],
    ['GH-1', `GH-${BR}1`],
    ['gh-42 and GH-x', `gh-${BR}42 and GH-x`],
    ['WWW.Example.com', `WWW${BR}.Example.com`],
    ['mailto:a@b.co xmpp:c@d.co', `mailto:a@${BR}b.co xmpp:c@${BR}d.co`],
    ['HTTP://x.example', `HTTP:${BR}//x.example`],
    ['acme/repo#7 owner/repo@4f2a9c1', `acme/repo\\#${BR}7 owner/repo@${BR}4f2a9c${BR}1`],
    [':shipit: gemma3:1b', `:${BR}shipit: gemma3:1b`],
    // A SHA is cut into pieces of at most six hex digits; shorter runs are left alone.
    ['deadbeefcafe12345 abc123', `deadbe${BR}efcafe${BR}12345 abc123`],
    ['1. first', '1\\. first'],
    ['12) twelfth', '12\\) twelfth'],
    ['3.', '3\\.'],
    ['98.4 tok/s', '98.4 tok/s'],
    ['   indented   ', 'indented'],
    ['ends with #', `ends with \\#${BR}`],
    ['trailing @', `trailing @${BR}`],
    ['# 1', `\\# 1`],
    [
      'zero\u200bwidth \u2066iso\u2069 \ufeffbom \u061c tag\u{e0041}',
      'zero\\\\u200bwidth \\\\u2066iso\\\\u2069 \\\\ufeffbom \\\\u061c tag\\\\u{e0041}',
    ],
    ['bell\u0007 esc\u001b[31m del\u007f', 'bell\\\\u0007 esc\\\\u001b\\[31m del\\\\u007f'],
    ['a\u2028b\u0085c\td', 'a b c d'],
    ['⚠️ 🚀', '⚠️ 🚀'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('shows invisible characters as their code in plain text too', () => {
    expect(plainText('a\u200db\u202ec')).toBe('a\\u200db\\u202ec');
    expect(plainText('line\nbreak')).toBe('line break');
    expect(plainText('x'.repeat(10), { maxLength: 5 })).toBe('xxxx…');
  });

  it('emits no invisible character of its own, only the text break', () => {
    const all = Array.from({ length: 0x3200 }, (_, i) => String.fromCodePoint(i)).join('');
    const out = escapeMarkdown(all, { maxLength: 1e6 });
    expect(out).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(out).not.toMatch(/\u3164|\u115f|\u1160/u);
  });
});

describe('capUntrusted', () => {
  it('cuts one value to 80 characters ending with "…", on one visible line', () => {
    const long = 'L'.repeat(10_000);
    expect(UNTRUSTED_MAX).toBe(80);
    expect(capUntrusted(long)).toBe(`${'L'.repeat(79)}…`);
    expect(Array.from(capUntrusted(long))).toHaveLength(80);
    expect(capUntrusted('x'.repeat(80))).toBe('x'.repeat(80));
    expect(capUntrusted(' a\nb\u200b ')).toBe('a b\\u200b');
    expect(capUntrusted(undefined)).toBe('');
    expect(capUntrusted(42)).toBe('42');
    expect(capUntrusted('abcdef', 3)).toBe('ab…');
  });

  it('never splits a character made of two UTF-16 units', () => {
    const capped = capUntrusted('🚀'.repeat(100));
    expect(Array.from(capped)).toHaveLength(80);
    expect(capped).toBe(`${'🚀'.repeat(79)}…`);
  });

  it('caps what escapeMarkdown prints when no cap is named, so no value can eat the comment', () => {
    const out = escapeMarkdown('x'.repeat(10_000));
    expect(out).toBe(`${'x'.repeat(TEXT_MAX - 1)}…`);
    expect(escapeMarkdown('<'.repeat(10_000)).length).toBeLessThanOrEqual(TEXT_MAX * '&lt;'.length);
    expect(escapeMarkdown('y'.repeat(100), { maxLength: UNTRUSTED_MAX })).toBe(`${'y'.repeat(79)}…`);
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
    expect(safeUrl('https://github.com/o/r/actions/runs/1?x=(1)')).toBe(
      'https://github.com/o/r/actions/runs/1?x=%281%29',
    );
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
    for (const strong of out.matchAll(/<strong>([\s\S]*?)<\/strong>/g))
      expect(strong[1]).not.toMatch(/bold|pwn|script/);
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
