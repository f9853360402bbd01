// npm run bench:stats — measured false-alarm and detection rates of every comparison rule on real samples from the
// embedded engine: collects separate runs and interleaved A/A sessions (cached), then resamples them (seeded).
// Flags: --reuse (analyse the cached collection), --trials N, --seed N, --out-dir DIR.
// Scale with env: BENCH_STATS_RUNS, BENCH_STATS_REPS, BENCH_STATS_AB_SESSIONS, BENCH_STATS_BLOCKS, BENCH_STATS_PAUSE_S,
// BENCH_STATS_TOKENS, BENCH_STATS_PRESET.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleLibrary } from './bench-stats/bundle.mjs';
import { collect, loadCollection } from './bench-stats/collect.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const envInt = (name, fallback) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0 (got ${process.env[name]})`);
  return v;
};

const dataDir = join(root, option('--out-dir', '.cache/bench-stats'), 'data');
const libDir = join(root, '.cache/bench-stats/lib');
const trials = Number(option('--trials', 1000));
const seed = Number(option('--seed', 1));

const paths = await bundleLibrary(root, libDir);
const bundle = { session: paths.session, modelUrl: pathToFileURL(paths.model).href };

let manifest;
if (!flag('--reuse')) {
  const plan = {
    preset: process.env.BENCH_STATS_PRESET ?? 'medium',
    tokens: envInt('BENCH_STATS_TOKENS', 96),
    runs: envInt('BENCH_STATS_RUNS', 8),
    reps: envInt('BENCH_STATS_REPS', 30),
    abSessions: envInt('BENCH_STATS_AB_SESSIONS', 4),
    blocks: envInt('BENCH_STATS_BLOCKS', 150),
    pauseS: envInt('BENCH_STATS_PAUSE_S', 20),
  };
  console.log(
    `collecting: ${plan.runs} runs × ${plan.reps} repetitions (with the reference workload) and ${plan.abSessions} A/A sessions × ${plan.blocks} blocks, ` +
      `generated ${plan.preset} model, ${plan.tokens} tokens, 1 thread, ${plan.pauseS} s pauses; each in a fresh process`,
  );
  manifest = await collect({ root, dataDir, bundle, plan, log: (l) => console.log(l) });
  console.log(`collection took ${(manifest.collectionSeconds / 60).toFixed(1)} min; cached in ${dataDir}`);
}
const collection = loadCollection(dataDir);
if (manifest === undefined)
  console.log(
    `reusing the collection of ${collection.manifest.collectedAt} (${(collection.manifest.collectionSeconds / 60).toFixed(1)} min to collect) from ${dataDir}`,
  );
const { analyse } = await import('./bench-stats/analyse.mjs');
const outFile = join(dataDir, '..', 'table.md');
await analyse({
  collection,
  compareUrl: pathToFileURL(paths.compare).href,
  statsUrl: pathToFileURL(paths.stats).href,
  trials,
  seed,
  log: (l) => console.log(l),
  outFile,
});
console.log(`\nwrote ${outFile}`);
