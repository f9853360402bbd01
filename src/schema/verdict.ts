// The verdict file, `llm-bench/verdict@1`: the comparison of head results with a baseline.
import { z } from 'zod';
import { runnerSchema, modelIdentitySchema, metricInfoSchema } from './results.js';
import { parseWith } from './validate.js';
import { InputError } from '../util/errors.js';

export const VERDICT_SCHEMA = 'llm-bench/verdict@1';

export const metricVerdictKind = z.enum(['regression', 'improvement', 'unchanged', 'limit', 'new', 'missing']);
export type MetricVerdictKind = z.infer<typeof metricVerdictKind>;

export const verdictStatusSchema = z.enum(['pass', 'regression', 'incomplete', 'no-baseline']);
export type VerdictStatus = z.infer<typeof verdictStatusSchema>;

export const strategySchema = z.enum(['ab', 'baseline', 'baseline-calibrated', 'baseline-history']);
export type Strategy = z.infer<typeof strategySchema>;

const sideStats = z.object({ n: z.number().int().nonnegative(), median: z.number() });

export const metricVerdictSchema = z.object({
  metric: z.string(),
  direction: z.enum(['higher', 'lower', 'none']),
  unit: z.string(),
  base: sideStats.nullable(),
  head: sideStats.nullable(),
  /** head median ÷ base median */
  ratio: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  p_value: z.number().nullable(),
  verdict: metricVerdictKind,
  gated: z.boolean(),
  /** Smallest relative change (0.05 = 5%) in the bad direction that counts as a regression. */
  threshold: z.number().nullable(),
  limit: z
    .object({ min: z.number().optional(), max: z.number().optional(), violated: z.enum(['min', 'max']).optional() })
    .optional(),
  note: z.string().optional(),
});
export type MetricVerdict = z.infer<typeof metricVerdictSchema>;

export const caseVerdictSchema = z.object({
  label: z.string(),
  id: z.string(),
  model: modelIdentitySchema,
  base_model: modelIdentitySchema.optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  prompt_id: z.string(),
  status: z.enum(['compared', 'new', 'missing']),
  errors: z.number().int().nonnegative(),
  metrics: z.record(z.string(), metricVerdictSchema),
});
export type CaseVerdict = z.infer<typeof caseVerdictSchema>;

const runMeta = z.object({
  started_at: z.string(),
  tool_version: z.string(),
  runner: runnerSchema,
  engine: z.object({ kind: z.string(), version: z.string(), host: z.string().optional() }),
  git: z.object({ sha: z.string().optional(), ref: z.string().optional() }).optional(),
});
export type RunMeta = z.infer<typeof runMeta>;

export const verdictSchema = z.object({
  schema: z.literal(VERDICT_SCHEMA),
  created_at: z.string(),
  /**
   * regression: a gated metric got worse or broke a limit; incomplete: not everything was judged (an interrupted or
   * partial head run, gated metrics missing from it) and nothing failed; pass; no-baseline: nothing to compare with.
   */
  status: verdictStatusSchema,
  strategy: strategySchema,
  settings: z.object({
    alpha: z.number(),
    min_effect: z.number(),
    headline_metric: z.string(),
    /** Whose gates judged a pull request: the base branch's (with the PR's tightenings), or the PR's when the base has none. */
    gates_from: z.enum(['base', 'head', 'config']).optional(),
    /** What the PR changed in the gates, as the report says it ("loosens decode_tps regression 5% → 50%; the base's 5% applied"). */
    gate_changes: z.array(z.string()).optional(),
  }),
  /** Present when the run did not judge everything; its reasons say what ran, what did not and why. */
  incomplete: z.object({ cancelled: z.boolean(), reasons: z.array(z.string()).min(1) }).optional(),
  summary: z.object({
    /** Gated regressions only (gateCounts in compare/gate.ts): the one count every report, output and check uses. */
    regressions: z.number().int().nonnegative(),
    /** Significant changes for the worse in metrics that do not gate ("slower, not gated"). */
    worse_not_gated: z.number().int().nonnegative().default(0),
    improvements: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    limits: z.number().int().nonnegative(),
    new: z.number().int().nonnegative(),
    missing: z.number().int().nonnegative(),
    geomean: z.record(z.string(), z.number()),
  }),
  runs: z.array(
    z.object({
      label: z.string(),
      strategy: strategySchema,
      base: runMeta.nullable(),
      head: runMeta,
      notes: z.array(z.string()),
    }),
  ),
  metrics: z.record(z.string(), metricInfoSchema),
  cases: z.array(caseVerdictSchema),
  notes: z.array(z.string()),
});
export type Verdict = z.infer<typeof verdictSchema>;

export function parseVerdict(data: unknown, file: string): Verdict {
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== VERDICT_SCHEMA) {
    throw new InputError(
      `expected schema "${VERDICT_SCHEMA}", got ${schema === undefined ? 'no schema field' : JSON.stringify(schema)}`,
      {
        file,
        path: 'schema',
      },
    );
  }
  return parseWith(verdictSchema, data, file);
}
