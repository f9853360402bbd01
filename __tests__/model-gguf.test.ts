// GGUF writer and reader: round trips, an independent parser's view, and the bad files inspectGguf must reject.
import { copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/util/errors.js';
import { GGML_TYPES } from '../src/model/gguf-format.js';
import { formatParameterSize, inspectGguf } from '../src/model/gguf-reader.js';
import { gguf, writeGguf, type GgufTensorSource } from '../src/model/gguf-writer.js';
import { buildVocabulary, FIRST_NORMAL_ID, TOKEN_TYPE } from '../src/model/tokenizer.js';
import {
  dequantizeQ4_0,
  dequantizeQ8_0,
  fp16BitsToFp32,
  fp32ToFp16Bits,
  quantizeQ4_0,
  quantizeQ8_0,
} from '../src/model/quantize.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-bench-gguf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32Tensor = (name: string, dims: number[], fill = (i: number) => i): GgufTensorSource => ({
  name,
  dims,
  type: 0,
  chunks: function* () {
    const n = dims.reduce((a, b) => a * b, 1);
    yield new Uint8Array(Float32Array.from({ length: n }, (_, i) => fill(i)).buffer);
  },
});
const rawTensor = (name: string, dims: number[], type: number, sizeBytes: number): GgufTensorSource => ({
  name,
  dims,
  type,
  chunks: function* () {
    yield new Uint8Array(sizeBytes).fill(7);
  },
});

/** Expects an InputError whose message names the file and contains `fragment`. */
async function expectInputError(file: string, fragment: RegExp): Promise<InputError> {
  const error = await inspectGguf(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const inputError = error as InputError;
  expect(inputError.message).toContain(file);
  expect(inputError.message).toMatch(fragment);
  return inputError;
}

describe('writeGguf + inspectGguf', () => {
  it('round-trips every metadata type, a header larger than one read, and tensor layout', async () => {
    const file = path.join(dir, 'roundtrip.gguf');
    const manyStrings = Array.from({ length: 120_000 }, (_, i) => `piece-${i}-\u2581é`);
    const written = await writeGguf(file, {
      metadata: {
        'general.architecture': gguf.string('llama'),
        'general.name': gguf.string('round trip ✓'),
        'general.alignment': gguf.uint32(64),
        'test.u8': { type: 'uint8', value: 255 },
        'test.i8': { type: 'int8', value: -128 },
        'test.u16': { type: 'uint16', value: 65535 },
        'test.i16': { type: 'int16', value: -32768 },
        'test.u32': gguf.uint32(4_000_000_000),
        'test.i32': gguf.int32(-2_000_000_000),
        'test.f32': gguf.float32(0.5),
        'test.f64': { type: 'float64', value: Math.PI },
        'test.bool': gguf.bool(true),
        'test.u64.small': gguf.uint64(2 ** 40),
        'test.u64.big': gguf.uint64(2n ** 63n),
        'test.i64': { type: 'int64', value: -5n },
        'test.bools': { type: 'array', itemType: 'bool', value: [true, false] },
        'test.ints': gguf.int32s([1, -2, 3]),
        'test.floats': gguf.float32s([0.25, -1.5]),
        'test.strings': gguf.strings(manyStrings),
        'llama.context_length': gguf.uint32(4096),
      },
      tensors: [
        f32Tensor('a.weight', [3, 2]),
        rawTensor('b.weight', [64, 3], 8, 2 * 3 * 34),
        f32Tensor('c.weight', [5]),
      ],
    });

    const info = await inspectGguf(file);
    expect(info.version).toBe(3);
    expect(info.architecture).toBe('llama');
    expect(info.name).toBe('round trip ✓');
    expect(info.contextLength).toBe(4096);
    expect(info.alignment).toBe(64);
    expect(info.sizeBytes).toBe(written.sizeBytes);
    const m = info.metadata;
    expect([m['test.u8'], m['test.i8'], m['test.u16'], m['test.i16'], m['test.u32'], m['test.i32']]).toEqual([
      255, -128, 65535, -32768, 4_000_000_000, -2_000_000_000,
    ]);
    expect([m['test.f32'], m['test.f64'], m['test.bool']]).toEqual([0.5, Math.PI, true]);
    expect([m['test.u64.small'], m['test.u64.big'], m['test.i64']]).toEqual([2 ** 40, 2n ** 63n, -5]);
    expect([m['test.bools'], m['test.ints'], m['test.floats']]).toEqual([
      [true, false],
      [1, -2, 3],
      [0.25, -1.5],
    ]);
    expect(m['test.strings']).toEqual(manyStrings);

    expect(info.tensors.map((t) => [t.name, t.type, t.dims, t.offset, t.sizeBytes])).toEqual([
      ['a.weight', 'F32', [3, 2], 0, 24],
      ['b.weight', 'Q8_0', [64, 3], 64, 204],
      ['c.weight', 'F32', [5], 320, 20],
    ]);
    expect(info.parameterCount).toBe(6 + 192 + 5);
    expect(info.dataOffset % 64).toBe(0);
    // No general.file_type: the quantization is the type holding most bytes of the matrices.
    expect(info.quantization).toBe('Q8_0');

    const bytes = await readFile(file);
    expect(
      new Float32Array(bytes.buffer.slice(bytes.byteOffset + info.dataOffset, bytes.byteOffset + info.dataOffset + 24)),
    ).toEqual(Float32Array.from([0, 1, 2, 3, 4, 5]));
  });

  it('agrees with node-llama-cpp’s own GGUF parser', async () => {
    const file = path.join(dir, 'crosscheck.gguf');
    await writeGguf(file, {
      metadata: {
        'general.architecture': gguf.string('llama'),
        'general.file_type': gguf.uint32(15),
        'llama.block_count': gguf.uint32(1),
        'tokenizer.ggml.tokens': gguf.strings(['<unk>', 'a', 'b']),
      },
      tensors: [rawTensor('q4k.weight', [512, 2], 12, 4 * 144), f32Tensor('norm.weight', [7])],
    });
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const theirs = await readGgufFileInfo(file, { logWarnings: false });
    const ours = await inspectGguf(file);
    expect(ours.quantization).toBe('Q4_K_M');
    expect(ours.fileType).toBe(theirs.metadata.general.file_type);
    expect(ours.metadata['tokenizer.ggml.tokens']).toEqual(theirs.metadata.tokenizer?.ggml.tokens);
    expect(ours.dataOffset).toBe(theirs.infoEndOffset);
    expect(ours.tensors.map((t) => [t.name, t.dims, t.typeCode, t.offset])).toEqual(
      theirs.tensorInfo!.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType, Number(t.offset)]),
    );
  });

  it('leaves neither the file nor a temporary file behind when a tensor produces the wrong byte count', async () => {
    const sub = await mkdtemp(path.join(dir, 'bad-'));
    const file = path.join(sub, 'short.gguf');
    await expect(writeGguf(file, { metadata: {}, tensors: [rawTensor('x', [4], 0, 15)] })).rejects.toThrow(
      /produced 15 bytes, expected 16/,
    );
    expect(await readdir(sub)).toEqual([]);
  });

  it('refuses tensors llama.cpp would reject', async () => {
    const file = path.join(dir, 'refused.gguf');
    await expect(writeGguf(file, { metadata: {}, tensors: [rawTensor('q', [48], 2, 27)] })).rejects.toThrow(
      /not a multiple of Q4_0's block of 32/,
    );
    await expect(
      writeGguf(file, { metadata: {}, tensors: [f32Tensor('d', [1]), f32Tensor('d', [1])] }),
    ).rejects.toThrow(/duplicate name/);
    await expect(writeGguf(file, { metadata: { k: gguf.uint32(-1) }, tensors: [] })).rejects.toThrow();
  });
});

describe('inspectGguf rejects bad files with an InputError naming the file', () => {
  let good: string;
  let goodBytes: Buffer;
  beforeAll(async () => {
    good = path.join(dir, 'good.gguf');
    await writeGguf(good, {
      metadata: {
        'general.architecture': gguf.string('llama'),
        'general.file_type': gguf.uint32(0),
        'tokenizer.ggml.tokens': gguf.strings(Array.from({ length: 2000 }, (_, i) => `tok${i}`)),
      },
      tensors: [f32Tensor('token_embd.weight', [32, 16]), f32Tensor('output_norm.weight', [32])],
    });
    goodBytes = await readFile(good);
  });
  const variant = async (name: string, patch: (b: Buffer) => Buffer): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, patch(Buffer.from(goodBytes)));
    return file;
  };

  it('accepts the intact file', async () => {
    const info = await inspectGguf(good);
    expect(info.quantization).toBe('F32');
    expect(info.parameterCount).toBe(32 * 16 + 32);
    expect(info.dataOffset + 32 * 16 * 4 + 32 * 4).toBeLessThanOrEqual(goodBytes.length);
  });

  it('a file that is not GGUF', async () => {
    const file = path.join(dir, 'config.gguf');
    await writeFile(file, '{"model": "not a gguf at all"}\n');
    await expectInputError(file, /not a GGUF file: it starts with "\{"mo"/);
    const empty = path.join(dir, 'empty.gguf');
    await writeFile(empty, '');
    await expectInputError(empty, /the file is empty/);
  });

  it('a missing file or a directory', async () => {
    await expectInputError(path.join(dir, 'nope.gguf'), /cannot open model file: .*ENOENT/);
    await expectInputError(dir, /not a regular file/);
  });

  it('unsupported versions: 1 (dropped by llama.cpp), 4 (from the future), big-endian', async () => {
    for (const [version, fragment] of [
      [1, /unsupported GGUF version 1; llama.cpp reads versions 2 to 3/],
      [4, /unsupported GGUF version 4/],
      [0x03000000, /big-endian/],
    ] as const) {
      const file = await variant(`v${version}.gguf`, (b) => {
        b.writeUInt32LE(version, 4);
        return b;
      });
      const error = await expectInputError(file, fragment);
      expect(error.path).toBe('header.version');
    }
  });

  it('reads version 2, which has the same little-endian layout and llama.cpp still loads', async () => {
    const file = await variant('v2.gguf', (b) => {
      b.writeUInt32LE(2, 4);
      return b;
    });
    expect((await inspectGguf(file)).version).toBe(2);
  });

  it('a copy cut inside the tensor data, with the byte counts', async () => {
    const file = path.join(dir, 'cut-data.gguf');
    await copyFile(good, file);
    await truncate(file, goodBytes.length - 100);
    await expectInputError(
      file,
      new RegExp(`file is ${goodBytes.length - 100} bytes but its tensor data needs \\d+ bytes: the file is truncated`),
    );
  });

  it('a copy cut inside the metadata', async () => {
    const file = path.join(dir, 'cut-meta.gguf');
    await copyFile(good, file);
    await truncate(file, 5000);
    const error = await expectInputError(
      file,
      /array of 2000 items runs past the end of the 5000-byte file: the file is truncated/,
    );
    expect(error.path).toBe('metadata["tokenizer.ggml.tokens"]');
    // The value of general.file_type (a uint32) starts at byte 98: 24 header bytes, then
    // "general.architecture" (8 + 20), its type (4), "llama" (8 + 5), "general.file_type" (8 + 17), its type (4).
    await truncate(file, 100);
    const early = await expectInputError(
      file,
      /file ends at byte 100 while reading 4 bytes at byte 98: the file is truncated/,
    );
    expect(early.path).toBe('metadata["general.file_type"]');
  });

  it('quantized tensors: the size check uses the block layout (Q4_K: 256 values in 144 bytes)', async () => {
    const file = path.join(dir, 'q4k.gguf');
    const { sizeBytes } = await writeGguf(file, { metadata: {}, tensors: [rawTensor('w', [256, 8], 12, 8 * 144)] });
    const info = await inspectGguf(file);
    expect(info.tensors[0].sizeBytes).toBe(8 * 144);
    expect(info.dataOffset + 8 * 144).toBe(sizeBytes);
    await truncate(file, sizeBytes - 1);
    await expectInputError(file, /tensor data needs \d+ bytes/);
  });

  it('absurd counts and lengths', async () => {
    const tensors = await variant('absurd-tensors.gguf', (b) => {
      b.writeBigUInt64LE(2n ** 40n, 8);
      return b;
    });
    await expectInputError(tensors, /header claims 1099511627776 tensors .* more than a \d+-byte file can hold/);
    const huge = await variant('absurd-huge.gguf', (b) => {
      b.writeBigUInt64LE(2n ** 62n, 16);
      return b;
    });
    await expectInputError(huge, /absurdly large/);
    // The first key's length sits right after the header (24 bytes).
    const key = await variant('absurd-key.gguf', (b) => {
      b.writeBigUInt64LE(10n ** 12n, 24);
      return b;
    });
    await expectInputError(key, /string of 1000000000000 bytes runs past the end/);
  });

  it('an unknown tensor type', async () => {
    const file = path.join(dir, 'type.gguf');
    await writeGguf(file, { metadata: {}, tensors: [f32Tensor('w', [4])] });
    const bytes = await readFile(file);
    // Tensor info: name (8 + 1 bytes), n_dims (4), one dim (8), then the type.
    bytes.writeUInt32LE(31, 24 + 9 + 4 + 8);
    await writeFile(file, bytes);
    await expectInputError(file, /unknown or removed ggml tensor type 31/);
  });

  it('duplicate token strings, which abort llama.cpp', async () => {
    const file = path.join(dir, 'dup-tokens.gguf');
    await writeGguf(file, {
      metadata: { 'tokenizer.ggml.tokens': gguf.strings(['<unk>', 'a', 'b', 'a']) },
      tensors: [f32Tensor('w', [4])],
    });
    await expectInputError(file, /token "a" appears at ids 1 and 3/);
  });
});

describe('vocabulary', () => {
  it.each([512, 4096, 40_000])('has %i unique tokens with the llama layout', (size) => {
    const vocab = buildVocabulary(size);
    expect(vocab.tokens).toHaveLength(size);
    expect(vocab.scores).toHaveLength(size);
    expect(vocab.tokenTypes).toHaveLength(size);
    expect(new Set(vocab.tokens).size).toBe(size);
    expect(vocab.tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(vocab.tokenTypes.slice(0, 3)).toEqual([TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control]);
    expect(vocab.tokens[3]).toBe('<0x00>');
    expect(vocab.tokens[3 + 0x0a]).toBe('<0x0A>');
    expect(vocab.tokens[FIRST_NORMAL_ID - 1]).toBe('<0xFF>');
    expect(vocab.tokenTypes.slice(3, FIRST_NORMAL_ID).every((t) => t === TOKEN_TYPE.byte)).toBe(true);
    expect(vocab.tokenTypes.slice(FIRST_NORMAL_ID).every((t) => t === TOKEN_TYPE.normal)).toBe(true);
    expect(vocab.tokens).toContain('\u2581the');
  });

  it('refuses a size too small for the special and byte tokens', () => {
    expect(() => buildVocabulary(300)).toThrow(/at least/);
  });

  it('formats parameter counts like model cards', () => {
    expect([
      formatParameterSize(950),
      formatParameterSize(172_352),
      formatParameterSize(5_507_328),
      formatParameterSize(7_241_732_096),
    ]).toEqual(['950', '172K', '5.5M', '7.2B']);
  });

  it('knows the block layout of the common quantized types', () => {
    const layout = (name: string) => [...GGML_TYPES.values()].find((t) => t.name === name);
    expect(layout('Q4_0')).toEqual({ name: 'Q4_0', blockSize: 32, typeSize: 18 });
    expect(layout('Q4_K')).toEqual({ name: 'Q4_K', blockSize: 256, typeSize: 144 });
    expect(layout('Q6_K')).toEqual({ name: 'Q6_K', blockSize: 256, typeSize: 210 });
    expect(layout('BF16')).toEqual({ name: 'BF16', blockSize: 1, typeSize: 2 });
  });
});

describe('ggml encodings written by the model generator (src/model/quantize.ts)', () => {
  it('converts to fp16 with round-to-nearest-even: every finite half survives a round trip, ties go to the even neighbour', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // inf and NaN
      expect(fp32ToFp16Bits(fp16BitsToFp32(bits))).toBe(bits);
    }
    expect(fp32ToFp16Bits(1)).toBe(0x3c00);
    expect(fp32ToFp16Bits(-2)).toBe(0xc000);
    expect(fp32ToFp16Bits(65504)).toBe(0x7bff); // largest half
    expect(fp32ToFp16Bits(65520)).toBe(0x7c00); // halfway to the next: rounds up to infinity
    expect(fp32ToFp16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(fp32ToFp16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: even is 0
    expect(fp32ToFp16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 (×2^-24): even is 2
    expect(fp32ToFp16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even mantissa 0
    expect(fp32ToFp16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between mantissas 1 and 2: 2
    expect(fp32ToFp16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });

  it('Q8_0: d = max|x| / 127 as fp16, then q = roundf(x / d) with halves away from zero (C roundf, not Math.round)', () => {
    const values = new Float32Array(32);
    values.set([127, -2.5, 2.5, -0.5, 0.5, 1.49, -127, 0]);
    const block = quantizeQ8_0(values);
    expect(block).toHaveLength(34);
    expect(Buffer.from(block).readUInt16LE(0)).toBe(0x3c00); // d = 1
    expect(Array.from(new Int8Array(block.buffer, 2, 8))).toEqual([127, -3, 3, -1, 1, 1, -127, 0]);
    // A block of zeros has d = 0 and q = 0, as in ggml (no division by zero).
    expect(Array.from(quantizeQ8_0(new Float32Array(32)))).toEqual(new Array(34).fill(0));
  });

  it('Q4_0: d = (signed value of largest magnitude) / -8, q = min(15, trunc(x/d + 8.5)), element j low nibble, j+16 high', () => {
    // -16 … 15: the first value of largest magnitude is -16, so d = 2 and x/d is exact.
    const values = Float32Array.from({ length: 32 }, (_, j) => j - 16);
    const block = quantizeQ4_0(values);
    expect(block).toHaveLength(18);
    expect(Buffer.from(block).readUInt16LE(0)).toBe(0x4000); // d = 2
    // byte 0: element 0 (-16 → trunc(0.5) = 0) and element 16 (0 → trunc(8.5) = 8)
    expect(block[2]).toBe(0x80);
    // byte 1: element 1 (-15 → trunc(1.0) = 1) and element 17 (1 → trunc(9.0) = 9)
    expect(block[3]).toBe(0x91);
    // byte 15: element 15 (-1 → trunc(8.0) = 8) and element 31 (15 → trunc(16.0) = 16, clamped to 15)
    expect(block[17]).toBe(0xf8);
    // Dequantized, every value is within d/2 of the original except the clamped top one (off by d).
    const back = dequantizeQ4_0(block);
    for (let j = 0; j < 31; j++) expect(Math.abs(back[j]! - values[j]!)).toBeLessThanOrEqual(1);
    expect(back[31]).toBe(14);
  });

  it('Q8_0 keeps every value within half a step of the original, plus the fp16 rounding of d (127 × 2^-11 steps)', () => {
    let seed = 12345;
    const values = Float32Array.from(
      { length: 32 * 64 },
      () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 6,
    );
    const back = dequantizeQ8_0(quantizeQ8_0(values));
    for (let b = 0; b < 64; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      const step = Math.max(...Array.from(block, Math.abs)) / 127;
      for (let j = 0; j < 32; j++)
        expect(Math.abs(back[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual(step * (0.5 + 127 * 2 ** -11));
    }
  });

  it('refuses a row that is not whole blocks', () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(/not a multiple of the block size 32/);
  });
});
