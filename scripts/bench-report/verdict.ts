// A seeded verdict at scale (runners × cases × 12 metrics) for the report's size-limit tests and `npm run bench:report`.
// Shaped like issue 9's report: GPU runners with identical fingerprints, a few gated regressions and limit failures
// among many unchanged rows, ungated changes and improvements, and one Raspberry Pi whose only failure is a limit.
import type { CaseVerdict, MetricVerdict, Verdict } from '../../src/schema/verdict.js';
import { seededRandom } from '../../src/stats/random.js';

interface MetricSpec {
  metric: string;
  direction: 'higher' | 'lower' | 'none';
  unit: string;
  gated: boolean;
  base: number;
  max?: number;
}

export const SCALE_METRICS: readonly MetricSpec[] = [
  { metric: 'decode_tps', direction: 'higher', unit: 'tok/s', gated: true, base: 100 },
  { metric: 'prefill_tps', direction: 'higher', unit: 'tok/s', gated: true, base: 900 },
  { metric: 'ttft_ms', direction: 'lower', unit: 'ms', gated: true, base: 90 },
  { metric: 'temp_max_c', direction: 'lower', unit: '°C', gated: true, base: 62, max: 75 },
  { metric: 'tpot_ms', direction: 'lower', unit: 'ms', gated: false, base: 10 },
  { metric: 'e2e_ms', direction: 'lower', unit: 'ms', gated: false, base: 1300 },
  { metric: 'load_ms', direction: 'lower', unit: 'ms', gated: false, base: 800 },
  { metric: 'peak_rss_mb', direction: 'lower', unit: 'MB', gated: false, base: 1600 },
  { metric: 'gpu_mem_mb', direction: 'lower', unit: 'MB', gated: false, base: 6000 },
  { metric: 'power_w', direction: 'lower', unit: 'W', gated: false, base: 120 },
  { metric: 'energy_j', direction: 'lower', unit: 'J', gated: false, base: 150 },
  { metric: 'output_tokens', direction: 'none', unit: 'tok', gated: false, base: 128 },
];

export interface ScaleOptions {
  /** Runner labels: `gpu-01` … and, when there are two or more, a last one `pi-4`. */
  runners: number;
  casesPerRunner: number;
  seed?: number;
  /** Per metric row of the GPU runners: gated regressions, limit failures (of temp_max_c rows), ungated worse rows, improvements. */
  rates?: { regression?: number; limit?: number; worse?: number; improvement?: number };
}

export const PI_LABEL = 'pi-4';

/** Labels in the order the verdict lists them. */
export function scaleLabels(runners: number): string[] {
  const gpus = runners >= 2 ? runners - 1 : runners;
  const labels = Array.from({ length: gpus }, (_, i) => `gpu-${String(i + 1).padStart(2, '0')}`);
  return runners >= 2 ? [...labels, PI_LABEL] : labels;
}

/**
 * The verdict: deterministic for a seed. The Pi (last label) has exactly one failure, `temp_max_c` over its max of
 * 75 °C on its first case, and nothing else significant; every GPU runner has the same fingerprint and engine.
 */
export function scaleVerdict(opts: ScaleOptions): Verdict {
  const random = seededRandom(opts.seed ?? 9);
  const rates = { regression: 0.007, limit: 0.0106, worse: 0.01, improvement: 0.01, ...opts.rates };
  const labels = scaleLabels(opts.runners);
  const cases: CaseVerdict[] = [];
  for (const label of labels) {
    const pi = label === PI_LABEL;
    for (let i = 0; i < opts.casesPerRunner; i++) {
      const params = { num_ctx: 512 * (1 + (Math.floor(i / 10) % 4)), num_batch: 64 * (1 + Math.floor(i / 40)), threads: 4 + (i % 2) * 4 };
      const prompt = ['banter', 'summary', 'quest', 'barks', 'lore'][Math.floor(i / 2) % 5]!;
      const model = i % 2 === 0 ? 'gemma3:1b' : 'qwen3:0.6b';
      const metrics: Record<string, MetricVerdict> = {};
      for (const spec of SCALE_METRICS) {
        const base = spec.base * (0.8 + 0.4 * random());
        let ratio = 1 + (random() - 0.5) * 0.02;
        let p = 0.2 + 0.7 * random();
        let verdict: MetricVerdict['verdict'] = 'unchanged';
        const u = random();
        const worse = (size: number): number => (spec.direction === 'higher' ? 1 - size : 1 + size);
        if (pi) {
          if (spec.max !== undefined && i === 0) verdict = 'limit';
        } else if (spec.max !== undefined) {
          if (u < rates.limit) verdict = 'limit';
        } else if (spec.direction !== 'none') {
          if (spec.gated && u < rates.regression) verdict = 'regression';
          else if (!spec.gated && u < rates.worse) verdict = 'regression';
          else if (u > 1 - rates.improvement) verdict = 'improvement';
        }
        if (verdict === 'regression') {
          ratio = worse(0.05 + 0.4 * random());
          p = 0.0002 + 0.002 * random();
        } else if (verdict === 'improvement') {
          ratio = worse(-(0.05 + 0.2 * random()));
          p = 0.0002 + 0.002 * random();
        }
        let head = base * ratio;
        let limit: MetricVerdict['limit'];
        let note: string | undefined;
        if (spec.max !== undefined) {
          if (verdict === 'limit') {
            head = spec.max + 0.5 + 8 * random();
            ratio = head / base;
            note = `head median ${Number(head.toPrecision(4))} is above the maximum ${spec.max}`;
          }
          limit = { max: spec.max, ...(verdict === 'limit' ? { violated: 'max' as const } : {}) };
        }
        metrics[spec.metric] = {
          metric: spec.metric,
          direction: spec.direction,
          unit: spec.unit,
          base: { n: 10, median: base },
          head: { n: 10, median: head },
          ratio,
          ci: [ratio * 0.97, ratio * 1.03],
          p_value: p,
          verdict,
          gated: spec.gated,
          threshold: spec.direction === 'none' ? null : 0.03,
          ...(limit ? { limit } : {}),
          ...(note ? { note } : {}),
        };
      }
      cases.push({
        label,
        id: `${model}/${prompt}/num_batch=${params.num_batch},num_ctx=${params.num_ctx},threads=${params.threads}`,
        model: { id: model, name: model },
        params,
        prompt_id: prompt,
        status: 'compared',
        errors: 0,
        metrics,
      });
    }
  }
  const runner = (label: string) =>
    label === PI_LABEL
      ? { label, os: 'Linux', release: '6.6.51', arch: 'arm64', cpu: 'Cortex-A72', cores: 4, memory_bytes: 8e9, gpus: [] }
      : { label, os: 'Linux', release: '6.8.0-51-generic', arch: 'x64', cpu: 'AMD Ryzen 9 7950X', cores: 16, memory_bytes: 64e9, gpus: [{ name: 'NVIDIA GeForce RTX 4080', memory_bytes: 17_171_480_576 }] };
  const meta = (label: string, sha: string, at: string) => ({
    started_at: at,
    tool_version: '0.1.0',
    runner: runner(label),
    engine: label === PI_LABEL ? { kind: 'llama-cpp', version: 'b6100' } : { kind: 'ollama', version: '0.12.3' },
    git: { sha, ref: 'refs/heads/main' },
  });
  let regressions = 0;
  let worseNotGated = 0;
  let improvements = 0;
  let limits = 0;
  for (const c of cases) {
    for (const m of Object.values(c.metrics)) {
      if (m.verdict === 'regression') m.gated ? regressions++ : worseNotGated++;
      else if (m.verdict === 'improvement') improvements++;
      else if (m.verdict === 'limit') limits++;
    }
  }
  const total = cases.length * SCALE_METRICS.length;
  return {
    schema: 'llm-bench/verdict@1',
    created_at: '2026-11-21T09:31:07.000Z',
    status: regressions + limits > 0 ? 'regression' : 'pass',
    strategy: 'baseline',
    settings: { alpha: 0.05, min_effect: 0.03, headline_metric: 'decode_tps' },
    summary: {
      regressions,
      worse_not_gated: worseNotGated,
      improvements,
      unchanged: total - regressions - worseNotGated - improvements - limits,
      limits,
      new: 0,
      missing: 0,
      geomean: { decode_tps: 0.99 },
    },
    runs: labels.map((label) => ({
      label,
      strategy: 'baseline' as const,
      base: meta(label, 'a'.repeat(40), '2026-11-20T10:00:00.000Z'),
      head: meta(label, 'b'.repeat(40), '2026-11-21T09:00:00.000Z'),
      notes: [],
    })),
    metrics: Object.fromEntries(SCALE_METRICS.map((m) => [m.metric, { direction: m.direction, unit: m.unit, description: '' }])),
    cases,
    notes: [],
  };
}
