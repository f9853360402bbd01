// The reference for bench:overhead: a bare node-llama-cpp generation loop, nothing else.
// Usage: node scripts/bare-decode.mjs MODEL REPETITIONS MAX_TOKENS THREADS CONTEXT_SIZE PROMPT
// Prints one JSON line: {"decode_tps": [...]} with the same definition llm-bench uses
// (tokens after the first ÷ time from first to last token).
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const [modelPath, reps, maxTokens, threads, contextSize, prompt] = process.argv.slice(2);
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: Number(contextSize), threads: Number(threads) });
const sequence = context.getSequence();
const decode = [];
for (let r = -1; r < Number(reps); r++) {
  await sequence.clearHistory();
  const tokens = model.tokenize(`[${r}] ${prompt}`, false);
  const input = model.tokens.bos !== null && model.tokens.shouldPrependBosToken ? [model.tokens.bos, ...tokens] : tokens;
  const start = performance.now();
  const times = [];
  for await (const _token of sequence.evaluate(input, { temperature: 0, yieldEogToken: true })) {
    times.push(performance.now() - start);
    if (times.length >= Number(maxTokens)) break;
  }
  // r = -1 is the warm-up, as llm-bench's `warmup: 1`.
  if (r >= 0) decode.push((times.length - 1) / ((times.at(-1) - times[0]) / 1000));
}
console.log(JSON.stringify({ decode_tps: decode }));
await context.dispose();
await model.dispose();
await llama.dispose();
