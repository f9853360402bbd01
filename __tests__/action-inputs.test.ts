// The action's inputs: parsed once into one typed object, every bad value named with its input, defaults in step with action.yml.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseInputs } from '../src/action/inputs.js';
import { INPUT_DEFAULTS, Inputs, Outputs, type InputName } from '../src/action/constants.js';
import { InputError } from '../src/util/errors.js';

const actionYml = parse(readFileSync(fileURLToPath(new URL('../action.yml', import.meta.url)), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};

/** An input reader over a plain map, as core.getInput reads INPUT_* (unset → ''). */
const reader = (values: Partial<Record<InputName, string>>) => (name: InputName) => values[name] ?? '';

describe('action.yml and the constants', () => {
  it('name the same inputs and outputs', () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(actionYml.inputs).sort());
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort());
  });

  it('declare the same defaults (the token default only the runner can expand)', () => {
    for (const [name, input] of Object.entries(actionYml.inputs)) {
      const expected = name === 'github-token' ? '' : (input.default ?? '');
      expect([name, INPUT_DEFAULTS[name as InputName]]).toEqual([name, expected]);
    }
    expect(actionYml.inputs['github-token']!.default).toBe('${{ github.token }}');
  });
});

describe('parseInputs', () => {
  it('gives action.yml defaults when nothing is set', () => {
    expect(parseInputs(reader({}))).toEqual({
      config: 'bench.yml',
      mode: 'all',
      strategy: 'auto',
      runnerLabel: undefined,
      baseline: 'cache',
      baselinePath: undefined,
      baselineBranch: 'llm-bench-data',
      saveBaseline: 'auto',
      githubToken: undefined,
      comment: 'always',
      failOnRegression: true,
      failOnIncomplete: true,
      checkName: 'llm-bench',
      reportId: 'llm-bench',
      template: undefined,
      cacheModels: true,
      resultsPath: 'llm-bench-results.json',
    });
  });

  it('reads every input, trimmed, with YAML booleans in any of their three spellings', () => {
    const inputs = parseInputs(
      reader({
        config: ' bench/gpu.yml ',
        mode: 'report',
        strategy: 'ab',
        'runner-label': 'gpu-4080',
        baseline: 'file',
        'baseline-path': 'baselines/{label}.json',
        'baseline-branch': 'bench/data',
        'save-baseline': 'false',
        'github-token': 'ghp_x',
        comment: 'on-regression',
        'fail-on-regression': 'False',
        'check-name': 'LLM perf',
        'report-id': 'gpu.matrix_1',
        template: '.github/bench.md.hbs',
        'cache-models': 'FALSE',
        'results-path': 'out/results.json',
      }),
    );
    expect(inputs).toEqual({
      config: 'bench/gpu.yml',
      mode: 'report',
      strategy: 'ab',
      runnerLabel: 'gpu-4080',
      baseline: 'file',
      baselinePath: 'baselines/{label}.json',
      baselineBranch: 'bench/data',
      saveBaseline: 'false',
      githubToken: 'ghp_x',
      comment: 'on-regression',
      failOnRegression: false,
      failOnIncomplete: true,
      checkName: 'LLM perf',
      reportId: 'gpu.matrix_1',
      template: '.github/bench.md.hbs',
      cacheModels: false,
      resultsPath: 'out/results.json',
    });
  });

  it.each([
    [{ mode: 'x' }, "'mode' input must be one of all | run | report, got 'x'"],
    [{ mode: 'All' }, "'mode' input must be one of all | run | report, got 'All'"],
    [{ strategy: 'a/b' }, "'strategy' input must be one of auto | ab | baseline, got 'a/b'"],
    [{ baseline: 's3' }, "'baseline' input must be one of cache | branch | artifact | file, got 's3'"],
    [{ 'save-baseline': 'yes' }, "'save-baseline' input must be one of auto | true | false, got 'yes'"],
    [
      { comment: 'sometimes' },
      "'comment' input must be one of always | on-change | on-regression | never, got 'sometimes'",
    ],
    [{ 'fail-on-regression': 'yes' }, "'fail-on-regression' input must be true or false, got 'yes'"],
    [{ 'cache-models': '1' }, "'cache-models' input must be true or false, got '1'"],
    [{ baseline: 'file' }, "'baseline-path' input is required when 'baseline' is file, got ''"],
    [
      { 'baseline-branch': 'bad..name' },
      "'baseline-branch' input must be a branch name (letters, digits, '.', '_', '-', '/'), got 'bad..name'",
    ],
    [
      { 'baseline-branch': 'data branch' },
      "'baseline-branch' input must be a branch name (letters, digits, '.', '_', '-', '/'), got 'data branch'",
    ],
    [{ 'report-id': 'my report' }, "'report-id' input must be 1–64 letters, digits, '.', '_' or '-', got 'my report'"],
    [{ 'report-id': 'x-->' }, "'report-id' input must be 1–64 letters, digits, '.', '_' or '-', got 'x-->'"],
    [{ 'results-path': 'results.txt' }, "'results-path' input must name a .json file, got 'results.txt'"],
    [{ config: 'a.yml\nb.yml' }, "'config' input must be one line, got 'a.yml\\nb.yml'"],
    [
      { 'runner-label': 'x'.repeat(101) },
      `'runner-label' input must be at most 100 characters, got '${'x'.repeat(101)}'`,
    ],
    [{ 'check-name': 'c'.repeat(101) }, `'check-name' input must be at most 100 characters, got '${'c'.repeat(101)}'`],
  ] as Array<[Partial<Record<InputName, string>>, string]>)('refuses %j', (values, message) => {
    let error: unknown;
    try {
      parseInputs(reader(values));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(message);
  });
});
