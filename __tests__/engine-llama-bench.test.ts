// The llama-bench engine against llama-bench's recorded output: flags, samples, build info and the errors users see.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';
import { createEngine } from '../src/engines/index.js';
import {
  createLlamaBenchEngine,
  generationOfRepetition,
  llamaBenchArgs,
  parseLlamaBenchOutput,
  type LlamaBenchInfo,
} from '../src/engines/llama-bench.js';
import { EngineError, type Engine } from '../src/engines/types.js';
import { metricsOfGeneration } from '../src/runner/metrics.js';
import { runBenchmark } from '../src/runner/run.js';
import { parseResults } from '../src/schema/results.js';
import { ensureModel } from './helpers/models.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'llama-bench');
/** Recorded: llama-bench -m models/small.gguf -p 64 -n 32 -t 1,2 -r 3 -o jsonl (two thread counts, four tests). */
const RECORDED = path.join(FIXTURES, 'small-p64-n32-t1,2.jsonl');

let dir: string;
let recorded: string[];
/** The recording of one case: threads 1, its pp64 and tg32 tests. */
let oneCase: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-bench-llama-bench-'));
  recorded = (await readFile(RECORDED, 'utf8')).trim().split('\n');
  oneCase = `${recorded.slice(0, 2).join('\n')}\n`;
  await writeFile(path.join(dir, 'one-case.jsonl'), oneCase);
  await writeFile(path.join(dir, 't1.jsonl'), oneCase);
  await writeFile(path.join(dir, 't2.jsonl'), `${recorded.slice(2, 4).join('\n')}\n`);
  model = await ensureModel('tiny');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A stand-in llama-bench: appends its arguments to $FAKE_ARGS (one JSON line per run), then prints
 * $FAKE_OUTPUT (a recorded output; {t} in its name becomes the -t value) and exits with $FAKE_EXIT, writing $FAKE_STDERR to stderr.
 */
async function fakeBinary(name = 'llama-bench'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(
    file,
    `#!${process.execPath}
const fs = require('node:fs');
if (process.env.FAKE_ARGS) fs.appendFileSync(process.env.FAKE_ARGS, JSON.stringify(process.argv.slice(2)) + '\\n');
if (process.env.FAKE_STDERR) process.stderr.write(process.env.FAKE_STDERR);
const threads = process.argv[process.argv.indexOf('-t') + 1];
if (process.env.FAKE_OUTPUT) process.stdout.write(fs.readFileSync(process.env.FAKE_OUTPUT.replace('{t}', threads), 'utf8'));
process.exitCode = Number(process.env.FAKE_EXIT || 0);
`,
  );
  await chmod(file, 0o755);
  return file;
}

const workload = { repetitions: 3 } as Parameters<typeof createLlamaBenchEngine>[0]['workload'];
const engineWith = (env: Record<string, string>, options: Record<string, unknown> = {}): Engine =>
  createLlamaBenchEngine(
    { file: 'bench.yml', options: options as never, workload, dir },
    { PATH: process.env.PATH, ...env },
    () => {},
    { killGraceMs: 200 },
  );
const request = (repetition: number, maxTokens = 32) => ({
  prompt: 'ignored by llama-bench',
  maxTokens,
  signal: new AbortController().signal,
  repetition,
});
const prepare = (engine: Engine) =>
  engine.prepare({ id: 'tiny', name: model, source: 'name' }, { configDir: dir, cacheDir: dir, log: () => {} });

describe('parseLlamaBenchOutput', () => {
  it('reads the prompt test and the generation test of one case, three repetitions each', () => {
    const run = parseLlamaBenchOutput(oneCase, 'llama-bench');
    expect(run.repetitions).toBe(3);
    expect(run.prompt).toMatchObject({
      n_prompt: 64,
      n_gen: 0,
      samples_ts: [6169.16, 10911.4, 11493.7],
      build_commit: '80fb11a',
      backends: 'CPU',
      model_type: 'llama ?B all F32',
    });
    expect(run.gen).toMatchObject({ n_prompt: 0, n_gen: 32, samples_ts: [1164.16, 1092.57, 1104.98] });
  });

  it('turns each repetition into one sample: samples_ts as prefill_tps and decode_tps, prompt + generation time as e2e_ms', () => {
    const run = parseLlamaBenchOutput(oneCase, 'llama-bench');
    const metrics = [0, 1, 2].map((i) => metricsOfGeneration(generationOfRepetition(run, i)));
    expect(metrics.map((m) => m.prefill_tps)).toEqual([6169.16, 10911.4, 11493.7]);
    expect(metrics.map((m) => m.decode_tps)).toEqual([1164.16, 1092.57, 1104.98]);
    expect(metrics[0]).toMatchObject({ prompt_tokens: 64, output_tokens: 32, e2e_ms: (10374191 + 27487602) / 1e6 });
    expect(metrics[0]!.ttft_ms).toBeUndefined(); // llama-bench does not stream: no latency metrics are invented
  });

  it('refuses output with more tests than one case (a list of thread counts), naming them', () => {
    expect(() => parseLlamaBenchOutput(recorded.join('\n'), 'llama-bench')).toThrow(
      /ran 4 tests \(pp64, tg32, pp64, tg32\); a case takes at most one prompt test and one generation test/,
    );
  });

  it('names the line that is not JSON, and says how to get llama-bench when nothing came out', () => {
    expect(() => parseLlamaBenchOutput(`${recorded[0]}\n| model | size |\n`, '/opt/llama-bench')).toThrow(
      /line 2 of \/opt\/llama-bench's output is not JSON \(was it run with -o jsonl/,
    );
    expect(() => parseLlamaBenchOutput('\n', '/opt/llama-bench')).toThrow(
      /\/opt\/llama-bench printed no JSON results.*npm run peers:build/,
    );
    const noSamples = JSON.stringify({ ...JSON.parse(recorded[0]!), samples_ts: [] });
    expect(() => parseLlamaBenchOutput(noSamples, 'llama-bench')).toThrow(
      /line 1 of llama-bench's output: expected samples_ts, a list of non-negative numbers/,
    );
  });
});

describe('recordings of the llama-bench built from node-llama-cpp’s llama.cpp', () => {
  it('reads a one-case run of a generated Q8_0 model', async () => {
    const run = parseLlamaBenchOutput(
      await readFile(path.join(FIXTURES, 'tiny-q8_0-p16-n8-t1.jsonl'), 'utf8'),
      'llama-bench',
    );
    expect(run.repetitions).toBe(3);
    expect(run.prompt).toMatchObject({
      model_type: 'llama ?B Q8_0',
      model_n_params: 172_352,
      n_prompt: 16,
      samples_ts: [84277.9, 103614, 108065],
    });
    expect(run.gen).toMatchObject({ n_gen: 8, samples_ts: [38952.9, 41242.2, 39257.3] });
    expect(metricsOfGeneration(generationOfRepetition(run, 2))).toMatchObject({
      prefill_tps: 108065,
      decode_tps: 39257.3,
      e2e_ms: (148059 + 203784) / 1e6,
    });
  });

  it('fails a case whose model llama-bench cannot load with llama-bench’s own words', async () => {
    const stderr = await readFile(path.join(FIXTURES, 'missing-model.stderr'), 'utf8');
    const engine = engineWith({ FAKE_EXIT: '1', FAKE_STDERR: stderr });
    const loaded = await engine.load(await prepare(engine), { binary: await fakeBinary() });
    const error = await engine.generate(loaded, request(0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(
      /llama-bench exited with code 1; last lines of stderr:\n {2}llama_bench: error: failed to load model 'models\/missing.gguf'$/,
    );
  });
});

describe('llamaBenchArgs', () => {
  it('maps every option to its llama-bench flag', () => {
    const args = llamaBenchArgs(
      {
        threads: 4,
        n_gpu_layers: 99,
        batch_size: 1024,
        ubatch_size: 256,
        flash_attn: true,
        type_k: 'q8_0',
        type_v: 'q4_0',
        n_prompt: 128,
        n_gen: 16,
        n_depth: 512,
        cpu_mask: '0x3',
        warmup: false,
        args: ['--poll', '0'],
      },
      48,
    );
    expect(args).toEqual([
      '-t',
      '4',
      '-ngl',
      '99',
      '-b',
      '1024',
      '-ub',
      '256',
      '-fa',
      '1',
      '-ctk',
      'q8_0',
      '-ctv',
      'q4_0',
      '-p',
      '128',
      '-n',
      '16',
      '-d',
      '512',
      '-C',
      '0x3',
      '--no-warmup',
      '--poll',
      '0',
    ]);
  });

  it('takes gpu_layers as -ngl, flash_attn as on/off/auto, and the prompt’s max_tokens as -n when n_gen is not set', () => {
    expect(llamaBenchArgs({ gpu_layers: 0, flash_attn: 'auto' }, 48)).toEqual(['-ngl', '0', '-fa', 'auto', '-n', '48']);
    expect(llamaBenchArgs({ flash_attn: false }, 8)).toEqual(['-fa', '0', '-n', '8']);
  });

  it('refuses a list of values, which would make one case several tests', () => {
    expect(() => llamaBenchArgs({ threads: [1, 2] }, 8)).toThrow(
      /option threads has a list of values; give one \(sweep values with matrix\)/,
    );
  });
});

describe('the llama-bench engine with a recorded output', () => {
  it('runs llama-bench once for all repetitions of a case, with -m, -o jsonl, -r and the mapped flags', async () => {
    const argsFile = path.join(dir, 'args-once.jsonl');
    const binary = await fakeBinary();
    const engine = engineWith({ FAKE_ARGS: argsFile, FAKE_OUTPUT: path.join(dir, 'one-case.jsonl') }, { binary });
    const prepared = await prepare(engine);
    expect(prepared.identity).toMatchObject({
      id: 'tiny',
      family: 'llama',
      quantization: 'F32',
      size_bytes: expect.any(Number),
    });
    const loaded = await engine.load(prepared, { binary, threads: 1, n_prompt: 64 });
    // A warm-up starts the run and consumes no sample; the three repetitions read its three samples.
    await engine.generate(loaded, request(-1));
    const decode = [];
    for (let i = 0; i < 3; i++) decode.push(metricsOfGeneration(await engine.generate(loaded, request(i))).decode_tps);
    expect(decode).toEqual([1164.16, 1092.57, 1104.98]);
    const runs = (await readFile(argsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(runs).toEqual([['-m', model, '-o', 'jsonl', '-r', '3', '-t', '1', '-p', '64', '-n', '32']]);
    // The build and machine llama-bench reported are in the engine info the results keep.
    expect(await engine.info()).toMatchObject({
      kind: 'llama-bench',
      version: '1 (80fb11a)',
      build_commit: '80fb11a',
      build_number: 1,
      backends: 'CPU',
      cpu_info: 'AMD EPYC',
      gpu_info: '',
    } satisfies LlamaBenchInfo);
    await engine.unload(loaded);
    await engine.close();
  });

  it('runs llama-bench again when the repetitions outnumber one run’s samples', async () => {
    const argsFile = path.join(dir, 'args-again.jsonl');
    const engine = engineWith({ FAKE_ARGS: argsFile, FAKE_OUTPUT: path.join(dir, 'one-case.jsonl') }, {});
    const loaded = await engine.load(await prepare(engine), { binary: await fakeBinary(), repetitions: 3 });
    const prefill = [];
    for (let i = 0; i < 4; i++)
      prefill.push(metricsOfGeneration(await engine.generate(loaded, request(i))).prefill_tps);
    expect(prefill).toEqual([6169.16, 10911.4, 11493.7, 6169.16]);
    expect((await readFile(argsFile, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('lets cases interleave only when each repetition is its own run (repetitions: 1)', () => {
    expect(engineWith({}, {}).maxLoadedCases).toBe(1);
    expect(engineWith({}, { repetitions: 1 }).maxLoadedCases).toBeUndefined();
  });

  it('finds llama-bench on PATH, or through LLAMA_BENCH', async () => {
    const binary = await fakeBinary();
    const engine = engineWith({ PATH: dir, FAKE_OUTPUT: path.join(dir, 'one-case.jsonl') });
    const loaded = await engine.load(await prepare(engine), {});
    expect(metricsOfGeneration(await engine.generate(loaded, request(0))).decode_tps).toBe(1164.16);
    const viaEnv = engineWith({ PATH: '', LLAMA_BENCH: binary, FAKE_OUTPUT: path.join(dir, 'one-case.jsonl') });
    await expect(viaEnv.load(await prepare(viaEnv), {})).resolves.toBeDefined();
  });

  it('a missing binary fails the load, naming the binary and how to build it', async () => {
    const engine = engineWith({ PATH: dir });
    const prepared = await prepare(engine);
    const error = await engine.load(prepared, { binary: './build/bin/llama-bench' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('load');
    expect((error as EngineError).message).toMatch(
      /^llama-bench binary options.binary ".\/build\/bin\/llama-bench" in bench.yml \(.*\/build\/bin\/llama-bench\) does not exist; build llama.cpp's tools with `npm run peers:build`/,
    );
    await expect(engineWith({ PATH: path.join(dir, 'nowhere') }).load(prepared, {})).rejects.toThrow(
      /llama-bench binary "llama-bench" was not found on PATH; build llama.cpp's tools with `npm run peers:build`/,
    );
  });

  it('a binary that prints no JSON, or fails, gives one clear error with the end of its stderr', async () => {
    const binary = await fakeBinary();
    const silent = engineWith({ FAKE_STDERR: 'main: loaded\n' });
    const loaded = await silent.load(await prepare(silent), { binary });
    await expect(silent.generate(loaded, request(0))).rejects.toThrow(
      new RegExp(
        `${binary} printed no JSON results; expected one line per test with -o jsonl .*npm run peers:build.*; last lines of stderr:\\n  main: loaded`,
      ),
    );
    const failing = engineWith({ FAKE_EXIT: '1', FAKE_STDERR: 'error: unknown argument: -ctk\n' });
    const loadedFailing = await failing.load(await prepare(failing), { binary, type_k: 'q8_0' });
    await expect(failing.generate(loadedFailing, request(0))).rejects.toThrow(
      /exited with code 1; last lines of stderr:\n {2}error: unknown argument: -ctk/,
    );
  });

  it('refuses model URLs and missing model files before anything runs', async () => {
    const engine = engineWith({});
    const ctx = { configDir: dir, cacheDir: dir, log: () => {} };
    await expect(engine.prepare({ id: 'x', name: 'hf:user/repo:Q4_0', source: 'url' }, ctx)).rejects.toThrow(
      /models\[id=x\]: the llama-bench engine takes model files, not URLs/,
    );
    await expect(engine.prepare({ id: 'y', name: 'models/missing.gguf', source: 'name' }, ctx)).rejects.toThrow(
      /models\[id=y\]: model file .*models\/missing.gguf does not exist/,
    );
  });
});

describe('bench.yml for the llama-bench engine', () => {
  const config = (options: string) =>
    `engine: llama-bench\nmodels:\n  - { id: small, name: models/small.gguf }\n${options}\nprompts: [{ id: tg, text: unused, max_tokens: 32 }]\n`;

  it('accepts its options and builds the engine', async () => {
    const parsed = parseConfig(
      config(
        'options: { binary: ./llama-bench, threads: 1, n_prompt: 64, flash_attn: auto, type_k: q8_0 }\nmatrix: { n_gpu_layers: [0, 99] }',
      ),
      'bench.yml',
    );
    expect(parsed.engine).toBe('llama-bench');
    const engine = await createEngine({ ...parsed, dir, text: '' }, { env: {}, log: () => {} });
    expect(engine.kind).toBe('llama-bench');
  });

  it('rejects unknown options and values, naming the file and path', () => {
    expect(() => parseConfig(config('options: { num_ctx: 512 }'), 'bench.yml')).toThrow(
      /^bench.yml: options.num_ctx: unknown option 'num_ctx' for engine llama-bench \(known: binary, threads/,
    );
    expect(() => parseConfig(config('options: { type_k: q3_k }'), 'bench.yml')).toThrow(
      /^bench.yml: options.type_k: .*option 'type_k' of engine llama-bench/,
    );
    expect(() => parseConfig(config('options: { threads: [1, 2] }'), 'bench.yml')).toThrow(
      /^bench.yml: options.threads: .*option 'threads' of engine llama-bench/,
    );
  });
});

describe('a run of the llama-bench engine', () => {
  it('writes one case per swept thread count with llama-bench’s samples, and its build in the engine entry', async () => {
    const binary = await fakeBinary();
    const argsFile = path.join(dir, 'args-run.jsonl');
    const text = `engine: llama-bench
models:
  - { id: small, name: ${model} }
options: { binary: ${binary}, n_prompt: 64 }
matrix: { threads: [1, 2] }
prompts: [{ id: tg, text: unused, max_tokens: 32 }]
workload: { warmup: 1, repetitions: 3 }
`;
    const config = { ...parseConfig(text, path.join(dir, 'bench.yml')), dir, text };
    const engine = await createEngine(config, {
      env: { PATH: process.env.PATH, FAKE_ARGS: argsFile, FAKE_OUTPUT: path.join(dir, 't{t}.jsonl') },
      log: () => {},
    });
    const out = path.join(dir, 'results.json');
    const runner = {
      label: 'test-runner',
      os: 'linux',
      arch: 'x64',
      cpu: 'test cpu',
      cores: 2,
      memory_bytes: 8e9,
      gpus: [],
    };
    const results = await runBenchmark({ sides: [{ config, engine }], runner, out, cacheDir: dir, toolVersion: '0' });
    expect(results.status).toBe('complete');
    const byId = Object.fromEntries(results.cases.map((c) => [c.id, c]));
    expect(byId['small/tg/threads=1']!.samples).toMatchObject({
      prefill_tps: [6169.16, 10911.4, 11493.7],
      decode_tps: [1164.16, 1092.57, 1104.98],
      output_tokens: [32, 32, 32],
      prompt_tokens: [64, 64, 64],
    });
    expect(byId['small/tg/threads=2']!.samples).toMatchObject({
      prefill_tps: [1213.4, 2688.29, 693.619],
      decode_tps: [142.592, 24.1927, 177.814],
    });
    // One llama-bench run per case, warm-up included; the cases ran one after the other.
    expect((await readFile(argsFile, 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(results.notes.join(' ')).toMatch(/not interleaved/);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.engine).toMatchObject({
      kind: 'llama-bench',
      version: '1 (80fb11a)',
      build_commit: '80fb11a',
      backends: 'CPU',
      cpu_info: 'AMD EPYC',
    });
    expect(parseResults(written, out).cases).toHaveLength(2);
  });
});
