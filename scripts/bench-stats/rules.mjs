// The comparison rules bench:stats measures, each as: draw a trial from the real data (seeded), then decide it with the
// product's own decision functions for a given metric and injected slowdown.
import { SCALE } from './data.mjs';

const DIRECTION = { decode_tps: 'higher', ttft_ms: 'lower' };

/** A slowdown s: speeds × (1 − s), times ÷ (1 − s). */
export function slow(values, metric, s) {
  if (s === 0) return values;
  return SCALE[metric] === 'speed' ? values.map((v) => v * (1 - s)) : values.map((v) => v / (1 - s));
}

/** Speeds × factor, times ÷ factor: values as if measured on a machine `factor` times as fast. */
function rescale(values, metric, factor) {
  return SCALE[metric] === 'speed' ? values.map((v) => v * factor) : values.map((v) => v / factor);
}

function pick(random, n) {
  return Math.floor(random() * n);
}

/** k distinct indices of [0, n) in random order. */
function distinct(random, n, k) {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + pick(random, n - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k);
}

function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** n consecutive rounds of a run, starting at a random round: what a run of n repetitions would have measured. */
function window(random, run, n) {
  if (run.rounds.length < n) throw new Error(`${run.name} has ${run.rounds.length} rounds, fewer than n = ${n}`);
  const start = pick(random, run.rounds.length - n + 1);
  return run.rounds.slice(start, start + n);
}

const column = (rounds, key) => rounds.map((r) => r[key]);

/**
 * The A/B rules: n blocks from one interleaved A/A session, sides randomly swapped, the slowdown applied to the head;
 * decided by blockLogRatios + decidePaired with the given paired options. Emulated designs, from the same rounds:
 * `perBlock` > 1 merges that many consecutive rounds into one block (a runner that runs each side several times per
 * block); `balanced` takes, from a stretch of consecutive rounds, as many rounds where the head went first as rounds
 * where the base did (a runner that alternates the order instead of shuffling it).
 */
export function abRule({ name, key, perBlock = 1, balanced = false, paired = {} }) {
  return {
    name,
    key,
    balanced,
    family: 'ab',
    costPerSide: (n) => n * perBlock,
    distinctTrials: (data, n) =>
      data.abSessions.reduce((sum, s) => sum + 2 * Math.max(0, s.rounds.length - n * perBlock + 1), 0),
    draw(random, data, n) {
      const session = data.abSessions[pick(random, data.abSessions.length)];
      const len = n * perBlock;
      if (session.rounds.length < len)
        throw new Error(`${session.name} has ${session.rounds.length} rounds, fewer than ${len}`);
      const swap = random() < 0.5;
      if (!balanced) {
        const start = pick(random, session.rounds.length - len + 1);
        return { rounds: session.rounds.slice(start, start + len), swap };
      }
      for (let attempt = 0; attempt < 1000; attempt++) {
        const start = pick(random, session.rounds.length - len + 1);
        const first = { head: [], base: [] };
        for (
          let i = start;
          i < session.rounds.length && (first.head.length < len / 2 || first.base.length < len / 2);
          i++
        ) {
          const r = session.rounds[i];
          const list = first[r.headFirst ? 'head' : 'base'];
          if (list.length < len / 2) list.push(r);
        }
        if (first.head.length === len / 2 && first.base.length === len / 2) {
          // Alternate the two kinds so that merged blocks (perBlock 2) hold one of each: ABBA.
          return { rounds: first.head.flatMap((r, i) => [r, first.base[i]]), swap };
        }
      }
      throw new Error(`${session.name}: no stretch with ${len / 2} rounds of each order`);
    },
    decide(C, trial, metric, s, rule) {
      const blocks = trial.rounds.map((_, i) => Math.floor(i / perBlock));
      const baseKey = trial.swap ? 'head' : 'base';
      const headKey = trial.swap ? 'base' : 'head';
      const base = { samples: trial.rounds.map((r) => r[baseKey][metric]), blocks };
      const head = {
        samples: slow(
          trial.rounds.map((r) => r[headKey][metric]),
          metric,
          s,
        ),
        blocks,
      };
      const pairing = C.blockLogRatios(base, head);
      return C.decidePaired(pairing.logRatios, rule, { iterations: 1, ...paired }).verdict;
    },
    /** The block log ratios of a trial without injected change (for the sensitivity check). */
    logRatios(C, trial, metric) {
      const blocks = trial.rounds.map((_, i) => Math.floor(i / perBlock));
      const side = (k) => ({
        samples: trial.rounds.map((r) => r[trial.swap ? (k === 'base' ? 'head' : 'base') : k][metric]),
        blocks,
      });
      return C.blockLogRatios(side('base'), side('head')).logRatios;
    },
  };
}

/** Run vs stored run: two distinct runs, each a random window of n repetitions; the later-drawn one is the head. */
function storedPairDraw(random, data, n) {
  const [i, j] = distinct(random, data.runs.length, 2);
  return { base: window(random, data.runs[i], n), head: window(random, data.runs[j], n) };
}
const pairCount = (data) => data.runs.length * (data.runs.length - 1);

export const naiveRule = {
  name: 'stored baseline: Mann-Whitney run vs run (naive)',
  family: 'stored',
  costPerSide: (n) => n,
  distinctTrials: pairCount,
  draw: storedPairDraw,
  decide(C, t, metric, s, rule) {
    return C.decideIndependent(column(t.base, metric), slow(column(t.head, metric), metric, s), rule, { iterations: 1 })
      .verdict;
  },
};

/** The product's calibration: base rescaled by head reference median ÷ base reference median (each run's own rounds). */
export const calibratedRule = {
  name: 'stored baseline + calibration (reference-rescaled)',
  family: 'stored',
  costPerSide: (n) => n,
  distinctTrials: pairCount,
  draw: storedPairDraw,
  decide(C, t, metric, s, rule) {
    const factor = medianOf(column(t.head, 'reference')) / medianOf(column(t.base, 'reference'));
    return C.decideIndependent(
      rescale(column(t.base, metric), metric, factor),
      slow(column(t.head, metric), metric, s),
      rule,
      { iterations: 1 },
    ).verdict;
  },
};

/** k stored runs' medians → prediction interval for the head run's median (decideHistory), optionally calibrated. */
export function historyRule({ k, calibrated }) {
  return {
    name: `stored history of ${k} runs${calibrated ? ' + calibration' : ''} (prediction interval)`,
    family: 'stored',
    costPerSide: (n) => n,
    distinctTrials: (data) => {
      let c = data.runs.length;
      for (let i = 1; i <= k; i++) c *= data.runs.length - i;
      return c; // ordered: head, then the history (its order does not matter, so this over-counts by k!)
    },
    draw(random, data, n) {
      if (data.runs.length < k + 1)
        throw new Error(`history of ${k} runs needs ${k + 1} runs, the collection has ${data.runs.length}`);
      const ids = distinct(random, data.runs.length, k + 1);
      return {
        head: window(random, data.runs[ids[0]], n),
        history: ids.slice(1).map((i) => window(random, data.runs[i], n)),
      };
    },
    decide(C, t, metric, s, rule) {
      const headRef = medianOf(column(t.head, 'reference'));
      const medians = t.history.map((w) => {
        const values = column(w, metric);
        return medianOf(calibrated ? rescale(values, metric, headRef / medianOf(column(w, 'reference'))) : values);
      });
      return C.decideHistory(medians, slow(column(t.head, metric), metric, s), rule, { iterations: 1 }).verdict;
    },
  };
}

/**
 * github-action-benchmark: one number per run (here the run's median) against the previous run's number; an alarm
 * when the change in the bad direction exceeds `ratio` (2 = its default 200%).
 */
export function gabRule(ratio, label) {
  return {
    name: label ?? `github-action-benchmark, last vs last at ${Math.round(ratio * 100)}%`,
    // One key for every threshold: the same draws, so a threshold found on the A/A draws is judged on them.
    key: 'github-action-benchmark',
    family: 'gab',
    ratio,
    costPerSide: (n) => n,
    distinctTrials: pairCount,
    draw: storedPairDraw,
    decide(C, t, metric, s) {
      return C.decideRatioRule(
        medianOf(column(t.base, metric)),
        medianOf(slow(column(t.head, metric), metric, s)),
        DIRECTION[metric],
        ratio,
      );
    },
    /** How much worse the head's number is than the base's (what the rule compares with `ratio`). */
    worse(t, metric) {
      const b = medianOf(column(t.base, metric));
      const h = medianOf(column(t.head, metric));
      return DIRECTION[metric] === 'higher' ? b / h : h / b;
    },
  };
}

export function ruleFor(metric, alpha, minEffect) {
  return { direction: DIRECTION[metric], alpha, threshold: minEffect, minSamples: 4 };
}
