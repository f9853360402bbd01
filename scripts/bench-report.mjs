// npm run bench:report — how long rendering a large verdict takes and how much memory it needs, per report kind.
// For 1 × 20, 10 × 200 and 100 × 200 (runners × cases, 12 metrics) it writes a seeded verdict (scripts/bench-report/verdict.ts)
// and renders each kind (comment, summary, check) with the built-in templates in a child process of its own, printing
// the verdict's JSON size, the load time (JSON.parse + the verdict@1 schema, as `llm-bench report` does), the render
// time and the child's peak RSS (process.resourceUsage().maxRSS, which includes Node itself and the parsed verdict).
// Flags: --sizes 1x20,10x200,100x200  --kinds comment,summary,check  --seed N  --cpu-prof DIR (a .cpuprofile per render)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const libDir = join(root, '.cache/bench-report/lib');
const dataDir = join(root, '.cache/bench-report/data');

async function bundle() {
  await build({
    entryPoints: {
      report: join(root, 'src/report/render.ts'),
      load: join(root, 'src/report/load.ts'),
      schema: join(root, 'src/schema/verdict.ts'),
      scale: join(root, 'scripts/bench-report/verdict.ts'),
    },
    outdir: libDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "import { createRequire as __benchReportRequire } from 'node:module'; const require = __benchReportRequire(import.meta.url);",
    },
    logLevel: 'warning',
    outExtension: { '.js': '.mjs' },
  });
}

/** The child: load one verdict file, render one kind, print JSON figures. */
async function child(file, kind) {
  const { readFileSync } = await import('node:fs');
  const { renderReportResult } = await import(join(libDir, 'report.mjs'));
  const { loadTemplate } = await import(join(libDir, 'load.mjs'));
  const { parseVerdict } = await import(join(libDir, 'schema.mjs'));
  const template = await loadTemplate(kind, join(root, 'templates'));
  const t0 = performance.now();
  const verdict = parseVerdict(JSON.parse(readFileSync(file, 'utf8')), file);
  const t1 = performance.now();
  const loadRssMb = process.resourceUsage().maxRSS / 1024;
  const { text, renders } = renderReportResult(verdict, {
    kind,
    template,
    reportId: 'bench',
    links: {
      run: 'https://github.com/acme/game/actions/runs/1',
      results: 'https://github.com/acme/game/actions/runs/1#artifacts',
    },
  });
  const t2 = performance.now();
  process.stdout.write(
    JSON.stringify({
      loadMs: t1 - t0,
      renderMs: t2 - t1,
      chars: text.length,
      renders,
      loadRssMb,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

if (args[0] === '--child') {
  await child(args[1], args[2]);
} else {
  await bundle();
  mkdirSync(dataDir, { recursive: true });
  const { scaleVerdict } = await import(join(libDir, 'scale.mjs'));
  const sizes = option('--sizes', '1x20,10x200,100x200')
    .split(',')
    .map((s) => s.split('x').map(Number));
  const kinds = option('--kinds', 'comment,summary,check').split(',');
  const seed = Number(option('--seed', 9));
  const profDir = option('--cpu-prof', null);
  console.log(
    `bench:report on ${(await import('node:os')).cpus().length} cores, node ${process.version}, seed ${seed}`,
  );
  console.log(
    'runners × cases × metrics | verdict JSON | kind    | load (parse+schema) | render   | renders | body chars | peak RSS after load | peak RSS',
  );
  for (const [runners, cases] of sizes) {
    const file = join(dataDir, `verdict-${runners}x${cases}-${seed}.json`);
    writeFileSync(file, JSON.stringify(scaleVerdict({ runners, casesPerRunner: cases, seed })));
    const mb = statSync(file).size / 1e6;
    for (const kind of kinds) {
      const nodeArgs = profDir
        ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `report-${runners}x${cases}-${kind}.cpuprofile`]
        : [];
      const out = JSON.parse(
        execFileSync(process.execPath, [...nodeArgs, new URL(import.meta.url).pathname, '--child', file, kind], {
          encoding: 'utf8',
          maxBuffer: 1e6,
        }),
      );
      console.log(
        `${`${runners} × ${cases} × 12`.padEnd(25)} | ${`${mb.toFixed(1)} MB`.padStart(12)} | ${kind.padEnd(7)} | ${`${(out.loadMs / 1000).toFixed(2)} s`.padStart(19)} | ${`${(out.renderMs / 1000).toFixed(2)} s`.padStart(8)} | ${String(out.renders).padStart(7)} | ${String(out.chars).padStart(10)} | ${`${Math.round(out.loadRssMb)} MB`.padStart(18)} | ${`${Math.round(out.maxRssMb)} MB`.padStart(8)}`,
      );
    }
  }
}
