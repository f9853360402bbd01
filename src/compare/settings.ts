// Comparison settings (the `compare` and `gates` sections of bench.yml, already parsed) and which metrics gate a merge.
import type { Direction } from '../schema/metrics.js';

export interface GateInput {
  /** Smallest relative change in the bad direction that counts as a regression (0.05 = 5%); replaces min_effect. */
  regression?: number;
  min?: number;
  max?: number;
}

/** The shapes src/config/schema.ts produces: percentages are fractions already. */
export interface CompareSettingsInput {
  alpha: number;
  min_effect: number;
  headline: string;
  gates: Record<string, GateInput>;
}

export interface CompareOptions {
  /** Stamped into the verdict's created_at: the core reads no clock. */
  now: Date;
  /** Seed of the bootstrap; each case and metric derives its own stream from it, so reruns are identical. */
  seed?: number;
  /** Bootstrap resamples (default 2000). */
  iterations?: number;
  /** Coverage of the confidence intervals (default 0.95). */
  confidence?: number;
}

/** Fewer samples than this on either side: reported, never judged (DESIGN.md "Statistics"). */
export const MIN_SAMPLES = 4;

/**
 * Metrics that gate when bench.yml has no `gates`: the throughput, latency and reliability numbers a user of an
 * inference stack cares about. Left out: tpot_ms and itl_* (they restate decode_tps and e2e_ms, and gating on
 * restatements multiplies false alarms), load_ms (disk and page cache dominate it), memory, temperature and
 * counts (reported for the reader, too machine-dependent to fail a PR on by default), and custom metrics (a
 * user gates them by listing them under `gates`).
 */
export const DEFAULT_GATED_METRICS: readonly string[] = ['decode_tps', 'prefill_tps', 'ttft_ms', 'e2e_ms', 'success_rate', 'request_tps', 'output_tps'];

export function hasExplicitGates(settings: CompareSettingsInput): boolean {
  return Object.keys(settings.gates).length > 0;
}

/**
 * Whether a metric's verdict can fail the check. With `gates` in the config exactly the metrics listed there,
 * otherwise DEFAULT_GATED_METRICS. A metric without direction is never judged, so it gates only through an
 * explicit `min`/`max` limit the user wrote for it.
 */
export function isGated(metric: string, direction: Direction, settings: CompareSettingsInput): boolean {
  const gate = settings.gates[metric];
  if (direction === 'none') return gate?.min !== undefined || gate?.max !== undefined;
  return hasExplicitGates(settings) ? gate !== undefined : DEFAULT_GATED_METRICS.includes(metric);
}

/** The smallest relative change that counts for a metric: its own `regression` gate, else min_effect. */
export function thresholdFor(metric: string, settings: CompareSettingsInput): number {
  return settings.gates[metric]?.regression ?? settings.min_effect;
}

export function checkSettings(settings: CompareSettingsInput): void {
  if (!(settings.alpha > 0 && settings.alpha < 1)) throw new RangeError(`compare: alpha must be between 0 and 1 (got ${settings.alpha})`);
  if (!(settings.min_effect >= 0)) throw new RangeError(`compare: min_effect must be ≥ 0 (got ${settings.min_effect})`);
  for (const [metric, gate] of Object.entries(settings.gates)) {
    if (gate.regression !== undefined && !(gate.regression >= 0)) throw new RangeError(`compare: gates.${metric}.regression must be ≥ 0`);
  }
}

/**
 * The settings of a parsed bench.yml (its `compare` and `gates`), or the built-in defaults (DESIGN.md
 * "Statistics") without one. Shared by the CLI and the action.
 */
export function compareSettings(config?: { compare: { alpha: number; min_effect: number; headline: string }; gates: Record<string, GateInput> }): CompareSettingsInput {
  return {
    alpha: config?.compare.alpha ?? 0.05,
    min_effect: config?.compare.min_effect ?? 0.03,
    headline: config?.compare.headline ?? 'decode_tps',
    gates: config?.gates ?? {},
  };
}
