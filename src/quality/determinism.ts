// Output determinism and agreement (issue 15, part 2), the pure half: how often repetitions of one case produced the
// same output, where outputs first diverge, which prompts changed output between base and head, and how far two
// engines agree on the same model and prompts.

/** Identity of one output: its text when kept, else its hash (every engine records `output_sha256`). */
export type Output = { text: string; sha256?: string } | { text?: undefined; sha256: string };

function keyOf(output: Output): string {
  return output.sha256 ?? `text:${output.text}`;
}

export interface Divergence {
  /** Index of the first character (UTF-16 code unit) where the outputs differ; the shorter length when one is a prefix. */
  index: number;
  /** The two outputs around the divergence, plain text (escape before rendering). */
  a: string;
  b: string;
}

/** Where two texts first differ, with up to `context` characters either side; undefined when they are equal. */
export function firstDivergence(a: string, b: string, context = 24): Divergence | undefined {
  if (a === b) return undefined;
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // Never cut a surrogate pair in two: step back to its first half.
  if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) i--;
  const from = Math.max(0, i - context);
  const cut = (s: string): string =>
    `${from > 0 ? '…' : ''}${s.slice(from, i + context)}${s.length > i + context ? '…' : ''}`;
  return { index: i, a: cut(a), b: cut(b) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export interface Consistency {
  repetitions: number;
  /** Repetitions whose output equals the most common output. */
  identical: number;
  /** identical ÷ repetitions; 1 means every repetition produced the same output. */
  share: number;
  distinct: number;
  /** First divergence of the earliest output unlike the most common one, when texts were kept. */
  divergence?: Divergence & { repetition: number };
}

/** Consistency of one case's repetitions (at temperature 0 / a fixed seed every output should be the same). */
export function consistency(outputs: readonly Output[]): Consistency {
  const counts = new Map<string, number>();
  for (const o of outputs) counts.set(keyOf(o), (counts.get(keyOf(o)) ?? 0) + 1);
  let mode = '';
  let top = 0;
  for (const [key, count] of counts) {
    if (count > top) {
      mode = key;
      top = count;
    }
  }
  const result: Consistency = {
    repetitions: outputs.length,
    identical: top,
    share: outputs.length > 0 ? top / outputs.length : 1,
    distinct: counts.size,
  };
  const reference = outputs.find((o) => keyOf(o) === mode);
  const odd = outputs.findIndex((o) => keyOf(o) !== mode);
  if (odd >= 0 && reference?.text !== undefined && outputs[odd]!.text !== undefined) {
    const d = firstDivergence(reference.text, outputs[odd]!.text!);
    if (d) result.divergence = { ...d, repetition: odd };
  }
  return result;
}

export interface OutputChange {
  prompt: string;
  changed: boolean;
  divergence?: Divergence;
}

/**
 * Base vs head per prompt: an output changed when the head's most common output differs from the base's. Prompts on
 * one side only are left out (they are new or missing cases, reported as such elsewhere).
 */
export function outputChanges(
  base: ReadonlyMap<string, readonly Output[]>,
  head: ReadonlyMap<string, readonly Output[]>,
): OutputChange[] {
  const changes: OutputChange[] = [];
  for (const [prompt, headOutputs] of head) {
    const baseOutputs = base.get(prompt);
    if (!baseOutputs || baseOutputs.length === 0 || headOutputs.length === 0) continue;
    const b = modal(baseOutputs);
    const h = modal(headOutputs);
    const changed = keyOf(b) !== keyOf(h);
    const divergence =
      changed && b.text !== undefined && h.text !== undefined ? firstDivergence(b.text, h.text) : undefined;
    changes.push({ prompt, changed, ...(divergence ? { divergence } : {}) });
  }
  return changes;
}

function modal(outputs: readonly Output[]): Output {
  const counts = new Map<string, { output: Output; count: number }>();
  for (const o of outputs) {
    const entry = counts.get(keyOf(o)) ?? { output: o, count: 0 };
    entry.count++;
    counts.set(keyOf(o), entry);
  }
  let best: { output: Output; count: number } | undefined;
  for (const entry of counts.values()) if (!best || entry.count > best.count) best = entry;
  return best!.output;
}

export interface Agreement {
  prompts: number;
  /** Prompts where both engines produced the same output. */
  exact: number;
  exact_rate: number;
  /** Mean over prompts of the common prefix length ÷ the longer output's length (1 when all match), texts only. */
  mean_prefix_share?: number;
  /** Per prompt, the length of the common prefix in characters, texts only. */
  prefix_chars: Record<string, number>;
}

/** Cross-engine agreement: the same model and prompts on two engines, compared prompt by prompt. */
export function agreement(a: ReadonlyMap<string, Output>, b: ReadonlyMap<string, Output>): Agreement {
  let prompts = 0;
  let exact = 0;
  let shareSum = 0;
  let shareCount = 0;
  const prefix: Record<string, number> = {};
  for (const [prompt, outA] of a) {
    const outB = b.get(prompt);
    if (!outB) continue;
    prompts++;
    if (keyOf(outA) === keyOf(outB)) exact++;
    if (outA.text !== undefined && outB.text !== undefined) {
      const d = firstDivergence(outA.text, outB.text, 0);
      const common = d ? d.index : outA.text.length;
      prefix[prompt] = common;
      const longer = Math.max(outA.text.length, outB.text.length);
      shareSum += longer === 0 ? 1 : common / longer;
      shareCount++;
    }
  }
  return {
    prompts,
    exact,
    exact_rate: prompts > 0 ? exact / prompts : 0,
    ...(shareCount > 0 ? { mean_prefix_share: shareSum / shareCount } : {}),
    prefix_chars: prefix,
  };
}
