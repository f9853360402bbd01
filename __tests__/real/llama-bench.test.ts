// Generated models and the llama-bench engine against llama.cpp's own tools (llama-bench, llama-quantize), built by
// `npm run peers:build` from the source node-llama-cpp ships. Skips, saying why, when they have not been built.
import { execFile } from 'node:child_process';
import { access, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import { createEngine } from '../../src/engines/index.js';
import { createLlamaBenchEngine } from '../../src/engines/llama-bench.js';
import { inspectGguf, type GgufInfo } from '../../src/model/gguf-reader.js';
import { makeModel, modelFileName, type ModelType } from '../../src/model/make.js';
import { presetParameterCount, REAL_SHAPES, type ShapeName } from '../../src/model/presets.js';
import { metricsOfGeneration } from '../../src/runner/metrics.js';
import { runBenchmark } from '../../src/runner/run.js';
import { MODEL_CACHE_DIR } from '../helpers/models.js';
import { realTools } from '../helpers/llama-tools.js';

const run = promisify(execFile);

const { dir: binDir, describeReal } = realTools(
  ['llama-bench', 'llama-quantize'],
  '__tests__/real/llama-bench.test.ts',
);
const bin = { dir: binDir };

const ensureShape = async (shape: ShapeName, type: ModelType): Promise<string> => {
  const file = path.join(MODEL_CACHE_DIR, modelFileName(shape, 1, type));
  try {
    await access(file);
    return file;
  } catch {
    return (await makeModel({ out: file, preset: shape, type, seed: 1 })).path;
  }
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-bench-real-llama-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeReal('generated models in real llama-bench', () => {
  it.each<[ModelType, string]>([
    ['f16', 'F16'],
    ['q8_0', 'Q8_0'],
    ['q4_0', 'Q4_0'],
  ])(
    'loads smollm2-135m as %s: 134,515,008 parameters, model_type "llama 256M %s", the file’s tensor bytes',
    async (type, typeName) => {
      const file = await ensureShape('smollm2-135m', type);
      const { stdout } = await run(
        path.join(bin.dir!, 'llama-bench'),
        ['-m', file, '-p', '0', '-n', '4', '-t', '1', '-r', '1', '-o', 'json'],
        { maxBuffer: 16 << 20 },
      );
      const [record] = JSON.parse(stdout) as Array<Record<string, unknown>>;
      const info = await inspectGguf(file);
      expect(record).toMatchObject({
        model_n_params: presetParameterCount(REAL_SHAPES['smollm2-135m']),
        // llama.cpp names 30-layer llama models 256M (SmolDocling); the ftype name follows.
        model_type: `llama 256M ${typeName}`,
        model_size: info.tensors.reduce((sum, t) => sum + t.sizeBytes, 0),
        n_gen: 4,
      });
      expect((record!.samples_ts as number[])[0]).toBeGreaterThan(0);
    },
  );
});

/** Tensor data of a GGUF file, by tensor name. */
async function tensorData(info: GgufInfo): Promise<Map<string, { type: string; bytes: Buffer }>> {
  const handle = await open(info.path, 'r');
  try {
    const out = new Map<string, { type: string; bytes: Buffer }>();
    for (const t of info.tensors) {
      const bytes = Buffer.alloc(t.sizeBytes);
      await handle.read(bytes, 0, t.sizeBytes, info.dataOffset + t.offset);
      out.set(t.name, { type: t.type, bytes });
    }
    return out;
  } finally {
    await handle.close();
  }
}

describeReal('the writer’s encodings against llama-quantize', () => {
  // tiny: untied, 64 wide (the output head falls back from Q6_K to Q8_0 in Q4_0); smollm2-135m: tied, so
  // token_embd is the output head and takes that Q8_0.
  it.each<[ShapeName, ModelType, string]>([
    ['tiny', 'f16', 'F16'],
    ['tiny', 'q8_0', 'Q8_0'],
    ['tiny', 'q4_0', 'Q4_0'],
    ['smollm2-135m', 'q4_0', 'Q4_0'],
  ])(
    'writes %s as %s with the same tensor types and the same bytes as llama-quantize makes of its f32 file',
    async (shape, type, ftype) => {
      const f32 = await ensureShape(shape, 'f32');
      const quantized = path.join(dir, `${shape}-${type}-by-llama-quantize.gguf`);
      await run(path.join(bin.dir!, 'llama-quantize'), [f32, quantized, ftype, '1'], { maxBuffer: 16 << 20 });
      const theirs = await inspectGguf(quantized);
      // Ours is written afresh (not taken from the cache), so the test checks the writer as it is now.
      const ours = await inspectGguf(
        (await makeModel({ out: path.join(dir, `${shape}-${type}-ours.gguf`), preset: shape, type, seed: 1 })).path,
      );
      expect(ours.fileType).toBe(theirs.fileType);
      expect(ours.tensorCount).toBe(theirs.tensorCount);
      const [a, b] = await Promise.all([tensorData(ours), tensorData(theirs)]);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [name, mine] of a) {
        const other = b.get(name)!;
        expect({ name, type: mine.type }).toEqual({ name, type: other.type });
        expect(mine.bytes.equals(other.bytes), `${name} (${mine.type}) differs from llama-quantize's`).toBe(true);
      }
    },
  );
});

describeReal('the llama-bench engine with the real binary', () => {
  it('measures prefill and decode for each repetition and reports the build', async () => {
    const model = await ensureShape('tiny', 'q8_0');
    const engine = createLlamaBenchEngine(
      { file: 'bench.yml', options: {}, workload: { repetitions: 2 } as never, dir },
      { PATH: process.env.PATH },
      () => {},
    );
    const prepared = await engine.prepare(
      { id: 'tiny', name: model, source: 'name' },
      { configDir: dir, cacheDir: dir, log: () => {} },
    );
    const loaded = await engine.load(prepared, {
      binary: path.join(bin.dir!, 'llama-bench'),
      threads: 1,
      n_prompt: 16,
      n_gen: 8,
    });
    const signal = new AbortController().signal;
    const samples = [];
    for (let i = 0; i < 2; i++)
      samples.push(
        metricsOfGeneration(await engine.generate(loaded, { prompt: '', maxTokens: 8, signal, repetition: i })),
      );
    for (const m of samples) {
      expect(m.prefill_tps).toBeGreaterThan(0);
      expect(m.decode_tps).toBeGreaterThan(0);
      expect(m).toMatchObject({ prompt_tokens: 16, output_tokens: 8 });
    }
    const info = (await engine.info()) as unknown as Record<string, unknown>;
    expect(info.version).toMatch(/^\d+ \([0-9a-f]{7,}\)$/);
    expect(info.backends).toMatch(/CPU/);
    await engine.close();
  });

  it('runs a bench.yml through the runner: a case per swept n_gen, llama-bench’s samples and build in the results', async () => {
    const model = await ensureShape('tiny', 'q4_0');
    const text = `engine: llama-bench
models:
  - { id: tiny, name: ${model} }
options: { binary: ${path.join(bin.dir!, 'llama-bench')}, threads: 1, n_prompt: 16 }
matrix: { n_gen: [4, 8] }
prompts: [{ id: bench, text: unused, max_tokens: 8 }]
workload: { warmup: 1, repetitions: 3 }
`;
    const config = { ...parseConfig(text, path.join(dir, 'bench.yml')), dir, text };
    const engine = await createEngine(config, { env: { PATH: process.env.PATH }, log: () => {} });
    const out = path.join(dir, 'results.json');
    const runner = { label: 'real', os: 'linux', arch: 'x64', cpu: 'cpu', cores: 2, memory_bytes: 8e9, gpus: [] };
    const results = await runBenchmark({ sides: [{ config, engine }], runner, out, cacheDir: dir, toolVersion: '0' });
    expect(results.status).toBe('complete');
    expect(results.cases.map((c) => c.id).sort()).toEqual(['tiny/bench/n_gen=4', 'tiny/bench/n_gen=8']);
    for (const c of results.cases) {
      expect(c.errors).toEqual([]);
      expect(c.samples.decode_tps).toHaveLength(3);
      expect(c.samples.prefill_tps).toHaveLength(3);
      expect(c.samples.output_tokens).toEqual([c.params.n_gen, c.params.n_gen, c.params.n_gen]);
      expect(c.model).toMatchObject({ quantization: 'Q4_0', family: 'llama' });
    }
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.engine).toMatchObject({
      kind: 'llama-bench',
      version: expect.stringMatching(/^\d+ \([0-9a-f]{7,}\)$/),
      backends: expect.stringMatching(/CPU/),
    });
    await engine.close();
  });
});
