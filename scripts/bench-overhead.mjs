// npm run bench:overhead — decode tok/s through the full llm-bench runner ÷ decode tok/s of a bare
// node-llama-cpp loop on the same model, threads, context and token count, alternating in one run.
// Each side runs in its own child process so both pay the same process and model-load costs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const pairs = Number(process.env.PAIRS ?? 20);
const reps = Number(process.env.REPS ?? 8);
const maxTokens = 96;
const threads = 1;
const contextSize = 512;
const prompt = 'Describe the benchmark you are running in one paragraph.';
const root = new URL('..', import.meta.url).pathname;
const work = join(root, '.cache', 'bench-overhead');
const model = join(root, '.cache', 'models', 'small-seed1.gguf');
mkdirSync(work, { recursive: true });
if (!existsSync(model)) execFileSync(process.execPath, [join(root, 'dist/cli.js'), 'make-model', '--preset', 'small', '--out', model], { stdio: 'inherit' });

const config = join(work, 'bench.yml');
writeFileSync(
  config,
  `engine: llama-cpp\nmodels: [{ id: small, path: ${JSON.stringify(model)} }]\noptions: { threads: ${threads}, context_size: ${contextSize} }\n` +
    `prompts: [{ id: p, text: ${JSON.stringify(prompt)}, max_tokens: ${maxTokens} }]\nworkload: { warmup: 1, repetitions: ${reps} }\n`,
);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const bare = () => {
  const out = execFileSync(process.execPath, [join(root, 'scripts/bare-decode.mjs'), model, String(reps), String(maxTokens), String(threads), String(contextSize), prompt]);
  return JSON.parse(out.toString().trim().split('\n').pop()).decode_tps;
};
const full = () => {
  const out = join(work, 'results.json');
  execFileSync(process.execPath, [join(root, 'dist/cli.js'), 'run', '--config', config, '--out', out, '--label', 'bench-overhead'], { stdio: ['ignore', 'ignore', 'ignore'] });
  return JSON.parse(readFileSync(out, 'utf8')).cases[0].samples.decode_tps;
};

console.log(`model ${model}, ${pairs} pairs × ${reps} repetitions × ${maxTokens} tokens, threads ${threads}`);
const ratios = [];
for (let i = 0; i < pairs; i++) {
  // Alternate which side goes first so a slow drift does not favour one.
  let bareTps, fullTps;
  if (i % 2 === 0) {
    bareTps = median(bare());
    fullTps = median(full());
  } else {
    fullTps = median(full());
    bareTps = median(bare());
  }
  ratios.push(fullTps / bareTps);
  console.log(`pair ${i + 1}: bare ${bareTps.toFixed(1)} tok/s, llm-bench ${fullTps.toFixed(1)} tok/s, ratio ${(fullTps / bareTps).toFixed(3)}`);
}
const ratio = median(ratios);
// How precise that median is: a seeded bootstrap of the pairs (each pair carries the machine's run-to-run drift).
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const medians = Array.from({ length: 2000 }, () => median(ratios.map(() => ratios[Math.floor(random() * ratios.length)]))).sort((a, b) => a - b);
const [low, high] = [medians[50], medians[1949]];
console.log(`overhead ratio (median of ${pairs} pairs, llm-bench ÷ bare): ${ratio.toFixed(3)}, 95% interval ${low.toFixed(3)}–${high.toFixed(3)} ${ratio >= 0.97 ? '(≥ 0.97: ok)' : '(below the 0.97 target)'}`);
