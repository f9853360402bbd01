// `llm-bench demo` (npm run demo): the whole path offline — models, baseline run, "pull request" run, verdict, report.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeModel } from '../../model/make.js';
import { loadConfig } from '../../config/load.js';
import { compareResults, compareSettings } from '../../compare/index.js';
import { packageRoot } from '../../util/paths.js';
import { writeFileAtomic } from '../../util/files.js';
import { renderVerdict } from './compare.js';
import { describeRun, runSides, type CliContext } from './run.js';

export async function demoCommand(opts: { outDir: string; repetitions?: number }, ctx: CliContext): Promise<number> {
  const quickstart = join(packageRoot(), 'examples', 'quickstart');
  for (const preset of ['small', 'medium'] as const) {
    const file = join(quickstart, 'models', `${preset}.gguf`);
    if (!existsSync(file)) {
      const model = await makeModel({ out: file, preset, seed: 1 });
      ctx.log(`generated ${file} (${(model.sizeBytes / 1e6).toFixed(1)} MB)`);
    }
  }
  const outDir = resolve(opts.outDir);
  const baseFile = join(outDir, 'base.json');
  const headFile = join(outDir, 'head.json');
  const label = 'demo';

  ctx.log('\n== 1/3 baseline: examples/quickstart/bench.yml (small model behind id "assistant")');
  const base = await runSides([{ configPath: join(quickstart, 'bench.yml') }], { out: baseFile, label, repetitions: opts.repetitions }, ctx);
  ctx.log(describeRun(base, baseFile));

  ctx.log('\n== 2/3 pull request: examples/quickstart/bench.pr.yml (medium model behind the same id)');
  const head = await runSides([{ configPath: join(quickstart, 'bench.pr.yml') }], { out: headFile, label, repetitions: opts.repetitions }, ctx);
  ctx.log(describeRun(head, headFile));

  ctx.log('\n== 3/3 compare and report\n');
  const headConfig = await loadConfig(join(quickstart, 'bench.pr.yml'));
  const verdict = compareResults([{ label, base, head, baseFile, headFile }], compareSettings(headConfig), { now: new Date() });
  const report = await renderVerdict(verdict, { kind: 'comment' });
  await writeFileAtomic(join(outDir, 'verdict.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'report.md'), report);
  ctx.print(report);
  ctx.log(
    `\ndemo verdict: ${verdict.status} with ${verdict.summary.regressions} regression(s). Files in ${outDir}: base.json, head.json, verdict.json, report.md.` +
      `\nThe same comparison from the command line: node dist/cli.js compare --base ${baseFile} --head ${headFile} --config ${join(quickstart, 'bench.pr.yml')}`,
  );
  // The demo shows a regression on purpose; finding it is success.
  return 0;
}
