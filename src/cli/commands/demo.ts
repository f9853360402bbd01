// `llm-bench demo` (npm run demo): the whole path offline — models, baseline run, "pull request" run, verdict, report.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeModel } from '../../model/make.js';
import { loadConfig } from '../../io/config.js';
import { compareAB, compareSettings } from '../../compare/index.js';
import { packageRoot } from '../../util/paths.js';
import { checkOutputDir, checkOutputPaths, writeFileAtomic } from '../../io/files.js';
import { renderVerdict } from './compare.js';
import { configInputs, describeRun, runSides, type CliContext } from './run.js';

/**
 * The demo runs the quickstart's base and "pull request" configs as one A/B session, interleaved in randomised
 * blocks and on the embedded engine in lockstep (token by token), and compares them pairwise: the default on pull
 * requests, and the comparison that finds the slower model even on a busy machine, where two separate runs drift
 * apart by more than the change.
 */
export async function demoCommand(opts: { outDir: string; repetitions?: number }, ctx: CliContext): Promise<number> {
  const quickstart = join(packageRoot(), 'examples', 'quickstart');
  const outDir = resolve(opts.outDir);
  await checkOutputDir({ label: '--out-dir', path: opts.outDir });
  const resultsFile = join(outDir, 'ab-results.json');
  const inDir = (name: string) => ({
    label: '--out-dir',
    path: join(outDir, name),
    shown: `${join(opts.outDir, name)} (in --out-dir ${opts.outDir})`,
  });
  const baseConfigPath = join(quickstart, 'bench.yml');
  const headConfigPath = join(quickstart, 'bench.pr.yml');
  await checkOutputPaths(['ab-results.json', 'ab-results.json.jsonl', 'verdict.json', 'report.md'].map(inDir), [
    ...configInputs(await loadConfig(baseConfigPath), 'the quickstart config'),
    ...configInputs(await loadConfig(headConfigPath), 'the quickstart config'),
  ]);
  for (const preset of ['small', 'medium'] as const) {
    const file = join(quickstart, 'models', `${preset}.gguf`);
    if (!existsSync(file)) {
      const model = await makeModel({ out: file, preset, seed: 1 });
      ctx.log(`generated ${file} (${(model.sizeBytes / 1e6).toFixed(1)} MB)`);
    }
  }
  const label = 'demo';
  const baseConfig = await loadConfig(baseConfigPath);
  const headConfig = await loadConfig(headConfigPath);

  ctx.log(
    '\n== 1/2 A/B: examples/quickstart/bench.yml (base: small model behind id "assistant") and bench.pr.yml (head: medium model behind the same id), interleaved in lockstep',
  );
  const results = await runSides(
    [
      { side: 'base', configPath: baseConfigPath, config: baseConfig },
      { side: 'head', configPath: headConfigPath, config: headConfig },
    ],
    { out: resultsFile, label, repetitions: opts.repetitions },
    ctx,
  );
  ctx.log(describeRun(results, resultsFile));

  ctx.log('\n== 2/2 compare (paired, per block) and report\n');
  const verdict = compareAB(results, compareSettings(headConfig), { now: new Date(), file: resultsFile });
  const report = await renderVerdict(verdict, { kind: 'comment' });
  await writeFileAtomic(join(outDir, 'verdict.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'report.md'), report);
  ctx.print(report);
  ctx.log(
    `\ndemo verdict: ${verdict.status} with ${verdict.summary.regressions} gated regression(s). Files in ${outDir}: ab-results.json, verdict.json, report.md.` +
      `\nThe same comparison from the command line: node dist/cli.js ab --base-config ${baseConfigPath} --head-config ${headConfigPath} --out ${join(outDir, 'verdict.json')}`,
  );
  // The demo shows a regression on purpose; finding it is success.
  return 0;
}
