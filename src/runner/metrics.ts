// Turns one request's raw timings into the metrics of src/schema/metrics.ts. Pure, shared by every engine.
import type { Generation } from '../engines/types.js';
import { quantile } from '../stats/descriptive.js';

/** Gaps between consecutive streamed tokens; a chunk of k tokens contributes k equal gaps. */
export function interTokenGapsMs(gen: Pick<Generation, 'chunkArrivalsMs' | 'chunkTokens'>): number[] {
  const gaps: number[] = [];
  const t = gen.chunkArrivalsMs;
  for (let i = 1; i < t.length; i++) {
    const k = Math.max(1, gen.chunkTokens?.[i] ?? 1);
    const gap = (t[i]! - t[i - 1]!) / k;
    for (let j = 0; j < k; j++) gaps.push(gap);
  }
  return gaps;
}

export function metricsOfGeneration(gen: Generation): Record<string, number> {
  const out: Record<string, number> = {};
  const arrivals = gen.chunkArrivalsMs;
  out.e2e_ms = gen.e2eMs;
  if (gen.outputTokens !== undefined) out.output_tokens = gen.outputTokens;
  if (gen.promptTokens !== undefined) out.prompt_tokens = gen.promptTokens;
  if (arrivals.length > 0) {
    const ttft = arrivals[0]!;
    out.ttft_ms = ttft;
    if (gen.outputTokens !== undefined && gen.outputTokens >= 2) {
      const decodeSpanMs = arrivals[arrivals.length - 1]! - ttft;
      out.tpot_ms = (gen.e2eMs - ttft) / (gen.outputTokens - 1);
      if (decodeSpanMs > 0) out.decode_tps = (gen.outputTokens - 1) / (decodeSpanMs / 1000);
    }
    const gaps = interTokenGapsMs(gen);
    if (gaps.length > 0) {
      out.itl_p50_ms = quantile(gaps, 0.5);
      out.itl_p99_ms = quantile(gaps, 0.99);
    }
  }
  const r = gen.reported;
  if (r?.decodeMs && r.decodeTokens) out.decode_tps = r.decodeTokens / (r.decodeMs / 1000);
  if (r?.prefillMs && r.prefillTokens) out.prefill_tps = r.prefillTokens / (r.prefillMs / 1000);
  return { ...out, ...gen.metrics };
}
