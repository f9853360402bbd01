// bench.yml parsing: the contract's example config, defaults, and every bad input with the error users see.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/parse.js';
import { loadConfig } from '../src/io/config.js';
import { InputError } from '../src/util/errors.js';

const designExample = `
engine: ollama                 # ollama | openai | llama-cpp | command
host: http://127.0.0.1:11434
models:
  - gemma3:1b
  - { id: banter, name: gemma3:270m }
options: { temperature: 0.2 }
matrix:
  num_ctx: [1024, 2048]
prompts:
  - { id: banter, text: "Craft a witty remark after a close racing finish.", max_tokens: 128 }
workload: { warmup: 1, repetitions: 10 }
gates:
  decode_tps: { regression: 5%, min: 2 }
  ttft_ms: { regression: 10% }
compare: { alpha: 0.05, min_effect: 3% }
`;

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseConfig', () => {
  it('reads the example config of the contract', () => {
    const c = parseConfig(designExample, 'bench.yml');
    expect(c.engine).toBe('ollama');
    expect(c.models).toEqual([
      { id: 'gemma3:1b', name: 'gemma3:1b', source: 'name' },
      { id: 'banter', name: 'gemma3:270m', source: 'name' },
    ]);
    expect(c.matrix).toEqual({ num_ctx: [1024, 2048] });
    expect(c.gates.decode_tps).toEqual({ regression: 0.05, min: 2 });
    expect(c.gates.ttft_ms).toEqual({ regression: 0.1 });
    expect(c.compare).toEqual({ alpha: 0.05, min_effect: 0.03, headline: 'decode_tps' });
    expect(c.workload).toMatchObject({
      warmup: 1,
      repetitions: 10,
      interleave: true,
      vary_prompt: true,
      concurrency: 1,
    });
    expect(c.prompts[0]).toEqual({
      id: 'banter',
      text: 'Craft a witty remark after a close racing finish.',
      file: undefined,
      max_tokens: 128,
    });
  });

  it('derives model ids from llama-cpp paths and URLs', () => {
    const c = parseConfig(
      'engine: llama-cpp\nmodels:\n  - models/small.gguf\n  - hf:user/repo:Q4_K_M\n  - { id: mine, path: x.gguf }\nprompts: [hi]\n',
      'b.yml',
    );
    expect(c.models.map((m) => [m.id, m.source])).toEqual([
      ['small', 'path'],
      ['repo:Q4_K_M', 'url'],
      ['mine', 'path'],
    ]);
    expect(c.prompts).toEqual([{ id: 'prompt-1', text: 'hi', max_tokens: 128 }]);
  });

  it.each([
    [
      'YAML syntax error with line and column',
      'engine: ollama\nmodels: [a\n',
      /bench\.yml: YAML syntax error at line \d+, column \d+/,
    ],
    ['an empty file', '', /bench\.yml: the config is empty/],
    ['a list at the top', '- a\n', /expected a mapping at the top level/],
    ['unknown top-level key', 'engine: ollama\nmodels: [a]\nmodle: x\n', /bench\.yml: \(root\): unknown key 'modle'/],
    [
      'unknown engine',
      'engine: tgi\nmodels: [a]\n',
      /bench\.yml: engine: expected one of "llama-cpp" \| "ollama" \| "openai" \| "command"( \| "[\w-]+")*, got "tgi"/,
    ],
    [
      'wrong type',
      'engine: ollama\nmodels: [a]\nworkload: { repetitions: ten }\n',
      /bench\.yml: workload\.repetitions: expected number, got "ten"/,
    ],
    ['empty models', 'engine: ollama\nmodels: []\n', /bench\.yml: models: expected at least one model/],
    [
      'zero repetitions',
      'engine: ollama\nmodels: [a]\nworkload: { repetitions: 0 }\n',
      /workload\.repetitions: expected a whole number ≥ 1/,
    ],
    [
      'negative repetitions',
      'engine: ollama\nmodels: [a]\nworkload: { repetitions: -3 }\n',
      /workload\.repetitions: expected a whole number ≥ 1/,
    ],
    [
      'unknown workload key',
      'engine: ollama\nmodels: [a]\nworkload: { repetition: 3 }\n',
      /workload: unknown key 'repetition'/,
    ],
    [
      'bad percentage',
      'engine: ollama\nmodels: [a]\ngates: { decode_tps: { regression: five } }\n',
      /gates\.decode_tps\.regression: .*percentage/,
    ],
    [
      'unknown engine option',
      'engine: ollama\nmodels: [a]\noptions: { num_ctxx: 1 }\n',
      /options\.num_ctxx: unknown option 'num_ctxx' for engine ollama \(known: num_ctx/,
    ],
    [
      'bad matrix value',
      'engine: llama-cpp\nmodels: [a.gguf]\nmatrix: { threads: [1, zero] }\n',
      /matrix\.threads\[1\]: expected a number or "auto", got "zero" for option 'threads'/,
    ],
    [
      'option fixed and swept',
      'engine: ollama\nmodels: [a]\noptions: { num_ctx: 1 }\nmatrix: { num_ctx: [2] }\n',
      /matrix\.num_ctx: option 'num_ctx' is both fixed/,
    ],
    ['duplicate model ids', 'engine: ollama\nmodels: [a, { id: a, name: b }]\n', /models\[1\]: duplicate model id "a"/],
    [
      'duplicate prompt ids',
      'engine: ollama\nmodels: [a]\nprompts: [{ id: p, text: x }, { id: p, text: y }]\n',
      /prompts\[1\]\.id: duplicate prompt id "p"/,
    ],
    [
      'prompt with text and file',
      'engine: ollama\nmodels: [a]\nprompts: [{ id: p, text: x, file: y }]\n',
      /prompts\[0\]: expected exactly one of text or file/,
    ],
    [
      'command engine without command',
      'engine: command\nmodels: [a]\n',
      /command: the command engine needs `command:`/,
    ],
    ['openai without host', 'engine: openai\nmodels: [a]\n', /host: the openai engine needs `host:`/],
    [
      'path for ollama',
      'engine: ollama\nmodels: [{ path: a.gguf }]\n',
      /models\[0\]\.path: a model path is only for the llama-cpp and llama-bench engines/,
    ],
    ['duplicate YAML key', 'engine: ollama\nengine: openai\nmodels: [a]\n', /YAML syntax error at line 2/],
    // Issue 10: each of these was accepted silently or reported as "Invalid input".
    [
      'a percentage without %',
      'engine: ollama\nmodels: [a]\ngates: { decode_tps: { regression: 0.05 } }\n',
      /^bench\.yml: gates\.decode_tps\.regression: expected a percentage written with %: write 5% for five percent \(got 0\.05\)$/,
    ],
    [
      'min_effect without %',
      'engine: ollama\nmodels: [a]\ncompare: { min_effect: 3 }\n',
      /^bench\.yml: compare\.min_effect: expected a percentage written with %/,
    ],
    [
      'a gate on a misspelt metric',
      'engine: ollama\nmodels: [a]\ngates: { decode_tsp: { regression: 5% } }\n',
      /^bench\.yml: gates\.decode_tsp: unknown metric 'decode_tsp': the ollama engine does not produce it; did you mean decode_tps\? known metrics: ttft_ms, prefill_tps, decode_tps/,
    ],
    [
      'an unknown headline',
      'engine: ollama\nmodels: [a]\ncompare: { headline: tokens }\n',
      /^bench\.yml: compare\.headline: unknown metric 'tokens'/,
    ],
    [
      'min above max',
      'engine: ollama\nmodels: [a]\ngates: { ttft_ms: { min: 10, max: 1 } }\n',
      /^bench\.yml: gates\.ttft_ms: min 10 is greater than max 1; expected min ≤ max/,
    ],
    [
      'a regression gate on a count',
      'engine: ollama\nmodels: [a]\ngates: { prompt_tokens: { regression: 1% } }\n',
      /^bench\.yml: gates\.prompt_tokens\.regression: prompt_tokens is a count with no better direction/,
    ],
    [
      'max_tokens that is not a number',
      'engine: ollama\nmodels: [a]\nprompts: [{ id: p, text: x, max_tokens: abc }]\n',
      /^bench\.yml: prompts\[0\]\.max_tokens: expected number, got "abc"$/,
    ],
    [
      'an unquoted sha256 of digits',
      `engine: llama-cpp\nmodels: [{ path: a.gguf, sha256: ${'7'.repeat(64)} }]\n`,
      /^bench\.yml: models\[0\]\.sha256: expected string, got [\d.e+]+ \(quote the value: YAML reads unquoted digits as a number\)$/,
    ],
    [
      'a model of the wrong type',
      'engine: ollama\nmodels: [42]\n',
      /^bench\.yml: models\[0\]: expected a string or a mapping, got 42$/,
    ],
    [
      'an ftp host',
      'engine: openai\nhost: ftp://127.0.0.1:9\nmodels: [a]\n',
      /^bench\.yml: host: expected an http:\/\/ or https:\/\/ URL like http:\/\/127\.0\.0\.1:11434 \(got "ftp:\/\/127\.0\.0\.1:9"\)$/,
    ],
    [
      'repetitions 1e9',
      'engine: ollama\nmodels: [a]\nworkload: { repetitions: 1e9 }\n',
      /^bench\.yml: workload\.repetitions: expected a whole number ≥ 1 and ≤ 1,000,000 \(got 1000000000\)$/,
    ],
    [
      'a YAML alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      /^bench\.yml: YAML aliases expand to too much data \(first alias at line 2, column 8\); expected at most 100 alias expansions/,
    ],
  ])('rejects %s', (_name, text, pattern) => {
    const error = errorOf(() => parseConfig(text, 'bench.yml'));
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toMatch(/\n/);
    expect(error.file).toBe('bench.yml');
  });
});

describe('what stays valid under the stricter rules', () => {
  it('the command engine may gate the metrics its program declares, known only when it runs', () => {
    const c = parseConfig(
      'engine: command\ncommand: [./bench.sh]\nmodels: [a]\ngates: { tokens_per_joule: { regression: 5% } }\ncompare: { headline: tokens_per_joule }\n',
      'bench.yml',
    );
    expect(c.gates.tokens_per_joule).toEqual({ regression: 0.05 });
    expect(c.compare.headline).toBe('tokens_per_joule');
  });

  it('accepts load-run metrics, limits on counts, equal limits and a few aliases', () => {
    const c = parseConfig(
      'engine: openai\nhost: https://example.test/v1\nmodels: [a]\nworkload: &w { concurrency: 4, requests: 40, repetitions: 1000000 }\ngates: { ttft_p99_ms: { regression: 10% }, output_tokens: { min: 8, max: 8 } }\n',
      'bench.yml',
    );
    expect(c.gates).toEqual({ ttft_p99_ms: { regression: 0.1 }, output_tokens: { min: 8, max: 8 } });
    expect(c.workload.repetitions).toBe(1_000_000);
    const aliased = parseConfig('engine: ollama\nmodels: [&m a]\nprompts: [{ id: *m, text: hello }]\n', 'bench.yml');
    expect(aliased.prompts.map((p) => p.id)).toEqual(['a']);
  });
});

describe('loadConfig', () => {
  it('reads prompt files relative to the config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llm-bench-config-'));
    await writeFile(join(dir, 'p.txt'), 'Tell me a story.');
    await writeFile(
      join(dir, 'bench.yml'),
      'engine: ollama\nmodels: [a]\nprompts: [{ id: story, file: p.txt, max_tokens: 8 }]\n',
    );
    const c = await loadConfig(join(dir, 'bench.yml'));
    expect(c.prompts[0]).toMatchObject({ id: 'story', text: 'Tell me a story.', max_tokens: 8 });
    expect(c.dir).toBe(dir);
  });

  it('names a missing config file', async () => {
    await expect(loadConfig('/nonexistent/bench.yml')).rejects.toThrow(
      /^\/nonexistent\/bench\.yml: cannot read config: file not found$/,
    );
  });

  it('names an unreadable config file', async () => {
    if (process.getuid?.() === 0) return; // root reads anything; the case cannot happen
    const dir = await mkdtemp(join(tmpdir(), 'llm-bench-config-'));
    await writeFile(join(dir, 'bench.yml'), 'engine: ollama\n');
    await chmod(join(dir, 'bench.yml'), 0o000);
    await expect(loadConfig(join(dir, 'bench.yml'))).rejects.toThrow(/cannot read config: permission denied/);
  });

  it('names a missing prompt file with the path in the config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llm-bench-config-'));
    await writeFile(
      join(dir, 'bench.yml'),
      'engine: ollama\nmodels: [a]\nprompts: [{ id: story, file: missing.txt }]\n',
    );
    await expect(loadConfig(join(dir, 'bench.yml'))).rejects.toThrow(
      /bench\.yml: prompts\[0\]\.file: cannot read prompt file .*missing\.txt: file not found/,
    );
  });
});
