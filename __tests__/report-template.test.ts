// User templates: helpers and fields they can use, errors that name the file and the line, and the template loader.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReport } from '../src/report/render.js';
import { compileTemplate, REPORT_HELPERS } from '../src/report/helpers.js';
import { findTemplateDir, loadTemplate, loadTemplateFile } from '../src/io/templates.js';
import { InputError } from '../src/util/errors.js';
import { TEMPLATE_DIR, loadVerdict } from './fixtures/verdicts/index.js';

const FILE = '.github/llm-bench/comment.md.hbs';

function renderWith(text: string, file = FILE): string {
  return renderReport(loadVerdict('mixed'), { kind: 'comment', template: { text, file } });
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('template errors', () => {
  it('names the file and the line of a Handlebars syntax error', () => {
    const error = errorOf(() => renderWith('{{headline}}\n\n{{#each labels}}\n| {{label}} |\n{{/each}\n'));
    expect(error.file).toBe(FILE);
    expect(error.message).toBe(
      `${FILE}: line 5: Handlebars syntax error near "... {{label}} |{{/each}": got 'INVALID', expected 'CLOSE_RAW_BLOCK', 'CLOSE', 'CLOSE_UNESCAPED', 'OPEN_SEXPR', …`,
    );
  });

  it('names the line of a block that is never closed', () => {
    const error = errorOf(() => renderWith('line one\n{{#if isRegression}}\nregressed\n'));
    expect(error.message).toMatch(
      /^\.github\/llm-bench\/comment\.md\.hbs: line 4: Handlebars syntax error: the template ends inside a block or tag that is never closed/,
    );
  });

  it('names the line and column of a block closed by the wrong name', () => {
    const error = errorOf(() => renderWith('{{headline}}\n{{#if isRegression}}\n{{/each}}\n'));
    expect(error.message).toBe(`${FILE}: line 2, column 4: Handlebars syntax error: if doesn't match each`);
  });

  it.each([
    ['a mustache', 'ok\n  {{frobnicate headline}}\n', 'line 2, column 3'],
    ['a block', '{{#frobnicate labels}}x{{/frobnicate}}', 'line 1, column 1'],
    ['a sub-expression', '{{#each labels}}\n\n{{num (frobnicate 1)}}{{/each}}', 'line 3, column 7'],
  ])('names an unknown helper used in %s, with the file and line', (_what, text, where) => {
    const error = errorOf(() => renderWith(text));
    expect(error.message).toMatch(
      new RegExp(
        `^${FILE.replace(/\./g, '\\.')}: ${where}: unknown helper "frobnicate" \\(helpers: num, value, pct, change`,
      ),
    );
  });

  it('refuses {{log}}, which would write to the console', () => {
    expect(errorOf(() => renderWith('{{log headline}}')).message).toMatch(/unknown helper "log"/);
  });

  it('names a field the report does not have', () => {
    const error = errorOf(() => renderWith('{{headline}}\n{{#each labels}}\n{{lable}}\n{{/each}}'));
    expect(error.message).toBe(`${FILE}: line 3, column 3: unknown field "lable"`);
  });

  it('says when a field is read from an empty value', () => {
    // `pivot` is null for labels with a baseline.
    const error = errorOf(() => renderWith('{{#each labels}}\n{{pivot.metrics}}{{/each}}'));
    expect(error.message).toBe(
      `${FILE}: line 2, column 3: unknown field "metrics" (its parent is null; guard it with {{#if}})`,
    );
    const inHelper = errorOf(() =>
      renderWith('{{#each labels}}{{#each rows}}{{value base.median unit}}{{/each}}{{/each}}'),
    );
    expect(inHelper.message).toBe(`${FILE}: cannot read "median" of an empty value (null); guard it with {{#if}}`);
  });

  it('rejects partials, which report templates cannot load', () => {
    const error = errorOf(() => renderWith('{{> header}}'));
    expect(error.message).toBe(`${FILE}: unknown partial "header": report templates cannot include partials`);
  });

  it('a broken template leaves the next one working', () => {
    expect(() => renderWith('{{#if}}')).toThrow(InputError);
    expect(renderWith('{{#if isRegression}}bad{{/if}}')).toBe('bad\n');
  });
});

describe('user templates', () => {
  it('can use every helper and the report fields', () => {
    const text = [
      '{{headline}}',
      '{{#each labels}}{{#each rows}}{{#if (eq metric "decode_tps")}}',
      '{{#if ratio}}{{case}}: {{value head.median unit}} vs {{value base.median unit}}, {{pct ratio}} {{ci ci}} {{pvalue p prefix=true}} {{mark verdict}} {{icon verdict}} {{num head.median 5}}{{/if}}',
      '{{/if}}{{/each}}{{/each}}',
      '{{plural counts.regressions "regression"}} · {{percent settings.minEffect}} · {{bytes verdict.runs.0.head.runner.memory_bytes}} · {{time verdict.created_at}} · {{sha verdict.runs.0.head.git.sha}} · {{ref verdict.runs.0.head.git.ref}} · {{change 0.9 false}} · {{escapeMarkdown "a|b" max=40}}',
    ].join('\n');
    const out = renderWith(text).trimEnd().split('\n');
    expect(out).toContain(
      'gemma3:1b num_ctx=4096: 80.7 tok/s vs 98.4 tok/s, −18% [−21%, −15%] p=0.002 ⚠️ regression ⚠️ 80.7',
    );
    expect(out).toContain(
      'banter (gemma3:270m → gemma3:1b-it-qat) num_ctx=2048: 211 tok/s vs 160 tok/s, +31% [+27%, +36%] p<0.001 🚀 improvement 🚀 210.5',
    );
    // Two gated regressions: the third regression of the fixture is a metric that does not gate.
    expect(out.at(-1)).toBe(
      '2 regressions · 3% · 31.3 GiB · 2026-11-21 09:31 UTC · 9b8c7d<wbr>6 · pull/42/merge · ~ · a\\|b',
    );
  });

  it('escapes raw verdict fields printed with {{ }}, and leaves {{{ }}} raw as Handlebars does', () => {
    const verdict = loadVerdict('mixed');
    verdict.cases[0]!.model.name = '<b>x</b>|@team';
    const template = { text: '{{verdict.cases.0.model.name}}\n{{{verdict.cases.0.model.name}}}', file: FILE };
    expect(renderReport(verdict, { kind: 'summary', template })).toBe(
      '&lt;b&gt;x&lt;/b&gt;\\|@<wbr>team\n<b>x</b>|@team\n',
    );
  });

  it('prints adjacent numbers as text, not as their sum', () => {
    // Handlebars' noEscape mode would add 3 + 1; the Markdown escaper keeps each value a string.
    expect(renderWith('{{counts.regressions}}{{counts.limits}}{{isRegression}}')).toBe('21true\n');
  });

  it('exposes a known list of helpers', () => {
    expect(Object.keys(REPORT_HELPERS)).toEqual([
      'num',
      'value',
      'pct',
      'change',
      'ci',
      'pvalue',
      'mark',
      'icon',
      'percent',
      'bytes',
      'time',
      'sha',
      'ref',
      'plural',
      'eq',
      'escapeMarkdown',
    ]);
    expect(compileTemplate({ text: '{{num x}}', file: 'x' })({ x: 1234.5 })).toBe('1,235');
  });
});

describe('loadTemplate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llm-bench-templates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the built-in templates', async () => {
    for (const kind of ['comment', 'summary', 'check'] as const) {
      const template = await loadTemplate(kind, TEMPLATE_DIR);
      expect(template.file).toBe(join(TEMPLATE_DIR, `${kind}.md.hbs`));
      expect(template.text).toContain('{{headline}}');
    }
  });

  it('names a missing file', async () => {
    await expect(loadTemplateFile(join(dir, 'nope.md.hbs'))).rejects.toThrow(
      `${join(dir, 'nope.md.hbs')}: cannot read the template: file not found`,
    );
    await expect(loadTemplateFile(dir)).rejects.toThrow(InputError);
  });

  it('drops a byte-order mark', async () => {
    const file = join(dir, 'bom.md.hbs');
    writeFileSync(file, '\uFEFF{{headline}}');
    expect((await loadTemplateFile(file)).text).toBe('{{headline}}');
  });

  it('finds templates/ above a module, as the bundled action will', () => {
    expect(findTemplateDir(import.meta.url)).toBe(TEMPLATE_DIR);
    const nested = join(dir, 'action', 'dist');
    mkdirSync(join(dir, 'action', 'templates'), { recursive: true });
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(dir, 'action', 'templates', 'comment.md.hbs'), '{{headline}}');
    expect(findTemplateDir(pathToFileURL(join(nested, 'main.js')).href)).toBe(join(dir, 'action', 'templates'));
    expect(() => findTemplateDir(pathToFileURL(join(tmpdir(), 'x', 'y.js')).href, 1)).toThrow(InputError);
  });
});
