// Mid-ranks with tie groups, shared by the Mann-Whitney and Wilcoxon tests (scipy's rankdata 'average').

export interface Ranking {
  /** Rank of each input value, 1-based; tied values share the mean of their ranks. */
  ranks: number[];
  /** Size of every group of equal values (1 for a value without ties), in sorted order. */
  tieCounts: number[];
}

export function averageRanks(values: readonly number[]): Ranking {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const ranks = new Array<number>(values.length);
  const tieCounts: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i + 1;
    while (j < order.length && values[order[j]!] === values[order[i]!]) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = midRank;
    tieCounts.push(j - i);
    i = j;
  }
  return { ranks, tieCounts };
}

/** Σ (t³ − t) over tie groups: the variance correction both rank tests use. */
export function tieTerm(tieCounts: readonly number[]): number {
  let sum = 0;
  for (const t of tieCounts) sum += t * t * t - t;
  return sum;
}

export function hasTies(tieCounts: readonly number[]): boolean {
  return tieCounts.some((t) => t > 1);
}

export interface PooledRanks {
  /** Sum of the mid-ranks of the first sample's values in the pooled sample (1-based ranks, ties sharing their mean). */
  rankSum: number;
  /** Size of every group of equal values in the pooled sample, in sorted order (as Ranking.tieCounts). */
  tieCounts: number[];
}

/** An ascending copy of a sample (the engine's numeric sort of a Float64Array, −0 before +0). No NaN allowed. */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The rank sum of `x` in x ∪ y and the tie groups, from the two samples sorted apart and merged: O(n log n) with the
 * engine's native numeric sort, no index array and no comparator. Mid-ranks are multiples of ½ and every partial sum
 * stays far below 2⁵³, so the sum is exact: the same number averageRanks' per-value ranks add up to.
 * Both arrays must be sorted ascending and free of NaN.
 */
export function pooledRankSum(xSorted: Float64Array, ySorted: Float64Array): PooledRanks {
  const nx = xSorted.length;
  const ny = ySorted.length;
  const tieCounts: number[] = [];
  let rankSum = 0;
  let i = 0;
  let j = 0;
  let placed = 0;
  while (i < nx || j < ny) {
    const v = i < nx && (j >= ny || xSorted[i]! <= ySorted[j]!) ? xSorted[i]! : ySorted[j]!;
    let cx = 0;
    while (i < nx && xSorted[i] === v) {
      i++;
      cx++;
    }
    let cy = 0;
    while (j < ny && ySorted[j] === v) {
      j++;
      cy++;
    }
    const t = cx + cy;
    const midRank = (placed + 1 + placed + t) / 2;
    rankSum += cx * midRank;
    tieCounts.push(t);
    placed += t;
  }
  return { rankSum, tieCounts };
}
