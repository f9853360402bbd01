// `llm-bench compare`, `llm-bench ab` and `llm-bench report`: results → verdict → Markdown.
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { compareAB, compareResults, compareSettings, compareWithHistory } from '../../compare/index.js';
import { parseResults, type Results } from '../../schema/results.js';
import { parseVerdict, type Verdict } from '../../schema/verdict.js';
import { renderReport, type ReportKind } from '../../report/render.js';
import { loadTemplate, loadTemplateFile } from '../../report/load.js';
import { templatesDir } from '../../util/paths.js';
import { writeFileAtomic } from '../../util/files.js';
import { readJsonFile } from '../io.js';
import { runSides, describeRun, type CliContext } from './run.js';

export async function readResults(file: string): Promise<Results> {
  return parseResults(await readJsonFile(file, 'results file'), file);
}

export async function renderVerdict(verdict: Verdict, opts: { kind?: ReportKind; template?: string; reportId?: string }): Promise<string> {
  const kind = opts.kind ?? 'comment';
  const template = opts.template ? await loadTemplateFile(opts.template) : await loadTemplate(kind, templatesDir());
  return renderReport(verdict, { kind, template, reportId: opts.reportId });
}

async function writeVerdict(verdict: Verdict, out: string | undefined): Promise<void> {
  if (out) await writeFileAtomic(out, `${JSON.stringify(verdict, null, 2)}\n`);
}

async function emit(verdict: Verdict, opts: { out?: string; format?: 'md' | 'json'; template?: string }, ctx: CliContext): Promise<number> {
  // Render before writing anything: a broken template must not leave a verdict behind that looks finished.
  const text = opts.format === 'json' ? JSON.stringify(verdict, null, 2) : await renderVerdict(verdict, { template: opts.template });
  await writeVerdict(verdict, opts.out);
  ctx.print(text);
  if (opts.out) ctx.log(`wrote ${opts.out}: ${verdict.status} (${verdict.strategy}), ${verdict.summary.regressions} regression(s), ${verdict.summary.limits} limit(s)`);
  return verdict.status === 'regression' ? 1 : 0;
}

export async function compareCommand(
  opts: { base: string[]; head: string; config?: string; out?: string; format?: 'md' | 'json'; template?: string },
  ctx: CliContext,
): Promise<number> {
  const config = opts.config ? await loadConfig(opts.config) : undefined;
  const head = await readResults(opts.head);
  const bases: Results[] = [];
  for (const file of opts.base) bases.push(await readResults(file));
  const settings = compareSettings(config);
  const now = new Date();
  // Three or more stored runs: their run-to-run spread sets the threshold (history); else the newest one is the baseline.
  const verdict =
    bases.length >= 3
      ? compareWithHistory(bases, head, settings, { now, files: { head: opts.head, history: opts.base } })
      : compareResults([{ label: head.runner.label, base: bases.at(-1) ?? null, head, baseFile: opts.base.at(-1), headFile: opts.head }], settings, { now });
  return emit(verdict, opts, ctx);
}

export async function abCommand(
  opts: { baseConfig: string; headConfig: string; out: string; results?: string; label?: string; repetitions?: number; format?: 'md' | 'json'; template?: string; cacheDir?: string },
  ctx: CliContext,
): Promise<number> {
  const headConfig = await loadConfig(opts.headConfig);
  const resultsFile = opts.results ?? resolve(dirname(opts.out), 'ab-results.json');
  const results = await runSides(
    [
      { side: 'base', configPath: opts.baseConfig },
      { side: 'head', configPath: opts.headConfig },
    ],
    { out: resultsFile, label: opts.label, repetitions: opts.repetitions, cacheDir: opts.cacheDir },
    ctx,
  );
  ctx.log(describeRun(results, resultsFile));
  // The head's gates decide, as they would for the pull request that changed them.
  const verdict = compareAB(results, compareSettings(headConfig), { now: new Date(), file: resultsFile });
  return emit(verdict, { out: opts.out, format: opts.format, template: opts.template }, ctx);
}

export async function reportCommand(opts: { verdict: string; template?: string; kind: ReportKind; out?: string; reportId?: string }, ctx: CliContext): Promise<number> {
  const verdict = parseVerdict(await readJsonFile(opts.verdict, 'verdict file'), opts.verdict);
  const text = await renderVerdict(verdict, opts);
  if (opts.out) {
    await mkdir(dirname(resolve(opts.out)), { recursive: true });
    await writeFile(opts.out, text);
    ctx.log(`wrote ${opts.out}`);
  } else {
    ctx.print(text);
  }
  return 0;
}
