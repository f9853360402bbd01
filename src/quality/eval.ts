// A quality gate's pure parts (issue 15, part 3): eval items from JSON lines, their scorers, accuracy with a Wilson
// interval, and base vs head compared item by item with the exact McNemar test.
import { InputError } from '../util/errors.js';
import { wilsonInterval } from '../stats/trend.js';

export const SCORERS = ['exact', 'contains', 'regex', 'choice', 'number'] as const;
export type Scorer = (typeof SCORERS)[number];

export interface EvalItem {
  id: string;
  prompt: string;
  scorer: Scorer;
  /** exact / contains / number: the expected answer; choice: the correct choice's text or letter. */
  answer?: string;
  /** choice: the options, shown as A, B, C… */
  choices?: string[];
  /** regex: a pattern the output must match (JavaScript syntax, case-insensitive with flags "i"). */
  pattern?: string;
  flags?: string;
  /** number: accepted absolute difference (default 0). */
  tolerance?: number;
}

const MAX_ITEMS = 100_000;

/**
 * Parses an eval file: one JSON object per line (`{"prompt", "answer" | "choices"+"answer" | "pattern", "scorer"}`),
 * blank lines and lines starting with `#` skipped. Every problem names the file and the line.
 */
export function parseEvalItems(text: string, file: string): EvalItem[] {
  const items: EvalItem[] = [];
  const ids = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const where = { file, path: `line ${i + 1}` };
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new InputError(
        `not valid JSON (${(error as Error).message}); expected one eval item object per line`,
        where,
      );
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new InputError('expected an object {"prompt", "answer", "scorer"}', where);
    if (typeof raw.prompt !== 'string' || !raw.prompt.trim())
      throw new InputError('expected "prompt", a non-empty string', where);
    const scorer = (raw.scorer ??
      (Array.isArray(raw.choices) ? 'choice' : raw.pattern !== undefined ? 'regex' : 'exact')) as string;
    if (!(SCORERS as readonly string[]).includes(scorer))
      throw new InputError(`unknown scorer ${JSON.stringify(scorer)}; expected one of ${SCORERS.join(', ')}`, where);
    const id = typeof raw.id === 'string' && raw.id ? raw.id : `item-${items.length + 1}`;
    if (ids.has(id)) throw new InputError(`duplicate id ${JSON.stringify(id)}`, where);
    ids.add(id);
    const item: EvalItem = { id, prompt: raw.prompt, scorer: scorer as Scorer };
    if (scorer === 'regex') {
      if (typeof raw.pattern !== 'string' || !raw.pattern)
        throw new InputError('scorer regex needs "pattern", a non-empty string', where);
      const flags = typeof raw.flags === 'string' ? raw.flags : '';
      if (!/^[imsu]*$/.test(flags))
        throw new InputError(`"flags" may use i, m, s and u; got ${JSON.stringify(flags)}`, where);
      try {
        new RegExp(raw.pattern, flags);
      } catch (error) {
        throw new InputError(`invalid regex "pattern": ${(error as Error).message}`, where);
      }
      item.pattern = raw.pattern;
      if (flags) item.flags = flags;
    } else {
      if (
        raw.answer === undefined ||
        raw.answer === null ||
        (typeof raw.answer !== 'string' && typeof raw.answer !== 'number') ||
        String(raw.answer).trim() === ''
      ) {
        throw new InputError(`scorer ${scorer} needs "answer", a string or a number`, where);
      }
      item.answer = String(raw.answer);
    }
    if (scorer === 'choice') {
      if (!Array.isArray(raw.choices) || raw.choices.length < 2 || !raw.choices.every((c) => typeof c === 'string')) {
        throw new InputError('scorer choice needs "choices", a list of at least two strings', where);
      }
      item.choices = raw.choices as string[];
      if (choiceIndex(item.answer!, item.choices) < 0)
        throw new InputError(`"answer" ${JSON.stringify(item.answer)} is neither a choice nor its letter`, where);
    }
    if (scorer === 'number') {
      if (!Number.isFinite(Number(item.answer)))
        throw new InputError(`scorer number needs a numeric "answer"; got ${JSON.stringify(item.answer)}`, where);
      if (raw.tolerance !== undefined && !(typeof raw.tolerance === 'number' && raw.tolerance >= 0))
        throw new InputError('"tolerance" must be a number ≥ 0', where);
      if (typeof raw.tolerance === 'number') item.tolerance = raw.tolerance;
    }
    items.push(item);
    if (items.length > MAX_ITEMS) throw new InputError(`more than ${MAX_ITEMS} items`, where);
  }
  if (items.length === 0) throw new InputError('no eval items; expected one JSON object per line', { file });
  return items;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function choiceIndex(answer: string, choices: readonly string[]): number {
  const a = answer.trim();
  if (/^[A-Z]$/i.test(a) && LETTERS.indexOf(a.toUpperCase()) < choices.length) return LETTERS.indexOf(a.toUpperCase());
  return choices.findIndex((c) => normalise(c) === normalise(a));
}

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!?]+$/, '');
}

/** The prompt an engine sees: a choice item lists its options as "A. …" and asks for the letter. */
export function evalPrompt(item: EvalItem): string {
  if (item.scorer !== 'choice') return item.prompt;
  return `${item.prompt}\n${item.choices!.map((c, i) => `${LETTERS[i]}. ${c}`).join('\n')}\nAnswer with the letter only.`;
}

/** Whether an output answers the item. */
export function scoreOutput(item: EvalItem, output: string): boolean {
  switch (item.scorer) {
    case 'exact':
      return normalise(output) === normalise(item.answer!);
    case 'contains':
      return normalise(output).includes(normalise(item.answer!));
    case 'regex':
      return new RegExp(item.pattern!, item.flags ?? '').test(output);
    case 'choice': {
      const want = choiceIndex(item.answer!, item.choices!);
      const letter = /^\s*\(?([A-Z])[).:\s]|^\s*\(?([A-Z])\)?\s*$/i.exec(output);
      if (letter) return LETTERS.indexOf((letter[1] ?? letter[2])!.toUpperCase()) === want;
      return choiceIndex(output, item.choices!) === want;
    }
    case 'number': {
      const m = /-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(output);
      if (!m) return false;
      return Math.abs(Number(m[0].replace(/,/g, '')) - Number(item.answer)) <= (item.tolerance ?? 0);
    }
  }
}

export interface Accuracy {
  correct: number;
  total: number;
  accuracy: number;
  /** Wilson 95% interval. */
  ci: [number, number];
}

export function accuracyOf(correct: readonly boolean[]): Accuracy {
  const c = correct.filter(Boolean).length;
  return {
    correct: c,
    total: correct.length,
    accuracy: correct.length ? c / correct.length : 0,
    ci: wilsonInterval(c, correct.length),
  };
}

/** Two-sided exact McNemar test on the discordant pairs: b (base right, head wrong) and c (base wrong, head right). */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so n in the tens of thousands stays exact enough.
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}

export interface QualityComparison {
  base: Accuracy;
  head: Accuracy;
  /** Items right on base and wrong on head (b), and the reverse (c). */
  lost: string[];
  gained: string[];
  pValue: number;
  /** head − base accuracy, in points of a fraction (−0.05 = five points worse). */
  change: number;
  verdict: 'regression' | 'improvement' | 'unchanged';
}

/**
 * Base vs head on the same items: accuracy with Wilson intervals, exact McNemar on the discordant items; a
 * regression only when the drop is significant at `alpha` AND at least `threshold` (0.02 = two points), as
 * `gates: { accuracy: { regression: 2% } }` asks.
 */
export function compareQuality(
  ids: readonly string[],
  base: readonly boolean[],
  head: readonly boolean[],
  opts: { alpha?: number; threshold?: number } = {},
): QualityComparison {
  if (base.length !== ids.length || head.length !== ids.length)
    throw new RangeError(`compareQuality: ${ids.length} items but ${base.length} base and ${head.length} head scores`);
  const lost: string[] = [];
  const gained: string[] = [];
  ids.forEach((id, i) => {
    if (base[i] && !head[i]) lost.push(id);
    if (!base[i] && head[i]) gained.push(id);
  });
  const a = accuracyOf(base);
  const h = accuracyOf(head);
  const pValue = mcnemarExact(lost.length, gained.length);
  const change = h.accuracy - a.accuracy;
  const alpha = opts.alpha ?? 0.05;
  const threshold = opts.threshold ?? 0;
  const verdict =
    pValue < alpha && change <= -threshold && change < 0
      ? 'regression'
      : pValue < alpha && change >= threshold && change > 0
        ? 'improvement'
        : 'unchanged';
  return { base: a, head: h, lost, gained, pValue, change, verdict };
}

/**
 * Accuracy measured elsewhere: lm-evaluation-harness `results.json` (`{"results": {"<task>": {"acc,none": 0.52,
 * "acc_stderr,none": 0.005, "acc_norm,none": …}}, "n-samples": {"<task>": {"effective": N}}}`), one entry per task
 * with its preferred metric (acc_norm, else acc, else exact_match).
 */
export function importLmEvalResults(
  text: string,
  file: string,
): Array<{ task: string; metric: string; value: number; stderr?: number; n?: number }> {
  let data: { results?: Record<string, Record<string, unknown>>; 'n-samples'?: Record<string, { effective?: number }> };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file });
  }
  if (!data || typeof data !== 'object' || typeof data.results !== 'object' || data.results === null) {
    throw new InputError('expected an lm-evaluation-harness results file with a "results" object', {
      file,
      path: 'results',
    });
  }
  const out: Array<{ task: string; metric: string; value: number; stderr?: number; n?: number }> = [];
  for (const [task, metrics] of Object.entries(data.results)) {
    const pick = ['acc_norm', 'acc', 'exact_match', 'mc2', 'mc1']
      .map((m) => Object.keys(metrics).find((k) => k === m || k.startsWith(`${m},`)))
      .find(Boolean);
    if (!pick || typeof metrics[pick] !== 'number') continue;
    const base = pick.split(',')[0]!;
    const filter = pick.includes(',') ? pick.slice(pick.indexOf(',')) : '';
    const stderr = metrics[`${base}_stderr${filter}`];
    const n = data['n-samples']?.[task]?.effective;
    out.push({
      task,
      metric: base,
      value: metrics[pick] as number,
      ...(typeof stderr === 'number' ? { stderr } : {}),
      ...(typeof n === 'number' ? { n } : {}),
    });
  }
  if (out.length === 0)
    throw new InputError('no task with acc, acc_norm, exact_match, mc1 or mc2 in "results"', { file, path: 'results' });
  return out;
}
