// ggml's tensor encodings that the model writer produces: F32, F16, Q8_0 and Q4_0, bit for bit as ggml writes them.
//
// The quantizers follow quantize_row_q8_0_ref and quantize_row_q4_0_ref in ggml/src/ggml-quants.c (the
// llama.cpp that node-llama-cpp bundles), which llama-quantize uses when no importance matrix is given:
// every intermediate value is a C `float`, so each step is rounded to float32 here with Math.fround.
import { endianness } from 'node:os';
import { GGML_TYPE } from './gguf-format.js';

/** Elements per block of Q8_0 and Q4_0 (QK8_0, QK4_0 in ggml-common.h). */
export const QK = 32;
/** block_q8_0: fp16 d, then 32 int8 q. */
export const Q8_0_BLOCK_BYTES = 2 + QK;
/** block_q4_0: fp16 d, then 16 bytes of nibbles. */
export const Q4_0_BLOCK_BYTES = 2 + QK / 2;

export type TensorEncoding = 'f32' | 'f16' | 'q8_0' | 'q4_0';

export const GGML_TYPE_OF: Record<TensorEncoding, number> = {
  f32: GGML_TYPE.F32,
  f16: GGML_TYPE.F16,
  q8_0: GGML_TYPE.Q8_0,
  q4_0: GGML_TYPE.Q4_0,
};

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * IEEE binary32 → binary16 bits, rounding to nearest, ties to even (as F16C's _cvtss_sh and ggml's
 * portable ggml_compute_fp32_to_fp16 do); overflow gives infinity, NaN stays NaN.
 */
export function fp32ToFp16Bits(value: number): number {
  f32Scratch[0] = value;
  const bits = u32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A subnormal half (or zero): value = m × 2^-24.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to infinity: exactly what rounding up means.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** binary16 bits → the number they encode (exact). */
export function fp16BitsToFp32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** C's roundf: halfway cases away from zero (Math.round goes towards +∞). */
function roundf(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** quantize_row_q8_0_ref: per block d = max|x| / 127, q = roundf(x / d). `values.length` must be a multiple of 32. */
export function quantizeQ8_0(
  values: Float32Array,
  out: Uint8Array = new Uint8Array((values.length / QK) * Q8_0_BLOCK_BYTES),
): Uint8Array {
  checkBlocks(values.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let block = 0, at = 0; block < values.length; block += QK, at += Q8_0_BLOCK_BYTES) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(values[block + j]!));
    const d = Math.fround(amax / 127);
    const id = d !== 0 ? Math.fround(1 / d) : 0;
    view.setUint16(at, fp32ToFp16Bits(d), true);
    for (let j = 0; j < QK; j++) view.setInt8(at + 2 + j, roundf(Math.fround(values[block + j]! * id)));
  }
  return out;
}

/**
 * quantize_row_q4_0_ref: per block d = (the value of largest magnitude, with its sign) / -8, and
 * q = min(15, (int8_t)(x / d + 8.5)); byte j holds element j in its low nibble and element j + 16 in its high one.
 */
export function quantizeQ4_0(
  values: Float32Array,
  out: Uint8Array = new Uint8Array((values.length / QK) * Q4_0_BLOCK_BYTES),
): Uint8Array {
  checkBlocks(values.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const nibble = (x: number, id: number): number => Math.min(15, Math.trunc(Math.fround(Math.fround(x * id) + 8.5)));
  for (let block = 0, at = 0; block < values.length; block += QK, at += Q4_0_BLOCK_BYTES) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = values[block + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d !== 0 ? Math.fround(1 / d) : 0;
    view.setUint16(at, fp32ToFp16Bits(d), true);
    for (let j = 0; j < QK / 2; j++) {
      out[at + 2 + j] = nibble(values[block + j]!, id) | (nibble(values[block + QK / 2 + j]!, id) << 4);
    }
  }
  return out;
}

/** Values back from a Q8_0 block stream (dequantize_row_q8_0), for tests and checks. */
export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array((bytes.length / Q8_0_BLOCK_BYTES) * QK);
  for (let at = 0, i = 0; at < bytes.length; at += Q8_0_BLOCK_BYTES) {
    const d = fp16BitsToFp32(view.getUint16(at, true));
    for (let j = 0; j < QK; j++) out[i++] = view.getInt8(at + 2 + j) * d;
  }
  return out;
}

/** Values back from a Q4_0 block stream (dequantize_row_q4_0). */
export function dequantizeQ4_0(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array((bytes.length / Q4_0_BLOCK_BYTES) * QK);
  for (let at = 0, base = 0; at < bytes.length; at += Q4_0_BLOCK_BYTES, base += QK) {
    const d = fp16BitsToFp32(view.getUint16(at, true));
    for (let j = 0; j < QK / 2; j++) {
      const byte = bytes[at + 2 + j]!;
      out[base + j] = ((byte & 0x0f) - 8) * d;
      out[base + QK / 2 + j] = ((byte >> 4) - 8) * d;
    }
  }
  return out;
}

const BIG_ENDIAN_HOST = endianness() === 'BE';

/** The bytes of `values` in the given encoding, little-endian as GGUF requires whatever the host. */
export function encodeTensorData(values: Float32Array, encoding: TensorEncoding): Uint8Array {
  switch (encoding) {
    case 'f32': {
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      if (BIG_ENDIAN_HOST) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
      return bytes;
    }
    case 'f16': {
      const out = new Uint8Array(values.length * 2);
      const view = new DataView(out.buffer);
      for (let i = 0; i < values.length; i++) view.setUint16(i * 2, fp32ToFp16Bits(values[i]!), true);
      return out;
    }
    case 'q8_0':
      return quantizeQ8_0(values);
    case 'q4_0':
      return quantizeQ4_0(values);
  }
}

function checkBlocks(length: number): void {
  if (length % QK !== 0) throw new Error(`cannot quantize ${length} values: not a multiple of the block size ${QK}`);
}
