// Shapes of the generated models: tiny for unit tests, small and medium for the demo and benchmarks.

export type PresetName = 'tiny' | 'small' | 'medium';

export interface ModelPreset {
  name: PresetName;
  vocabSize: number;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  contextLength: number;
  rmsNormEpsilon: number;
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

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** Weights per preset: embeddings and output head, plus attention and feed-forward per block. */
export function presetParameterCount(p: ModelPreset): number {
  const headDim = p.embeddingLength / p.headCount;
  const kvWidth = headDim * p.headCountKv;
  const perBlock =
    2 * p.embeddingLength + // attn_norm, ffn_norm
    2 * p.embeddingLength * p.embeddingLength + // attn_q, attn_output
    2 * p.embeddingLength * kvWidth + // attn_k, attn_v
    3 * p.embeddingLength * p.feedForwardLength; // ffn_gate, ffn_up, ffn_down
  return 2 * p.vocabSize * p.embeddingLength + p.embeddingLength + p.blockCount * perBlock;
}
