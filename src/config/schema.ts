// The bench.yml schema (DESIGN.md "Files"): what users write, validated with zod.
import { z } from 'zod';
import { ENGINE_KINDS } from '../engines/options.js';
import { METRIC_NAME_PATTERN } from '../schema/metrics.js';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:\-]*$/;
const id = z.string().regex(idPattern, 'expected an id of letters, digits, ".", "_", ":" or "-"');
const paramValue = z.union([z.string(), z.number(), z.boolean()]);

/** "5%" or 5 both mean five percent; the parsed value is a fraction (0.05). */
export const percent = z
  .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*%\s*$/, 'expected a percentage like "5%"')])
  .transform((v) => (typeof v === 'number' ? v : Number.parseFloat(v)) / 100)
  .pipe(z.number().min(0, 'expected a percentage ≥ 0%').max(10, 'expected a percentage ≤ 1000%'));

export const modelEntrySchema = z.union([
  z.string().min(1),
  z
    .strictObject({
      id: id.optional(),
      name: z.string().min(1).optional(),
      path: z.string().min(1).optional(),
      url: z.string().min(1).optional(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex sha256').optional(),
    })
    .refine((m) => [m.name, m.path, m.url].filter((v) => v !== undefined).length === 1, {
      message: 'expected exactly one of name, path or url',
    }),
]);

export const promptEntrySchema = z
  .strictObject({
    id,
    text: z.string().min(1).optional(),
    file: z.string().min(1).optional(),
    max_tokens: z.number().int().positive().default(128),
  })
  .refine((p) => (p.text === undefined) !== (p.file === undefined), { message: 'expected exactly one of text or file' });

export const workloadSchema = z.strictObject({
  warmup: z.number().int().nonnegative().default(1),
  repetitions: z.number().int().positive('expected a whole number ≥ 1').default(10),
  vary_prompt: z.boolean().default(true),
  interleave: z.boolean().default(true),
  /** A/B on the embedded engine: base and head generate token by token in lockstep (see docs/statistics.md). */
  lockstep: z.boolean().default(true),
  cooldown_ms: z.number().int().nonnegative().default(0),
  concurrency: z.number().int().positive().default(1),
  rate: z.number().positive().optional(),
  requests: z.number().int().positive().optional(),
  timeout_s: z.number().positive().default(300),
  duration_s: z.number().positive().optional(),
  seed: z.number().int().nonnegative().default(1),
});

export const gateSchema = z.strictObject({
  regression: percent.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const compareSchema = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.05),
  min_effect: percent.default(0.03),
  headline: z.string().regex(METRIC_NAME_PATTERN).default('decode_tps'),
});

export const calibrationSchema = z.union([
  z.boolean(),
  z.strictObject({
    preset: z.enum(['tiny', 'small', 'medium']).default('small'),
    max_tokens: z.number().int().positive().default(32),
  }),
]);

export const configSchema = z.strictObject({
  engine: z.enum(ENGINE_KINDS as [string, ...string[]]),
  host: z.string().url('expected a URL like http://127.0.0.1:11434').optional(),
  model_dir: z.string().min(1).optional(),
  command: z.array(z.string().min(1)).min(1, 'expected the program and its arguments as a list').optional(),
  pull: z.enum(['missing', 'always', 'never']).default('missing'),
  chat: z.boolean().default(false),
  api: z.enum(['chat', 'completions']).default('chat'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
  models: z.array(modelEntrySchema).min(1, 'expected at least one model'),
  options: z.record(z.string(), z.unknown()).default({}),
  matrix: z.record(z.string(), z.array(paramValue).min(1, 'expected at least one value to sweep')).default({}),
  prompts: z
    .array(z.union([z.string().min(1), promptEntrySchema]))
    .min(1, 'expected at least one prompt')
    .default(['Write a short story about a robot learning to paint.']),
  workload: workloadSchema.default(workloadSchema.parse({})),
  gates: z.record(z.string().regex(METRIC_NAME_PATTERN, 'expected a metric name'), gateSchema).default({}),
  compare: compareSchema.default(compareSchema.parse({})),
  calibration: calibrationSchema.default(false),
});

export type RawConfig = z.output<typeof configSchema>;
export type Workload = z.output<typeof workloadSchema>;
export type Gate = z.output<typeof gateSchema>;
export type CompareSettings = z.output<typeof compareSchema>;
