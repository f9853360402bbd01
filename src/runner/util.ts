// Shuffling, time formatting and the unique prompt prefixes of the runner.
import { randomBytes } from 'node:crypto';

/** Fisher–Yates on a copy. */
export function shuffle<T>(items: readonly T[], rng: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * The unique prefix of every request (`workload.vary_prompt`), so that no server's prompt cache can serve a
 * measured prefill: llama-server reuses the longest common token prefix of a slot's last prompt (its README,
 * `cache_prompt`), vLLM and SGLang reuse cached blocks of a common prefix, Ollama its runner's KV cache.
 *
 * A run draws one nonce from the operating system's CSPRNG (not from the seeded generator: the seed keeps only
 * the schedule reproducible, so two runs of one config must not send the same prefixes). Each request takes the
 * next position of the run (warm-ups, measured requests, both sides of an A/B block, the reference), and its code
 * is `(nonce + position × STRIDE) mod 10^12`: a bijection of the position (STRIDE is coprime with 10^12), so no two
 * requests of a run share a prefix, and consecutive positions differ from the first digit on, so a prefix cache
 * finds no common prefix beyond the template's. Two runs share a prefix only when their nonces' difference
 * happens to fall within their positions (probability about 2 × requests ÷ 10^12).
 *
 * Every code has the same width and is made of decimal digits only, so both sides of an A/B block get prefixes of
 * equal length and character classes: tokenizers split digits one by one (SentencePiece llama, Mistral, Gemma,
 * Qwen, SmolLM and this project's generated models) or in groups of three (Llama 3, cl100k), so equal width is
 * equal token count, and both sides do equal work token for token.
 */
export const NONCE_DIGITS = 12;
const NONCE_MODULUS = 10n ** BigInt(NONCE_DIGITS);
/** ⌊10^12 ÷ φ⌋: odd and not a multiple of 5 (coprime with 10^12), so positions map one-to-one and land far apart. */
const STRIDE = 618_033_988_749n;

/** A fresh run nonce: NONCE_DIGITS decimal digits, uniform, from node:crypto. */
export function newPromptNonce(random: (bytes: number) => Buffer = (n) => randomBytes(n)): string {
  // Rejection sampling keeps it uniform: 2^64 is not a multiple of 10^12.
  const limit = (1n << 64n) - ((1n << 64n) % NONCE_MODULUS);
  for (;;) {
    const x = random(8).readBigUInt64BE(0);
    if (x < limit) return (x % NONCE_MODULUS).toString().padStart(NONCE_DIGITS, '0');
  }
}

/** Whether `value` is a run nonce as newPromptNonce makes them. */
export function isPromptNonce(value: unknown): value is string {
  return typeof value === 'string' && value.length === NONCE_DIGITS && /^\d+$/.test(value);
}

/** The code of the request at `position` (0, 1, 2, … in the order the run sends them) of the run with `nonce`. */
export function promptCode(nonce: string, position: number): string {
  if (!isPromptNonce(nonce)) throw new Error(`not a prompt nonce: ${JSON.stringify(nonce)}`);
  if (!Number.isSafeInteger(position) || position < 0) throw new Error(`not a request position: ${position}`);
  return ((BigInt(nonce) + BigInt(position) * STRIDE) % NONCE_MODULUS).toString().padStart(NONCE_DIGITS, '0');
}

/** The prefix put before the prompt of the request at `position`: `[<12 digits>] `. */
export function promptPrefix(nonce: string, position: number): string {
  return `[${promptCode(nonce, position)}] `;
}
