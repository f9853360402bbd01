// Shapes of the generated models: tiny for unit tests, small and medium for the demo and benchmarks, and the
// dimensions of real llama-architecture models (SmolLM2, Llama 3.2 1B) for benchmarks that need a real size.

export type PresetName = 'tiny' | 'small' | 'medium';
/** The dimensions of real models, with random weights and a generated vocabulary of the real size. */
export type RealShapeName = 'smollm2-135m' | 'smollm2-360m' | 'llama-3.2-1b';
export type ShapeName = PresetName | RealShapeName;

export interface ModelPreset {
  name: ShapeName;
  vocabSize: number;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  contextLength: number;
  rmsNormEpsilon: number;
  /** `llama.rope.freq_base` (rope_theta); 10000 when absent. */
  ropeFreqBase?: number;
  /** The output head reuses token_embd (tie_word_embeddings): no output.weight tensor, as in the real model's GGUF. */
  tiedEmbeddings?: boolean;
  /** Where the dimensions come from. */
  source?: string;
}

/**
 * Every width is a multiple of 32 so the same shapes could be stored in 32-element quantized
 * blocks. medium has more and wider layers than small, so each decoded token costs about 2.7 times
 * the arithmetic (12.2M against 4.5M multiply-adds) and medium decodes clearly slower on any machine.
 */
export const PRESETS: Readonly<Record<PresetName, ModelPreset>> = {
  tiny: {
    name: 'tiny',
    vocabSize: 512,
    embeddingLength: 64,
    blockCount: 2,
    feedForwardLength: 192,
    headCount: 4,
    headCountKv: 4,
    contextLength: 2048,
    rmsNormEpsilon: 1e-5,
  },
  small: {
    name: 'small',
    vocabSize: 4096,
    embeddingLength: 256,
    blockCount: 4,
    feedForwardLength: 768,
    headCount: 4,
    headCountKv: 4,
    contextLength: 2048,
    rmsNormEpsilon: 1e-5,
  },
  medium: {
    name: 'medium',
    vocabSize: 4096,
    embeddingLength: 384,
    blockCount: 6,
    feedForwardLength: 1024,
    headCount: 6,
    headCountKv: 6,
    contextLength: 2048,
    rmsNormEpsilon: 1e-5,
  },
};

/*
 * The dimensions of real models, from their config.json on the Hugging Face Hub (hidden_size,
 * num_hidden_layers, num_attention_heads, num_key_value_heads, intermediate_size, vocab_size,
 * rms_norm_eps, rope_theta, max_position_embeddings, tie_word_embeddings):
 *   https://huggingface.co/HuggingFaceTB/SmolLM2-135M/blob/main/config.json
 *   https://huggingface.co/HuggingFaceTB/SmolLM2-360M/blob/3ce05f63c246c44616da500b47b01f082f4d3bcc/config.json
 *   https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/config.json
 * All three tie the output head to the token embeddings, so, as in their converted GGUF files, there is no
 * output.weight and the parameter counts are the real ones (SmolLM2-135M: 134,515,008). Llama 3.2's
 * rope_scaling (the "llama3" type, stored as a 32-value rope_freqs.weight) is left out: it changes no
 * shape that matters for speed. Each head is 64 wide in all three. (SmolLM2 has rope_theta 100000 and 8192
 * positions; the first SmolLM had 10000 and 2048 with the same dimensions.)
 */
export const REAL_SHAPES: Readonly<Record<RealShapeName, ModelPreset>> = {
  'smollm2-135m': {
    name: 'smollm2-135m',
    vocabSize: 49_152,
    embeddingLength: 576,
    blockCount: 30,
    feedForwardLength: 1536,
    headCount: 9,
    headCountKv: 3,
    contextLength: 8192,
    rmsNormEpsilon: 1e-5,
    ropeFreqBase: 100_000,
    tiedEmbeddings: true,
    source: 'HuggingFaceTB/SmolLM2-135M',
  },
  'smollm2-360m': {
    name: 'smollm2-360m',
    vocabSize: 49_152,
    embeddingLength: 960,
    blockCount: 32,
    feedForwardLength: 2560,
    headCount: 15,
    headCountKv: 5,
    contextLength: 8192,
    rmsNormEpsilon: 1e-5,
    ropeFreqBase: 100_000,
    tiedEmbeddings: true,
    source: 'HuggingFaceTB/SmolLM2-360M',
  },
  'llama-3.2-1b': {
    name: 'llama-3.2-1b',
    vocabSize: 128_256,
    embeddingLength: 2048,
    blockCount: 16,
    feedForwardLength: 8192,
    headCount: 32,
    headCountKv: 8,
    contextLength: 131_072,
    rmsNormEpsilon: 1e-5,
    ropeFreqBase: 500_000,
    tiedEmbeddings: true,
    source: 'meta-llama/Llama-3.2-1B',
  },
};

/** Every shape make-model can write: the presets and the real shapes. */
export const SHAPES: Readonly<Record<ShapeName, ModelPreset>> = { ...PRESETS, ...REAL_SHAPES };
export const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

export function isShapeName(name: string): name is ShapeName {
  return Object.hasOwn(SHAPES, name);
}

/** Weights per preset: embeddings and output head (one matrix when tied), plus attention and feed-forward per block. */
export function presetParameterCount(p: ModelPreset): number {
  const headDim = p.embeddingLength / p.headCount;
  const kvWidth = headDim * p.headCountKv;
  const perBlock =
    2 * p.embeddingLength + // attn_norm, ffn_norm
    2 * p.embeddingLength * p.embeddingLength + // attn_q, attn_output
    2 * p.embeddingLength * kvWidth + // attn_k, attn_v
    3 * p.embeddingLength * p.feedForwardLength; // ffn_gate, ffn_up, ffn_down
  return (p.tiedEmbeddings ? 1 : 2) * p.vocabSize * p.embeddingLength + p.embeddingLength + p.blockCount * perBlock;
}
