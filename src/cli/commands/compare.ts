// `llm-bench compare`, `llm-bench ab` and `llm-bench report`: results → verdict → Markdown.
import { dirname, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../io/config.js';
import { compareAB, compareResults, compareSettings, compareWithHistory } from '../../compare/index.js';
import { parseResults, type Results } from '../../schema/results.js';
import { parseVerdict, type Verdict } from '../../schema/verdict.js';
import { renderReport, type ReportKind } from '../../report/render.js';
import { loadTemplate, loadTemplateFile } from '../../io/templates.js';
import { templatesDir } from '../../util/paths.js';
import { checkOutputDir, checkOutputPaths, writeFileAtomic, type NamedPath } from '../../io/files.js';
import { readJsonFile } from '../io.js';
import { runSides, describeRun, configInputs, resultsOutputs, type CliContext } from './run.js';
import { InputError } from '../../util/errors.js';
import { EXIT } from '../exit.js';
import { KNOWN_METRICS, didYouMean } from '../../config/parse.js';

export async function readResults(file: string): Promise<Results> {
  return parseResults(await readJsonFile(file, 'results file'), file);
}

export async function renderVerdict(
  verdict: Verdict,
  opts: { kind?: ReportKind; template?: string; reportId?: string; maxChars?: number },
): Promise<string> {
  const kind = opts.kind ?? 'comment';
  const template = opts.template ? await loadTemplateFile(opts.template) : await loadTemplate(kind, templatesDir());
  return renderReport(verdict, {
    kind,
    template,
    reportId: opts.reportId,
    ...(opts.maxChars !== undefined ? { maxChars: opts.maxChars } : {}),
  });
}

const templateInput = (template: string | undefined): NamedPath[] =>
  template ? [{ label: '--template', path: template }] : [];

/**
 * Gates and the headline of a config must name metrics the results can have: the built-in ones and the custom
 * metrics the results declare (a command engine's own). Checked here too because only the results know those.
 */
function checkConfigMetrics(config: LoadedConfig, results: Results[]): void {
  const known = [...new Set([...KNOWN_METRICS, ...results.flatMap((r) => Object.keys(r.metrics))])];
  const check = (name: string, path: string): void => {
    if (known.includes(name) || results.some((r) => r.cases.some((c) => c.samples[name] !== undefined))) return;
    const custom = known.filter((k) => !KNOWN_METRICS.includes(k));
    throw new InputError(
      `unknown metric '${name}': no results file declares it; ${didYouMean(name, known)}known metrics: ${KNOWN_METRICS.join(', ')}${custom.length ? `, and the custom ${custom.join(', ')}` : ''}`,
      { file: config.file, path },
    );
  };
  for (const metric of Object.keys(config.gates)) check(metric, `gates.${metric}`);
  check(config.compare.headline, 'compare.headline');
}

async function writeVerdict(verdict: Verdict, out: string | undefined): Promise<void> {
  if (out) await writeFileAtomic(out, `${JSON.stringify(verdict, null, 2)}\n`);
}

async function emit(
  verdict: Verdict,
  opts: { out?: string; format?: 'md' | 'json'; template?: string },
  ctx: CliContext,
): Promise<number> {
  // Render before writing anything: a broken template must not leave a verdict behind that looks finished.
  const text =
    opts.format === 'json'
      ? JSON.stringify(verdict, null, 2)
      : await renderVerdict(verdict, { template: opts.template });
  await writeVerdict(verdict, opts.out);
  ctx.print(text);
  if (opts.out)
    ctx.log(
      `wrote ${opts.out}: ${verdict.status} (${verdict.strategy}), ${verdict.summary.regressions} regression(s), ${verdict.summary.limits} limit(s)`,
    );
  if (verdict.incomplete) ctx.log(`not judged in full: ${verdict.incomplete.reasons.join('; ')}`);
  // 1 for a regression (it wins), 3 when not everything was judged: a script's gate never reads either as a pass.
  return verdict.status === 'regression'
    ? EXIT.regression
    : verdict.status === 'incomplete'
      ? EXIT.incomplete
      : EXIT.pass;
}

export async function compareCommand(
  opts: { base: string[]; head: string; config?: string; out?: string; format?: 'md' | 'json'; template?: string },
  ctx: CliContext,
): Promise<number> {
  const config = opts.config ? await loadConfig(opts.config) : undefined;
  const head = await readResults(opts.head);
  const bases: Results[] = [];
  for (const file of opts.base) bases.push(await readResults(file));
  if (config) checkConfigMetrics(config, [head, ...bases]);
  if (opts.out) {
    const inputs: NamedPath[] = [
      ...opts.base.map((path) => ({ label: '--base', path })),
      { label: '--head', path: opts.head },
      ...(opts.config ? [{ label: '--config', path: opts.config }] : []),
      ...templateInput(opts.template),
    ];
    await checkOutputPaths([{ label: '--out', path: opts.out }], inputs);
  }
  const settings = compareSettings(config);
  const now = new Date();
  // Three or more stored runs: their run-to-run spread sets the threshold (history); else the newest one is the baseline.
  const verdict =
    bases.length >= 3
      ? compareWithHistory(bases, head, settings, { now, files: { head: opts.head, history: opts.base } })
      : compareResults(
          [
            {
              label: head.runner.label,
              base: bases.at(-1) ?? null,
              head,
              baseFile: opts.base.at(-1),
              headFile: opts.head,
            },
          ],
          settings,
          { now },
        );
  return emit(verdict, opts, ctx);
}

export async function abCommand(
  opts: {
    baseConfig: string;
    headConfig: string;
    out: string;
    results?: string;
    label?: string;
    repetitions?: number;
    format?: 'md' | 'json';
    template?: string;
    cacheDir?: string;
  },
  ctx: CliContext,
): Promise<number> {
  const baseConfig = await loadConfig(opts.baseConfig);
  const headConfig = await loadConfig(opts.headConfig);
  const resultsFile = opts.results ?? resolve(dirname(opts.out), 'ab-results.json');
  await checkOutputPaths(
    [
      { label: '--out', path: opts.out },
      ...resultsOutputs(resultsFile, opts.results ? '--results' : 'the A/B results'),
    ],
    [
      ...configInputs(baseConfig, '--base-config'),
      ...configInputs(headConfig, '--head-config'),
      ...templateInput(opts.template),
    ],
  );
  if (opts.cacheDir) await checkOutputDir({ label: '--cache-dir', path: opts.cacheDir });
  const results = await runSides(
    [
      { side: 'base', configPath: opts.baseConfig, config: baseConfig },
      { side: 'head', configPath: opts.headConfig, config: headConfig },
    ],
    { out: resultsFile, label: opts.label, repetitions: opts.repetitions, cacheDir: opts.cacheDir },
    ctx,
  );
  ctx.log(describeRun(results, resultsFile));
  // The head's gates decide, as they would for the pull request that changed them.
  const verdict = compareAB(results, compareSettings(headConfig), { now: new Date(), file: resultsFile });
  return emit(verdict, { out: opts.out, format: opts.format, template: opts.template }, ctx);
}

export async function reportCommand(
  opts: { verdict: string; template?: string; kind: ReportKind; out?: string; reportId?: string },
  ctx: CliContext,
): Promise<number> {
  const verdict = parseVerdict(await readJsonFile(opts.verdict, 'verdict file'), opts.verdict);
  if (opts.out)
    await checkOutputPaths(
      [{ label: '--out', path: opts.out }],
      [{ label: '--verdict', path: opts.verdict }, ...templateInput(opts.template)],
    );
  // GitHub's size limits apply to what is posted there, not to a file: a file gets the whole report.
  const text = await renderVerdict(verdict, { ...opts, ...(opts.out ? { maxChars: Infinity } : {}) });
  if (opts.out) {
    await writeFileAtomic(opts.out, text);
    ctx.log(`wrote ${opts.out}`);
  } else {
    ctx.print(text);
  }
  return 0;
}
