// Finds how much of a report fits GitHub's size limit with few renders: a size estimate per item guesses, renders correct.

/**
 * The largest k in [0, n] (n = `estimate.length − 1`) whose body is at most `limit` long, or −1 when not even k = 0
 * fits. `estimate[k]` is a rough cumulative size of the first k items (non-decreasing); `lengthAt(k)` renders. The
 * body's length is taken to grow linearly in the estimate near the answer: each guess is the secant through the two
 * latest renders, aimed from the latest one (bisection after three guesses that did not halve the range). No guess
 * renders past what the estimate says fits, so a verdict of 240,000 rows never renders all of them.
 */
export function largestFitting(estimate: ArrayLike<number>, limit: number, lengthAt: (k: number) => number): number {
  const n = estimate.length - 1;
  const est = (k: number) => estimate[k]!;
  const length0 = lengthAt(0);
  if (length0 > limit) return -1;
  if (n === 0) return 0;
  let lo = 0;
  // hi: the smallest k known not to fit (n + 1 while none is).
  let hi = n + 1;
  // Characters per unit of estimate: 1 until two renders say otherwise.
  let slope = 1;
  let last = { k: 0, length: length0 };
  let stalls = 0;
  while (hi - lo > 1) {
    let guess: number;
    if (stalls >= 3) {
      guess = Math.floor((lo + hi) / 2);
      stalls = 0;
    } else {
      // The largest k whose predicted length fits: a binary search over the cumulative estimate.
      const target = est(last.k) + (limit - last.length) / slope;
      let a = lo;
      let b = Math.min(hi - 1, n);
      while (a < b) {
        const mid = Math.ceil((a + b) / 2);
        if (est(mid) <= target) a = mid;
        else b = mid - 1;
      }
      guess = a;
    }
    const k = Math.min(hi - 1, n, Math.max(lo + 1, guess));
    const length = lengthAt(k);
    const before = hi - lo;
    if (est(k) !== est(last.k)) slope = Math.max(1e-9, (length - last.length) / (est(k) - est(last.k)));
    last = { k, length };
    if (length <= limit) lo = k;
    else hi = k;
    // Only a bracketed range can stall: while nothing was too long, guesses just climb.
    stalls = hi <= n && hi - lo > before / 2 ? stalls + 1 : 0;
  }
  return lo;
}
