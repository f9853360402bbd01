// The quality gate's pure parts: eval files with line-numbered errors, scorers, Wilson accuracy, exact McNemar
// (checked against scipy.stats.binomtest), and lm-evaluation-harness results.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  accuracyOf,
  compareQuality,
  evalPrompt,
  importLmEvalResults,
  mcnemarExact,
  parseEvalItems,
  scoreOutput,
} from '../src/quality/eval.js';
import { seededRandom } from '../src/stats/random.js';

describe('parseEvalItems', () => {
  it('reads every kind of item, skipping blank and # lines', () => {
    const items = parseEvalItems(
      [
        '# a comment',
        '{"id": "capital", "prompt": "Capital of France?", "answer": "Paris", "scorer": "exact"}',
        '',
        '{"prompt": "2+2?", "answer": 4, "scorer": "number"}',
        '{"prompt": "Pick", "choices": ["red", "green"], "answer": "B"}',
        '{"prompt": "Say hi", "pattern": "^h(i|ello)", "flags": "i"}',
      ].join('\n'),
      'eval.jsonl',
    );
    expect(items.map((i) => [i.id, i.scorer])).toEqual([
      ['capital', 'exact'],
      ['item-2', 'number'],
      ['item-3', 'choice'],
      ['item-4', 'regex'],
    ]);
    expect(evalPrompt(items[2]!)).toBe('Pick\nA. red\nB. green\nAnswer with the letter only.');
  });

  it.each([
    ['{"prompt": "x", "answer": "y"', /^eval\.jsonl: line 1: not valid JSON .*expected one eval item object per line$/],
    ['{"prompt": "x"}', /^eval\.jsonl: line 1: scorer exact needs "answer", a string or a number$/],
    [
      '{"prompt": "x", "answer": "y", "scorer": "fuzzy"}',
      /line 1: unknown scorer "fuzzy"; expected one of exact, contains, regex, choice, number$/,
    ],
    ['{"prompt": "x", "pattern": "(unclosed"}', /line 1: invalid regex "pattern": /],
    [
      '{"prompt": "x", "choices": ["a"], "answer": "a"}',
      /line 1: scorer choice needs "choices", a list of at least two strings$/,
    ],
    [
      '{"prompt": "x", "choices": ["a", "b"], "answer": "Z"}',
      /line 1: "answer" "Z" is neither a choice nor its letter$/,
    ],
    ['{"prompt": "x", "answer": "four", "scorer": "number"}', /line 1: scorer number needs a numeric "answer"/],
    ['\n\n{"prompt": "", "answer": "y"}', /^eval\.jsonl: line 3: expected "prompt", a non-empty string$/],
    ['{"id": "a", "prompt": "x", "answer": 1}\n{"id": "a", "prompt": "y", "answer": 2}', /line 2: duplicate id "a"$/],
    ['# only a comment\n', /^eval\.jsonl: no eval items/],
  ])('%j → one clear error with the line', (text, error) => {
    expect(() => parseEvalItems(text, 'eval.jsonl')).toThrow(error);
  });
});

describe('scoreOutput', () => {
  const [exact, number, choice, regex] = parseEvalItems(
    [
      '{"prompt": "Capital of France?", "answer": "Paris"}',
      '{"prompt": "Pi?", "answer": 3.14, "scorer": "number", "tolerance": 0.01}',
      '{"prompt": "Pick", "choices": ["red", "green", "blue"], "answer": "green"}',
      '{"prompt": "Greet", "pattern": "\\\\bhello\\\\b", "flags": "i"}',
    ].join('\n'),
    'e.jsonl',
  );
  it.each([
    [exact, ' paris. ', true],
    [exact, 'It is Paris', false],
    [number, 'about 3.141', true],
    [number, '3.2', false],
    [choice, 'B', true],
    [choice, '(B) green', true],
    [choice, 'green', true],
    [choice, 'A. red', false],
    [regex, 'Well, HELLO there', true],
    [regex, 'hellothere', false],
  ])('%#: %j', (item, output, expected) => {
    expect(scoreOutput(item!, output)).toBe(expected);
  });
});

describe('statistics', () => {
  it('exact McNemar = scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue', () => {
    const ref: Array<[number, number, number]> = [
      [0, 0, 1.0],
      [1, 0, 1.0],
      [3, 9, 0.14599609375],
      [10, 25, 0.016673847800120715],
      [40, 60, 0.05688793364098089],
      [7, 7, 1.0],
      [0, 12, 0.00048828125],
      [120, 160, 0.019606727290281328],
      [2000, 2100, 0.12206497999113655],
    ];
    for (const [b, c, p] of ref) expect(Math.abs(mcnemarExact(b, c) - p)).toBeLessThan(1e-10 * Math.max(1, p));
  });

  it('accuracy with a Wilson interval', () => {
    const a = accuracyOf([true, true, true, false]);
    expect(a).toMatchObject({ correct: 3, total: 4, accuracy: 0.75 });
    expect(a.ci[0]).toBeLessThan(0.75);
    expect(a.ci[1]).toBeGreaterThan(0.75);
  });

  it('a 5-point drop on 500 items is found; A/A is not, in about alpha of seeded trials', () => {
    const rng = seededRandom(2026);
    const trial = (pBase: number, pHead: number) => {
      const ids = Array.from({ length: 500 }, (_, i) => `q${i}`);
      // Items differ in difficulty; head answers an item with the base's outcome mostly, as a re-quantised model does.
      const base = ids.map(() => rng() < pBase);
      const head = base.map((b) => (rng() < 0.85 ? b : rng() < pHead));
      return compareQuality(ids, base, head, { alpha: 0.05, threshold: 0.02 });
    };
    let alarms = 0;
    let detected = 0;
    for (let i = 0; i < 200; i++) if (trial(0.7, 0.7).verdict === 'regression') alarms++;
    for (let i = 0; i < 200; i++) if (trial(0.7, 0.7 - 0.05 / 0.15).verdict === 'regression') detected++;
    expect(alarms / 200).toBeLessThanOrEqual(0.05);
    expect(detected / 200).toBeGreaterThan(0.8);
  });

  it('names the items lost and gained', () => {
    const q = compareQuality(['a', 'b', 'c'], [true, false, true], [false, true, true]);
    expect(q).toMatchObject({ lost: ['a'], gained: ['b'], change: 0, verdict: 'unchanged' });
  });
});

describe('importLmEvalResults', () => {
  it('one entry per task with its preferred metric, stderr and item count', () => {
    const text = readFileSync(new URL('./fixtures/lm-eval/results.json', import.meta.url), 'utf8');
    expect(importLmEvalResults(text, 'results.json')).toEqual([
      { task: 'hellaswag', metric: 'acc_norm', value: 0.5381, stderr: 0.005, n: 10042 },
      { task: 'arc_challenge', metric: 'acc_norm', value: 0.3396, stderr: 0.0138, n: 1172 },
      { task: 'truthfulqa_mc2', metric: 'acc', value: 0.4512, stderr: 0.0152, n: 817 },
    ]);
    expect(() => importLmEvalResults('{"versions": {}}', 'r.json')).toThrow(
      /^r\.json: results: expected an lm-evaluation-harness results file/,
    );
  });
});
