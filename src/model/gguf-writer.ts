// Writes GGUF v3 files: typed metadata, tensor infos and tensor data streamed to disk, replaced atomically.
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  GGML_MAX_DIMS,
  GGML_MAX_NAME,
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VALUE_TYPE,
  GGUF_VERSION,
  alignUp,
  tensorSizeBytes,
  type GgufScalarType,
} from './gguf-format.js';

type NumberType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/** A metadata value with its GGUF type, since a JS number alone does not say uint32 or float32. */
export type GgufWriteValue =
  | { type: NumberType; value: number }
  | { type: 'uint64' | 'int64'; value: number | bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | { type: 'array'; itemType: 'bool'; value: readonly boolean[] }
  | { type: 'array'; itemType: NumberType; value: ArrayLike<number> }
  | { type: 'array'; itemType: 'uint64' | 'int64'; value: readonly (number | bigint)[] };

/** Constructors for typed metadata values. */
export const gguf = {
  uint32: (value: number): GgufWriteValue => ({ type: 'uint32', value }),
  int32: (value: number): GgufWriteValue => ({ type: 'int32', value }),
  uint64: (value: number | bigint): GgufWriteValue => ({ type: 'uint64', value }),
  float32: (value: number): GgufWriteValue => ({ type: 'float32', value }),
  bool: (value: boolean): GgufWriteValue => ({ type: 'bool', value }),
  string: (value: string): GgufWriteValue => ({ type: 'string', value }),
  strings: (value: readonly string[]): GgufWriteValue => ({ type: 'array', itemType: 'string', value }),
  float32s: (value: ArrayLike<number>): GgufWriteValue => ({ type: 'array', itemType: 'float32', value }),
  int32s: (value: ArrayLike<number>): GgufWriteValue => ({ type: 'array', itemType: 'int32', value }),
};

export interface GgufTensorSource {
  name: string;
  /** ggml order: dims[0] is the row length (contiguous), as in ggml's ne[]. */
  dims: readonly number[];
  /** ggml type code (GGML_TYPE). */
  type: number;
  /** Produces the tensor's bytes in order, in chunks of any size; called once, when the tensor is written. */
  chunks: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

export interface GgufWriteInput {
  /** Written in insertion order. `general.alignment` (uint32), when present, sets the data alignment. */
  metadata: Record<string, GgufWriteValue>;
  tensors: readonly GgufTensorSource[];
}

export interface GgufWriteResult {
  path: string;
  sizeBytes: number;
  sha256: string;
}

const FLUSH_BYTES = 1 << 20;

/**
 * Writes a GGUF v3 file. Data goes to a temporary file beside `filePath` that is renamed into place
 * at the end, so an interrupted run never leaves a half-written model under the final name, and
 * two processes writing the same model at once both end with a whole file.
 */
export async function writeGguf(filePath: string, input: GgufWriteInput): Promise<GgufWriteResult> {
  const alignment = alignmentOf(input.metadata);
  const layout = layoutTensors(input.tensors, alignment);
  const header = encodeHeader(input.metadata, layout);

  const tempPath = path.join(
    path.dirname(filePath),
    `.${path.basename(filePath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(tempPath, 'w');
  const hash = createHash('sha256');
  let written = 0;
  const pending = Buffer.allocUnsafe(FLUSH_BYTES);
  let pendingBytes = 0;

  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const view = pending.subarray(0, pendingBytes);
    hash.update(view);
    // write(2) may write less than asked; loop until the buffer is out.
    for (let done = 0; done < view.length; ) done += (await handle.write(view, done, view.length - done)).bytesWritten;
    written += pendingBytes;
    pendingBytes = 0;
  };
  const emit = async (bytes: Uint8Array): Promise<void> => {
    let from = 0;
    while (from < bytes.length) {
      const n = Math.min(bytes.length - from, FLUSH_BYTES - pendingBytes);
      pending.set(bytes.subarray(from, from + n), pendingBytes);
      pendingBytes += n;
      from += n;
      if (pendingBytes === FLUSH_BYTES) await flush();
    }
  };

  try {
    await emit(header);
    await emit(new Uint8Array(alignUp(header.length, alignment) - header.length));
    for (const { tensor, sizeBytes } of layout) {
      let produced = 0;
      for await (const chunk of tensor.chunks()) {
        produced += chunk.length;
        if (produced > sizeBytes) break;
        await emit(chunk);
      }
      if (produced !== sizeBytes) {
        throw new Error(`tensor ${tensor.name}: produced ${produced} bytes, expected ${sizeBytes}`);
      }
      await emit(new Uint8Array(alignUp(sizeBytes, alignment) - sizeBytes));
    }
    await flush();
    await handle.close();
    await rename(tempPath, filePath);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  return { path: filePath, sizeBytes: written, sha256: hash.digest('hex') };
}

function alignmentOf(metadata: Record<string, GgufWriteValue>): number {
  const value = metadata['general.alignment'];
  if (value === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (value.type !== 'uint32' || value.value <= 0 || (value.value & (value.value - 1)) !== 0) {
    throw new Error('general.alignment must be a uint32 power of two');
  }
  return value.value;
}

interface PlacedTensor {
  tensor: GgufTensorSource;
  offset: number;
  sizeBytes: number;
}

function layoutTensors(tensors: readonly GgufTensorSource[], alignment: number): PlacedTensor[] {
  const names = new Set<string>();
  let offset = 0;
  return tensors.map((tensor) => {
    const type = GGML_TYPES.get(tensor.type);
    if (!type) throw new Error(`tensor ${tensor.name}: unknown ggml type ${tensor.type}`);
    if (names.has(tensor.name)) throw new Error(`tensor ${tensor.name}: duplicate name`);
    names.add(tensor.name);
    if (Buffer.byteLength(tensor.name) >= GGML_MAX_NAME) throw new Error(`tensor ${tensor.name}: name too long`);
    if (tensor.dims.length < 1 || tensor.dims.length > GGML_MAX_DIMS) {
      throw new Error(`tensor ${tensor.name}: ${tensor.dims.length} dimensions, expected 1 to ${GGML_MAX_DIMS}`);
    }
    if (!tensor.dims.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw new Error(`tensor ${tensor.name}: dimensions must be positive integers`);
    }
    if (tensor.dims[0] % type.blockSize !== 0) {
      throw new Error(
        `tensor ${tensor.name}: row length ${tensor.dims[0]} is not a multiple of ${type.name}'s block of ${type.blockSize}`,
      );
    }
    const sizeBytes = tensorSizeBytes(tensor.dims, type);
    const placed = { tensor, offset, sizeBytes };
    offset += alignUp(sizeBytes, alignment);
    return placed;
  });
}

function encodeHeader(metadata: Record<string, GgufWriteValue>, layout: readonly PlacedTensor[]): Uint8Array {
  const out = new ByteSink();
  out.uint32(GGUF_MAGIC);
  out.uint32(GGUF_VERSION);
  out.uint64(layout.length);
  const entries = Object.entries(metadata);
  out.uint64(entries.length);
  for (const [key, value] of entries) {
    out.string(key);
    if (value.type === 'array') {
      out.uint32(GGUF_VALUE_TYPE.array);
      out.uint32(GGUF_VALUE_TYPE[value.itemType]);
      out.uint64(value.value.length);
      for (let i = 0; i < value.value.length; i++) out.scalar(value.itemType, value.value[i], key);
    } else {
      out.uint32(GGUF_VALUE_TYPE[value.type]);
      out.scalar(value.type, value.value, key);
    }
  }
  for (const { tensor, offset } of layout) {
    out.string(tensor.name);
    out.uint32(tensor.dims.length);
    for (const d of tensor.dims) out.uint64(d);
    out.uint32(tensor.type);
    out.uint64(offset);
  }
  return out.bytes();
}

/** A growable little-endian byte buffer for the header, which is small next to the tensor data. */
class ByteSink {
  private buf = Buffer.alloc(64 * 1024);
  private length = 0;

  /** Makes room for n bytes and returns their offset; call before touching `buf`, which it may replace. */
  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  private put(n: number, write: (buf: Buffer, at: number) => unknown): void {
    const at = this.reserve(n);
    write(this.buf, at);
  }

  uint32(v: number): void {
    this.put(4, (b, at) => b.writeUInt32LE(v, at));
  }

  uint64(v: number | bigint): void {
    this.put(8, (b, at) => b.writeBigUInt64LE(BigInt(v), at));
  }

  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.uint64(bytes.length);
    const at = this.reserve(bytes.length);
    bytes.copy(this.buf, at);
  }

  scalar(type: GgufScalarType, v: unknown, key: string): void {
    const expect = (ok: boolean, what: string): void => {
      if (!ok) throw new Error(`metadata ${key}: expected ${what} for ${type}, got ${String(v)}`);
    };
    switch (type) {
      case 'string':
        expect(typeof v === 'string', 'a string');
        this.string(v as string);
        return;
      case 'bool':
        expect(typeof v === 'boolean', 'a boolean');
        this.put(1, (b, at) => b.writeUInt8(v ? 1 : 0, at));
        return;
      case 'uint64':
      case 'int64':
        expect(typeof v === 'bigint' || Number.isSafeInteger(v), 'an integer');
        if (type === 'uint64') this.put(8, (b, at) => b.writeBigUInt64LE(BigInt(v as number), at));
        else this.put(8, (b, at) => b.writeBigInt64LE(BigInt(v as number), at));
        return;
      case 'float32':
        expect(typeof v === 'number', 'a number');
        this.put(4, (b, at) => b.writeFloatLE(v as number, at));
        return;
      case 'float64':
        expect(typeof v === 'number', 'a number');
        this.put(8, (b, at) => b.writeDoubleLE(v as number, at));
        return;
      default: {
        expect(Number.isInteger(v), 'an integer');
        const n = v as number;
        // Buffer's write methods range-check the value and throw on overflow.
        if (type === 'uint8') this.put(1, (b, at) => b.writeUInt8(n, at));
        else if (type === 'int8') this.put(1, (b, at) => b.writeInt8(n, at));
        else if (type === 'uint16') this.put(2, (b, at) => b.writeUInt16LE(n, at));
        else if (type === 'int16') this.put(2, (b, at) => b.writeInt16LE(n, at));
        else if (type === 'uint32') this.put(4, (b, at) => b.writeUInt32LE(n, at));
        else this.put(4, (b, at) => b.writeInt32LE(n, at));
      }
    }
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
