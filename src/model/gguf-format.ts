// The GGUF container's numbers, shared by the writer and the reader: value type codes, ggml tensor types, file types.

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
/** The version this project writes; llama.cpp reads 2 and 3 (1 is rejected, >3 unknown). */
export const GGUF_VERSION = 3;
export const GGUF_MIN_READ_VERSION = 2;
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** GGML_MAX_DIMS in ggml.h: a tensor info with more dimensions is rejected by llama.cpp. */
export const GGML_MAX_DIMS = 4;
/** GGML_MAX_NAME in ggml.h (including the terminating NUL). */
export const GGML_MAX_NAME = 64;

/** Metadata value type codes (enum gguf_type in gguf.h). */
export const GGUF_VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufScalarType = Exclude<keyof typeof GGUF_VALUE_TYPE, 'array'>;

/** Byte width of each fixed-size scalar type; strings are a uint64 length plus bytes. */
export const GGUF_SCALAR_BYTES: Record<Exclude<GgufScalarType, 'string'>, number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  uint64: 8,
  int64: 8,
  float64: 8,
};

export const GGUF_VALUE_TYPE_NAME: ReadonlyMap<number, keyof typeof GGUF_VALUE_TYPE> = new Map(
  Object.entries(GGUF_VALUE_TYPE).map(([name, code]) => [code, name as keyof typeof GGUF_VALUE_TYPE]),
);

export interface GgmlTypeInfo {
  name: string;
  /** Elements per block: a row's element count must be a multiple of it. */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

/**
 * ggml tensor types with their block layout (type_traits in ggml.c). The sizes were read from the
 * llama.cpp bundled with node-llama-cpp 3.22.1 (getBlockSizeForGgmlType / getTypeSizeForGgmlType).
 * Codes 4, 5, 31–33 and 36–38 were removed from ggml; llama.cpp rejects files that use them, so
 * they are absent here on purpose.
 */
export const GGML_TYPES: ReadonlyMap<number, GgmlTypeInfo> = new Map<number, GgmlTypeInfo>([
  [0, { name: 'F32', blockSize: 1, typeSize: 4 }],
  [1, { name: 'F16', blockSize: 1, typeSize: 2 }],
  [2, { name: 'Q4_0', blockSize: 32, typeSize: 18 }],
  [3, { name: 'Q4_1', blockSize: 32, typeSize: 20 }],
  [6, { name: 'Q5_0', blockSize: 32, typeSize: 22 }],
  [7, { name: 'Q5_1', blockSize: 32, typeSize: 24 }],
  [8, { name: 'Q8_0', blockSize: 32, typeSize: 34 }],
  [9, { name: 'Q8_1', blockSize: 32, typeSize: 36 }],
  [10, { name: 'Q2_K', blockSize: 256, typeSize: 84 }],
  [11, { name: 'Q3_K', blockSize: 256, typeSize: 110 }],
  [12, { name: 'Q4_K', blockSize: 256, typeSize: 144 }],
  [13, { name: 'Q5_K', blockSize: 256, typeSize: 176 }],
  [14, { name: 'Q6_K', blockSize: 256, typeSize: 210 }],
  [15, { name: 'Q8_K', blockSize: 256, typeSize: 292 }],
  [16, { name: 'IQ2_XXS', blockSize: 256, typeSize: 66 }],
  [17, { name: 'IQ2_XS', blockSize: 256, typeSize: 74 }],
  [18, { name: 'IQ3_XXS', blockSize: 256, typeSize: 98 }],
  [19, { name: 'IQ1_S', blockSize: 256, typeSize: 50 }],
  [20, { name: 'IQ4_NL', blockSize: 32, typeSize: 18 }],
  [21, { name: 'IQ3_S', blockSize: 256, typeSize: 110 }],
  [22, { name: 'IQ2_S', blockSize: 256, typeSize: 82 }],
  [23, { name: 'IQ4_XS', blockSize: 256, typeSize: 136 }],
  [24, { name: 'I8', blockSize: 1, typeSize: 1 }],
  [25, { name: 'I16', blockSize: 1, typeSize: 2 }],
  [26, { name: 'I32', blockSize: 1, typeSize: 4 }],
  [27, { name: 'I64', blockSize: 1, typeSize: 8 }],
  [28, { name: 'F64', blockSize: 1, typeSize: 8 }],
  [29, { name: 'IQ1_M', blockSize: 256, typeSize: 56 }],
  [30, { name: 'BF16', blockSize: 1, typeSize: 2 }],
  [34, { name: 'TQ1_0', blockSize: 256, typeSize: 54 }],
  [35, { name: 'TQ2_0', blockSize: 256, typeSize: 66 }],
  [39, { name: 'MXFP4', blockSize: 32, typeSize: 17 }],
  [40, { name: 'NVFP4', blockSize: 64, typeSize: 36 }],
  [41, { name: 'Q1_0', blockSize: 128, typeSize: 18 }],
  [42, { name: 'Q2_0', blockSize: 64, typeSize: 18 }],
]);

export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;

/**
 * `general.file_type` (enum llama_ftype in llama.h) → the quantization name users know.
 * "MOSTLY_" is dropped as llama.cpp's own file names do (Q4_K_M, not MOSTLY_Q4_K_M).
 */
export const LLAMA_FILE_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'F32'],
  [1, 'F16'],
  [2, 'Q4_0'],
  [3, 'Q4_1'],
  [4, 'Q4_1_SOME_F16'],
  [5, 'Q4_2'],
  [6, 'Q4_3'],
  [7, 'Q8_0'],
  [8, 'Q5_0'],
  [9, 'Q5_1'],
  [10, 'Q2_K'],
  [11, 'Q3_K_S'],
  [12, 'Q3_K_M'],
  [13, 'Q3_K_L'],
  [14, 'Q4_K_S'],
  [15, 'Q4_K_M'],
  [16, 'Q5_K_S'],
  [17, 'Q5_K_M'],
  [18, 'Q6_K'],
  [19, 'IQ2_XXS'],
  [20, 'IQ2_XS'],
  [21, 'Q2_K_S'],
  [22, 'IQ3_XS'],
  [23, 'IQ3_XXS'],
  [24, 'IQ1_S'],
  [25, 'IQ4_NL'],
  [26, 'IQ3_S'],
  [27, 'IQ3_M'],
  [28, 'IQ2_S'],
  [29, 'IQ2_M'],
  [30, 'IQ4_XS'],
  [31, 'IQ1_M'],
  [32, 'BF16'],
  [33, 'Q4_0_4_4'],
  [34, 'Q4_0_4_8'],
  [35, 'Q4_0_8_8'],
  [36, 'TQ1_0'],
  [37, 'TQ2_0'],
  [38, 'MXFP4_MOE'],
  [39, 'NVFP4'],
  [40, 'Q1_0'],
  [41, 'Q2_0'],
]);

/** Bytes a tensor occupies in the data section (without alignment padding). */
export function tensorSizeBytes(dims: readonly number[], type: GgmlTypeInfo): number {
  // ggml treats missing dimensions as 1, so a 0-dimensional tensor holds one element.
  const ne0 = dims[0] ?? 1;
  const rows = dims.slice(1).reduce((a, b) => a * b, 1);
  return (ne0 / type.blockSize) * type.typeSize * rows;
}

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}
