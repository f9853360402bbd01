// Change points and drift on seeded series of run medians with known steps (the shape of bench:history's check).
import { describe, expect, it } from 'vitest';
import { changePoints, drift } from '../src/compare/trend.js';
import { seededRandom } from '../src/stats/random.js';

function series(seed: number, n: number, steps: Array<[number, number]> = [], noise = 0.03, slopePerRun = 0): number[] {
  const rng = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: n }, (_, i) => {
    let level = 100 * (1 + slopePerRun * i);
    for (const [at, change] of steps) if (i >= at) level *= 1 + change;
    return level * (1 + noise * gauss());
  });
}

describe('changePoints', () => {
  it('a 10% step at run 60 of 100 is found within 2 runs, with its size', () => {
    const cps = changePoints(series(1, 100, [[60, -0.1]]));
    expect(cps).toHaveLength(1);
    expect(Math.abs(cps[0]!.index - 60)).toBeLessThanOrEqual(2);
    expect(cps[0]!.change).toBeGreaterThan(-0.13);
    expect(cps[0]!.change).toBeLessThan(-0.07);
    expect(cps[0]!.pValue).toBeLessThan(0.001);
  });

  it('two steps are both found', () => {
    const cps = changePoints(
      series(2, 120, [
        [30, 0.1],
        [80, -0.15],
      ]),
    );
    expect(cps.map((c) => c.index).every((i, k) => Math.abs(i - [30, 80][k]!) <= 2)).toBe(true);
    expect(cps).toHaveLength(2);
  });

  it('over 100 seeded flat series of 100 runs (3% noise), false change points stay rare', () => {
    let falses = 0;
    for (let seed = 100; seed < 200; seed++) falses += changePoints(series(seed, 100)).length;
    // Per 1,000 runs: fewer than 2 (that is < 20 over these 10,000 runs).
    expect(falses).toBeLessThan(20);
  });

  it('5% steps are found within 2 runs in most seeded series', () => {
    let hits = 0;
    for (let seed = 300; seed < 340; seed++) {
      const cps = changePoints(series(seed, 100, [[50, -0.05]]));
      if (cps.some((c) => Math.abs(c.index - 50) <= 2)) hits++;
    }
    expect(hits / 40).toBeGreaterThan(0.8);
  });
});

describe('drift', () => {
  it('−9% over 40 runs without a single step is a significant drift; a flat series is not', () => {
    const d = drift(series(5, 40, [], 0.01, -0.09 / 39));
    expect(d!.significant).toBe(true);
    expect(d!.totalChange).toBeCloseTo(-0.09, 1);
    expect(
      changePoints(series(5, 40, [], 0.01, -0.09 / 39), { minMagnitude: 0.05 }).every((c) => Math.abs(c.change) < 0.09),
    ).toBe(true);
    expect(drift(series(6, 40))!.significant).toBe(false);
    expect(drift([1, 2, 3])).toBeUndefined();
  });
});
