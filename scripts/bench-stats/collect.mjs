// Collection for bench:stats: separate runs of one config (with the reference workload) and interleaved A/A sessions,
// each in its own child process, spaced by pauses; raw results and a manifest cached for reanalysis.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function runChild(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.slice(-3).join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

function configText({ modelPath, tokens, reps, seed, calibration }) {
  return [
    'engine: llama-cpp',
    `models: [{ id: gen-model, path: ${JSON.stringify(modelPath)} }]`,
    'options: { threads: 1, context_size: 512 }',
    `prompts: [{ id: p, text: "Describe the benchmark you are running in one paragraph.", max_tokens: ${tokens} }]`,
    `workload: { warmup: 2, repetitions: ${reps}, seed: ${seed} }`,
    `calibration: ${calibration}`,
    '',
  ].join('\n');
}

/**
 * Runs the schedule, with `pauseS` seconds between any two sessions, so runs are apart like a baseline and a PR run
 * would be (here seconds to minutes, not days: the drift measured is a lower bound).
 */
export async function collect({ root, dataDir, bundle, plan, log }) {
  mkdirSync(dataDir, { recursive: true });
  const modelPath = join(dataDir, 'models', `${plan.preset}-seed1.gguf`);
  if (!existsSync(modelPath)) {
    const { makeModel } = await import(bundle.modelUrl);
    await makeModel({ out: modelPath, preset: plan.preset, seed: 1 });
  }
  const cacheDir = join(dataDir, 'cache');
  const started = Date.now();
  const sessions = [];
  const steps = [];
  // Sessions spread between the runs (run, A/A, run, run, A/A, …) so consecutive runs are seconds to minutes apart.
  const every = Math.max(1, Math.floor(plan.runs / Math.max(1, plan.abSessions)));
  let ab = 0;
  for (let i = 0; i < plan.runs; i++) {
    steps.push({ kind: 'run', index: i });
    if (i % every === 0 && ab < plan.abSessions) steps.push({ kind: 'ab', index: ab++ });
  }
  while (ab < plan.abSessions) steps.push({ kind: 'ab', index: ab++ });
  for (const [s, step] of steps.entries()) {
    if (s > 0 && plan.pauseS > 0) await sleep(plan.pauseS * 1000);
    const name = `${step.kind}-${step.index + 1}`;
    const configPath = join(dataDir, `${name}.yml`);
    const reps = step.kind === 'run' ? plan.reps : plan.blocks;
    writeFileSync(
      configPath,
      configText({ modelPath, tokens: plan.tokens, reps, seed: 100 + s, calibration: step.kind === 'run' }),
    );
    const out = join(dataDir, `${name}.json`);
    const load1Before = loadavg()[0];
    const t0 = Date.now();
    await runChild([
      join(root, 'scripts/bench-stats/collect-one.mjs'),
      bundle.session,
      out,
      cacheDir,
      configPath,
      ...(step.kind === 'ab' ? [configPath] : []),
    ]);
    const seconds = (Date.now() - t0) / 1000;
    sessions.push({
      name,
      kind: step.kind,
      file: `${name}.json`,
      startedAt: new Date(t0).toISOString(),
      seconds,
      load1Before,
      load1After: loadavg()[0],
    });
    log(
      `  ${name}: ${reps} ${step.kind === 'run' ? 'repetitions' : 'blocks'} in ${seconds.toFixed(0)} s (load ${load1Before.toFixed(2)} → ${loadavg()[0].toFixed(2)}) · ${((Date.now() - started) / 1000).toFixed(0)} s so far`,
    );
  }
  const manifest = {
    collectedAt: new Date(started).toISOString(),
    collectionSeconds: (Date.now() - started) / 1000,
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    plan,
    sessions,
  };
  writeFileSync(join(dataDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The cached manifest and every results file it names. */
export function loadCollection(dataDir) {
  const manifestPath = join(dataDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no cached collection in ${dataDir}: run without --reuse first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const sessions = manifest.sessions.map((s) => ({
    ...s,
    results: JSON.parse(readFileSync(join(dataDir, s.file), 'utf8')),
    events: readFileSync(join(dataDir, `${s.file}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  }));
  return { manifest, sessions };
}
