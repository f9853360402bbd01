import { describe, expect, it } from 'vitest';
import { agreement, consistency, firstDivergence, outputChanges, type Output } from '../src/quality/determinism.js';

const t = (text: string): Output => ({ text });

describe('output determinism', () => {
  it('finds the first differing character and shows both sides around it', () => {
    const d = firstDivergence('The capital of France is Paris.', 'The capital of France is Lyon.', 5)!;
    expect(d.index).toBe(25);
    expect(d.a).toBe('…e is Paris…');
    expect(d.b).toBe('…e is Lyon.');
    expect(firstDivergence('same', 'same')).toBeUndefined();
    // One output a prefix of the other: they diverge where the shorter ends.
    expect(firstDivergence('abc', 'abcdef')!.index).toBe(3);
  });

  it('never splits a surrogate pair at the divergence', () => {
    const d = firstDivergence('ok 😀', 'ok 😃', 2)!;
    expect(d.index).toBe(3);
    expect(d.a.endsWith('😀')).toBe(true);
    expect(d.b.endsWith('😃')).toBe(true);
  });

  it('gives the share of repetitions equal to the most common output, and where the odd one diverges', () => {
    const c = consistency([t('a b c'), t('a b c'), t('a b d'), t('a b c')]);
    expect(c).toMatchObject({ repetitions: 4, identical: 3, share: 0.75, distinct: 2 });
    expect(c.divergence).toMatchObject({ index: 4, repetition: 2 });
    expect(consistency([t('x'), t('x')])).toEqual({ repetitions: 2, identical: 2, share: 1, distinct: 1 });
  });

  it('works from hashes alone, without a divergence to show', () => {
    const c = consistency([{ sha256: 'aa' }, { sha256: 'bb' }, { sha256: 'aa' }]);
    expect(c).toEqual({ repetitions: 3, identical: 2, share: 2 / 3, distinct: 2 });
  });

  it('lists the prompts whose output changed from base to head, ignoring prompts on one side only', () => {
    const base = new Map([
      ['p1', [t('hello world')]],
      ['p2', [t('same'), t('same')]],
      ['gone', [t('x')]],
    ]);
    const head = new Map([
      ['p1', [t('hello there'), t('hello there'), t('hello world')]],
      ['p2', [t('same')]],
      ['new', [t('y')]],
    ]);
    const changes = outputChanges(base, head);
    expect(changes.map((c) => [c.prompt, c.changed])).toEqual([
      ['p1', true],
      ['p2', false],
    ]);
    expect(changes[0]!.divergence!.index).toBe(6);
  });

  it('measures cross-engine agreement: exact matches and the common prefix', () => {
    const a = new Map([
      ['p1', t('abcdef')],
      ['p2', t('abcdef')],
      ['p3', t('xyz')],
      ['only-a', t('q')],
    ]);
    const b = new Map([
      ['p1', t('abcdef')],
      ['p2', t('abcXYZ')],
      ['p3', t('')],
    ]);
    const r = agreement(a, b);
    expect(r.prompts).toBe(3);
    expect(r.exact).toBe(1);
    expect(r.exact_rate).toBeCloseTo(1 / 3, 12);
    expect(r.prefix_chars).toEqual({ p1: 6, p2: 3, p3: 0 });
    expect(r.mean_prefix_share).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
  });
});
