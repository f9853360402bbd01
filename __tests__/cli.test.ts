// The CLI as users run it (node dist/cli.js): a real run on a generated model, help, and bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readFile, stat, truncate, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from './helpers/models.js';
import { runCli } from './helpers/cli.js';
import { parseResults } from '../src/schema/results.js';

let dir: string;
let tiny: string;

async function config(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, body);
  return file;
}

const tinyConfig = (modelPath: string, extra = ''): string =>
  `engine: llama-cpp\nmodels: [{ id: tiny, path: ${JSON.stringify(modelPath)} }]\noptions: { threads: 1, context_size: 256 }\nprompts: [{ id: p, text: "hello there", max_tokens: 8 }]\nworkload: { warmup: 1, repetitions: 3 }\n${extra}`;

beforeAll(async () => {
  tiny = await ensureModel('tiny');
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-cli-'));
});

describe('llm-bench run', () => {
  it('benchmarks a generated model for real and writes results@1 plus the JSON lines', async () => {
    const cfg = await config('ok.yml', tinyConfig(tiny));
    const out = join(dir, 'ok', 'results.json');
    const r = await runCli(['run', '--config', cfg, '--out', out, '--label', 'ci-box']);
    expect(r.stderr).toMatch(
      /\[case 1\/1 rep 3\/3\] tiny\/p: decode [\d.]+ tok\/s, ttft \d+ ms · elapsed \d+s, ETA \d+s/,
    );
    expect(r.code).toBe(0);
    const results = parseResults(JSON.parse(await readFile(out, 'utf8')), out);
    expect(results.runner.label).toBe('ci-box');
    expect(results.status).toBe('complete');
    expect(results.engine.kind).toBe('llama-cpp');
    expect(results.cases[0]!.samples.decode_tps).toHaveLength(3);
    expect(results.cases[0]!.samples.output_tokens).toEqual([8, 8, 8]);
    expect(results.cases[0]!.model.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const lines = (await readFile(`${out}.jsonl`, 'utf8')).trim().split('\n');
    expect(lines.filter((l) => l.includes('"type":"sample"'))).toHaveLength(3);
  });

  it('--repetitions overrides the workload', async () => {
    const cfg = await config('rep.yml', tinyConfig(tiny));
    const out = join(dir, 'rep.json');
    const r = await runCli(['run', '--config', cfg, '--out', out, '--repetitions', '2']);
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).cases[0].samples.e2e_ms).toHaveLength(2);
  });
});

describe('Ctrl-C', () => {
  it('stops after the current request, keeps everything measured and exits 130', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./helpers/cli.js');
    const cfg = await config('long.yml', tinyConfig(tiny).replace('repetitions: 3', 'repetitions: 100000'));
    const out = join(dir, 'interrupted.json');
    const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/rep 3\//.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopping after the current request; everything measured so far is kept/);
    const results = parseResults(JSON.parse(await readFile(out, 'utf8')), out);
    expect(results.status).toBe('partial');
    const measured = results.cases[0]!.samples.decode_tps!.length;
    expect(measured).toBeGreaterThanOrEqual(3);
    expect(measured).toBeLessThan(1000);
    const lines = (await readFile(`${out}.jsonl`, 'utf8')).trim().split('\n');
    expect(lines.filter((l) => l.includes('"type":"sample"'))).toHaveLength(measured);
    expect(lines.at(-1)).toMatch(/"type":"end","status":"partial"/);
  });
});

describe('help', () => {
  it.each([[[]], [['--help']], [['run', '--help']], [['make-model', '--help']]])(
    'llm-bench %j prints usage',
    async (args) => {
      const r = await runCli(args);
      const text = r.stdout + r.stderr;
      expect(text).toMatch(/Usage: llm-bench/);
      expect(r.code).toBe(args.length === 0 ? 2 : 0);
    },
  );
});

describe('bad input: one clear line, exit 2, nothing written', () => {
  const cases: Array<[string, () => Promise<string[]>, RegExp]> = [
    [
      'a missing config',
      async () => ['run', '--config', join(dir, 'nope.yml')],
      /nope\.yml: cannot read config: file not found/,
    ],
    [
      'a YAML syntax error',
      async () => ['run', '--config', await config('syntax.yml', 'engine: llama-cpp\nmodels: [a\n')],
      /syntax\.yml: YAML syntax error at line \d+, column \d+/,
    ],
    [
      'an unknown key',
      async () => ['run', '--config', await config('key.yml', tinyConfig('x.gguf', 'gate: {}\n'))],
      /key\.yml: \(root\): unknown key 'gate'/,
    ],
    [
      'a wrong type',
      async () => [
        'run',
        '--config',
        await config('type.yml', tinyConfig('x.gguf').replace('repetitions: 3', 'repetitions: many')),
      ],
      /type\.yml: workload\.repetitions: expected number, got "many"/,
    ],
    [
      'empty models',
      async () => ['run', '--config', await config('empty.yml', 'engine: llama-cpp\nmodels: []\n')],
      /empty\.yml: models: expected at least one model/,
    ],
    [
      'zero repetitions in the config',
      async () => [
        'run',
        '--config',
        await config('zero.yml', tinyConfig('x.gguf').replace('repetitions: 3', 'repetitions: 0')),
      ],
      /zero\.yml: workload\.repetitions: expected a whole number ≥ 1/,
    ],
    [
      'zero repetitions on the command line',
      async () => ['run', '--config', await config('z2.yml', tinyConfig(tiny)), '--repetitions', '0'],
      /--repetitions must be a whole number ≥ 1, got '0'/,
    ],
    [
      'negative repetitions on the command line',
      async () => ['run', '--config', await config('z3.yml', tinyConfig(tiny)), '--repetitions', '-2'],
      /--repetitions must be a whole number ≥ 1, got '-2'/,
    ],
    [
      'a model path that does not exist',
      async () => ['run', '--config', await config('missing.yml', tinyConfig('models/none.gguf'))],
      /models\[id=tiny\]: model file .*models\/none\.gguf does not exist/,
    ],
    [
      'a model that is not GGUF',
      async () => {
        await writeFile(join(dir, 'readme.gguf'), '# not a model\n');
        return ['run', '--config', await config('notgguf.yml', tinyConfig('readme.gguf'))];
      },
      /readme\.gguf.*not a GGUF/i,
    ],
    [
      'a truncated GGUF',
      async () => {
        await copyFile(tiny, join(dir, 'half.gguf'));
        await truncate(join(dir, 'half.gguf'), Math.floor((await stat(tiny)).size / 3));
        return ['run', '--config', await config('half.yml', tinyConfig('half.gguf'))];
      },
      /half\.gguf.*truncated/i,
    ],
    ['an unknown command', async () => ['frobnicate'], /unknown command 'frobnicate'/],
    [
      'a missing required option',
      async () => ['run', '--out', 'x.json'],
      /required option '--config <file>' not specified/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, pattern) => {
    const outDir = await mkdtemp(join(dir, 'out-'));
    const argv = await args();
    const needsOut = argv[0] === 'run' && !argv.includes('--out');
    const r = await runCli(needsOut ? [...argv, '--out', join(outDir, 'r.json')] : argv);
    expect(r.code).toBe(2);
    const errorLines = r.stderr.split('\n').filter((l) => l.includes('error:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^llm-bench: error: /);
    expect(errorLines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readdir(outDir)).toEqual([]);
  });
});
