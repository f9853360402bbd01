// Trend statistics for soaks, against scipy (scripts/gen-trend-fixtures.py wrote the reference values).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { downsampleIndices, mannKendall, normalQuantile, theilSen, wilsonInterval } from '../src/stats/trend.js';

interface Fixture {
  theilsen: Array<{ x: number[]; y: number[]; slope: number; intercept: number; low: number; high: number }>;
  mannkendall: Array<{ y: number[]; s: number; z: number; p: number }>;
  ppf: Array<{ p: number; x: number }>;
  wilson: Array<{ k: number; n: number; low: number; high: number }>;
}
const ref = JSON.parse(readFileSync(new URL('./fixtures/stats/trend.json', import.meta.url), 'utf8')) as Fixture;

const close = (actual: number, expected: number, rel = 1e-9): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
};

describe('trend statistics agree with scipy', () => {
  it.each(ref.theilsen.map((c, i) => [i, c] as const))('theilSen #%i = scipy.stats.theilslopes', (_i, c) => {
    const t = theilSen(c.x, c.y, 0.95);
    close(t.slope, c.slope);
    close(t.intercept, c.intercept);
    close(t.low, c.low);
    close(t.high, c.high);
  });

  it.each(ref.mannkendall.map((c, i) => [i, c] as const))('mannKendall #%i: S, z and p', (_i, c) => {
    const m = mannKendall(c.y);
    expect(m.s).toBe(c.s);
    close(m.z, c.z);
    close(m.pValue, c.p, 1e-8);
  });

  it('normalQuantile = scipy.stats.norm.ppf', () => {
    for (const c of ref.ppf) close(normalQuantile(c.p), c.x, 1e-10);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it('wilsonInterval = scipy binomtest(...).proportion_ci(method="wilson")', () => {
    for (const c of ref.wilson) {
      const [low, high] = wilsonInterval(c.k, c.n);
      close(low, c.low, 1e-9);
      close(high, c.high, 1e-9);
    }
  });
});

describe('trend edge cases', () => {
  it('a flat series has no trend; a rising one a significant one', () => {
    expect(mannKendall([5, 5, 5, 5, 5])).toMatchObject({ s: 0, z: 0, pValue: 1 });
    const rising = Array.from({ length: 30 }, (_, i) => i + (i % 3) * 0.1);
    expect(mannKendall(rising).pValue).toBeLessThan(1e-6);
    expect(
      theilSen(
        rising.map((_, i) => i),
        rising,
      ).slope,
    ).toBeCloseTo(1, 1);
  });

  it('downsampling keeps the first and last points and at most max', () => {
    expect(downsampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const idx = downsampleIndices(43_200, 100);
    expect(idx.length).toBeLessThanOrEqual(100);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(43_199);
  });

  it('mismatched lengths are refused', () => {
    expect(() => theilSen([1, 2], [1])).toThrow(/2 x values but 1 y values/);
  });
});
