// Special functions behind the tests: normal and Student t tails and quantiles via incomplete gamma/beta (log-gamma from mathjs).
import { lgamma } from 'mathjs';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 10_000;

function lnGamma(x: number): number {
  return lgamma(x) as number;
}

/** Regularized lower incomplete gamma P(a, x) by its series (converges fast for x < a + 1). */
function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Regularized upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz; for x ≥ a + 1). */
function gammaQFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Regularized upper incomplete gamma Q(a, x), accurate in relative terms far into the tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGammaQ needs a > 0 and x ≥ 0 (got a=${a}, x=${x})`);
  if (x === 0) return 1;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

/** Complementary error function; erfc(x) = Q(1/2, x²) keeps full relative precision for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return regularizedGammaQ(0.5, x * x);
}

/** Upper tail of the standard normal, P(Z > z) (scipy's `ndtr(-z)`). */
export function normalSf(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 0;
  if (z === Number.NEGATIVE_INFINITY) return 1;
  return 0.5 * erfc(z / Math.SQRT2);
}

export function normalCdf(z: number): number {
  return normalSf(-z);
}

/** Continued fraction of the incomplete beta function (Numerical Recipes' betacf, modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

function lnBetaPrefactor(a: number, b: number, x: number): number {
  return lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`regularizedBeta needs a, b > 0 (got a=${a}, b=${b})`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta needs 0 ≤ x ≤ 1 (got ${x})`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const front = Math.exp(lnBetaPrefactor(a, b, x));
  // The fraction converges quickly only on this side of the mean; use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Density of the beta distribution, the derivative of I_x(a, b) in x. */
function betaDensity(x: number, a: number, b: number): number {
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + lnGamma(a + b) - lnGamma(a) - lnGamma(b));
}

/** Inverse of the regularized incomplete beta: x with I_x(a, b) = p. Safeguarded Newton inside a shrinking bracket. */
export function inverseRegularizedBeta(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`inverseRegularizedBeta needs 0 ≤ p ≤ 1 (got ${p})`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  // Start from the leading term of the series at either end, I_x ≈ x^a / (a B(a,b)) near 0: good in the tails.
  const lnB = lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  const fromLow = Math.exp((Math.log(p) + Math.log(a) + lnB) / a);
  const fromHigh = 1 - Math.exp((Math.log1p(-p) + Math.log(b) + lnB) / b);
  let x = p < 0.5 ? fromLow : fromHigh;
  if (!(x > 0 && x < 1)) x = 0.5;
  for (let i = 0; i < 300; i++) {
    const f = regularizedBeta(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const step = f / betaDensity(x, a, b);
    let next = x - step;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      // Newton left the bracket: bisect, geometrically when the bracket spans orders of magnitude near 0.
      next = lo > 0 && hi / lo > 16 ? Math.sqrt(lo * hi) : lo === 0 ? hi / 16 : (lo + hi) / 2;
    }
    if (Math.abs(next - x) <= 4 * Number.EPSILON * Math.max(x, Number.MIN_VALUE) || hi - lo <= 4 * Number.EPSILON * hi)
      return next;
    x = next;
  }
  return x;
}

/** Upper tail of Student's t with `df` degrees of freedom, P(T > t). */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Student t needs df > 0 (got ${df})`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df+t²): small tails come out directly, with full relative precision.
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/** Quantile of Student's t (scipy's `t.ppf(p, df)`), by inverting the incomplete beta on the side that keeps precision. */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Student t needs df > 0 (got ${df})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile needs 0 ≤ p ≤ 1 (got ${p})`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const tail = Math.min(p, 1 - p);
  let t: number;
  if (df === 1) t = -1 / Math.tan(Math.PI * tail);
  else if (df === 2) t = (2 * tail - 1) / Math.sqrt(2 * tail * (1 - tail));
  else if (2 * tail < 0.5) {
    const x = inverseRegularizedBeta(2 * tail, df / 2, 0.5);
    t = -Math.sqrt((df * (1 - x)) / x);
  } else {
    const y = inverseRegularizedBeta(1 - 2 * tail, 0.5, df / 2);
    t = -Math.sqrt((df * y) / (1 - y));
  }
  return p < 0.5 ? t : -t;
}
