// Generated models: deterministic bytes, the metadata inspectGguf reports, and real inference through llama.cpp.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Llama, Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectGguf } from '../src/model/gguf-reader.js';
import { makeModel, modelFileName } from '../src/model/make.js';
import { PRESETS, presetParameterCount, type PresetName } from '../src/model/presets.js';
import { buildVocabulary, FIRST_NORMAL_ID } from '../src/model/tokenizer.js';
import { ensureModel } from './helpers/models.js';

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

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

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
    expect(info.tensors.map((t) => t.name).slice(0, 4)).toEqual(['token_embd.weight', 'output_norm.weight', 'output.weight', 'blk.0.attn_norm.weight']);
    expect(info.tensors.find((t) => t.name === 'blk.1.ffn_down.weight')).toMatchObject({ dims: [192, 64], type: 'F32' });
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
