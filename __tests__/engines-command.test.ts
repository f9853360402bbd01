// The command engine running real programs (node scripts in fixtures/command): environment, stdin, JSON lines, failures, time-outs.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commandEnvironment, createCommandEngine, parseCommandLine } from '../src/engines/command.js';
import type { EngineError, Engine, GenerationRequest, LoadedModel } from '../src/engines/types.js';
import { metricsOfGeneration } from '../src/runner/metrics.js';
import { InputError } from '../src/util/errors.js';
import { createHash } from 'node:crypto';
import { engineFailure } from './peers/expect-engine.js';

const sha256Text = (text: string): string => createHash('sha256').update(text).digest('hex');

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'command');
const work = mkdtempSync(join(tmpdir(), 'llm-bench-command-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PROMPT = 'Write a haiku about benchmarks.';

function engineFor(script: string, env: Record<string, string> = {}, logs: string[] = []): Engine {
  return createCommandEngine(
    { file: 'bench.yml', command: [process.execPath, join(fixtures, script)] },
    { PATH: process.env.PATH, ...env },
    (l) => logs.push(l),
    { killGraceMs: 200 },
  );
}

async function loadedFor(engine: Engine, params: LoadedModel['params'] = {}): Promise<LoadedModel> {
  const prepared = await engine.prepare(
    { id: 'mine', name: 'my-engine/q4.bin', source: 'name' },
    { configDir: work, cacheDir: work, log: () => {} },
  );
  return engine.load(prepared, params);
}

function request(timeoutMs = 10_000): GenerationRequest {
  return {
    prompt: PROMPT,
    maxTokens: 64,
    signal: AbortSignal.timeout(timeoutMs),
    caseId: 'mine/haiku/num_ctx=2048',
    repetition: 2,
  };
}

/** Whether a process still runs (a zombie waiting for its parent to reap it does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('parseCommandLine', () => {
  it('reads DESIGN metric names, declared custom metrics, lists and output', () => {
    expect(parseCommandLine('{"decode_tps": 58.3, "ttft_ms": 120}', 1)).toEqual({
      values: { decode_tps: 58.3, ttft_ms: 120 },
      declared: {},
    });
    expect(parseCommandLine('{"name":"accuracy","value":0.9,"unit":"ratio","direction":"higher"}', 2).declared).toEqual(
      {
        accuracy: { direction: 'higher', unit: 'ratio', description: 'reported by the command' },
      },
    );
    expect(parseCommandLine('[{"name":"a","value":1},{"name":"ttft_ms","value":3}]', 3).values).toEqual({
      a: 1,
      ttft_ms: 3,
    });
    expect(parseCommandLine('{"output":"hi","decode_tps":1}', 4)).toEqual({
      values: { decode_tps: 1 },
      declared: {},
      output: 'hi',
    });
    expect(parseCommandLine('{"gpu_util":0.5}', 5).declared.gpu_util!.direction).toBe('none');
  });

  it.each([
    ['Loading model...', /line 7 of the command's stdout is not JSON.*: Loading model\.\.\./],
    ['{"decode_tps": "fast"}', /line 7 .*non-numeric value for "decode_tps"/],
    ['{"decode_tps": -1}', /line 7 .*negative value for "decode_tps"/],
    ['{"Decode TPS": 1}', /line 7 .*metric name "Decode TPS"/],
    ['{"name":"x","value":1,"direction":"up"}', /line 7 .*direction "up" for "x"/],
    ['{"value":1}', /line 7 .*"value" without a string "name"/],
    ['42', /line 7 .*is not a JSON object/],
    ['{"name":"acc","value":1,"direction":"lower"}', /line 7 .*declares "acc" with direction lower, earlier higher/],
  ])('rejects %s naming the line', (line, message) => {
    const known = { acc: { direction: 'higher' as const, unit: '', description: 'reported by the command' } };
    expect(() => parseCommandLine(line, 7, known)).toThrow(message);
    try {
      parseCommandLine(line, 7, known);
    } catch (error) {
      expect((error as EngineError).kind).toBe('stream');
    }
  });

  it('puts the case into the environment, one variable per option too', () => {
    const prepared = { identity: { id: 'mine', name: 'x' }, location: 'x' };
    const env = commandEnvironment(
      prepared,
      { num_ctx: 2048, 'top-p': 0.9, stop: ['a', 'b'] },
      { prompt: 'p', maxTokens: 8 },
    );
    expect(env).toEqual({
      LLM_BENCH_MODEL: 'x',
      LLM_BENCH_MODEL_ID: 'mine',
      LLM_BENCH_PARAMS: '{"num_ctx":2048,"top-p":0.9,"stop":["a","b"]}',
      LLM_BENCH_PARAM_NUM_CTX: '2048',
      LLM_BENCH_PARAM_TOP_P: '0.9',
      LLM_BENCH_PARAM_STOP: '["a","b"]',
      LLM_BENCH_MAX_TOKENS: '8',
      LLM_BENCH_PROMPT: 'p',
    });
    // A huge prompt goes on stdin only: one environment string is limited to 128 KiB on Linux.
    expect(
      commandEnvironment(prepared, {}, { prompt: 'x'.repeat(70_000), maxTokens: 8 }).LLM_BENCH_PROMPT,
    ).toBeUndefined();
  });
});

describe('command engine running programs', () => {
  it('needs a command', () => {
    expect(() => createCommandEngine({ file: 'bench.yml', command: undefined }, {}, () => {})).toThrow(InputError);
  });

  it('passes model, params and prompt; reads metrics and custom metrics; measures e2e', async () => {
    const envFile = join(work, 'env.json');
    const logs: string[] = [];
    const engine = engineFor('metrics.mjs', { FIXTURE_ENV_FILE: envFile }, logs);
    const loaded = await loadedFor(engine, { num_ctx: 2048, temperature: 0.2 });
    const gen = await engine.generate(loaded, request());
    const seen = JSON.parse(readFileSync(envFile, 'utf8')) as {
      env: Record<string, string>;
      stdin: string;
      cwd: string;
    };
    expect(seen.stdin).toBe(PROMPT);
    expect(seen.cwd).toBe(work);
    expect(seen.env).toEqual({
      LLM_BENCH_MODEL: 'my-engine/q4.bin',
      LLM_BENCH_MODEL_ID: 'mine',
      LLM_BENCH_PARAMS: '{"num_ctx":2048,"temperature":0.2}',
      LLM_BENCH_PARAM_NUM_CTX: '2048',
      LLM_BENCH_PARAM_TEMPERATURE: '0.2',
      LLM_BENCH_PROMPT: PROMPT,
      LLM_BENCH_MAX_TOKENS: '64',
      LLM_BENCH_CASE_ID: 'mine/haiku/num_ctx=2048',
      LLM_BENCH_REPETITION: '2',
    });
    const m = metricsOfGeneration(gen);
    expect(m).toMatchObject({
      decode_tps: 58.3,
      ttft_ms: 120,
      output_tokens: 64,
      prompt_tokens: 5,
      accuracy: 0.93,
      joules: 12.5,
      cache_hits: 3,
    });
    expect(m.e2e_ms).toBeGreaterThan(0); // measured around the process: the program did not report it
    expect(m.e2e_ms).toBeLessThan(10_000);
    expect(gen.outputSha256).toBe(sha256Text(`echo: ${PROMPT}`));
    expect(engine.customMetrics).toEqual({
      accuracy: { direction: 'higher', unit: 'ratio', description: 'reported by the command' },
      joules: { direction: 'lower', unit: 'J', description: 'reported by the command' },
      cache_hits: { direction: 'none', unit: '', description: 'reported by the command (no direction declared)' },
    });
    expect(logs.filter((l) => l.includes('"cache_hits" has no declared direction'))).toHaveLength(1);
    await engine.generate(loaded, request());
    expect(logs.filter((l) => l.includes('"cache_hits" has no declared direction'))).toHaveLength(1);
  });

  it('a non-zero exit is an error with the exit code and the end of stderr', async () => {
    const engine = engineFor('fail.mjs');
    const error = await engineFailure(engine.generate(await loadedFor(engine), request()));
    expect(error.kind).toBe('engine');
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('fatal: model file not found');
    expect(error.message).toContain('stderr line 30');
    expect(error.message).not.toContain('stderr line 10\n'); // only the tail
  });

  it('garbage on stdout is an error naming the line', async () => {
    const engine = engineFor('garbage.mjs');
    const error = await engineFailure(engine.generate(await loadedFor(engine), request()));
    expect(error.kind).toBe('stream');
    expect(error.message).toMatch(/line 2 of the command's stdout is not JSON.*Loading model weights\.\.\. done/);
  });

  it('a program that cannot be started names the command', async () => {
    const engine = createCommandEngine(
      { file: 'bench.yml', command: ['./no-such-benchmark', '--fast'] },
      { PATH: process.env.PATH },
      () => {},
    );
    const error = await engineFailure(engine.generate(await loadedFor(engine), request()));
    expect(error.message).toContain('"./no-such-benchmark"');
    expect(error.message).toContain('program not found');
    expect(error.message).toContain('bench.yml');
  });

  it('a time-out kills the whole process group, leaving no process behind', async () => {
    const pidsFile = join(work, 'pids.json');
    const engine = engineFor('hang.mjs', { FIXTURE_PIDS_FILE: pidsFile });
    const error = await engineFailure(engine.generate(await loadedFor(engine), request(1000)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('process group was killed');
    const [leader, child] = JSON.parse(readFileSync(pidsFile, 'utf8')) as [number, number];
    // The child ignores SIGTERM: only the SIGKILL to the group after the grace period ends it.
    for (let i = 0; i < 50 && (running(leader) || running(child)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(running(leader)).toBe(false);
    expect(running(child)).toBe(false);
  });

  it('a child left holding stdout after the program exits is killed after the grace period', async () => {
    const pidsFile = join(work, 'orphan-pids.json');
    const engine = engineFor('orphan.mjs', { FIXTURE_PIDS_FILE: pidsFile });
    const gen = await engine.generate(await loadedFor(engine), request());
    expect(gen.e2eMs).toBe(7); // reported by the program, so not measured
    expect(metricsOfGeneration(gen).decode_tps).toBe(42);
    const [, child] = JSON.parse(readFileSync(pidsFile, 'utf8')) as [number, number];
    for (let i = 0; i < 50 && running(child); i++) await new Promise((r) => setTimeout(r, 20));
    expect(running(child)).toBe(false);
  });

  it('rejects a metric value that cannot be a sample', async () => {
    const engine = engineFor('bad-values.mjs', { FIXTURE_LINE: '{"decode_tps": null}' });
    const error = await engineFailure(engine.generate(await loadedFor(engine), request()));
    expect(error.message).toContain('line 1 of the command\'s stdout has a non-numeric value for "decode_tps"');
  });
});
