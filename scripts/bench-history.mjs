// npm run bench:history — change-point detection on seeded series of run medians with known steps, beside a fixed
// ±X% rule (github-action-benchmark's kind: alarm when a run differs from the previous one by more than X%).
// 200 series of 100 runs per step size, run-to-run noise 3%; prints the share of steps found within ±2 runs and the
// false change points per 1,000 runs (on flat series).
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'bench-history-'));
await build({
  entryPoints: { trend: join(root, 'src/compare/trend.ts'), random: join(root, 'src/stats/random.ts') },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
const { changePoints } = await import(pathToFileURL(join(out, 'trend.mjs')).href);
const { seededRandom } = await import(pathToFileURL(join(out, 'random.mjs')).href);

const SERIES = Number(process.env.SERIES ?? 200);
const RUNS = 100;
const NOISE = 0.03;

function series(seed, step, at) {
  const rng = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: RUNS }, (_, i) => 100 * (i >= at ? 1 - step : 1) * (1 + NOISE * gauss()));
}

/** The fixed rule: an alarm at run i when it is more than x worse (lower) than run i − 1. */
function fixedRule(values, x) {
  const alarms = [];
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1] * (1 - x)) alarms.push(i);
  return alarms;
}

const rows = [];
const started = performance.now();
for (const step of [0, 0.03, 0.05, 0.1]) {
  let found = 0;
  const foundFixed = { 0.05: 0, 0.1: 0 };
  let falses = 0;
  const falsesFixed = { 0.05: 0, 0.1: 0 };
  for (let s = 0; s < SERIES; s++) {
    const at = 30 + (s % 40);
    const v = series(1000 + s + step * 1e6, step, step === 0 ? RUNS : at);
    const cps = changePoints(v).map((c) => c.index);
    if (step > 0 && cps.some((i) => Math.abs(i - at) <= 2)) found++;
    falses += cps.filter((i) => step === 0 || Math.abs(i - at) > 2).length;
    for (const x of [0.05, 0.1]) {
      const alarms = fixedRule(v, x);
      if (step > 0 && alarms.some((i) => Math.abs(i - at) <= 2)) foundFixed[x]++;
      falsesFixed[x] += alarms.filter((i) => step === 0 || Math.abs(i - at) > 2).length;
    }
  }
  const per1000 = (n) => ((1000 * n) / (SERIES * RUNS)).toFixed(2);
  rows.push({
    step: `${step * 100}%`,
    found: step ? `${((100 * found) / SERIES).toFixed(1)}%` : '—',
    falsePer1000: per1000(falses),
    fixed5: step
      ? `${((100 * foundFixed[0.05]) / SERIES).toFixed(1)}% / ${per1000(falsesFixed[0.05])}`
      : `— / ${per1000(falsesFixed[0.05])}`,
    fixed10: step
      ? `${((100 * foundFixed[0.1]) / SERIES).toFixed(1)}% / ${per1000(falsesFixed[0.1])}`
      : `— / ${per1000(falsesFixed[0.1])}`,
  });
}
console.log(
  `${SERIES} seeded series of ${RUNS} runs per step, noise ${NOISE * 100}% (in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
console.log(
  '| step | change points: found within ±2 runs | false per 1,000 runs | fixed 5% rule: found / false per 1,000 | fixed 10% rule |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.step} | ${r.found} | ${r.falsePer1000} | ${r.fixed5} | ${r.fixed10} |`);
