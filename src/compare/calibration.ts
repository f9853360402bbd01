// Calibration for stored baselines: rescale a run's speeds and times by the speed of a reference workload it measured.
import type { MetricInfo } from '../schema/metrics.js';
import type { Results } from '../schema/results.js';
import { median } from '../stats/descriptive.js';

/** The reference speed used when a results file offers several: the embedded reference model's decode speed. */
export const REFERENCE_METRIC = 'decode_tps';

export type CalibrationScale = 'speed' | 'time';

/**
 * How a metric moves with machine speed: rates (`…/s`, higher is better) scale with it, latencies (ms, lower is
 * better) inversely. load_ms is left alone: reading the model from disk, not compute, dominates it. Counts,
 * ratios, memory and temperature do not follow compute speed.
 */
export function calibrationScale(metric: string, info: MetricInfo): CalibrationScale | null {
  if (metric === 'load_ms') return null;
  if (info.direction === 'higher' && info.unit.endsWith('/s')) return 'speed';
  if (info.direction === 'lower' && info.unit === 'ms') return 'time';
  return null;
}

/**
 * The run's reference speed: the median of its calibration samples for `decode_tps` (else the first `*_tps` series).
 * The median of the whole run, not the reference sample nearest to each case sample: results@1 records no time or
 * position for calibration samples, so "nearest" cannot be known, and the run median is what drifts between runs
 * (the within-run spread is already in each case's own samples).
 */
export function referenceSpeed(results: Results): { metric: string; median: number } | null {
  const samples = results.calibration?.samples;
  if (!samples) return null;
  const metric = samples[REFERENCE_METRIC] ? REFERENCE_METRIC : Object.keys(samples).find((k) => k.endsWith('_tps'));
  if (!metric || !samples[metric]?.length) return null;
  const m = median(samples[metric]!);
  return m > 0 ? { metric, median: m } : null;
}

/** Multiply speeds by `factor` and divide times by it: values as if measured on a machine `factor` times as fast. */
export function rescale(samples: readonly number[], scale: CalibrationScale, factor: number): number[] {
  return scale === 'speed' ? samples.map((v) => v * factor) : samples.map((v) => v / factor);
}

export interface Calibration {
  /** head reference speed ÷ base reference speed: how much faster the head's machine ran the reference. */
  factor: number;
  metric: string;
  baseReference: number;
  headReference: number;
  note: string;
}

/**
 * The factor that brings base samples to the head run's machine speed; null unless both runs measured the reference.
 * The base is rescaled, not the head, so the head's numbers stay the ones measured (and the min/max limits are
 * checked on what the PR really did).
 */
export function calibrationBetween(base: Results, head: Results): Calibration | null {
  const b = referenceSpeed(base);
  const h = referenceSpeed(head);
  if (!b || !h || b.metric !== h.metric) return null;
  const factor = h.median / b.median;
  const pct = ((factor - 1) * 100).toFixed(1);
  return {
    factor,
    metric: b.metric,
    baseReference: b.median,
    headReference: h.median,
    note:
      `calibrated: reference ${b.metric} median ${fmt(b.median)} (base) vs ${fmt(h.median)} (head); ` +
      `base speeds and latencies rescaled by ${factor >= 1 ? '+' : ''}${pct}% to the head machine's speed`,
  };
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
