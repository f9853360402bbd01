// A seeded pseudo-random generator (xoshiro128**) so resampling gives identical output on every rerun.

export type Random = () => number;

/** FNV-1a over a string, mixed with a numeric seed: a stable per-item seed ("label/case/metric"). */
export function seedFrom(text: string, seed = 0): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** xoshiro128** seeded through splitmix32; returns floats in [0, 1) with 32 random bits. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A uniform integer in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** A standard normal variate (Box–Muller on two uniforms; 1 − u keeps the logarithm finite). */
export function normalVariate(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A Gamma(shape, 1) variate: Marsaglia and Tsang's squeeze-rejection method (ACM TOMS 26(3), 2000), exact for shape ≥ 1. */
export function gammaVariate(random: Random, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape))
    throw new RangeError(`gammaVariate: shape must be a positive number (got ${shape})`);
  // Shape below 1: G(a) = G(a + 1) · U^(1/a).
  if (shape < 1) return gammaVariate(random, shape + 1) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalVariate(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) variate as G_a ÷ (G_a + G_b). */
export function betaVariate(random: Random, a: number, b: number): number {
  const x = gammaVariate(random, a);
  const y = gammaVariate(random, b);
  return x / (x + y);
}
