// Generated models: deterministic bytes, the metadata inspectGguf reports, and real inference through llama.cpp.
import { createHash } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Llama, Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectGguf } from '../src/model/gguf-reader.js';
import { LLAMA_FTYPE_OF, MODEL_TYPES, makeModel, modelFileName, type ModelType } from '../src/model/make.js';
import {
  PRESETS,
  REAL_SHAPES,
  SHAPES,
  presetParameterCount,
  type PresetName,
  type ShapeName,
} from '../src/model/presets.js';
import { buildVocabulary, FIRST_NORMAL_ID } from '../src/model/tokenizer.js';
import { makeModelCommand } from '../src/cli/commands/make-model.js';
import { MODEL_CACHE_DIR, ensureModel } from './helpers/models.js';

let dir: string;
let llama: Llama;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-bench-model-'));
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
});
afterAll(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('makeModel', () => {
  it('is deterministic: same preset and seed give the same bytes, another seed other bytes', async () => {
    const a = await makeModel({ out: path.join(dir, 'a.gguf'), preset: 'tiny', seed: 7 });
    const b = await makeModel({ out: path.join(dir, 'b.gguf'), preset: 'tiny', seed: 7 });
    const c = await makeModel({ out: path.join(dir, 'c.gguf'), preset: 'tiny', seed: 8 });
    expect(a.sha256).toBe(b.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(await sha256(a.path)).toBe(a.sha256);
    expect(await sha256(c.path)).toBe(c.sha256);
    expect(c.sizeBytes).toBe(a.sizeBytes);
  });

  it('leaves one whole file and no temporary files when two writers race for the same path', async () => {
    const sub = await mkdtemp(path.join(dir, 'race-'));
    const out = path.join(sub, 'tiny.gguf');
    const [first, second] = await Promise.all([makeModel({ out, seed: 5 }), makeModel({ out, seed: 5 })]);
    expect(second.sha256).toBe(first.sha256);
    expect(await readdir(sub)).toEqual(['tiny.gguf']);
    expect(await sha256(out)).toBe(first.sha256);
  });

  it('keeps tiny under 2 MB and reports its size and parameter count', async () => {
    const made = await makeModel({ out: path.join(dir, 'nested', 'dir', 'tiny.gguf') });
    expect(made.preset).toBe('tiny');
    expect(made.sizeBytes).toBeLessThan(2 * 1024 * 1024);
    expect(made.sizeBytes).toBe((await readFile(made.path)).length);
    expect(made.parameterCount).toBe(presetParameterCount(PRESETS.tiny));
  });

  it('names cached files by preset, seed and shape', () => {
    expect(modelFileName('small', 3)).toMatch(/^llm-bench-small-seed3-[0-9a-f]{8}\.gguf$/);
    expect(modelFileName('small', 3)).not.toBe(modelFileName('small', 4));
    expect(modelFileName('small')).not.toBe(modelFileName('medium'));
  });

  it('is described by inspectGguf as the llama model it is', async () => {
    const file = await ensureModel('tiny');
    const info = await inspectGguf(file);
    const shape = PRESETS.tiny;
    expect(info).toMatchObject({
      version: 3,
      architecture: 'llama',
      name: 'llm-bench-tiny',
      fileType: 0,
      quantization: 'F32',
      parameterCount: presetParameterCount(shape),
      tensorCount: 3 + 9 * shape.blockCount,
      contextLength: 2048,
      alignment: 32,
    });
    expect(info.metadata['llama.embedding_length']).toBe(shape.embeddingLength);
    expect(info.metadata['llama.rope.dimension_count']).toBe(shape.embeddingLength / shape.headCount);
    expect(info.metadata['tokenizer.ggml.model']).toBe('llama');
    expect(info.metadata['tokenizer.ggml.tokens']).toHaveLength(shape.vocabSize);
    expect(info.metadata['tokenizer.ggml.add_bos_token']).toBe(true);
    expect(info.tensors.map((t) => t.name).slice(0, 4)).toEqual([
      'token_embd.weight',
      'output_norm.weight',
      'output.weight',
      'blk.0.attn_norm.weight',
    ]);
    expect(info.tensors.find((t) => t.name === 'blk.1.ffn_down.weight')).toMatchObject({
      dims: [192, 64],
      type: 'F32',
    });
    // The last tensor ends where the file ends, up to the alignment padding.
    const last = info.tensors[info.tensors.length - 1];
    expect(info.sizeBytes - (info.dataOffset + last.offset + last.sizeBytes)).toBeLessThan(32);
  });
});

describe.each<[PresetName, number]>([
  ['tiny', 48],
  ['small', 16],
  ['medium', 6],
])('the %s model in real llama.cpp', (preset, tokenCount) => {
  it(`loads and generates ${tokenCount} tokens, none of them </s>, <s>, <unk> or a byte`, async () => {
    const file = await ensureModel(preset);
    const shape = PRESETS[preset];
    const model = await llama.loadModel({ modelPath: file });
    try {
      expect(model.trainContextSize).toBe(shape.contextLength);
      expect(model.fileInfo.metadata.general.name).toBe(`llm-bench-${preset}`);
      expect([model.tokens.bos, model.tokens.eos]).toEqual([1, 2]);
      const context = await model.createContext({ contextSize: 256, threads: 1 });
      try {
        const prompt = model.tokenize('the quick brown fox jumps over');
        expect(prompt.length).toBeGreaterThan(0);
        const generated: Token[] = [];
        for await (const token of context.getSequence().evaluate(prompt, { temperature: 0.8, seed: 42 })) {
          generated.push(token);
          if (generated.length >= tokenCount) break;
        }
        expect(generated).toHaveLength(tokenCount);
        for (const token of generated) {
          expect(token).toBeGreaterThanOrEqual(FIRST_NORMAL_ID);
          expect(token).toBeLessThan(shape.vocabSize);
        }
        expect(model.detokenize(generated).trim().length).toBeGreaterThan(0);
      } finally {
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
  });
});

describe('tokenizer in real llama.cpp', () => {
  it('splits English into the vocabulary’s word pieces (small preset)', async () => {
    const model = await llama.loadModel({ modelPath: await ensureModel('small') });
    try {
      const vocab = buildVocabulary(PRESETS.small.vocabSize);
      const expected = ['the', 'quick', 'brown', 'fox', 'jumps', 'over'].map((w) => vocab.tokens.indexOf(`\u2581${w}`));
      expect(expected.every((id) => id >= FIRST_NORMAL_ID)).toBe(true);
      expect(model.tokenize('the quick brown fox jumps over')).toEqual(expected);
      // A character outside the vocabulary falls back to its UTF-8 byte tokens.
      const snowman = model.tokenize('☃');
      expect(snowman.slice(-3)).toEqual([0xe2, 0x98, 0x83].map((b) => 3 + b));
      expect(model.detokenize(model.tokenize('the fox ☃'))).toBe('the fox ☃');
    } finally {
      await model.dispose();
    }
  });

  it('loads a version-2 copy, which is why inspectGguf accepts version 2', async () => {
    const bytes = await readFile(await ensureModel('tiny'));
    bytes.writeUInt32LE(2, 4);
    const file = path.join(dir, 'tiny-v2.gguf');
    await writeFile(file, bytes);
    expect((await inspectGguf(file)).version).toBe(2);
    const model = await llama.loadModel({ modelPath: file });
    expect(model.tokenize('the')).toHaveLength(1);
    await model.dispose();
  });
});

/** A generated model of any shape and type, cached beside the presets' models under .cache/models/. */
const ensureShape = async (shape: ShapeName, type: ModelType, seed = 1): Promise<string> => {
  const file = path.join(MODEL_CACHE_DIR, modelFileName(shape, seed, type));
  try {
    await access(file);
    return file;
  } catch {
    return (await makeModel({ out: file, preset: shape, type, seed })).path;
  }
};

describe('make-model --shape and --type', () => {
  it('has the real dimensions and parameter counts of SmolLM2 and Llama 3.2 1B (tied embeddings: no output.weight)', () => {
    expect(REAL_SHAPES['smollm2-135m']).toMatchObject({
      blockCount: 30,
      embeddingLength: 576,
      headCount: 9,
      headCountKv: 3,
      feedForwardLength: 1536,
      vocabSize: 49_152,
    });
    expect(REAL_SHAPES['smollm2-360m']).toMatchObject({
      blockCount: 32,
      embeddingLength: 960,
      headCount: 15,
      headCountKv: 5,
      feedForwardLength: 2560,
      vocabSize: 49_152,
    });
    expect(REAL_SHAPES['llama-3.2-1b']).toMatchObject({
      blockCount: 16,
      embeddingLength: 2048,
      headCount: 32,
      headCountKv: 8,
      feedForwardLength: 8192,
      vocabSize: 128_256,
    });
    // The parameter counts Hugging Face and llama.cpp report for the real models.
    expect(presetParameterCount(REAL_SHAPES['smollm2-135m'])).toBe(134_515_008);
    expect(presetParameterCount(REAL_SHAPES['smollm2-360m'])).toBe(361_821_120);
    expect(presetParameterCount(REAL_SHAPES['llama-3.2-1b'])).toBe(1_235_814_400);
  });

  it('names cached files by type too, keeping the f32 names of before', () => {
    expect(modelFileName('tiny', 1, 'q4_0')).toMatch(/^llm-bench-tiny-q4_0-seed1-[0-9a-f]{8}\.gguf$/);
    expect(modelFileName('tiny', 1, 'f32')).toBe(modelFileName('tiny', 1));
    expect(new Set(MODEL_TYPES.map((t) => modelFileName('smollm2-135m', 1, t))).size).toBe(4);
  });

  it('refuses an unknown shape or type with the list of known ones', async () => {
    await expect(makeModel({ out: path.join(dir, 'x.gguf'), preset: 'llama-9b' as ShapeName })).rejects.toThrow(
      /unknown model shape "llama-9b"; expected one of tiny, small, medium, smollm2-135m/,
    );
    await expect(makeModel({ out: path.join(dir, 'x.gguf'), type: 'q5_k' as ModelType })).rejects.toThrow(
      /unknown model type "q5_k"; expected one of f32, f16, q8_0, q4_0/,
    );
  });

  it.each<[ModelType, number, string, string]>([
    // ftype, the type of the matrices, the type of the output head (Q8_0 where llama-quantize falls back from Q6_K)
    ['f16', 1, 'F16', 'F16'],
    ['q8_0', 7, 'Q8_0', 'Q8_0'],
    ['q4_0', 2, 'Q4_0', 'Q8_0'],
  ])(
    'writes tiny as %s: general.file_type %i, matrices %s, output head %s, norms F32, sizes in ggml blocks',
    async (type, fileType, matrixType, headType) => {
      const made = await makeModel({ out: path.join(dir, `tiny-${type}.gguf`), type, seed: 3 });
      const info = await inspectGguf(made.path);
      expect(info).toMatchObject({
        fileType,
        quantization: type.toUpperCase(),
        parameterCount: presetParameterCount(PRESETS.tiny),
      });
      const tensor = (name: string) => info.tensors.find((t) => t.name === name)!;
      expect(tensor('blk.0.attn_norm.weight').type).toBe('F32');
      expect(tensor('output_norm.weight').type).toBe('F32');
      expect(tensor('blk.1.ffn_down.weight').type).toBe(matrixType);
      expect(tensor('token_embd.weight').type).toBe(matrixType); // untied: token_embd is not the output head
      expect(tensor('output.weight').type).toBe(headType);
      // [64, 64]: 64 rows of 64 values: F16 2 bytes a value; Q8_0 two 34-byte blocks a row; Q4_0 two 18-byte blocks.
      const expectedBytes: Record<ModelType, number> = {
        f32: 64 * 64 * 4,
        f16: 64 * 64 * 2,
        q8_0: 64 * 2 * 34,
        q4_0: 64 * 2 * 18,
      };
      expect(tensor('blk.0.attn_q.weight').sizeBytes).toBe(expectedBytes[type]);
      const last = info.tensors[info.tensors.length - 1]!;
      expect(info.sizeBytes - (info.dataOffset + last.offset + last.sizeBytes)).toBeLessThan(32);
      // Deterministic per seed in every type.
      expect((await makeModel({ out: path.join(dir, `tiny-${type}-again.gguf`), type, seed: 3 })).sha256).toBe(
        made.sha256,
      );
    },
  );

  it('writes smollm2-135m with tied embeddings: token_embd is the Q8_0 output head of a q4_0 model', async () => {
    const info = await inspectGguf(await ensureShape('smollm2-135m', 'q4_0'));
    expect(info).toMatchObject({
      fileType: 2,
      quantization: 'Q4_0',
      parameterCount: 134_515_008,
      tensorCount: 2 + 9 * 30,
    });
    expect(info.tensors.some((t) => t.name === 'output.weight')).toBe(false);
    expect(info.tensors.find((t) => t.name === 'token_embd.weight')).toMatchObject({
      dims: [576, 49_152],
      type: 'Q8_0',
      sizeBytes: (576 / 32) * 34 * 49_152,
    });
    expect(info.tensors.find((t) => t.name === 'blk.29.ffn_down.weight')).toMatchObject({
      dims: [1536, 576],
      type: 'Q4_0',
      sizeBytes: (1536 / 32) * 18 * 576,
    });
    expect(info.metadata['llama.attention.head_count_kv']).toBe(3);
    expect(info.metadata['llama.rope.freq_base']).toBe(100_000);
    expect(info.metadata['tokenizer.ggml.tokens']).toHaveLength(49_152);
  });
});

describe('llm-bench make-model --shape --type (makeModelCommand)', () => {
  const ctx = (lines: string[]) => ({ env: {}, log: (l: string) => lines.push(l), print: () => {}, tty: false });

  it('writes the shape in the type and says what it wrote', async () => {
    const lines: string[] = [];
    const out = path.join(dir, 'cli', 'tiny-q8.gguf');
    expect(await makeModelCommand({ out, preset: 'tiny', shape: 'tiny', type: 'q8_0', seed: 2 }, ctx(lines))).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: tiny preset, q8_0, [0-9.]+ MB, ${presetParameterCount(PRESETS.tiny).toLocaleString('en-US')} parameters, sha256 [0-9a-f]{64}, in [0-9.]+ s$`,
      ),
    );
    expect((await inspectGguf(out)).quantization).toBe('Q8_0');
  });

  it('refuses an unknown shape or type in one line naming the option', async () => {
    await expect(
      makeModelCommand({ out: path.join(dir, 'cli', 'x.gguf'), shape: 'llama-70b', seed: 1 }, ctx([])),
    ).rejects.toThrow(
      /^--shape: unknown shape "llama-70b"; expected one of tiny, small, medium, smollm2-135m, smollm2-360m, llama-3.2-1b$/,
    );
    await expect(
      makeModelCommand({ out: path.join(dir, 'cli', 'x.gguf'), shape: 'tiny', type: 'q4_k', seed: 1 }, ctx([])),
    ).rejects.toThrow(/^--type: unknown type "q4_k"; expected one of f32, f16, q8_0, q4_0$/);
  });
});

describe.each<[ShapeName, ModelType]>([
  ['tiny', 'f16'],
  ['tiny', 'q8_0'],
  ['tiny', 'q4_0'],
  ['smollm2-135m', 'q4_0'],
])('the %s model as %s in real llama.cpp', (shape, type) => {
  it('loads and generates 12 tokens, none of them </s>, <s>, <unk> or a byte, and not one token repeated throughout', async () => {
    const file = await ensureShape(shape, type);
    const model = await llama.loadModel({ modelPath: file });
    try {
      expect(model.fileInfo.metadata.general.file_type).toBe(LLAMA_FTYPE_OF[type]);
      const context = await model.createContext({ contextSize: 256, threads: 1 });
      try {
        const generated: Token[] = [];
        for await (const token of context
          .getSequence()
          .evaluate(model.tokenize('the quick brown fox jumps over'), { temperature: 0.8, seed: 42 })) {
          generated.push(token);
          if (generated.length >= 12) break;
        }
        expect(generated).toHaveLength(12);
        for (const token of generated) {
          expect(token).toBeGreaterThanOrEqual(FIRST_NORMAL_ID);
          expect(token).toBeLessThan(SHAPES[shape].vocabSize);
        }
        expect(new Set(generated).size).toBeGreaterThan(1);
      } finally {
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
  });
});
