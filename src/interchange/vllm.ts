// Import of `vllm bench serve --save-result` JSON into llm-bench/results@1. The fields follow vLLM's
// vllm/benchmarks/serve.py: the run's aggregates (duration, completed, failed, request_throughput,
// output_throughput, mean/median/p99 of ttft/tpot/itl/e2el in ms) and, with --save-detailed (older versions always),
// per-request arrays: input_lens, output_lens, ttfts (seconds), itls (seconds, one list per request), errors.
// main() adds date ("%Y%m%d-%H%M%S"), backend, label, model_id, num_prompts, request_rate, burstiness, max_concurrency.
import { InputError } from '../util/errors.js';
import { RESULTS_SCHEMA, parseResults, type CaseResult, type Results } from '../schema/results.js';
import { sha256Text } from '../io/files.js';
import { TOOL_VERSION } from '../version.js';

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** "20251021-143000" → ISO time; anything else → undefined. */
function vllmDate(value: unknown): string | undefined {
  const m = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(value) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : undefined;
}

export interface VllmImportOptions {
  label: string;
  file: string;
}

/**
 * One case per file (model × dataset × rate/concurrency). With the per-request arrays every successful request is
 * one sample of ttft_ms, e2e_ms (TTFT plus the inter-token gaps), tpot_ms and decode_tps, and failed requests count
 * as failures; without them the run's aggregates become single samples (reported, never judged: n = 1).
 */
export function importVllm(text: string, opts: VllmImportOptions): Results {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(
      `not valid JSON (vllm bench serve --save-result writes one object): ${(error as Error).message}`,
      { file: opts.file },
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new InputError('expected one JSON object from vllm bench serve --save-result', { file: opts.file });
  const need = (key: string): number => {
    if (!num(data[key]))
      throw new InputError(`expected a number in ${key}; is this vllm bench serve --save-result output?`, {
        file: opts.file,
        path: key,
      });
    return data[key] as number;
  };
  const completed = need('completed');
  const requestTps = need('request_throughput');
  const outputTps = need('output_throughput');
  const failed = num(data.failed) ? data.failed : 0;

  const samples: Record<string, number[]> = { request_tps: [requestTps], output_tps: [outputTps] };
  const errors: CaseResult['errors'] = [];
  const ttfts = data.ttfts;
  const itls = data.itls;
  const outputLens = data.output_lens;
  const errorList = Array.isArray(data.errors) ? data.errors : [];
  const detailed =
    Array.isArray(ttfts) &&
    Array.isArray(itls) &&
    Array.isArray(outputLens) &&
    ttfts.length === itls.length &&
    ttfts.length === outputLens.length;
  if (detailed) {
    const ttft: number[] = [];
    const e2e: number[] = [];
    const tpot: number[] = [];
    const decode: number[] = [];
    const tokens: number[] = [];
    (ttfts as unknown[]).forEach((t, i) => {
      const err = errorList[i];
      if (typeof err === 'string' && err !== '') {
        errors.push({ repetition: i, kind: 'engine', message: err.slice(0, 500) });
        return;
      }
      const gaps = (itls as unknown[])[i];
      const n = (outputLens as unknown[])[i];
      if (!num(t) || !Array.isArray(gaps) || !gaps.every(num) || !num(n)) return;
      const gapSum = (gaps as number[]).reduce((a, b) => a + b, 0);
      ttft.push(t * 1000);
      e2e.push((t + gapSum) * 1000);
      tokens.push(n);
      if (n > 1 && gapSum > 0) {
        tpot.push((gapSum * 1000) / (n - 1));
        decode.push((n - 1) / gapSum);
      }
    });
    Object.assign(samples, { ttft_ms: ttft, e2e_ms: e2e, output_tokens: tokens });
    if (tpot.length) Object.assign(samples, { tpot_ms: tpot, decode_tps: decode });
  } else {
    // Aggregates only: one sample each (llm-bench reports these and does not judge them).
    for (const [key, metric] of [
      ['median_ttft_ms', 'ttft_ms'],
      ['median_tpot_ms', 'tpot_ms'],
      ['median_e2el_ms', 'e2e_ms'],
    ] as const) {
      if (num(data[key])) samples[metric] = [data[key] as number];
    }
  }
  for (const [k, v] of Object.entries(samples)) if (v.length === 0) delete samples[k];

  const model = typeof data.model_id === 'string' && data.model_id ? data.model_id : 'unknown-model';
  const params: Record<string, string | number> = {};
  for (const key of ['request_rate', 'burstiness', 'max_concurrency', 'num_prompts'] as const) {
    const v = data[key];
    if (num(v)) params[key] = v;
    else if (typeof v === 'string' && v) params[key] = v;
  }
  const label =
    typeof data.label === 'string' && data.label
      ? data.label
      : typeof data.backend === 'string'
        ? data.backend
        : 'vllm';
  const promptId = `serve${num(data.num_prompts) ? `-${data.num_prompts}` : ''}`;
  const started = vllmDate(data.date) ?? new Date(0).toISOString();
  const results = {
    schema: RESULTS_SCHEMA,
    tool: { name: 'llm-bench', version: TOOL_VERSION },
    started_at: started,
    status: 'complete',
    runner: { label: opts.label, os: 'unknown', arch: 'unknown', cpu: 'unknown', cores: 0, memory_bytes: 0, gpus: [] },
    engine: { kind: 'openai', version: `vllm bench serve (${label})` },
    config: { path: opts.file },
    options: {},
    workload: {
      imported_from: 'vllm bench serve',
      detailed,
      ...(num(data.duration) ? { duration_s: data.duration } : {}),
    },
    metrics: {},
    cases: [
      {
        id: `${model}/${promptId}${
          Object.keys(params).length
            ? `/${Object.entries(params)
                .map(([k, v]) => `${k}=${v}`)
                .join(',')}`
            : ''
        }`,
        model: { id: model, name: model, source: 'name' },
        params,
        prompt: {
          id: promptId,
          sha256: sha256Text(promptId),
          chars: 0,
          max_tokens: Math.max(1, ...(detailed ? (outputLens as number[]) : [1]).filter(num)),
        },
        samples,
        errors,
        requests: { ok: completed, failed },
      },
    ],
    notes: [
      `imported from vllm bench serve output ${opts.file}` +
        (detailed ? '' : ' (aggregates only: rerun with --save-detailed for per-request samples that can be compared)'),
    ],
  };
  return parseResults(results, opts.file);
}
