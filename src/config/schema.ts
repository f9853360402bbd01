// The bench.yml schema (docs/design.md "Contracts"): what users write, validated with zod.
import { z } from 'zod';
import { ENGINE_KINDS } from './engine-options.js';
import { METRIC_NAME_PATTERN } from '../schema/metrics.js';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const id = z.string().regex(idPattern, 'expected an id of letters, digits, ".", "_", ":" or "-"');
const paramValue = z.union([z.string(), z.number(), z.boolean()]);

/** The largest workload counts accepted: beyond these a typo (`repetitions: 1e9`) would run for years. */
export const LIMITS = {
  warmup: 10_000,
  repetitions: 1_000_000,
  max_tokens: 1_048_576,
  cooldown_ms: 3_600_000,
  concurrency: 10_000,
  requests: 10_000_000,
  rate: 1_000_000,
  timeout_s: 86_400,
  duration_s: 7 * 86_400,
  interval_s: 86_400,
  max_requests: 100_000_000,
  seed: 2 ** 32 - 1,
} as const;

const grouped = (n: number): string => n.toLocaleString('en-US');
/** A whole number in [min, LIMITS[key]], with one message for both ends. */
const wholeNumber = (key: keyof typeof LIMITS, min: 0 | 1) => {
  const message = `expected a whole number ≥ ${min} and ≤ ${grouped(LIMITS[key])}`;
  return z.number().int(message).min(min, message).max(LIMITS[key], message);
};
const positiveNumber = (key: keyof typeof LIMITS) => {
  const message = `expected a number > 0 and ≤ ${grouped(LIMITS[key])}`;
  return z.number().positive(message).max(LIMITS[key], message);
};

const PERCENT_TEXT = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/;

/**
 * A percentage, written with its sign: "5%" is five percent, parsed to the fraction 0.05. A bare number is an
 * error, not a guess: `regression: 0.05` would otherwise silently mean 0.05%.
 */
export const percent = z.unknown().transform((value, ctx): number => {
  const match = typeof value === 'string' ? PERCENT_TEXT.exec(value) : null;
  if (!match) {
    const message =
      typeof value === 'number'
        ? 'expected a percentage written with %: write 5% for five percent'
        : 'expected a percentage like "5%"';
    ctx.issues.push({ code: 'custom', message, input: value });
    return z.NEVER;
  }
  const fraction = Number.parseFloat(match[1]!) / 100;
  if (fraction < 0 || fraction > 10) {
    ctx.issues.push({
      code: 'custom',
      message: fraction < 0 ? 'expected a percentage ≥ 0%' : 'expected a percentage ≤ 1000%',
      input: value,
    });
    return z.NEVER;
  }
  return fraction;
});

/** A model name, path or URL: one line of printable text (it ends up in case ids, logs and reports). */
const modelRef = z
  .string()
  .min(1, 'expected a model name, path or URL')
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'expected one line without control characters');

export const modelEntrySchema = z.union([
  modelRef,
  z
    .strictObject({
      id: id.optional(),
      name: modelRef.optional(),
      path: modelRef.optional(),
      url: modelRef.optional(),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'expected a sha256 of 64 lower-case hex digits')
        .optional(),
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
    max_tokens: wholeNumber('max_tokens', 1).default(128),
  })
  .refine((p) => (p.text === undefined) !== (p.file === undefined), {
    message: 'expected exactly one of text or file',
  });

export const workloadSchema = z.strictObject({
  warmup: wholeNumber('warmup', 0).default(1),
  repetitions: wholeNumber('repetitions', 1).default(10),
  vary_prompt: z.boolean().default(true),
  interleave: z.boolean().default(true),
  /** A/B on the embedded engine: base and head generate token by token in lockstep (see docs/statistics.md). */
  lockstep: z.boolean().default(true),
  cooldown_ms: wholeNumber('cooldown_ms', 0).default(0),
  concurrency: wholeNumber('concurrency', 1).default(1),
  rate: positiveNumber('rate').optional(),
  requests: wholeNumber('requests', 1).optional(),
  timeout_s: positiveNumber('timeout_s').default(300),
  duration_s: positiveNumber('duration_s').optional(),
  /** Soak pacing: one measured request every interval_s seconds (the seed report's "one request every 2 s"); default back to back. */
  interval_s: positiveNumber('interval_s').optional(),
  /** Stop after this many measured requests (with or without duration_s). */
  max_requests: wholeNumber('max_requests', 1).optional(),
  seed: wholeNumber('seed', 0).default(1),
});

export const gateSchema = z.strictObject({
  regression: percent.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const compareSchema = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.05),
  min_effect: percent.default(0.03),
  headline: z.string().regex(METRIC_NAME_PATTERN, 'expected a metric name').default('decode_tps'),
});

export const calibrationSchema = z.union([
  z.boolean(),
  z.strictObject({
    preset: z.enum(['tiny', 'small', 'medium']).default('small'),
    max_tokens: wholeNumber('max_tokens', 1).default(32),
  }),
]);

export const configSchema = z.strictObject({
  engine: z.enum(ENGINE_KINDS as [string, ...string[]]),
  host: z
    .string()
    .refine(
      (v) => /^https?:\/\/[^/\s]/i.test(v) && URL.canParse(v),
      'expected an http:// or https:// URL like http://127.0.0.1:11434',
    )
    .optional(),
  model_dir: z.string().min(1).optional(),
  command: z.array(z.string().min(1)).min(1, 'expected the program and its arguments as a list').optional(),
  pull: z.enum(['missing', 'always', 'never']).default('missing'),
  chat: z.boolean().default(false),
  api: z.enum(['chat', 'completions']).default('chat'),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
    .optional(),
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
