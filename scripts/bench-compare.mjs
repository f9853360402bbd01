// npm run bench:compare — time and peak memory of the comparison rules against the number of samples a side, to show
// that they grow as n log n (issue 10: a soak run's millions of samples). Each strategy and size runs in a fresh
// process, so the peak memory is its own: compareResults (Mann-Whitney + bootstrap interval of the ratio of medians),
// compareAB (paired blocks: Wilcoxon + interval of the mean log ratio), compareWithHistory (3 stored runs and a head
// run) and, with `cli`, `llm-bench compare` end to end (JSON files read and validated, verdict and report written).
// Flags: --sizes 1000,10000,100000,300000,1000000  --strategies baseline,ab,history,cli  --iterations N (2000)
//        --seed N (1)  --timeout S (120, per measurement)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const workDir = join(root, '.cache/bench-compare');
const libDir = join(workDir, 'lib');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

// ------------------------------------------------------------------ data

/** n seeded log-normal samples around `centre` (CV ≈ 10%), like decode speeds of one case. */
function samples(random, n, centre) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out[i] = Math.round(centre * Math.exp(0.1 * z) * 1000) / 1000;
  }
  return out;
}

function results({ label = 'soak', startedAt = '2026-12-01T10:00:00.000Z', cases }) {
  return {
    schema: 'llm-bench/results@1',
    tool: { name: 'llm-bench', version: '0.1.0' },
    started_at: startedAt,
    status: 'complete',
    runner: { label, os: 'linux', arch: 'x64', cpu: 'Bench CPU', cores: 2, memory_bytes: 8e9, gpus: [] },
    engine: { kind: 'llama-cpp', version: '3.22.1' },
    metrics: {},
    cases: cases.map((c) => ({
      id: c.id,
      ...(c.side ? { side: c.side } : {}),
      model: { id: 'soak', name: 'soak.gguf' },
      params: {},
      prompt: { id: 'p1', sha256: 'ab', chars: 10, max_tokens: 32 },
      samples: { decode_tps: c.samples },
      errors: [],
      requests: { ok: c.samples.length, failed: 0 },
    })),
  };
}

const SETTINGS = { alpha: 0.05, min_effect: 0.03, headline: 'decode_tps', gates: {} };

/** The inputs of one strategy at n samples a side (a 2% slowdown in the head). */
function inputs(stats, strategy, n, seed) {
  const random = stats.seededRandom(seed);
  if (strategy === 'ab') {
    return results({
      cases: [
        { id: 'soak/p1', side: 'base', samples: samples(random, n, 100) },
        { id: 'soak/p1', side: 'head', samples: samples(random, n, 98) },
      ],
    });
  }
  const base = results({ cases: [{ id: 'soak/p1', samples: samples(random, n, 100) }] });
  const head = results({
    startedAt: '2026-12-02T10:00:00.000Z',
    cases: [{ id: 'soak/p1', samples: samples(random, n, 98) }],
  });
  if (strategy === 'baseline') return { base, head };
  const history = [0, 1, 2].map((i) =>
    results({
      startedAt: `2026-11-2${i}T10:00:00.000Z`,
      cases: [{ id: 'soak/p1', samples: samples(random, n, 100 + i) }],
    }),
  );
  return { history, head };
}

function run(compare, strategy, input, iterations) {
  const now = new Date('2026-12-02T12:00:00.000Z');
  if (strategy === 'baseline')
    return compare.compareResults([{ label: 'soak', base: input.base, head: input.head }], SETTINGS, {
      now,
      iterations,
    });
  if (strategy === 'ab') return compare.compareAB(input, SETTINGS, { now, iterations });
  return compare.compareWithHistory(input.history, input.head, SETTINGS, { now, iterations });
}

// ------------------------------------------------------------------ one measurement (child process)

const mb = (bytes) => bytes / 1024 / 1024;

if (args[0] === '--child') {
  const [, strategy, nText, iterText, seedText] = args;
  const n = Number(nText);
  const stats = await import(pathToFileURL(join(libDir, 'stats.mjs')).href);
  if (strategy === 'cli') {
    // The parent wrote the files; time the whole command, module loading included, as a user runs it.
    const dir = join(workDir, `cli-${n}`);
    process.argv = [
      process.argv[0],
      'llm-bench',
      'compare',
      '--base',
      join(dir, 'base.json'),
      '--head',
      join(dir, 'head.json'),
      '--format',
      'json',
      '--out',
      join(dir, 'verdict.json'),
    ];
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true; // the verdict JSON is not for this table
    await import(pathToFileURL(join(libDir, 'cli.mjs')).href);
    const ms = performance.now() - t0;
    process.stdout.write = write;
    console.log(
      JSON.stringify({
        ms,
        exitCode: process.exitCode ?? 0,
        rssBeforeMb: mb(rss),
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
    process.exit(0);
  }
  const compare = await import(pathToFileURL(join(libDir, 'compare.mjs')).href);
  const iterations = Number(iterText);
  // Warm the JIT on a small input so the timed call measures the algorithm, not compilation.
  run(compare, strategy, inputs(stats, strategy, 1000, 99), iterations);
  const input = inputs(stats, strategy, n, Number(seedText));
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  const verdict = run(compare, strategy, input, iterations);
  const ms = performance.now() - t0;
  const m = verdict.cases[0].metrics.decode_tps;
  console.log(
    JSON.stringify({
      ms,
      rssBeforeMb: mb(rss),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      verdict: m.verdict,
      ratio: m.ratio,
      ci: m.ci,
      p: m.p_value,
    }),
  );
  process.exit(0);
}

// ------------------------------------------------------------------ the table (parent)

const sizes = option('--sizes', '1000,10000,100000,300000,1000000').split(',').map(Number);
const strategies = option('--strategies', 'baseline,ab,history,cli').split(',');
const iterations = Number(option('--iterations', 2000));
const seed = Number(option('--seed', 1));
const timeoutS = Number(option('--timeout', 120));
for (const s of strategies)
  if (!['baseline', 'ab', 'history', 'cli'].includes(s)) throw new Error(`unknown strategy ${s}`);
if (sizes.some((n) => !(Number.isInteger(n) && n >= 4))) throw new Error('--sizes: whole numbers ≥ 4');

mkdirSync(libDir, { recursive: true });
await build({
  entryPoints: {
    compare: join(root, 'src/compare/index.ts'),
    stats: join(root, 'src/stats/index.ts'),
    ...(strategies.includes('cli') ? { cli: join(root, 'src/cli/index.ts') } : {}),
  },
  outdir: libDir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['node-llama-cpp'],
  banner: {
    js: "import { createRequire as __benchCompareRequire } from 'node:module'; const require = __benchCompareRequire(import.meta.url);",
  },
  logLevel: 'warning',
  outExtension: { '.js': '.mjs' },
});
const stats = await import(pathToFileURL(join(libDir, 'stats.mjs')).href);

const describe = {
  baseline: 'compareResults: Mann-Whitney U + bootstrap CI of the ratio of medians',
  ab: 'compareAB: Wilcoxon signed-rank on paired blocks + CI of the mean log ratio',
  history: 'compareWithHistory: 3 stored runs (run medians, prediction interval) + head run',
  cli: '`llm-bench compare` end to end (read + validate JSON, compare, write verdict)',
};

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

console.log(
  `bench:compare — ${iterations} bootstrap iterations, seed ${seed}, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average before: ${load()}`,
);
console.log('time ÷ (n·log2 n) stays flat for n log n growth (it falls where fixed costs still dominate).\n');
for (const strategy of strategies) {
  console.log(`${strategy}: ${describe[strategy]}`);
  console.log('| n a side | time | ns ÷ (n·log2 n) | peak RSS | RSS before the call | result |');
  console.log('| ---: | ---: | ---: | ---: | ---: | --- |');
  for (const n of sizes) {
    if (strategy === 'cli') {
      const dir = join(workDir, `cli-${n}`);
      mkdirSync(dir, { recursive: true });
      const input = inputs(stats, 'baseline', n, seed);
      writeFileSync(join(dir, 'base.json'), JSON.stringify(input.base));
      writeFileSync(join(dir, 'head.json'), JSON.stringify(input.head));
    }
    const child = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=8192',
        new URL(import.meta.url).pathname,
        '--child',
        strategy,
        String(n),
        String(iterations),
        String(seed),
      ],
      {
        encoding: 'utf8',
        timeout: timeoutS * 1000,
        maxBuffer: 1 << 24,
      },
    );
    if (strategy === 'cli') rmSync(join(workDir, `cli-${n}`), { recursive: true, force: true });
    if (child.status !== 0) {
      const why =
        child.error?.code === 'ETIMEDOUT' || child.signal
          ? `killed after ${timeoutS} s`
          : `failed: ${(child.stderr || '').trim().split('\n').slice(-3).join(' / ')}`;
      console.log(`| ${n.toLocaleString('en')} | ${why} | | | | |`);
      continue;
    }
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1));
    const perNlogN = (r.ms * 1e6) / (n * Math.log2(n));
    const result =
      strategy === 'cli'
        ? `exit ${r.exitCode}`
        : `${r.verdict}; ratio ${r.ratio?.toFixed(4)}, CI ${r.ci ? r.ci.map((v) => v.toFixed(4)).join('–') : 'none'}, p ${r.p === null ? '–' : r.p === 0 ? '0' : r.p < 1e-3 ? r.p.toExponential(1) : r.p.toPrecision(2)}`;
    console.log(
      `| ${n.toLocaleString('en')} | ${(r.ms / 1000).toFixed(3)} s | ${perNlogN.toFixed(1)} | ${r.peakRssMb.toFixed(0)} MiB | ${r.rssBeforeMb.toFixed(0)} MiB | ${result} |`,
    );
  }
  console.log('');
}
console.log(`load average after: ${load()}`);
