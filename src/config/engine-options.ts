// The engine options each engine understands, as pure data: config validation uses it without loading engines.
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const unit = z.number().min(0).max(1);

/** Options of the embedded llama.cpp engine (node-llama-cpp). */
export const llamaCppOptions = {
  /** A number, or `auto`: a short probe picks the fastest count on this machine for this model (recorded as threads_used). */
  threads: z.union([positiveInt, z.literal('auto')]),
  context_size: positiveInt,
  batch_size: positiveInt,
  gpu: z.union([z.enum(['auto', 'cuda', 'metal', 'vulkan']), z.literal(false)]),
  gpu_layers: z.union([nonNegInt, z.enum(['auto', 'max'])]),
  flash_attention: z.boolean(),
  temperature: z.number().min(0),
  top_k: nonNegInt,
  top_p: unit,
  min_p: unit,
  repeat_penalty: z.number().min(0),
  seed: nonNegInt,
};

/** Ollama's generation options (docs/api.md "Generate request (With options)"), plus keep_alive. */
export const ollamaOptions = {
  num_ctx: positiveInt,
  num_gpu: nonNegInt,
  num_thread: positiveInt,
  num_batch: positiveInt,
  num_keep: z.number().int(),
  num_predict: z.number().int(),
  temperature: z.number().min(0),
  top_p: unit,
  top_k: nonNegInt,
  min_p: unit,
  typical_p: unit,
  repeat_penalty: z.number().min(0),
  repeat_last_n: z.number().int(),
  presence_penalty: z.number(),
  frequency_penalty: z.number(),
  seed: z.number().int(),
  stop: z.array(z.string()),
  use_mmap: z.boolean(),
  numa: z.boolean(),
  main_gpu: nonNegInt,
  low_vram: z.boolean(),
  keep_alive: z.union([z.string(), z.number()]),
  think: z.union([z.boolean(), z.enum(['low', 'medium', 'high'])]),
};

/** OpenAI-compatible request fields; unknown keys are passed through to the server (vLLM, llama-server extras). */
export const openaiOptions = {
  temperature: z.number().min(0),
  top_p: unit,
  top_k: z.number().int(),
  min_p: unit,
  seed: z.number().int(),
  frequency_penalty: z.number(),
  presence_penalty: z.number(),
  repetition_penalty: z.number(),
  stop: z.array(z.string()),
  ignore_eos: z.boolean(),
};

/** ggml types llama-bench accepts for the KV cache (-ctk, -ctv). */
export const KV_CACHE_TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'] as const;

/**
 * Options of the llama-bench engine: each maps to one llama-bench flag with one value (sweep values with
 * `matrix`, never with a list: a list would make llama-bench run several tests in one case).
 */
export const llamaBenchOptions = {
  /** The llama-bench program: a path (relative to the config) or a name on PATH; default `llama-bench`. */
  binary: z.string().min(1),
  threads: positiveInt, // -t
  n_gpu_layers: z.number().int().min(-1), // -ngl (-1: llama-bench's default, all layers)
  gpu_layers: z.number().int().min(-1), // -ngl, as the llama-cpp engine spells it
  batch_size: positiveInt, // -b
  ubatch_size: positiveInt, // -ub
  flash_attn: z.union([z.boolean(), z.enum(['on', 'off', 'auto'])]), // -fa
  type_k: z.enum(KV_CACHE_TYPES), // -ctk
  type_v: z.enum(KV_CACHE_TYPES), // -ctv
  n_prompt: nonNegInt, // -p (0: no prompt-processing test)
  n_gen: nonNegInt, // -n (0: no generation test)
  n_depth: nonNegInt, // -d
  cpu_mask: z.string().regex(/^(0x)?[0-9a-fA-F]+$/, 'expected a hexadecimal CPU mask such as 0x3'), // -C
  repetitions: positiveInt, // -r: repetitions per llama-bench run
  warmup: z.boolean(), // false: --no-warmup
  args: z.array(z.string()), // further flags, passed as they are
};

export type EngineKind = 'llama-cpp' | 'ollama' | 'openai' | 'command' | 'llama-bench';
export const ENGINE_KINDS: readonly EngineKind[] = ['llama-cpp', 'ollama', 'openai', 'command', 'llama-bench'];

export interface EngineOptionTable {
  options: Record<string, z.ZodType>;
  /** Whether keys outside `options` are accepted and passed on to the engine. */
  passThrough: boolean;
}

export const ENGINE_OPTIONS: Record<EngineKind, EngineOptionTable> = {
  'llama-cpp': { options: llamaCppOptions, passThrough: false },
  ollama: { options: ollamaOptions, passThrough: false },
  openai: { options: openaiOptions, passThrough: true },
  command: { options: {}, passThrough: true },
  'llama-bench': { options: llamaBenchOptions, passThrough: false },
};
