// Nothing live in a report, checked through GitHub's own GFM parser: every hostile string of
// fixtures/hostile-strings.json goes into every untrusted field of a verdict, the built-in templates
// render it, the real cmark-gfm binary (with GitHub's extensions) turns it into HTML, and the HTML must
// have exactly the structure of the same report with harmless names: no link, image, element, heading,
// list, emphasis or table cell of the input's making; no mention, reference, SHA, URL or email left
// whole in a text node (GitHub links those after cmark-gfm); no invisible character.
// cmark-gfm: `apt-get install -y cmark-gfm` (Debian, Ubuntu). Without it these tests are skipped, and
// fail instead when REQUIRE_CMARK_GFM=1 (set it in CI, where the package is installed).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEXT_BREAK, TEXT_MAX, capUntrusted, escapeMarkdown } from '../src/report/escape.js';
import { renderReport, reportTitle, type ReportKind } from '../src/report/render.js';
import type { TemplateSource } from '../src/report/helpers.js';
import { verdictSchema, type Verdict } from '../src/schema/verdict.js';
import { FIXTURE_NAMES, builtinTemplates, loadVerdict, type FixtureName } from './fixtures/verdicts/index.js';

const CMARK = 'cmark-gfm';
/** As GitHub renders: its extensions, and raw HTML passed on (GitHub's sanitizer, not cmark-gfm, filters it). */
const CMARK_ARGS = [
  '--unsafe',
  '-e',
  'table',
  '-e',
  'strikethrough',
  '-e',
  'autolink',
  '-e',
  'tagfilter',
  '-e',
  'tasklist',
];

function cmarkMissing(): string | null {
  const probe = spawnSync(CMARK, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `${CMARK} is not installed (apt-get install -y cmark-gfm)`;
  return null;
}
const missing = cmarkMissing();
if (missing && process.env.REQUIRE_CMARK_GFM === '1')
  throw new Error(`report-gfm.test.ts: REQUIRE_CMARK_GFM=1 but ${missing}`);
if (missing) console.warn(`report-gfm.test.ts skipped: ${missing}`);

function gfm(markdown: string): string {
  const result = spawnSync(CMARK, CMARK_ARGS, { input: markdown, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error || result.status !== 0)
    throw new Error(`${CMARK} failed: ${result.error?.message ?? result.stderr}`);
  return result.stdout;
}

/** Reports rendered one after another in one cmark-gfm run, split again at a boundary only a closed report lets through. */
const BOUNDARY = '<!-- gfm-test-boundary -->';
function gfmBatch(markdowns: string[]): string[] {
  const html = gfm(markdowns.map((m) => `${m}\n\n${BOUNDARY}\n\n`).join(''));
  const parts = html.split(`${BOUNDARY}\n`);
  // A report that left a code fence, an HTML block or a table open swallows the boundary after it.
  expect(parts.length, 'every report is closed before the next one starts').toBe(markdowns.length + 1);
  return parts.slice(0, -1);
}

const HOSTILE: string[] = (
  JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/hostile-strings.json', import.meta.url)), 'utf8')) as {
    strings: string[];
  }
).strings;

const LINKS = {
  run: 'https://github.com/acme/game/actions/runs/123',
  results: 'https://github.com/acme/game/actions/runs/123/artifacts/9',
};
const OWN_HREFS = new Set(Object.values(LINKS));
const KINDS: ReportKind[] = ['comment', 'summary', 'check'];

type Pick = (field: string, original: string) => string;

/**
 * Every untrusted string of a verdict, replaced through `pick(field, original)`: the same original in the
 * same field gets the same replacement (a label is the runs' and the cases' alike), so the report keeps its shape.
 * Fields the fixture leaves empty (notes, GPU, model details, the incomplete run's reasons, gate changes) are filled.
 */
function substitute(source: Verdict, pick: Pick): Verdict {
  const v = structuredClone(source) as Verdict;
  const metric = (name: string) => pick('metric', name);
  const model = <M extends Verdict['cases'][number]['model']>(m: M): M => ({
    ...m,
    id: pick('model id', m.id),
    name: pick('model name', m.name),
    source: pick('model path', m.source ?? 'models/small.gguf'),
    digest: pick('model digest', m.digest ?? 'sha256:0'),
    quantization: pick('model quantization', m.quantization ?? 'Q4_K_M'),
    parameter_size: pick('model size', m.parameter_size ?? '1B'),
    family: pick('model family', m.family ?? 'llama'),
  });
  // Times are parsed, never printed as given (an unparsable one is left out), so they keep their value: a string
  // that happens to parse as a date would otherwise add a line the harmless report lacks.
  v.settings.headline_metric = metric(v.settings.headline_metric);
  const settings = v.settings as Verdict['settings'] & { gates_from?: string; gate_changes?: string[] };
  settings.gates_from = 'base';
  settings.gate_changes = ['gate change one', 'gate change two'].map((c) => pick('gate change', c));
  (v as { incomplete?: unknown }).incomplete = {
    cancelled: false,
    reasons: ['error one', 'error two'].map((e) => pick('error message', e)),
  };
  v.summary.geomean = Object.fromEntries(
    Object.entries(v.summary.geomean).map(([name, ratio]) => [metric(name), ratio]),
  );
  v.metrics = Object.fromEntries(
    Object.entries(v.metrics).map(([name, info]) => [
      metric(name),
      { ...info, unit: pick('unit', info.unit), description: pick('metric description', info.description || name) },
    ]),
  );
  for (const c of v.cases) {
    c.label = pick('label', c.label);
    c.id = pick('case id', c.id);
    c.prompt_id = pick('prompt id', c.prompt_id);
    c.model = model(c.model);
    if (c.base_model) c.base_model = model(c.base_model);
    c.params = Object.fromEntries(
      Object.entries(c.params).map(([k, value]) => [
        pick('param key', k),
        pick('param value', `${k}=${String(value)}`),
      ]),
    );
    c.metrics = Object.fromEntries(
      Object.entries(c.metrics).map(([name, m]) => [
        metric(name),
        { ...m, metric: metric(m.metric), unit: pick('unit', m.unit), note: pick('note', m.note ?? `note of ${name}`) },
      ]),
    );
  }
  for (const run of v.runs) {
    run.label = pick('label', run.label);
    run.notes = [...run.notes, 'a run note'].map((n) => pick('run note', n));
    for (const meta of [run.base, run.head]) {
      if (!meta) continue;
      meta.tool_version = pick('tool version', meta.tool_version);
      meta.engine = {
        kind: pick('engine kind', meta.engine.kind),
        version: pick('engine version', meta.engine.version),
        host: pick('engine host', meta.engine.host ?? 'http://127.0.0.1:11434'),
      };
      meta.git = {
        sha: pick('git sha', meta.git?.sha ?? 'no sha'),
        ref: pick('git ref', meta.git?.ref ?? 'refs/heads/main'),
      };
      const r = meta.runner;
      meta.runner = {
        ...r,
        label: pick('label', r.label),
        os: pick('os', r.os),
        release: pick('os release', r.release ?? 'no release'),
        arch: pick('arch', r.arch),
        cpu: pick('cpu', r.cpu),
        gpus: (r.gpus.length ? r.gpus : [{ name: 'a gpu' }]).map((g) => ({
          ...g,
          name: pick('gpu', g.name),
          driver: pick('gpu driver', g.driver ?? 'no driver'),
        })),
        hostname_sha256: pick('hostname', r.hostname_sha256 ?? 'no hostname'),
        node: pick('node version', r.node ?? 'no node'),
      };
    }
  }
  v.notes = [...v.notes, 'a verdict note'].map((n) => pick('note', n));
  return verdictSchema.parse(v);
}

/** The slots (distinct field and original pairs) of a fixture, in a fixed order. */
function slotsOf(source: Verdict): Map<string, number> {
  const slots = new Map<string, number>();
  substitute(source, (field, original) => {
    const key = `${field}\u0000${original}`;
    if (!slots.has(key)) slots.set(key, slots.size);
    return 'x';
  });
  return slots;
}

/** Render `k` of a fixture: slot s holds hostile string (k + s) mod N, so over N renders every string visits every field. */
function hostileVerdict(source: Verdict, slots: Map<string, number>, k: number): Verdict {
  return substitute(
    source,
    (field, original) => HOSTILE[(k + slots.get(`${field}\u0000${original}`)!) % HOSTILE.length]!,
  );
}

/** The same verdict with a harmless word in every slot: the shape every hostile report must keep. */
function benignVerdict(source: Verdict, slots: Map<string, number>): Verdict {
  return substitute(source, (field, original) => `${BENIGN}${slots.get(`${field}\u0000${original}`)!}`);
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>/g;
const ANY_TAG = /<\/?[a-zA-Z][a-zA-Z0-9-]*\b[^>]*>/g;

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/**
 * A report's HTML as a reader sees it, the escaping's text breaks left out: its tags (attributes
 * included) in order, and the decoded text between each two of them.
 */
interface Shape {
  tags: string[];
  texts: string[];
}
function shapeOf(html: string): Shape {
  const joined = html.replaceAll(TEXT_BREAK, '');
  return { tags: [...joined.matchAll(ANY_TAG)].map((m) => m[0]), texts: joined.split(ANY_TAG).map(decode) };
}

/** The text nodes GitHub's filters see (the text breaks split them): everything between tags, outside code blocks (which GitHub leaves alone), decoded. */
function textNodes(html: string): string[] {
  const outsideCode = html.replace(/<pre\b[\s\S]*?<\/pre>/g, '<pre></pre>');
  return outsideCode
    .split(/<[^>]*>/)
    .map(decode)
    .filter((t) => t.length > 0);
}

/** What GitHub would link, mention or reference if it stood whole in one text node. */
const LIVE_IN_TEXT: [string, RegExp][] = [
  ['an @-mention, email or owner/repo@sha', /@\S/u],
  ['an issue reference #N', /#\p{Nd}/u],
  ['an issue reference GH-N', /gh-\p{Nd}/iu],
  ['a commit SHA (7 to 40 hex digits)', /[0-9a-f]{7,}/i],
  ['a URL', /:\/\//],
  ['a www. autolink', /www\./i],
  ['an :emoji: shortcode', /:[\p{L}\p{N}_+-]+:/u],
];

/** Characters a reader cannot see, anywhere in the HTML (code blocks included); newlines aside. */
const INVISIBLE = /[\p{Cf}\u0000-\u0009\u000b-\u001f\u007f-\u009f\u034f\u115f\u1160\u3164\uffa0\u2028\u2029]/u;

/** Elements a report may contain: what its templates and Markdown make. Anything else came from the input. */
const ALLOWED_ELEMENTS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'strong',
  'em',
  'ul',
  'li',
  'hr',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'details',
  'summary',
  'pre',
  'code',
  'a',
  'sub',
  'wbr',
]);

/** The word every harmless value contains: text without it is the template's own and must read the same in the hostile report. */
const BENIGN = 'benign';

/**
 * Table rows of the Markdown whose count of cell delimiters (unescaped `|` outside code blocks) differs
 * from their header's. cmark-gfm pads or drops cells to the header's width, so in the HTML a stray `|`
 * shows only as text moved to the next column: the shape comparison catches that.
 */
function brokenTableRows(markdown: string): string[] {
  const found: string[] = [];
  let width: number | null = null;
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced || !line.startsWith('|')) {
      width = null;
      continue;
    }
    const pipes = (line.match(/(?<!\\)(?:\\\\)*\|/g) ?? []).length;
    if (width === null) width = pipes;
    else if (pipes !== width)
      found.push(`table row with ${pipes} delimiters under a header with ${width}: ${line.slice(0, 160)}`);
  }
  return found;
}

/** Problems of one report; empty when nothing in it is live. `benign`: the shape of the same report with harmless names. */
function problems(markdown: string, html: string, benign: Shape | null): string[] {
  const found: string[] = brokenTableRows(markdown);
  for (const m of html.matchAll(TAG)) {
    const name = m[2]!.toLowerCase();
    if (!ALLOWED_ELEMENTS.has(name)) found.push(`element ${m[0]}`);
    if (name === 'img') found.push(`image ${m[0]}`);
    if (name === 'a' && !m[1]) {
      const href = /\bhref="([^"]*)"/.exec(m[0])?.[1];
      if (href === undefined || !OWN_HREFS.has(decode(href))) found.push(`link ${m[0]}`);
    }
  }
  if (benign) {
    const own = shapeOf(html);
    const at = own.tags.findIndex((t, i) => t !== benign.tags[i]);
    if (at >= 0 || own.tags.length !== benign.tags.length) {
      const i = at >= 0 ? at : Math.min(own.tags.length, benign.tags.length);
      found.push(
        `structure differs from the harmless report at tag ${i}: ${own.tags[i] ?? '(end)'} instead of ${benign.tags[i] ?? '(end)'}`,
      );
    } else {
      // Same tags: the template's own text (headers, numbers, marks) must stand where it stood, not shifted by a stray delimiter.
      benign.texts.forEach((text, i) => {
        if (!text.includes(BENIGN) && own.texts[i] !== text)
          found.push(`text ${JSON.stringify(own.texts[i])} where the template has ${JSON.stringify(text)}`);
      });
    }
  }
  for (const text of textNodes(html)) {
    for (const [what, pattern] of LIVE_IN_TEXT)
      if (pattern.test(text)) found.push(`${what} in text ${JSON.stringify(text)}`);
  }
  const invisible = INVISIBLE.exec(html);
  if (invisible) {
    const near = JSON.stringify(html.slice(Math.max(0, invisible.index - 30), invisible.index + 10));
    found.push(`invisible U+${invisible[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${near}`);
  }
  return found;
}

describe.skipIf(missing !== null)(`reports through cmark-gfm${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let templates: Record<ReportKind, TemplateSource>;
  beforeAll(async () => {
    templates = await builtinTemplates();
  });

  it('has enough hostile strings, all distinct', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(80);
    expect(new Set(HOSTILE).size).toBe(HOSTILE.length);
  });

  it('catches what it looks for: the checks flag raw hostile Markdown', () => {
    const raw = [
      '@octocat fixes #12 and GH-3',
      '_www.example.com admin@-example.com https://evil.example',
      'commit 4f2a9c1d :shipit: zero\u200bwidth',
      '<img src=x> [l](https://evil.example) <b>bold</b>',
      '| case | p |\n| --- | --- |\n| a|b | 0.5 |',
    ].join('\n\n');
    const benign = shapeOf(gfm(raw.replace('| a|b | 0.5 |', '| benign | 0.5 |')));
    const found = problems(raw, gfm(raw), benign);
    const expected = [
      'an @-mention',
      'issue reference #N',
      'issue reference GH-N',
      'a www. autolink',
      'a URL',
      'a commit SHA',
      'emoji',
      'invisible U+200b',
      'image <img',
      'element <b>',
      'link <a href="https://evil.example">',
      'link <a href="mailto:admin@-example.com">',
      'table row with 4 delimiters under a header with 3',
      'text "b" where the template has "0.5"',
    ];
    for (const what of expected)
      expect(
        found.some((f) => f.includes(what)),
        `"${what}" in:\n${found.join('\n')}`,
      ).toBe(true);
    // Escaped, the same text is inert.
    const escaped = raw
      .split('\n\n')
      .slice(0, 4)
      .map((line) => escapeMarkdown(line))
      .join('\n\n');
    expect(problems(escaped, gfm(escaped), null)).toEqual([]);
  });

  // One test per fixture: its hostile renders of each kind go through one cmark-gfm run.
  it.each([...FIXTURE_NAMES])(
    '%s: every hostile string in every field renders inert, in the shape of the harmless report',
    (fixture: FixtureName) => {
      const source = loadVerdict(fixture);
      const slots = slotsOf(source);
      // Distinct originals of a field must stay distinct, so a render needs as many strings as the fixture has slots.
      expect(slots.size).toBeLessThanOrEqual(HOSTILE.length);
      const benign = benignVerdict(source, slots);
      const hostile = HOSTILE.map((_, k) => hostileVerdict(source, slots, k));
      const failures: string[] = [];
      for (const [k, verdict] of hostile.entries()) {
        // A check run's title is plain text: one line, nothing invisible.
        const title = reportTitle(verdict);
        if (INVISIBLE.test(title) || title.includes('\n')) failures.push(`title #${k}: ${JSON.stringify(title)}`);
      }
      for (const kind of KINDS) {
        const options = (reportId: string) => ({ kind, template: templates[kind], reportId, links: LINKS });
        const benignMarkdown = renderReport(benign, options(BENIGN));
        const [benignHtml] = gfmBatch([benignMarkdown]);
        expect(problems(benignMarkdown, benignHtml!, null)).toEqual([]);
        const benignShape = shapeOf(benignHtml!);
        const markdowns = hostile.map((verdict, k) => renderReport(verdict, options(HOSTILE[k]!)));
        const htmls = gfmBatch(markdowns);
        htmls.forEach((html, k) => {
          for (const p of problems(markdowns[k]!, html, benignShape)) failures.push(`${kind} #${k}: ${p}`);
          // The comment's marker is its only HTML comment.
          const comments = (html.match(/<!--/g) ?? []).length;
          if (comments !== (kind === 'comment' ? 1 : 0)) failures.push(`${kind} #${k}: ${comments} HTML comments`);
        });
        if (kind !== 'check') {
          // The hostile text is still there to read, just inert: each runner's heading reads as its label.
          const heading = kind === 'comment' ? 'h4' : 'h3';
          htmls.forEach((html, k) => {
            const labels = [...new Set(hostile[k]!.runs.map((r) => r.label))].map((l) => capUntrusted(l, TEXT_MAX));
            const shown = [...html.matchAll(new RegExp(`<${heading}>([\\s\\S]*?)</${heading}>`, 'g'))].map((m) =>
              decode(m[1]!.replaceAll(TEXT_BREAK, '')),
            );
            if (!labels.every((l) => shown.includes(l)))
              failures.push(
                `${kind} #${k}: headings ${JSON.stringify(shown)} do not read as the labels ${JSON.stringify(labels)}`,
              );
          });
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
    },
  );

  it('a 10,000-character value in every field cannot eat the report', () => {
    const source = loadVerdict('mixed');
    const slots = slotsOf(source);
    const long = substitute(source, (field, original) =>
      `${field.replace(/\W/g, '')}${slots.get(`${field}\u0000${original}`)}`.padEnd(10_000, 'x'),
    );
    const benign = benignVerdict(source, slots);
    for (const kind of KINDS) {
      const options = { kind, template: templates[kind], reportId: 'r', links: LINKS };
      const markdown = renderReport(long, options);
      const [html, benignHtml] = gfmBatch([markdown, renderReport(benign, options)]);
      // Nothing was trimmed to fit: the report has every table row, list item and section of the harmless one.
      expect(problems(markdown, html!, shapeOf(benignHtml!))).toEqual([]);
      expect(markdown).not.toContain('omitted to fit');
      // No value prints longer than the escaping's cap.
      const longest = Math.max(...[...markdown.matchAll(/x+/g)].map((m) => m[0].length));
      expect(longest).toBeLessThanOrEqual(TEXT_MAX);
    }
  });
});
