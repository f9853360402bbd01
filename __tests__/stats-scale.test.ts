// The statistics at soak-run scale (issue 10): the O(n log n) paths give the values of the O(n²)-ish ones they replace,
// and the large-sample intervals (order-statistic bootstrap of medians, t interval of a mean) keep their coverage.
// Seeded and deterministic; speed is measured by `npm run bench:compare`, not here.
import { median as mathjsMedian, quantileSeq, mean as mathjsMean } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { blockLogRatios, decideIndependent, decidePaired } from '../src/compare/decide.js';
import {
  averageRanks,
  betaVariate,
  bootstrapCentreCI,
  bootstrapMedianDraw,
  bootstrapRatioCI,
  gammaVariate,
  mannWhitneyExactCdfProduct,
  mannWhitneyExactCdfTable,
  mannWhitneyU,
  MANN_WHITNEY_EXACT_TABLE_MAX,
  mean,
  median,
  medianInPlace,
  normalVariate,
  pooledRankSum,
  quantile,
  regularizedBeta,
  RESAMPLE_MAX,
  seededRandom,
  selectInPlace,
  signFlipTest,
  sortedCopy,
  wilcoxonSignedRank,
  type Random,
} from '../src/stats/index.js';

/** n values on a 0.001 grid (so distinct values are never within mathjs' 1e-12 comparison tolerance), with ties. */
function gridSample(random: Random, n: number, centre = 100, spread = 0.2): number[] {
  return Array.from({ length: n }, () => Math.round(centre * Math.exp(spread * normalVariate(random)) * 1000) / 1000);
}

describe('linear-time descriptive statistics equal mathjs', () => {
  const random = seededRandom(101);
  const sizes = [1, 2, 3, 4, 5, 16, 17, 64, 65, 100, 101, 1000, 4999, 5000];

  it.each(sizes)('median, quantiles and mean of %i values', (n) => {
    for (const data of [
      gridSample(random, n),
      gridSample(random, n, 10, 0.01),
      Array.from({ length: n }, (_, i) => i % 3),
    ]) {
      expect(median(data)).toBe(mathjsMedian(data));
      expect(mean(data)).toBe(mathjsMean(data));
      for (const q of [0, 0.01, 0.025, 0.25, 0.5, 0.9, 0.975, 0.99, 1])
        expect(quantile(data, q)).toBe(quantileSeq(data, q) as unknown as number);
      expect(medianInPlace(Float64Array.from(data))).toBe(median(data));
    }
  });

  it('NaN gives NaN, as mathjs; an empty sample and a probability outside [0, 1] are errors', () => {
    expect(median([1, Number.NaN, 3])).toBeNaN();
    expect(quantile([1, Number.NaN, 3], 0.3)).toBeNaN();
    expect(() => median([])).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
  });

  it('selectInPlace puts the k-th smallest value at k, smaller ones before and larger ones after, on hostile orders', () => {
    const n = 2001;
    const orders: Record<string, number[]> = {
      ascending: Array.from({ length: n }, (_, i) => i),
      descending: Array.from({ length: n }, (_, i) => n - i),
      equal: Array.from({ length: n }, () => 7),
      'organ pipe': Array.from({ length: n }, (_, i) => Math.min(i, n - i)),
      'two values': Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 0)),
      random: gridSample(random, n),
    };
    for (const [name, data] of Object.entries(orders)) {
      const sorted = Float64Array.from(data).sort();
      for (const k of [0, 1, 500, 1000, 1999, 2000]) {
        const buf = Float64Array.from(data);
        expect(selectInPlace(buf, k), `${name} k=${k}`).toBe(sorted[k]);
        for (let i = 0; i < k; i++) expect(buf[i]! <= buf[k]!).toBe(true);
        for (let i = k + 1; i < n; i++) expect(buf[i]! >= buf[k]!).toBe(true);
      }
    }
    expect(() => selectInPlace(new Float64Array(3), 3)).toThrow(RangeError);
  });
});

describe('rank sums by merging sorted samples', () => {
  it('equal the sum of averageRanks and give the same tie groups, ties and ±0 included', () => {
    const random = seededRandom(7);
    for (const [nx, ny] of [
      [1, 1],
      [3, 9],
      [50, 40],
      [1000, 3000],
    ] as const) {
      const x = [...gridSample(random, nx, 1, 0.5).map((v) => Math.round(v * 10) / 10), ...(nx > 2 ? [0, -0] : [])];
      const y = [...gridSample(random, ny, 1, 0.5).map((v) => Math.round(v * 10) / 10), -0];
      const { ranks, tieCounts } = averageRanks([...x, ...y]);
      const expected = ranks.slice(0, x.length).reduce((s, r) => s + r, 0);
      const pooled = pooledRankSum(sortedCopy(x), sortedCopy(y));
      expect(pooled.rankSum).toBe(expected);
      expect(pooled.tieCounts).toEqual(tieCounts);
    }
  });

  it('Wilcoxon R+ and R− equal the sums of the ranks of |d| by sign', () => {
    const random = seededRandom(8);
    const d = Array.from({ length: 5000 }, () => Math.round(normalVariate(random) * 20) / 10 + 0.05);
    const nonZero = d.filter((v) => v !== 0);
    const { ranks } = averageRanks(nonZero.map(Math.abs));
    let rPlus = 0;
    let rMinus = 0;
    nonZero.forEach((v, i) => (v > 0 ? (rPlus += ranks[i]!) : (rMinus += ranks[i]!)));
    const res = wilcoxonSignedRank(d);
    expect(res.rPlus).toBe(rPlus);
    expect(res.rMinus).toBe(rMinus);
    expect(res.method).toBe('asymptotic');
  });
});

describe('exact Mann-Whitney distribution for one small and one large sample', () => {
  it('the product formula agrees with the q-Pascal table', () => {
    for (let m = 1; m <= 8; m++) {
      for (const n of [1, 5, 20, 100, MANN_WHITNEY_EXACT_TABLE_MAX + 1]) {
        for (const frac of [0, 0.05, 0.2, 0.37, 0.5]) {
          const k = Math.floor(frac * m * n);
          const table = mannWhitneyExactCdfTable(k, m, n);
          const product = mannWhitneyExactCdfProduct(k, n, m);
          expect(Math.abs(product - table) / table, `m=${m} n=${n} k=${k}`).toBeLessThan(1e-10);
        }
      }
    }
  });

  it('a sample of 5 against 200,000 uses the exact test and lands near the normal approximation', () => {
    const big = Array.from({ length: 200_000 }, (_, i) => (i + 0.5) / 200_000); // no ties: the exact test applies
    const small = [0.41, 0.52, 0.58, 0.63, 0.7];
    const exact = mannWhitneyU(small, big);
    const asymptotic = mannWhitneyU(small, big, { method: 'asymptotic' });
    expect(exact.method).toBe('exact');
    expect(exact.u).toBe(asymptotic.u);
    expect(exact.pValue).toBeGreaterThan(0);
    expect(Math.abs(exact.pValue - asymptotic.pValue)).toBeLessThan(0.05);
  });
});

describe('random variates', () => {
  it('gamma and beta variates have the right mean and variance, and repeat for a seed', () => {
    const random = seededRandom(10);
    for (const shape of [0.5, 1, 3.5, 1e5]) {
      const xs = Array.from({ length: 20_000 }, () => gammaVariate(random, shape));
      const m = xs.reduce((s, v) => s + v, 0) / xs.length;
      const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(m - shape) / Math.sqrt(shape / xs.length)).toBeLessThan(4); // mean shape, sd √shape
      expect(v / shape).toBeGreaterThan(0.9);
      expect(v / shape).toBeLessThan(1.1);
    }
    const b = Array.from({ length: 20_000 }, () => betaVariate(random, 2, 5));
    expect(Math.abs(b.reduce((s, v) => s + v, 0) / b.length - 2 / 7)).toBeLessThan(0.005);
    const again = (seed: number): number[] => {
      const r = seededRandom(seed);
      return [gammaVariate(r, 2), betaVariate(r, 3, 4), normalVariate(r)];
    };
    expect(again(5)).toEqual(again(5));
    expect(() => gammaVariate(random, 0)).toThrow(RangeError);
  });
});

describe('order-statistic bootstrap of a median', () => {
  it('draws the exact bootstrap distribution of an odd sample median: P(median* ≤ x₍ⱼ₎) = P(Bin(n, j/n) ≥ (n+1)/2)', () => {
    const random = seededRandom(11);
    const n = 101;
    const sorted = sortedCopy(gridSample(random, n));
    const draws = Float64Array.from({ length: 40_000 }, () => bootstrapMedianDraw(random, sorted)).sort();
    const m = (n + 1) / 2;
    let worst = 0;
    for (let j = 30; j <= 70; j++) {
      const exact = regularizedBeta(j / n, m, n - m + 1); // P(Bin(n, j/n) ≥ m)
      let below = 0;
      while (below < draws.length && draws[below]! <= sorted[j - 1]!) below++;
      worst = Math.max(worst, Math.abs(below / draws.length - exact));
    }
    // 40,000 draws: the empirical CDF is within ~0.0025 (one s.d.) of the truth at each point.
    expect(worst).toBeLessThan(0.012);
  });

  it('matches literal resampling for an even sample with ties (two-sample Kolmogorov-Smirnov distance)', () => {
    const random = seededRandom(12);
    const data = gridSample(random, 100).map((v) => Math.round(v / 2) * 2);
    const sorted = sortedCopy(data);
    const buf = new Float64Array(data.length);
    const draws = 20_000;
    const a = Float64Array.from({ length: draws }, () => bootstrapMedianDraw(random, sorted)).sort();
    const b = Float64Array.from({ length: draws }, () => {
      for (let i = 0; i < buf.length; i++) buf[i] = data[Math.floor(random() * data.length)]!;
      return medianInPlace(buf);
    }).sort();
    let i = 0;
    let j = 0;
    let ks = 0;
    while (i < draws && j < draws) {
      const v = Math.min(a[i]!, b[j]!);
      while (i < draws && a[i]! <= v) i++;
      while (j < draws && b[j]! <= v) j++;
      ks = Math.max(ks, Math.abs(i - j) / draws);
    }
    // 1% critical value of the two-sample KS statistic for 20,000 + 20,000 draws: 1.63·√(2/20,000) ≈ 0.016.
    expect(ks).toBeLessThan(0.016);
  });

  it('is what the ratio interval uses above RESAMPLE_MAX values a side, and only there', () => {
    const random = seededRandom(13);
    const small = gridSample(random, RESAMPLE_MAX);
    const large = gridSample(random, RESAMPLE_MAX + 1);
    expect(bootstrapRatioCI(small, small, { seed: 2 })).toEqual(
      bootstrapRatioCI(small, small, { seed: 2, method: 'resample' }),
    );
    expect(bootstrapRatioCI(small, large, { seed: 2 })).toEqual(
      bootstrapRatioCI(small, large, { seed: 2, method: 'order-statistics' }),
    );
    expect(bootstrapRatioCI(small, large, { seed: 2 })).not.toEqual(
      bootstrapRatioCI(small, large, { seed: 2, method: 'resample' }),
    );
    expect(bootstrapRatioCI([0, 0, 0, 0], [1, 2, 3, 4], { method: 'order-statistics' })).toBeNull();
    expect(bootstrapRatioCI([0, 0, 0, 0], [0, 0, 0, 0], { method: 'order-statistics' })).toEqual([1, 1]);
    expect(() => bootstrapRatioCI(small, small, { method: 'fast' as never })).toThrow(RangeError);
  });

  it('covers a known ratio of medians about 95% of the time (200 seeded trials, 2,000 skewed values a side)', () => {
    const random = seededRandom(14);
    const trials = 200;
    let covered = 0;
    let sameAsResampling = 0;
    for (let t = 0; t < trials; t++) {
      // Log-normal with σ = 0.3: medians 100 and 90 exactly, so the true ratio is 0.9.
      const base = Array.from({ length: 2000 }, () => 100 * Math.exp(0.3 * normalVariate(random)));
      const head = Array.from({ length: 2000 }, () => 90 * Math.exp(0.3 * normalVariate(random)));
      const [lo, hi] = bootstrapRatioCI(base, head, { seed: t })!;
      if (lo <= 0.9 && 0.9 <= hi) covered++;
      if (t < 4) {
        // The same bootstrap as resampling value by value: endpoints within Monte Carlo noise of each other.
        const [rlo, rhi] = bootstrapRatioCI(base, head, { seed: t, method: 'resample', iterations: 2000 })!;
        if (Math.abs(lo - rlo) < 0.25 * (hi - lo) && Math.abs(hi - rhi) < 0.25 * (hi - lo)) sameAsResampling++;
      }
    }
    // Binomial(200, 0.95) lies in [183, 196] with probability ≈ 99%.
    expect(covered).toBeGreaterThanOrEqual(183);
    expect(covered).toBeLessThanOrEqual(197);
    expect(sameAsResampling).toBe(4);
  });
});

describe('order-statistic bootstrap just above the threshold', () => {
  it('covers a known ratio about 95% of the time with RESAMPLE_MAX + 1 tied (whole-number) values a side', () => {
    const random = seededRandom(21);
    const n = RESAMPLE_MAX + 1;
    let covered = 0;
    for (let t = 0; t < 200; t++) {
      const base = Array.from({ length: n }, () => Math.round(100 * Math.exp(0.3 * normalVariate(random))));
      const head = Array.from({ length: n }, () => Math.round(90 * Math.exp(0.3 * normalVariate(random))));
      const [lo, hi] = bootstrapRatioCI(base, head, { seed: t })!;
      if (lo <= 0.9 && 0.9 <= hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(183);
    expect(covered).toBeLessThanOrEqual(197);
  });
});

describe('paired intervals above RESAMPLE_MAX blocks', () => {
  it('the mean log ratio: a Student t interval that covers about 95% (200 seeded trials of 2,000 blocks)', () => {
    const random = seededRandom(15);
    const truth = Math.log(0.95);
    let covered = 0;
    let coveredMedian = 0;
    for (let t = 0; t < 200; t++) {
      // Heavy-ish tails: a mixture where one block in ten is three times as noisy.
      const logs = Array.from({ length: 2000 }, () => truth + (random() < 0.1 ? 0.15 : 0.05) * normalVariate(random));
      const [lo, hi] = bootstrapCentreCI(logs, { seed: t });
      if (lo <= truth && truth <= hi) covered++;
      const [mlo, mhi] = bootstrapCentreCI(logs, { seed: t, statistic: 'median' });
      if (mlo <= truth && truth <= mhi) coveredMedian++;
    }
    expect(covered).toBeGreaterThanOrEqual(183);
    expect(covered).toBeLessThanOrEqual(197);
    expect(coveredMedian).toBeGreaterThanOrEqual(183);
    expect(coveredMedian).toBeLessThanOrEqual(197);
  });

  it('agrees with the percentile bootstrap it replaces', () => {
    const random = seededRandom(16);
    const logs = Array.from({ length: 3000 }, () => -0.02 + 0.08 * normalVariate(random));
    const [lo, hi] = bootstrapCentreCI(logs, { seed: 1 });
    const [blo, bhi] = bootstrapCentreCI(logs, { seed: 1, method: 'resample', iterations: 4000 });
    expect(Math.abs(lo - blo)).toBeLessThan(0.1 * (hi - lo));
    expect(Math.abs(hi - bhi)).toBeLessThan(0.1 * (hi - lo));
  });

  it('the sign-flip test turns to its normal limit above 1000 differences, close to Monte Carlo', () => {
    const random = seededRandom(17);
    const d = Array.from({ length: 3000 }, () => 0.004 + 0.1 * normalVariate(random));
    const asymptotic = signFlipTest(d);
    const monteCarlo = signFlipTest(d, { maxMonteCarlo: Number.POSITIVE_INFINITY, iterations: 4000, seed: 3 });
    expect(asymptotic.method).toBe('asymptotic');
    expect(monteCarlo.method).toBe('monte-carlo');
    expect(Math.abs(asymptotic.pValue - monteCarlo.pValue)).toBeLessThan(0.03);
    expect(signFlipTest(new Array<number>(2000).fill(0))).toEqual({ pValue: 1, method: 'asymptotic' });
  });
});

describe('decisions at soak-run scale', () => {
  it('unblocked pairing by repetition equals pairing by explicit block indices', () => {
    const random = seededRandom(18);
    const base = gridSample(random, 3000);
    const head = [...gridSample(random, 2990), 0, 0];
    base[5] = 0;
    head[5] = 0;
    head[6] = 0;
    const byIndex = blockLogRatios({ samples: base }, { samples: head });
    const explicit = blockLogRatios(
      { samples: base, blocks: base.map((_, i) => i) },
      { samples: head, blocks: head.map((_, i) => i) },
    );
    expect(byIndex).toEqual(explicit);
    expect(byIndex.dropped).toBe(8 + 3); // 8 unmatched repetitions, 3 blocks with a zero on one side only
  });

  it('run vs run with 200,000 samples a side: asymptotic test, an interval around the true ratio', () => {
    const random = seededRandom(19);
    const base = Array.from({ length: 200_000 }, () => 100 * Math.exp(0.1 * normalVariate(random)));
    const head = Array.from({ length: 200_000 }, () => 96 * Math.exp(0.1 * normalVariate(random)));
    const d = decideIndependent(base, head, { direction: 'higher', alpha: 0.05, threshold: 0.03 }, { seed: 1 });
    expect(d.test).toBe('mann-whitney asymptotic');
    expect(d.verdict).toBe('regression');
    expect(d.ci![0]).toBeLessThan(0.96);
    expect(d.ci![1]).toBeGreaterThan(0.96);
    expect(d.ci![1] - d.ci![0]).toBeLessThan(0.004);
  });

  it('A/B with 200,000 blocks: Wilcoxon and the t interval of the mean log ratio', () => {
    const random = seededRandom(20);
    const logs = Array.from({ length: 200_000 }, () => Math.log(0.96) + 0.05 * normalVariate(random));
    const d = decidePaired(logs, { direction: 'higher', alpha: 0.05, threshold: 0.03 }, { seed: 1 });
    expect(d.test).toBe('wilcoxon asymptotic');
    expect(d.verdict).toBe('regression');
    expect(d.ci![0]).toBeLessThan(0.96);
    expect(d.ci![1]).toBeGreaterThan(0.96);
    const signFlip = decidePaired(
      logs,
      { direction: 'higher', alpha: 0.05, threshold: 0.03 },
      { seed: 1, test: 'sign-flip' },
    );
    expect(signFlip.test).toBe('sign-flip asymptotic');
    expect(signFlip.verdict).toBe('regression');
  });
});
