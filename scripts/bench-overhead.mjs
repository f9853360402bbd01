// npm run bench:overhead — decode tok/s through the full llm-bench runner ÷ decode tok/s of a bare node-llama-cpp
// loop on the same model, threads, context and token count. Both run in this one process, alternating pair by pair
// (which side goes first alternates too), so process-level state (core placement, page cache) is shared by both.
// The runner side is the real session (config → engine → runner with monitor, JSON lines, results file).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { bundleLibrary } from './bench-stats/bundle.mjs';

const pairs = Number(process.env.PAIRS ?? 20);
const reps = Number(process.env.REPS ?? 8);
const maxTokens = 96;
const threads = 1;
const contextSize = 512;
const prompt = 'Describe the benchmark you are running in one paragraph.';
const root = new URL('..', import.meta.url).pathname;
const work = join(root, '.cache', 'bench-overhead');
mkdirSync(work, { recursive: true });

const lib = await bundleLibrary(root, join(work, 'lib'));
const { runSession } = await import(pathToFileURL(lib.session).href);
const { makeModel, modelFileName } = await import(pathToFileURL(lib.model).href);
const model = join(root, '.cache', 'models', modelFileName('small', 1));
if (!existsSync(model)) await makeModel({ out: model, preset: 'small', seed: 1 });

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

// The bare loop: node-llama-cpp alone, the same decode-rate definition (tokens after the first ÷ first→last). Like the
// runner, it loads the model for each measurement: a model that has stayed loaded for minutes decodes a few percent
// faster than a fresh one, which would be measured as runner overhead if only one side reloaded.
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
let bareRun = 0;
async function bare() {
  const bareModel = await llama.loadModel({ modelPath: model });
  const bareContext = await bareModel.createContext({ contextSize, threads });
  const sequence = bareContext.getSequence();
  const decode = [];
  for (let r = -1; r < reps; r++) {
    await sequence.clearHistory();
    const tokens = bareModel.tokenize(`[${bareRun++}] ${prompt}`, false);
    const input =
      bareModel.tokens.bos !== null && bareModel.tokens.shouldPrependBosToken
        ? [bareModel.tokens.bos, ...tokens]
        : tokens;
    const start = performance.now();
    const times = [];
    for await (const _token of sequence.evaluate(input, { temperature: 0, yieldEogToken: true })) {
      times.push(performance.now() - start);
      if (times.length >= maxTokens) break;
    }
    // r = -1 is the warm-up, as llm-bench's `warmup: 1`.
    if (r >= 0) decode.push((times.length - 1) / ((times.at(-1) - times[0]) / 1000));
  }
  await bareContext.dispose();
  await bareModel.dispose();
  return median(decode);
}

async function full() {
  const out = join(work, 'results.json');
  await runSession(
    [{ config }],
    { out, cacheDir: join(work, 'cache'), label: 'bench-overhead' },
    { env: {}, log: () => {} },
  );
  return median(JSON.parse(readFileSync(out, 'utf8')).cases[0].samples.decode_tps);
}

console.log(
  `model ${model}, ${pairs} pairs × ${reps} repetitions × ${maxTokens} tokens, threads ${threads}, one process`,
);
const ratios = [];
for (let i = 0; i < pairs; i++) {
  let bareTps, fullTps;
  if (i % 2 === 0) {
    bareTps = await bare();
    fullTps = await full();
  } else {
    fullTps = await full();
    bareTps = await bare();
  }
  ratios.push(fullTps / bareTps);
  console.log(
    `pair ${i + 1}: bare ${bareTps.toFixed(1)} tok/s, llm-bench ${fullTps.toFixed(1)} tok/s, ratio ${(fullTps / bareTps).toFixed(3)}`,
  );
}
const ratio = median(ratios);
// How precise that median is: a seeded bootstrap of the pairs.
let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const medians = Array.from({ length: 2000 }, () =>
  median(ratios.map(() => ratios[Math.floor(random() * ratios.length)])),
).sort((a, b) => a - b);
const [low, high] = [medians[50], medians[1949]];
console.log(
  `overhead ratio (median of ${pairs} pairs, llm-bench ÷ bare): ${ratio.toFixed(3)}, 95% interval ${low.toFixed(3)}–${high.toFixed(3)} ${ratio >= 0.97 ? '(≥ 0.97: ok)' : '(below the 0.97 target)'}`,
);
await llama.dispose();
