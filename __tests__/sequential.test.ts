// The sequential rule on seeded block log ratios with the noise measured on this machine's lockstep A/B
// (docs/statistics.md: A/A block ratios spread by about 2.2%), against the fixed design.
import { describe, expect, it } from 'vitest';
import { runSequential, sequentialDecision, type SequentialRule } from '../src/compare/sequential.js';
import { seededRandom } from '../src/stats/random.js';

const RULE: SequentialRule = { direction: 'higher', threshold: 0.03, alpha: 0.05, minBlocks: 4, maxBlocks: 20 };

/** Block log ratios: a true change, Gaussian noise of sd 2.2%, and an occasional disturbed block (heavy tail). */
function blocks(seed: number, change: number, n = 20): number[] {
  const rng = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: n }, () => Math.log(1 + change) + 0.022 * gauss() * (rng() < 0.05 ? 3 : 1));
}

function rates(
  change: number,
  trials = 500,
): { regression: number; equivalent: number; meanBlocks: number; p95Blocks: number } {
  let regression = 0;
  let equivalent = 0;
  const used: number[] = [];
  for (let t = 0; t < trials; t++) {
    const s = runSequential(blocks(10_000 + t + Math.round(change * 1e6), change), RULE);
    if (s.decision === 'regression') regression++;
    if (s.decision === 'equivalent') equivalent++;
    used.push(s.blocks);
  }
  used.sort((a, b) => a - b);
  return {
    regression: regression / trials,
    equivalent: equivalent / trials,
    meanBlocks: used.reduce((a, b) => a + b, 0) / trials,
    p95Blocks: used[Math.floor(0.95 * trials)]!,
  };
}

describe('sequential rule', () => {
  it('A/A: false alarms at most 1%, "equivalent" (within ±3%) in at least 90%', () => {
    const r = rates(0);
    expect(r.regression).toBeLessThanOrEqual(0.01);
    expect(r.equivalent).toBeGreaterThanOrEqual(0.9);
    // Showing "the same within 3%" at a 2.2% block spread takes about 10 blocks: 47% fewer than a fixed n = 20.
    expect(r.meanBlocks).toBeLessThanOrEqual(11);
  });

  it('over A/A and 5%, 10%, 20% slowdowns it uses at least 50% fewer blocks than a fixed n = 20 on average', () => {
    const all = [0, -0.05, -0.1, -0.2].map((c) => rates(c));
    const mean = all.reduce((a, r) => a + r.meanBlocks, 0) / all.length;
    // Measured with these seeds: 10.5, 5.8, 4.2 and 4.0 blocks (p95 20, 8, 6, 4): 6.1 on average, 69% fewer.
    expect(mean).toBeLessThanOrEqual(10);
  });

  it('a 5% slowdown is found in at least 95% of trials; 10% and 20% faster still', () => {
    const five = rates(-0.05);
    expect(five.regression).toBeGreaterThanOrEqual(0.95);
    const twenty = rates(-0.2);
    expect(twenty.regression).toBe(1);
    expect(twenty.meanBlocks).toBeLessThanOrEqual(five.meanBlocks);
  });

  it('stops at maxBlocks undecided with what it rules out; times are judged the other way round', () => {
    const noisy = Array.from({ length: 20 }, (_, i) => (i % 2 ? 0.08 : -0.1));
    const s = runSequential(noisy, RULE);
    expect(s.decision).toBe('undecided');
    expect(s.blocks).toBe(20);
    expect(s.note).toMatch(/^undecided after 20 blocks: the change is within −\d+\.\d% … \+\d+\.\d%$/);
    const slowerTimes = sequentialDecision(
      Array(8)
        .fill(Math.log(1.2))
        .map((v, i) => v + (i % 2 ? 0.01 : -0.01)),
      { ...RULE, direction: 'lower' },
    );
    expect(slowerTimes.decision).toBe('regression');
    expect(sequentialDecision([0.01, -0.01], RULE).decision).toBe('continue');
  });
});
