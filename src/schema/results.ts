// The results file, `llm-bench/results@1`: one run of the benchmark matrix on one runner.
import { z } from 'zod';
import { METRIC_NAME_PATTERN } from './metrics.js';
import { parseWith } from './validate.js';
import { InputError } from '../util/errors.js';

export const RESULTS_SCHEMA = 'llm-bench/results@1';

const paramValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof paramValue>;

export const metricInfoSchema = z.strictObject({
  direction: z.enum(['higher', 'lower', 'none']),
  unit: z.string(),
  description: z.string().default(''),
});

export const runnerSchema = z.object({
  label: z.string().min(1),
  os: z.string(),
  release: z.string().optional(),
  arch: z.string(),
  cpu: z.string(),
  cores: z.number().int().nonnegative(),
  memory_bytes: z.number().nonnegative(),
  gpus: z.array(z.object({ name: z.string(), memory_bytes: z.number().optional(), driver: z.string().optional() })),
  hostname_sha256: z.string().optional(),
  node: z.string().optional(),
});
export type RunnerFingerprint = z.infer<typeof runnerSchema>;

export const modelIdentitySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  source: z.string().optional(),
  digest: z.string().optional(),
  quantization: z.string().optional(),
  parameter_count: z.number().optional(),
  parameter_size: z.string().optional(),
  family: z.string().optional(),
  size_bytes: z.number().optional(),
});
export type ModelIdentity = z.infer<typeof modelIdentitySchema>;

const sampleArray = z
  .array(z.number().finite().nonnegative('expected a non-negative number'))
  .min(1, 'expected at least one sample');

export const caseErrorSchema = z.object({
  repetition: z.number().int(),
  kind: z.enum(['timeout', 'engine', 'load', 'stream', 'crash', 'limit']),
  message: z.string(),
  at: z.string().optional(),
});
export type CaseError = z.infer<typeof caseErrorSchema>;

export const caseResultSchema = z.object({
  id: z.string().min(1),
  /** Which side of an A/B run the case belongs to; absent in ordinary runs. */
  side: z.enum(['base', 'head']).optional(),
  model: modelIdentitySchema,
  params: z.record(z.string(), paramValue),
  prompt: z.object({
    id: z.string(),
    sha256: z.string(),
    chars: z.number().int().nonnegative(),
    max_tokens: z.number().int().positive(),
  }),
  samples: z.record(z.string().regex(METRIC_NAME_PATTERN), sampleArray),
  /** Per-repetition block index when the case ran in interleaved blocks (A/B pairing). */
  blocks: z.array(z.number().int().nonnegative()).optional(),
  errors: z.array(caseErrorSchema),
  requests: z.object({ ok: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
  /**
   * Requests (warm-ups included) lost before any byte of an answer on a keep-alive connection the server had
   * closed, and sent again on a fresh connection (HTTP engines): not failures. Absent when none.
   */
  retries: z.number().int().nonnegative().optional(),
  output_sha256: z.array(z.string()).optional(),
  monitor: z.record(z.string(), z.number()).optional(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
});
export type CaseResult = z.infer<typeof caseResultSchema>;

export const resultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  tool: z.object({ name: z.string(), version: z.string() }),
  started_at: z.string(),
  finished_at: z.string().optional(),
  status: z.enum(['running', 'complete', 'partial', 'failed']),
  /** Why a run is partial: stopped by a signal (Ctrl-C, a cancelled workflow) rather than finished or failed. */
  interrupted: z.boolean().optional(),
  /** Measured repetitions of the cases the plan asked for (absent for duration-bound runs), and those done: a partial run says how far it got. */
  planned_repetitions: z.number().int().nonnegative().optional(),
  completed_repetitions: z.number().int().nonnegative().optional(),
  runner: runnerSchema,
  engine: z.object({
    kind: z.string(),
    version: z.string(),
    host: z.string().optional(),
    /** The llama-bench engine records the build it ran, as llama-bench reports it. */
    build_commit: z.string().optional(),
    build_number: z.number().optional(),
    backends: z.string().optional(),
    cpu_info: z.string().optional(),
    gpu_info: z.string().optional(),
  }),
  git: z.object({ sha: z.string().optional(), ref: z.string().optional() }).optional(),
  /** A/B runs: the commit the base side's config came from (`git` is the head's). */
  base_git: z.object({ sha: z.string().optional(), ref: z.string().optional() }).optional(),
  config: z.object({ path: z.string().optional(), sha256: z.string().optional() }).optional(),
  options: z.record(z.string(), paramValue).default({}),
  workload: z.record(z.string(), z.unknown()).default({}),
  metrics: z.record(z.string().regex(METRIC_NAME_PATTERN), metricInfoSchema).default({}),
  cases: z.array(caseResultSchema),
  /** Samples of the fixed reference workload, interleaved with the cases (calibration). */
  calibration: z
    .object({
      workload: z.string(),
      samples: z.record(z.string(), sampleArray),
      /** Round (block) of each sample, aligned with the cases' `blocks`: pairs a case sample with the reference beside it. */
      blocks: z.array(z.number().int().nonnegative()).optional(),
    })
    .optional(),
  notes: z.array(z.string()).default([]),
});
export type Results = z.infer<typeof resultsSchema>;

/** Validates a parsed results document; the error names the file and the path. */
export function parseResults(data: unknown, file: string): Results {
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`expected a ${RESULTS_SCHEMA} document (a JSON object)`, { file });
  }
  if (schema !== RESULTS_SCHEMA) {
    throw new InputError(
      `expected schema "${RESULTS_SCHEMA}", got ${schema === undefined ? 'no schema field' : JSON.stringify(schema)}` +
        (typeof schema === 'string' && schema.startsWith('llm-bench/results@')
          ? ' (a results file of another version of llm-bench)'
          : ''),
      { file, path: 'schema' },
    );
  }
  const results = parseWith(resultsSchema, data, file);
  const seen = new Set<string>();
  results.cases.forEach((c, i) => {
    const key = `${c.side ?? ''}\u0000${c.id}`;
    if (seen.has(key)) throw new InputError(`duplicate case id "${c.id}"`, { file, path: `cases[${i}].id` });
    seen.add(key);
  });
  return results;
}
