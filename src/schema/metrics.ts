// The metric names (docs/design.md, the README's table), with the direction in which each one is better and its unit.
// These names are part of the contract: results files, gates and reports use them verbatim.

export type Direction = 'higher' | 'lower' | 'none';

export interface MetricInfo {
  direction: Direction;
  unit: string;
  description: string;
}

export const BUILTIN_METRICS = {
  ttft_ms: { direction: 'lower', unit: 'ms', description: 'request sent → first generated token received (client)' },
  prefill_tps: { direction: 'higher', unit: 'tok/s', description: 'prompt tokens ÷ prompt-processing time' },
  decode_tps: {
    direction: 'higher',
    unit: 'tok/s',
    description: 'generated tokens after the first ÷ time from first to last token',
  },
  tpot_ms: { direction: 'lower', unit: 'ms', description: '(e2e − ttft) ÷ (output tokens − 1)' },
  itl_p50_ms: { direction: 'lower', unit: 'ms', description: 'median gap between consecutive streamed tokens' },
  itl_p99_ms: {
    direction: 'lower',
    unit: 'ms',
    description: '99th percentile gap between consecutive streamed tokens',
  },
  e2e_ms: { direction: 'lower', unit: 'ms', description: 'request sent → last token' },
  load_ms: { direction: 'lower', unit: 'ms', description: 'cold model load, once per case before warm-up' },
  output_tokens: { direction: 'none', unit: 'tok', description: 'generated tokens' },
  prompt_tokens: { direction: 'none', unit: 'tok', description: 'prompt tokens' },
  cached_tokens: {
    direction: 'none',
    unit: 'tok',
    description: 'prompt tokens the server served from its prompt cache instead of evaluating them (0: a full prefill)',
  },
  threads_used: {
    direction: 'none',
    unit: 'threads',
    description: 'the thread count threads: auto chose by a short probe on this machine',
  },
  request_tps: {
    direction: 'higher',
    unit: 'req/s',
    description: 'completed requests per second of wall time (concurrency > 1)',
  },
  output_tps: {
    direction: 'higher',
    unit: 'tok/s',
    description: 'output tokens per second of wall time (concurrency > 1)',
  },
  success_rate: { direction: 'higher', unit: 'ratio', description: 'successful requests ÷ all requests' },
  peak_rss_mb: { direction: 'lower', unit: 'MB', description: 'peak resident memory of the engine process' },
  vram_mb: { direction: 'lower', unit: 'MB', description: 'GPU memory used by the model' },
  gpu_offload: { direction: 'higher', unit: 'ratio', description: 'share of the model on the GPU' },
  temp_max_c: { direction: 'lower', unit: '°C', description: 'hottest sensor reading during the case' },
  throttled: { direction: 'lower', unit: 'count', description: 'throttling events seen during the case (0 = none)' },
} as const satisfies Record<string, MetricInfo>;

export type BuiltinMetric = keyof typeof BUILTIN_METRICS;

export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

export function isBuiltinMetric(name: string): name is BuiltinMetric {
  return Object.hasOwn(BUILTIN_METRICS, name);
}

/** Looks a metric up among the built-ins and the custom metrics a results file declares. */
export function metricInfo(name: string, custom: Record<string, MetricInfo> = {}): MetricInfo {
  if (isBuiltinMetric(name)) return BUILTIN_METRICS[name];
  return custom[name] ?? { direction: 'none', unit: '', description: 'custom metric' };
}

/** Metrics a load run adds beyond the README's metric table (request_tps, output_tps, success_rate, itl_p50/p99_ms are there). */
export const LOAD_METRICS: Record<string, MetricInfo> = {
  ttft_p50_ms: { direction: 'lower', unit: 'ms', description: 'median TTFT over the requests of a load run' },
  ttft_p99_ms: { direction: 'lower', unit: 'ms', description: '99th percentile TTFT over the requests of a load run' },
  tpot_p50_ms: {
    direction: 'lower',
    unit: 'ms',
    description: 'median time per output token over the requests of a load run',
  },
  tpot_p99_ms: {
    direction: 'lower',
    unit: 'ms',
    description: '99th percentile time per output token over the requests of a load run',
  },
  e2e_p50_ms: {
    direction: 'lower',
    unit: 'ms',
    description: 'median end-to-end latency over the requests of a load run',
  },
  e2e_p99_ms: {
    direction: 'lower',
    unit: 'ms',
    description: '99th percentile end-to-end latency over the requests of a load run',
  },
};

/**
 * Prompt tokens the server did not evaluate for a request because its prompt cache held them: llama-server's
 * `timings.cache_n` (tools/server/README.md), the OpenAI `usage.prompt_tokens_details.cached_tokens` (vLLM, SGLang,
 * llama-server), Ollama's `prompt_eval_cached_count` (docs.ollama.com/api/usage). Engines put it in
 * `Generation.metrics` under this name; a measured request with a positive count did not measure a full prefill.
 */
export const CACHED_TOKENS = 'cached_tokens';
export const CACHED_TOKENS_INFO: MetricInfo = {
  direction: 'none',
  unit: 'tok',
  description: 'prompt tokens the server served from its prompt cache instead of evaluating them (0: a full prefill)',
};

/** The cached prompt tokens a server reported for one request, when it reported a count (a non-negative integer). */
export function cachedTokensOf(metrics: Record<string, number> | undefined): number | undefined {
  const n = metrics?.[CACHED_TOKENS];
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}
