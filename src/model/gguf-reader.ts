// Reads a GGUF file's header, metadata and tensor infos without its tensor data, and rejects files llama.cpp would choke on.
import { open, type FileHandle } from 'node:fs/promises';
import { InputError, getErrorMessage } from '../util/errors.js';
import {
  GGML_MAX_DIMS,
  GGML_MAX_NAME,
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_MIN_READ_VERSION,
  GGUF_SCALAR_BYTES,
  GGUF_VALUE_TYPE,
  GGUF_VALUE_TYPE_NAME,
  GGUF_VERSION,
  LLAMA_FILE_TYPES,
  alignUp,
  tensorSizeBytes,
} from './gguf-format.js';

export type GgufScalar = number | bigint | string | boolean;
/** A metadata value as JS sees it; 64-bit integers beyond 2^53 stay bigint. */
export type GgufMetadataValue = GgufScalar | GgufScalar[];

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the row length. */
  dims: number[];
  /** ggml type name (F32, Q4_K, …). */
  type: string;
  typeCode: number;
  /** Offset inside the data section. */
  offset: number;
  sizeBytes: number;
  elementCount: number;
}

export interface GgufInfo {
  path: string;
  sizeBytes: number;
  version: number;
  architecture?: string;
  name?: string;
  /** `general.file_type` (llama_ftype), when the file has it. */
  fileType?: number;
  /** F32, F16, Q4_0, Q4_K_M, …: from `general.file_type`, else the type holding most tensor bytes. */
  quantization?: string;
  parameterCount: number;
  /** Parameter count the way model cards write it: "1.2M", "7B". */
  parameterSize: string;
  tensorCount: number;
  contextLength?: number;
  alignment: number;
  /** Where the data section starts in the file. */
  dataOffset: number;
  metadata: Record<string, GgufMetadataValue>;
  tensors: GgufTensorInfo[];
}

/** The header of any real model fits in far less; a bigger claim means a corrupt or hostile file. */
const MAX_HEADER_BYTES = 256 * 1024 * 1024;
const FIRST_READ_BYTES = 1024 * 1024;
/** Smallest possible encodings, used to reject counts no file of this size could hold. */
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;

/**
 * Reads what llama.cpp reads before it maps the tensors, and checks what makes llama.cpp fail or
 * abort the process: bad magic, unsupported versions, counts and lengths past the end of the file,
 * unknown tensor types, a data section shorter than the tensors need (a cut download, quantized
 * sizes included), and duplicate token strings (which trip a GGML_ASSERT in llama.cpp's vocab loader).
 * Every problem is an InputError naming the file.
 */
export async function inspectGguf(filePath: string): Promise<GgufInfo> {
  let handle: FileHandle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    throw new InputError(`cannot open model file: ${getErrorMessage(error)}`, { file: filePath });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputError('is not a regular file', { file: filePath });
    const fileSize = stat.size;
    let prefixBytes = Math.min(fileSize, FIRST_READ_BYTES);
    // Parse from a prefix of the file; when the header runs past it, read a larger prefix and parse
    // again. Parsing is synchronous and fast, and few files need more than one round.
    for (;;) {
      const prefix = Buffer.alloc(prefixBytes);
      const { bytesRead } = await handle.read(prefix, 0, prefixBytes, 0);
      try {
        return parseGguf(prefix.subarray(0, bytesRead), fileSize, filePath);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error;
        const wanted = Math.min(fileSize, Math.max(prefixBytes * 4, error.bytes));
        if (wanted > MAX_HEADER_BYTES) {
          throw new InputError(
            `metadata and tensor infos would take more than ${MAX_HEADER_BYTES / 2 ** 20} MiB; the file is corrupt`,
            {
              file: filePath,
              path: error.what,
            },
          );
        }
        prefixBytes = wanted;
      }
    }
  } finally {
    await handle.close();
  }
}

class NeedMoreBytes extends Error {
  constructor(
    readonly bytes: number,
    readonly what: string,
  ) {
    super(`need ${bytes} bytes`);
  }
}

/** A read position over a prefix of the file that knows the whole file's size. */
class Cursor {
  pos = 0;

  constructor(
    private readonly buf: Buffer,
    readonly fileSize: number,
    private readonly file: string,
  ) {}

  fail(message: string, path: string): InputError {
    return new InputError(message, { file: this.file, path });
  }

  get remaining(): number {
    return this.fileSize - this.pos;
  }

  private need(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.fileSize) {
      throw this.fail(
        `file ends at byte ${this.fileSize} while reading ${n} bytes at byte ${at}: the file is truncated`,
        what,
      );
    }
    if (at + n > this.buf.length) throw new NeedMoreBytes(at + n, what);
    this.pos += n;
    return at;
  }

  uint8(what: string): number {
    return this.buf.readUInt8(this.need(1, what));
  }
  int8(what: string): number {
    return this.buf.readInt8(this.need(1, what));
  }
  uint16(what: string): number {
    return this.buf.readUInt16LE(this.need(2, what));
  }
  int16(what: string): number {
    return this.buf.readInt16LE(this.need(2, what));
  }
  uint32(what: string): number {
    return this.buf.readUInt32LE(this.need(4, what));
  }
  int32(what: string): number {
    return this.buf.readInt32LE(this.need(4, what));
  }
  float32(what: string): number {
    return this.buf.readFloatLE(this.need(4, what));
  }
  float64(what: string): number {
    return this.buf.readDoubleLE(this.need(8, what));
  }
  uint64Raw(what: string): bigint {
    return this.buf.readBigUInt64LE(this.need(8, what));
  }
  int64Raw(what: string): bigint {
    return this.buf.readBigInt64LE(this.need(8, what));
  }

  /** A uint64 used as a count, size or offset: it must fit a JS number. */
  uint64(what: string): number {
    const value = this.uint64Raw(what);
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw this.fail(`value ${value} is absurdly large; the file is corrupt`, what);
    return Number(value);
  }

  string(what: string): string {
    const length = this.uint64(what);
    if (length > this.remaining) {
      throw this.fail(
        `string of ${length} bytes runs past the end of the ${this.fileSize}-byte file: the file is truncated or corrupt`,
        what,
      );
    }
    const at = this.need(length, what);
    return this.buf.toString('utf8', at, at + length);
  }
}

function parseGguf(buf: Buffer, fileSize: number, file: string): GgufInfo {
  const cur = new Cursor(buf, fileSize, file);

  if (fileSize === 0) throw cur.fail('not a GGUF file: the file is empty', 'header.magic');
  if (fileSize < 4 || buf.readUInt32LE(0) !== GGUF_MAGIC) {
    const start = buf
      .subarray(0, 4)
      .toString('latin1')
      .replace(/[^\x20-\x7e]/g, '.');
    throw cur.fail(`not a GGUF file: it starts with "${start}", expected "GGUF"`, 'header.magic');
  }
  cur.pos = 4;
  const version = cur.uint32('header.version');
  if ((version & 0xffff) === 0) {
    throw cur.fail(
      `version field reads ${version}: a big-endian GGUF file, only little-endian files are supported`,
      'header.version',
    );
  }
  if (version < GGUF_MIN_READ_VERSION || version > GGUF_VERSION) {
    throw cur.fail(
      `unsupported GGUF version ${version}; llama.cpp reads versions ${GGUF_MIN_READ_VERSION} to ${GGUF_VERSION}` +
        (version === 1 ? ' (re-convert the model with a current llama.cpp)' : ''),
      'header.version',
    );
  }
  const tensorCount = cur.uint64('header.tensor_count');
  const kvCount = cur.uint64('header.metadata_kv_count');
  if (tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES > fileSize) {
    throw cur.fail(
      `header claims ${tensorCount} tensors and ${kvCount} metadata entries, more than a ${fileSize}-byte file can hold: the file is truncated or corrupt`,
      'header',
    );
  }

  // No prototype: a key such as "__proto__" in a hostile file must stay a plain entry.
  const metadata = Object.create(null) as Record<string, GgufMetadataValue>;
  for (let i = 0; i < kvCount; i++) {
    const key = cur.string(`metadata[${i}].key`);
    const where = `metadata["${key}"]`;
    if (Object.hasOwn(metadata, key)) throw cur.fail('duplicate metadata key', where);
    const typeCode = cur.uint32(where);
    if (typeCode === GGUF_VALUE_TYPE.array) {
      const itemType = cur.uint32(where);
      const count = cur.uint64(where);
      if (itemType === GGUF_VALUE_TYPE.array) throw cur.fail('arrays of arrays are not supported', where);
      const itemBytes = minScalarBytes(itemType);
      if (itemBytes === undefined) throw cur.fail(`unknown array item type ${itemType}`, where);
      if (count * itemBytes > cur.remaining || cur.pos + count * itemBytes > MAX_HEADER_BYTES) {
        throw cur.fail(
          `array of ${count} items runs past the end of the ${fileSize}-byte file: the file is truncated or corrupt`,
          where,
        );
      }
      const items: GgufScalar[] = [];
      for (let j = 0; j < count; j++) items.push(readScalar(cur, itemType, where));
      metadata[key] = items;
    } else {
      if (minScalarBytes(typeCode) === undefined) throw cur.fail(`unknown value type ${typeCode}`, where);
      metadata[key] = readScalar(cur, typeCode, where);
    }
  }

  const alignmentValue = metadata['general.alignment'];
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  if (alignmentValue !== undefined) {
    if (typeof alignmentValue !== 'number' || alignmentValue <= 0 || (alignmentValue & (alignmentValue - 1)) !== 0) {
      throw cur.fail(`expected a power of two, got ${String(alignmentValue)}`, 'metadata["general.alignment"]');
    }
    alignment = alignmentValue;
  }

  const tensors: GgufTensorInfo[] = [];
  const tensorNames = new Set<string>();
  let parameterCount = 0;
  for (let i = 0; i < tensorCount; i++) {
    let where = `tensors[${i}]`;
    const name = cur.string(where);
    where = `tensors[${i}] (${name})`;
    if (Buffer.byteLength(name) >= GGML_MAX_NAME)
      throw cur.fail(`tensor name longer than ${GGML_MAX_NAME - 1} bytes`, where);
    if (tensorNames.has(name)) throw cur.fail('duplicate tensor name', where);
    tensorNames.add(name);
    const nDims = cur.uint32(where);
    if (nDims > GGML_MAX_DIMS) throw cur.fail(`${nDims} dimensions, at most ${GGML_MAX_DIMS} are supported`, where);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(cur.uint64(where));
    const typeCode = cur.uint32(where);
    const type = GGML_TYPES.get(typeCode);
    if (!type) throw cur.fail(`unknown or removed ggml tensor type ${typeCode}`, where);
    const offset = cur.uint64(where);
    const elementCount = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(elementCount))
      throw cur.fail(`dimensions [${dims.join(', ')}] are absurdly large`, where);
    if ((dims[0] ?? 1) % type.blockSize !== 0) {
      throw cur.fail(`row length ${dims[0]} is not a multiple of ${type.name}'s block size ${type.blockSize}`, where);
    }
    if (offset % alignment !== 0) throw cur.fail(`data offset ${offset} is not aligned to ${alignment} bytes`, where);
    tensors.push({
      name,
      dims,
      type: type.name,
      typeCode,
      offset,
      sizeBytes: tensorSizeBytes(dims, type),
      elementCount,
    });
    parameterCount += elementCount;
  }

  const dataOffset = alignUp(cur.pos, alignment);
  let last: GgufTensorInfo | undefined;
  for (const t of tensors) if (!last || t.offset + t.sizeBytes > last.offset + last.sizeBytes) last = t;
  const extent = last ? dataOffset + last.offset + last.sizeBytes : dataOffset;
  if (extent > fileSize) {
    throw cur.fail(
      `file is ${fileSize} bytes but its tensor data needs ${extent} bytes: the file is truncated (an interrupted download or copy?)`,
      last ? `tensors (${last.name})` : 'header',
    );
  }

  checkTokens(metadata, cur);

  const architecture =
    typeof metadata['general.architecture'] === 'string' ? metadata['general.architecture'] : undefined;
  const fileTypeValue = metadata['general.file_type'];
  const fileType = typeof fileTypeValue === 'number' ? fileTypeValue : undefined;
  const contextValue = architecture ? metadata[`${architecture}.context_length`] : undefined;
  return {
    path: file,
    sizeBytes: fileSize,
    version,
    architecture,
    name: typeof metadata['general.name'] === 'string' ? metadata['general.name'] : undefined,
    fileType,
    quantization: (fileType !== undefined ? LLAMA_FILE_TYPES.get(fileType) : undefined) ?? dominantTensorType(tensors),
    parameterCount,
    parameterSize: formatParameterSize(parameterCount),
    tensorCount,
    contextLength: typeof contextValue === 'number' ? contextValue : undefined,
    alignment,
    dataOffset,
    metadata,
    tensors,
  };
}

function minScalarBytes(typeCode: number): number | undefined {
  const name = GGUF_VALUE_TYPE_NAME.get(typeCode);
  if (name === undefined || name === 'array') return undefined;
  return name === 'string' ? 8 : GGUF_SCALAR_BYTES[name];
}

function readScalar(cur: Cursor, typeCode: number, where: string): GgufScalar {
  switch (typeCode) {
    case GGUF_VALUE_TYPE.uint8:
      return cur.uint8(where);
    case GGUF_VALUE_TYPE.int8:
      return cur.int8(where);
    case GGUF_VALUE_TYPE.uint16:
      return cur.uint16(where);
    case GGUF_VALUE_TYPE.int16:
      return cur.int16(where);
    case GGUF_VALUE_TYPE.uint32:
      return cur.uint32(where);
    case GGUF_VALUE_TYPE.int32:
      return cur.int32(where);
    case GGUF_VALUE_TYPE.float32:
      return cur.float32(where);
    case GGUF_VALUE_TYPE.float64:
      return cur.float64(where);
    case GGUF_VALUE_TYPE.bool:
      return cur.uint8(where) !== 0;
    case GGUF_VALUE_TYPE.string:
      return cur.string(where);
    case GGUF_VALUE_TYPE.uint64:
      return narrow(cur.uint64Raw(where));
    case GGUF_VALUE_TYPE.int64:
      return narrow(cur.int64Raw(where));
    default:
      throw cur.fail(`unknown value type ${typeCode}`, where);
  }
}

function narrow(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** llama.cpp maps token text → id and asserts the map is as long as the vocabulary: a duplicate aborts the process. */
function checkTokens(metadata: Record<string, GgufMetadataValue>, cur: Cursor): void {
  const tokens = metadata['tokenizer.ggml.tokens'];
  if (tokens === undefined) return;
  const where = 'metadata["tokenizer.ggml.tokens"]';
  if (!Array.isArray(tokens)) throw cur.fail('expected an array of strings', where);
  const seen = new Map<GgufScalar, number>();
  for (let id = 0; id < tokens.length; id++) {
    const token = tokens[id];
    if (typeof token !== 'string') throw cur.fail(`expected an array of strings, item ${id} is ${typeof token}`, where);
    const first = seen.get(token);
    if (first !== undefined) {
      throw cur.fail(
        `token ${JSON.stringify(token)} appears at ids ${first} and ${id}; llama.cpp aborts on duplicate tokens`,
        where,
      );
    }
    seen.set(token, id);
  }
}

function dominantTensorType(tensors: readonly GgufTensorInfo[]): string | undefined {
  const bytesByType = new Map<string, number>();
  for (const t of tensors) {
    if (t.dims.length < 2) continue;
    bytesByType.set(t.type, (bytesByType.get(t.type) ?? 0) + t.sizeBytes);
  }
  let best: string | undefined;
  for (const [type, bytes] of bytesByType) if (best === undefined || bytes > bytesByType.get(best)!) best = type;
  return best;
}

/** 1234567 → "1.2M", 7241732096 → "7.2B", as model cards and Ollama's parameter_size write it. */
export function formatParameterSize(count: number): string {
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, suffix] of units) {
    if (count >= scale) {
      const value = count / scale;
      return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))}${suffix}`;
    }
  }
  return String(count);
}
