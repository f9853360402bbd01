// Case expansion: models × matrix × prompts with stable ids.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';
import { caseId, planCases } from '../src/plan/plan.js';

describe('planCases', () => {
  it('expands every combination with stable, readable ids', () => {
    const config = parseConfig(
      'engine: ollama\nmodels: [gemma3:1b, { id: banter, name: gemma3:270m }]\noptions: { temperature: 0.2 }\nmatrix: { num_gpu: [0, 99], num_ctx: [1024, 2048] }\nprompts: [{ id: p1, text: a }, { id: p2, text: b }]\n',
      'b.yml',
    );
    const cases = planCases(config);
    expect(cases).toHaveLength(2 * 4 * 2);
    expect(cases[0]!.id).toBe('gemma3:1b/p1/num_ctx=1024,num_gpu=0');
    expect(cases[0]!.options).toEqual({ temperature: 0.2, num_ctx: 1024, num_gpu: 0 });
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.at(-1)!.id).toBe('banter/p2/num_ctx=2048,num_gpu=99');
  });

  it('keeps the id when matrix keys are written in another order', () => {
    expect(caseId('m', 'p', { b: 1, a: 'x' })).toBe(caseId('m', 'p', { a: 'x', b: 1 }));
    expect(caseId('m', 'p', {})).toBe('m/p');
  });
});
