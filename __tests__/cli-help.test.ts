// Every command's --help marks its required options and gives the exit codes and one example.
import { describe, expect, it } from 'vitest';
import { buildProgram, main } from '../src/cli/main.js';

const help = async (command: string): Promise<string> => {
  const out: string[] = [];
  const code = await main([command, '--help'], {
    env: {},
    log: (l) => out.push(l),
    print: (t) => out.push(t),
    tty: false,
  });
  expect(code).toBe(0);
  return out.join('\n');
};

describe('--help', () => {
  const program = buildProgram({ env: {}, log: () => {}, print: () => {}, tty: false }, () => {});
  const commands = program.commands.map((c) => c.name());

  it('covers every command', () => {
    expect(commands).toEqual([
      'run',
      'make-model',
      'compare',
      'ab',
      'report',
      'demo',
      'import',
      'export',
      'sweep',
      'soak',
    ]);
  });

  it.each(commands)('%s: required options marked, exit codes, an example', async (name) => {
    const text = await help(name);
    expect(text).toContain(
      'Exit codes: 0 pass, 1 regression, 2 bad input or usage, 3 incomplete (not judged in full), 130 interrupted.',
    );
    expect(text).toMatch(/\nExample:\n {2}\S/);
    const command = program.commands.find((c) => c.name() === name)!;
    for (const option of command.options.filter((o) => o.mandatory)) {
      expect(option.description, `${name} ${option.flags}`).toMatch(/\(required\)$/);
      expect(text).toContain(option.flags);
    }
  });

  it('run and ab list the environment variables they read', async () => {
    for (const name of ['run', 'ab']) {
      const text = await help(name);
      for (const v of ['LLM_BENCH_LABEL', 'LLM_BENCH_CACHE_DIR', 'HF_TOKEN', 'HF_ENDPOINT', 'OLLAMA_HOST'])
        expect(text).toContain(v);
    }
  });
});
