// Whole sessions through the real engines and runner against local peers: config → engine → results@1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSession } from '../src/runner/session.js';
import { parseResults } from '../src/schema/results.js';
import { startOllamaPeer, type OllamaPeer } from './peers/ollama-server.js';
import { startOpenAIPeer, type OpenAIPeer } from './peers/openai-server.js';

let dir: string;
let ollama: OllamaPeer;
let openai: OpenAIPeer;
const logs: string[] = [];
const environment = { env: {}, log: (l: string) => logs.push(l) };

const gemma = {
  name: 'gemma3:1b',
  digest: `sha256:${'ab'.repeat(32)}`,
  sizeBytes: 815_000_000,
  family: 'gemma3',
  parameterSize: '999.89M',
  quantization: 'Q4_K_M',
  parameterCount: 999_885_952,
  vramShare: 1,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-session-'));
  ollama = await startOllamaPeer({ models: [gemma], tokens: 12, firstTokenDelayMs: 15, interTokenDelayMs: 2 });
  openai = await startOpenAIPeer({
    models: [{ id: 'qwen3-4b' }],
    flavor: 'vllm',
    tokens: 10,
    firstTokenDelayMs: 20,
    interTokenDelayMs: 5,
  });
});

afterAll(async () => {
  await ollama?.close();
  await openai?.close();
});

async function config(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, body);
  return file;
}

describe('runSession', () => {
  it('benchmarks an Ollama matrix: identity from /api/show, options per case, engine-reported speeds', async () => {
    const cfg = await config(
      'ollama.yml',
      `engine: ollama\nhost: ${ollama.url}\npull: never\nmodels: [gemma3:1b]\nmatrix: { num_ctx: [1024, 2048] }\nprompts: [{ id: banter, text: "Craft a witty remark", max_tokens: 12 }]\nworkload: { warmup: 1, repetitions: 4 }\n`,
    );
    const out = join(dir, 'ollama.json');
    const results = await runSession(
      [{ config: cfg }],
      { out, cacheDir: join(dir, 'cache'), label: 'gpu-4080' },
      environment,
    );
    expect(results.status).toBe('complete');
    expect(results.engine).toMatchObject({ kind: 'ollama', host: ollama.url.replace(/\/$/, '') });
    expect(results.cases.map((c) => c.id)).toEqual(['gemma3:1b/banter/num_ctx=1024', 'gemma3:1b/banter/num_ctx=2048']);
    const c = results.cases[0]!;
    expect(c.model).toMatchObject({
      digest: gemma.digest,
      quantization: 'Q4_K_M',
      parameter_size: '999.89M',
      family: 'gemma3',
      size_bytes: gemma.sizeBytes,
    });
    expect(c.samples.decode_tps).toHaveLength(4);
    expect(c.samples.gpu_offload).toEqual([1]);
    // Every generation asked for the case's num_ctx and max_tokens → num_predict.
    const gens = ollama.requests.filter((r) => r.path === '/api/generate' && r.body?.prompt);
    expect(gens.filter((r) => (r.body!.options as Record<string, unknown>).num_ctx === 2048)).toHaveLength(1 + 4);
    expect(gens.every((r) => (r.body!.options as Record<string, unknown>).num_predict === 12)).toBe(true);
    // Ollama keeps one num_ctx loaded: the cases ran one after another (warm-up, 4 repetitions each), and said so.
    expect(results.notes.join(' ')).toMatch(/not interleaved: the ollama engine keeps 1 case loaded at a time/);
    expect(ollama.doneChunks).toHaveLength(10);
    // decode_tps is the server's eval_count ÷ eval_duration, exactly.
    const done = [...ollama.doneChunks.slice(1, 5), ...ollama.doneChunks.slice(6, 10)];
    const reported = done.map((d) => (d.eval_count as number) / ((d.eval_duration as number) / 1e9)).sort();
    const recorded = results.cases.flatMap((x) => x.samples.decode_tps!).sort();
    expect(recorded).toEqual(reported.map((v) => expect.closeTo(v, 9)));
    expect(parseResults(JSON.parse(await readFile(out, 'utf8')), out).cases).toHaveLength(2);
  });

  it('keeps exactly N requests in flight under concurrency and records vLLM-style throughput', async () => {
    const cfg = await config(
      'openai.yml',
      `engine: openai\nhost: ${openai.url}\nmodels: [qwen3-4b]\nprompts: [{ id: batch, text: "Summarise", max_tokens: 10 }]\nworkload: { warmup: 0, repetitions: 2, concurrency: 4, requests: 12 }\n`,
    );
    openai.maxInFlight = 0;
    const results = await runSession(
      [{ config: cfg }],
      { out: join(dir, 'openai.json'), cacheDir: join(dir, 'cache') },
      environment,
    );
    expect(openai.maxInFlight).toBe(4);
    const c = results.cases[0]!;
    expect(c.requests).toEqual({ ok: 24, failed: 0 });
    expect(c.samples.request_tps).toHaveLength(2);
    expect(c.samples.output_tps).toHaveLength(2);
    expect(c.samples.success_rate).toEqual([1, 1]);
    expect(c.samples.ttft_p99_ms!.every((v) => v >= 20)).toBe(true);
    expect(results.metrics.ttft_p99_ms).toMatchObject({ direction: 'lower', unit: 'ms' });
    // Every request had its own prompt prefix, so no prefix cache could help.
    const prompts = openai.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .map((r) => JSON.stringify(r.body!.messages));
    expect(new Set(prompts).size).toBe(24);
  });

  it("records a stream cut mid-way as that request's error and goes on", async () => {
    const peer = await startOllamaPeer({
      models: [gemma],
      tokens: 6,
      fault: (i) => (i === 2 ? { kind: 'cut', afterTokens: 2 } : undefined),
    });
    try {
      const cfg = await config(
        'cut.yml',
        `engine: ollama\nhost: ${peer.url}\npull: never\nmodels: [gemma3:1b]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 4 }\n`,
      );
      const results = await runSession(
        [{ config: cfg }],
        { out: join(dir, 'cut.json'), cacheDir: join(dir, 'cache') },
        environment,
      );
      const c = results.cases[0]!;
      expect(c.requests).toEqual({ ok: 3, failed: 1 });
      expect(c.errors).toEqual([expect.objectContaining({ repetition: 2, kind: 'stream' })]);
      expect(c.samples.success_rate).toEqual([0.75]);
    } finally {
      await peer.close();
    }
  });
});
