// Measures decode speed and load time of GGUF models side by side, interleaved, through node-llama-cpp.
// Usage: node scripts/bench-presets.mjs <first.gguf> <second.gguf> [...] [--rounds 6] [--tokens 128] [--threads 1] [--loads 3]
// Generate the preset models first, e.g. with `npx vitest run __tests__/model.test.ts` (they land in .cache/models/).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama } from 'node-llama-cpp';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '6' },
    tokens: { type: 'string', default: '128' },
    threads: { type: 'string', default: '1' },
    loads: { type: 'string', default: '3' },
  },
});
if (positionals.length < 1) {
  console.error(
    'usage: node scripts/bench-presets.mjs <model.gguf> [<model.gguf> ...] [--rounds N] [--tokens N] [--threads N] [--loads N]',
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const tokens = Number(values.tokens);
const threads = Number(values.threads);
const loads = Number(values.loads);
const prompt = 'Craft a witty remark after a close racing finish.';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Alternate the order every round so neither model always runs first (warm caches, turbo states).
const orderFor = (round, n) => {
  const order = [...Array(n).keys()];
  return round % 2 ? order.reverse() : order;
};

const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
const models = [];
for (const modelPath of positionals) {
  models.push({
    path: modelPath,
    name: path.basename(modelPath),
    sizeBytes: (await stat(modelPath)).size,
    loadMs: [],
    decodeTps: [],
  });
}

for (let round = 0; round < loads; round++) {
  for (const i of orderFor(round, models.length)) {
    const started = performance.now();
    const model = await llama.loadModel({ modelPath: models[i].path });
    models[i].loadMs.push(performance.now() - started);
    await model.dispose();
  }
}

for (const m of models) {
  m.model = await llama.loadModel({ modelPath: m.path });
  m.context = await m.model.createContext({ contextSize: 512, threads });
  m.sequence = m.context.getSequence();
  m.promptTokens = m.model.tokenize(prompt);
}

async function decodeOnce(m) {
  await m.sequence.clearHistory();
  let first = 0;
  let count = 0;
  for await (const token of m.sequence.evaluate(m.promptTokens, { temperature: 0 })) {
    void token;
    if (count === 0) first = performance.now();
    count++;
    if (count >= tokens) break;
  }
  return (count - 1) / ((performance.now() - first) / 1000);
}

// One untimed warm-up each, then the timed rounds.
for (const m of models) await decodeOnce(m);
const ratios = models.map(() => []);
for (let round = 0; round < rounds; round++) {
  const tps = [];
  for (const i of orderFor(round, models.length)) tps[i] = await decodeOnce(models[i]);
  tps.forEach((v, i) => {
    models[i].decodeTps.push(v);
    ratios[i].push(tps[0] / v);
  });
  console.log(
    `round ${round + 1}/${rounds}: ${models.map((m, i) => `${m.name} ${tps[i].toFixed(1)} tok/s`).join(', ')}`,
  );
}

console.log(
  `\nthreads=${threads}, ${tokens} tokens per generation, ${rounds} interleaved rounds, ${loads} interleaved loads`,
);
console.log(
  '| model | size MB | load ms (median) | decode tok/s (median) | min–max | slowdown vs first (median of per-round ratios) |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
models.forEach((m, i) => {
  console.log(
    `| ${m.name} | ${(m.sizeBytes / 1e6).toFixed(1)} | ${median(m.loadMs).toFixed(0)} | ${median(m.decodeTps).toFixed(1)} | ` +
      `${Math.min(...m.decodeTps).toFixed(1)}–${Math.max(...m.decodeTps).toFixed(1)} | ${median(ratios[i]).toFixed(2)}× |`,
  );
});

for (const m of models) {
  await m.context.dispose();
  await m.model.dispose();
}
await llama.dispose();
