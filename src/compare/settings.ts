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
  /** On a pull request: whose gates these are (see gatesForPullRequest). */
  gatesFrom?: 'base' | 'head';
  /** On a pull request: what the PR's config changed in the gates, and what applied. */
  gateChanges?: string[];
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

/** Fewer samples than this on either side: reported, never judged (docs/design.md, docs/statistics.md). */
export const MIN_SAMPLES = 4;

/**
 * Metrics that gate when bench.yml has no `gates`: the throughput, latency and reliability numbers a user of an
 * inference stack cares about. Left out: tpot_ms and itl_* (they restate decode_tps and e2e_ms, and gating on
 * restatements multiplies false alarms), load_ms (disk and page cache dominate it), memory, temperature and
 * counts (reported for the reader, too machine-dependent to fail a PR on by default), and custom metrics (a
 * user gates them by listing them under `gates`).
 */
export const DEFAULT_GATED_METRICS: readonly string[] = [
  'decode_tps',
  'prefill_tps',
  'ttft_ms',
  'e2e_ms',
  'success_rate',
  'request_tps',
  'output_tps',
];

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
  if (!(settings.alpha > 0 && settings.alpha < 1))
    throw new RangeError(`compare: alpha must be between 0 and 1 (got ${settings.alpha})`);
  if (!(settings.min_effect >= 0)) throw new RangeError(`compare: min_effect must be ≥ 0 (got ${settings.min_effect})`);
  for (const [metric, gate] of Object.entries(settings.gates)) {
    if (gate.regression !== undefined && !(gate.regression >= 0))
      throw new RangeError(`compare: gates.${metric}.regression must be ≥ 0`);
  }
}

/**
 * The settings of a parsed bench.yml (its `compare` and `gates`), or the built-in defaults (docs/design.md
 * "Statistics") without one. Shared by the CLI and the action.
 */
export function compareSettings(config?: {
  compare: { alpha: number; min_effect: number; headline: string };
  gates: Record<string, GateInput>;
}): CompareSettingsInput {
  return {
    alpha: config?.compare.alpha ?? 0.05,
    min_effect: config?.compare.min_effect ?? 0.03,
    headline: config?.compare.headline ?? 'decode_tps',
    gates: config?.gates ?? {},
  };
}

type SettingsConfig = Parameters<typeof compareSettings>[0];

const pct = (f: number): string => `${Number((f * 100).toPrecision(3))}%`;

/** Every metric a settings object gates by direction, with its regression threshold (the default gates when none are listed). */
function gatedThresholds(settings: CompareSettingsInput): Map<string, number> {
  const out = new Map<string, number>();
  if (hasExplicitGates(settings)) {
    for (const metric of Object.keys(settings.gates)) out.set(metric, thresholdFor(metric, settings));
  } else {
    for (const metric of DEFAULT_GATED_METRICS) out.set(metric, settings.min_effect);
  }
  return out;
}

/**
 * The gates a pull request is judged by: the base branch's own, which the PR may tighten but never loosen. A PR that
 * raises a threshold, widens or removes a limit, removes a gated metric, raises min_effect or lowers alpha is judged by
 * the base's value, and each such change is listed ("this PR loosens decode_tps regression 5% → 50%; the base's 5%
 * applied"). Without a base config (the PR that adds llm-bench), the PR's gates apply and the list says so. This is a
 * security property: a PR cannot turn its own gate green.
 */
export function gatesForPullRequest(
  base: SettingsConfig | null,
  head: SettingsConfig,
  where = 'the base branch',
): CompareSettingsInput {
  const pr = compareSettings(head);
  if (!base) {
    return {
      ...pr,
      gatesFrom: 'head',
      gateChanges: [`${where} has no llm-bench config yet: this pull request's own gates applied`],
    };
  }
  const own = compareSettings(base);
  const changes: string[] = [];
  const loosened = (what: string, from: string, to: string, kept: string): void => {
    changes.push(`this PR loosens ${what} ${from} → ${to}; the base's ${kept} applied`);
  };
  const tightened = (what: string, from: string, to: string): void => {
    changes.push(`this PR tightens ${what} ${from} → ${to}; applied`);
  };
  // Thresholds by direction: the stricter (smaller) of base and PR for every metric the base gates; the PR may add more.
  const baseGated = gatedThresholds(own);
  const prGated = gatedThresholds(pr);
  const gates: Record<string, GateInput> = {};
  for (const [metric, threshold] of baseGated) {
    const theirs = prGated.get(metric);
    if (theirs === undefined) {
      changes.push(`this PR removes the ${metric} gate (regression ${pct(threshold)}); the base's gate applied`);
      gates[metric] = { regression: threshold };
    } else if (theirs > threshold) {
      loosened(`${metric} regression`, pct(threshold), pct(theirs), pct(threshold));
      gates[metric] = { regression: threshold };
    } else {
      if (theirs < threshold) tightened(`${metric} regression`, pct(threshold), pct(theirs));
      gates[metric] = { regression: theirs };
    }
  }
  for (const [metric, threshold] of prGated) {
    if (baseGated.has(metric)) continue;
    changes.push(`this PR adds the ${metric} gate (regression ${pct(threshold)}); applied`);
    gates[metric] = { regression: threshold };
  }
  // Limits: the base's bounds stay; a PR may raise a minimum or lower a maximum, or add a bound.
  const metrics = new Set([...Object.keys(own.gates), ...Object.keys(pr.gates)]);
  for (const metric of metrics) {
    const b = own.gates[metric] ?? {};
    const h = pr.gates[metric] ?? {};
    const gate = (gates[metric] ??= {});
    const min = pickBound('min', metric, b.min, h.min, changes);
    const max = pickBound('max', metric, b.max, h.max, changes);
    if (min !== undefined) gate.min = min;
    if (max !== undefined) gate.max = max;
    if (gate.regression === undefined && gate.min === undefined && gate.max === undefined) delete gates[metric];
  }
  // alpha: a smaller alpha makes regressions harder to call; min_effect: a larger one hides smaller regressions.
  let alpha = own.alpha;
  if (pr.alpha < own.alpha) loosened('compare.alpha', String(own.alpha), String(pr.alpha), String(own.alpha));
  else if (pr.alpha > own.alpha) {
    tightened('compare.alpha', String(own.alpha), String(pr.alpha));
    alpha = pr.alpha;
  }
  let minEffect = own.min_effect;
  if (pr.min_effect > own.min_effect)
    loosened('compare.min_effect', pct(own.min_effect), pct(pr.min_effect), pct(own.min_effect));
  else if (pr.min_effect < own.min_effect) {
    tightened('compare.min_effect', pct(own.min_effect), pct(pr.min_effect));
    minEffect = pr.min_effect;
  }
  if (pr.headline !== own.headline)
    changes.push(
      `this PR changes the headline metric ${own.headline} → ${pr.headline}; the base's ${own.headline} applied`,
    );
  // Written out in full, so a metric the base gated by default keeps gating once the PR lists explicit gates.
  return { alpha, min_effect: minEffect, headline: own.headline, gates, gatesFrom: 'base', gateChanges: changes };
}

function pickBound(
  kind: 'min' | 'max',
  metric: string,
  base: number | undefined,
  pr: number | undefined,
  changes: string[],
): number | undefined {
  if (base === undefined) {
    if (pr !== undefined) changes.push(`this PR adds ${metric} ${kind} ${pr}; applied`);
    return pr;
  }
  if (pr === undefined) {
    changes.push(`this PR removes ${metric} ${kind} ${base}; the base's ${kind} ${base} applied`);
    return base;
  }
  const stricter = kind === 'min' ? Math.max(base, pr) : Math.min(base, pr);
  if (stricter !== pr) changes.push(`this PR loosens ${metric} ${kind} ${base} → ${pr}; the base's ${base} applied`);
  else if (pr !== base) changes.push(`this PR tightens ${metric} ${kind} ${base} → ${pr}; applied`);
  return stricter;
}
