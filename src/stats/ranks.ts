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
