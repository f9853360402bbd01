// Turns the cached results files of bench:stats into plain arrays: per run its samples and reference samples by
// round, per A/A session its rounds with both sides and which side went first.

export const METRICS = ['decode_tps', 'ttft_ms'];

/** Speeds scale with (1 − s) under a slowdown s, times with 1 ÷ (1 − s). */
export const SCALE = { decode_tps: 'speed', ttft_ms: 'time' };

function byBlock(samples, blocks) {
  const map = new Map();
  samples.forEach((v, i) => map.set(blocks[i], v));
  return map;
}

/**
 * A run of one config: `rounds[i]` holds the case's metrics and the reference's decode_tps of round i (rounds where
 * either failed are left out, so every round has both).
 */
function runOf(session) {
  const r = session.results;
  const c = r.cases[0];
  if (!r.calibration)
    throw new Error(`${session.file}: no calibration samples (the run must measure the reference workload)`);
  const ref = byBlock(r.calibration.samples.decode_tps, r.calibration.blocks);
  const perMetric = Object.fromEntries(METRICS.map((m) => [m, byBlock(c.samples[m], c.blocks)]));
  const rounds = [];
  for (const block of [...new Set(c.blocks)].sort((a, b) => a - b)) {
    if (!ref.has(block) || METRICS.some((m) => !perMetric[m].has(block))) continue;
    rounds.push({
      block,
      ...Object.fromEntries(METRICS.map((m) => [m, perMetric[m].get(block)])),
      reference: ref.get(block),
    });
  }
  return { name: session.name, startedAt: session.startedAt, rounds };
}

/**
 * An A/A session: `rounds[i]` = { base: {metric: value}, head: {…}, headFirst } for rounds both sides finished. The
 * order comes from the run's event log (samples are appended as they are measured).
 */
function abOf(session) {
  const [a, b] = session.results.cases;
  const base = a.side === 'base' ? a : b;
  const head = a.side === 'base' ? b : a;
  const firstSide = new Map();
  for (const e of session.events)
    if (e.type === 'sample' && !firstSide.has(e.repetition)) firstSide.set(e.repetition, e.side);
  const sides = {
    base: Object.fromEntries(METRICS.map((m) => [m, byBlock(base.samples[m], base.blocks)])),
    head: Object.fromEntries(METRICS.map((m) => [m, byBlock(head.samples[m], head.blocks)])),
  };
  const rounds = [];
  for (const block of [...new Set([...base.blocks, ...head.blocks])].sort((x, y) => x - y)) {
    if (METRICS.some((m) => !sides.base[m].has(block) || !sides.head[m].has(block))) continue;
    rounds.push({
      block,
      base: Object.fromEntries(METRICS.map((m) => [m, sides.base[m].get(block)])),
      head: Object.fromEntries(METRICS.map((m) => [m, sides.head[m].get(block)])),
      headFirst: firstSide.get(block) === 'head',
    });
  }
  return { name: session.name, startedAt: session.startedAt, rounds };
}

export function extract(collection) {
  return {
    runs: collection.sessions.filter((s) => s.kind === 'run').map(runOf),
    abSessions: collection.sessions.filter((s) => s.kind === 'ab').map(abOf),
  };
}
