// Runner logic with a scripted engine: interleaving, warm-up, prompt variation, time-outs, failures, incremental writes.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/parse.js';
import type { LoadedConfig } from '../src/io/config.js';
import { runBenchmark } from '../src/runner/run.js';
import { EngineError, type Engine, type Generation } from '../src/engines/types.js';
import { parseResults } from '../src/schema/results.js';

const runner = {
  label: 'test-runner',
  os: 'linux',
  arch: 'x64',
  cpu: 'test cpu',
  cores: 2,
  memory_bytes: 8e9,
  gpus: [],
};

function config(yaml: string): LoadedConfig {
  return { ...parseConfig(yaml, 'bench.yml'), dir: '/tmp', text: yaml };
}

interface Call {
  model: string;
  prompt: string;
}

/** An engine whose behaviour per call is scripted: normal, failing, or hanging until aborted. */
function scriptedEngine(
  script: (call: Call, n: number) => 'ok' | 'fail' | 'hang' = () => 'ok',
  opts: { failLoad?: string } = {},
) {
  const calls: Call[] = [];
  const loads: string[] = [];
  let unloads = 0;
  const engine: Engine = {
    kind: 'command',
    async info() {
      return { kind: 'command', version: 'scripted 1' };
    },
    async prepare(model) {
      return { location: model.name, identity: { id: model.id, name: model.name, size_bytes: 1000 } };
    },
    async load(prepared, params) {
      if (opts.failLoad === prepared.location) throw new EngineError('no such model', 'load');
      loads.push(prepared.location);
      return { prepared, params, loadMs: 5 };
    },
    async generate(loaded, req): Promise<Generation> {
      const call = { model: loaded.prepared.location, prompt: req.prompt };
      calls.push(call);
      const what = script(call, calls.length);
      if (what === 'fail') throw new EngineError('server said 500', 'engine');
      if (what === 'hang') {
        await new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve()));
        throw new EngineError('aborted', 'timeout');
      }
      return { chunkArrivalsMs: [10, 20, 30, 40], e2eMs: 41, outputTokens: 4, promptTokens: 7, outputSha256: 'x' };
    },
    async unload() {
      unloads++;
    },
    async close() {},
  };
  return { engine, calls, loads, unloads: () => unloads };
}

async function tmp(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'llm-bench-run-')), 'results.json');
}

describe('runBenchmark', () => {
  it('interleaves cases in seeded rounds, warms up, varies prompts and writes valid results', async () => {
    const out = await tmp();
    const s = scriptedEngine();
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a, b]\nprompts: [{ id: p, text: hello }]\nworkload: { warmup: 1, repetitions: 3, seed: 7 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out,
      cacheDir: '/tmp',
      toolVersion: '0.0.0',
    });
    expect(results.status).toBe('complete');
    // 2 warm-ups, then 3 rounds of 2 cases.
    expect(s.calls).toHaveLength(2 + 6);
    const measured = s.calls.slice(2);
    for (let round = 0; round < 3; round++) {
      expect(new Set(measured.slice(round * 2, round * 2 + 2).map((c) => c.model))).toEqual(new Set(['a', 'b']));
    }
    // Every prompt, warm-ups included, is unique: a prefix of 12 digits derived from the run's nonce, then the configured text.
    expect(new Set(s.calls.map((c) => c.prompt)).size).toBe(8);
    for (const c of s.calls) expect(c.prompt).toMatch(/^\[\d{12}\] hello$/);
    expect(results.workload.nonce).toMatch(/^\d{12}$/);
    const a = results.cases.find((c) => c.id === 'a/p')!;
    expect(a.samples.ttft_ms).toEqual([10, 10, 10]);
    expect(a.samples.decode_tps).toEqual([100, 100, 100]);
    expect(a.samples.load_ms).toEqual([5]);
    expect(a.samples.success_rate).toEqual([1]);
    expect(a.blocks).toEqual([0, 1, 2]);
    expect(s.unloads()).toBe(2);
    const onDisk = parseResults(JSON.parse(await readFile(out, 'utf8')), out);
    expect(onDisk.cases.map((c) => c.id)).toEqual(['a/p', 'b/p']);
    const lines = (await readFile(`${out}.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'sample')).toHaveLength(6);
    expect(lines.at(-1)).toMatchObject({ type: 'end', status: 'complete' });
  });

  it('is reproducible: the same seed gives the same order', async () => {
    const orders: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const s = scriptedEngine();
      const cfg = config(
        'engine: command\ncommand: [x]\nmodels: [a, b, c]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 4, seed: 3 }\n',
      );
      await runBenchmark({
        sides: [{ config: cfg, engine: s.engine }],
        runner,
        out: await tmp(),
        cacheDir: '/tmp',
        toolVersion: '0',
      });
      orders.push(s.calls.map((c) => c.model));
    }
    expect(orders[0]).toEqual(orders[1]);
    expect(orders[0]!.join('')).not.toBe('abcabcabcabc');
  });

  it('records a failed request and a time-out, and goes on', async () => {
    const out = await tmp();
    const s = scriptedEngine((_c, n) => (n === 2 ? 'fail' : n === 3 ? 'hang' : 'ok'));
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 4, timeout_s: 0.05 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out,
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    const c = results.cases[0]!;
    expect(c.requests).toEqual({ ok: 2, failed: 2 });
    expect(c.errors.map((e) => [e.repetition, e.kind])).toEqual([
      [1, 'engine'],
      [2, 'timeout'],
    ]);
    expect(c.samples.e2e_ms).toHaveLength(2);
    expect(c.samples.success_rate).toEqual([0.5]);
    expect(results.status).toBe('complete');
  });

  it('keeps going when one case cannot load', async () => {
    const s = scriptedEngine(undefined, { failLoad: 'b' });
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a, b]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 2 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    const b = results.cases.find((c) => c.id === 'b/prompt-1')!;
    expect(b.errors).toEqual([expect.objectContaining({ repetition: -1, kind: 'load', message: 'no such model' })]);
    expect(b.samples).toEqual({});
    expect(results.cases.find((c) => c.id === 'a/prompt-1')!.samples.e2e_ms).toHaveLength(2);
  });

  it('stops on a signal and keeps what was measured, marked partial', async () => {
    const out = await tmp();
    const abort = new AbortController();
    const s = scriptedEngine((_c, n) => {
      if (n === 3) abort.abort();
      return 'ok';
    });
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 10 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out,
      cacheDir: '/tmp',
      toolVersion: '0',
      signal: abort.signal,
    });
    expect(results.status).toBe('partial');
    expect(results.cases[0]!.samples.e2e_ms!.length).toBeGreaterThanOrEqual(2);
    expect(results.cases[0]!.samples.e2e_ms!.length).toBeLessThan(10);
    const onDisk = parseResults(JSON.parse(await readFile(out, 'utf8')), out);
    expect(onDisk.status).toBe('partial');
    expect(onDisk.notes.join(' ')).toMatch(/interrupted/);
  });

  it('the request in flight at a stop is dropped as interrupted after the grace period: not a time-out, not a failure', async () => {
    const out = await tmp();
    const abort = new AbortController();
    const s = scriptedEngine((_c, n) => {
      if (n === 3) {
        abort.abort();
        return 'hang';
      }
      return 'ok';
    });
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 10 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out,
      cacheDir: '/tmp',
      toolVersion: '0',
      signal: abort.signal,
    });
    const c = results.cases[0]!;
    expect(results).toMatchObject({
      status: 'partial',
      interrupted: true,
      planned_repetitions: 10,
      completed_repetitions: 2,
    });
    expect(c.errors).toEqual([]);
    expect(c.requests).toEqual({ ok: 2, failed: 0 });
    expect(c.samples.e2e_ms).toHaveLength(2);
    expect(results.notes.join(' ')).toMatch(
      /1 request in flight did not finish within 3 s and was dropped, not counted as failures/,
    );
  });

  it('a request that finishes within the grace period after a stop is kept', async () => {
    const abort = new AbortController();
    const s = scriptedEngine((_c, n) => {
      if (n === 2) abort.abort();
      return 'ok';
    });
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 10 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
      signal: abort.signal,
    });
    expect(results.cases[0]!.samples.e2e_ms).toHaveLength(2);
    expect(results.cases[0]!.errors).toEqual([]);
    expect(results.notes.join(' ')).not.toMatch(/dropped/);
  });

  it('a soak: max_requests stops the run and interval_s starts measured requests on an interval schedule', async () => {
    const out = await tmp();
    const starts: number[] = [];
    const s = scriptedEngine(() => {
      starts.push(Date.now());
      return 'ok';
    });
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 1, max_requests: 4, interval_s: 0.2 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out,
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    expect(results).toMatchObject({ status: 'complete', planned_repetitions: 4, completed_repetitions: 4 });
    expect(results.cases[0]!.samples.e2e_ms).toHaveLength(4);
    // The warm-up is not paced; the 4 measured requests start on the schedule first + i × 200 ms, never earlier
    // (a lower bound only: a busy machine may start them later, which is not asserted).
    const measured = starts.slice(1);
    expect(measured).toHaveLength(4);
    for (let i = 1; i < measured.length; i++) expect(measured[i]! - measured[0]!).toBeGreaterThanOrEqual(i * 200 - 50);
  });

  it('a stop ends the wait between paced requests at once', async () => {
    const abort = new AbortController();
    const s = scriptedEngine((_c, n) => {
      if (n === 1) setTimeout(() => abort.abort(), 50);
      return 'ok';
    });
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 0, duration_s: 3600, interval_s: 600 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
      signal: abort.signal,
    });
    // The 10-minute wait after the first request ended with the stop: one request, an interrupted soak.
    expect(results).toMatchObject({ status: 'partial', interrupted: true, completed_repetitions: 1 });
  });

  it('runs cases one after another when their models exceed the resident budget', async () => {
    const s = scriptedEngine();
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a, b]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 2 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
      residentBudgetBytes: 1500,
    });
    expect(s.calls.map((c) => c.model)).toEqual(['a', 'a', 'b', 'b']);
    expect(results.notes[0]).toMatch(/not interleaved/);
  });

  it('tags both sides of an A/B run and interleaves them in blocks', async () => {
    const s = scriptedEngine();
    const base = config(
      'engine: command\ncommand: [x]\nmodels: [{ id: m, name: old }]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 3 }\n',
    );
    const head = config(
      'engine: command\ncommand: [x]\nmodels: [{ id: m, name: new }]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 3 }\n',
    );
    const results = await runBenchmark({
      sides: [
        { side: 'base', config: base, engine: s.engine },
        { side: 'head', config: head, engine: s.engine },
      ],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    expect(results.cases.map((c) => [c.side, c.id, c.model.name])).toEqual([
      ['base', 'm/prompt-1', 'old'],
      ['head', 'm/prompt-1', 'new'],
    ]);
    for (let round = 0; round < 3; round++)
      expect(new Set(s.calls.slice(round * 2, round * 2 + 2).map((c) => c.model))).toEqual(new Set(['old', 'new']));
    expect(results.cases[1]!.blocks).toEqual([0, 1, 2]);
  });

  it('measures the reference workload once per round beside the cases, into results.calibration', async () => {
    const s = scriptedEngine();
    const ref = scriptedEngine();
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a, b]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 3, seed: 5 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      reference: {
        engine: ref.engine,
        model: { id: 'reference', name: 'ref.gguf', source: 'path' },
        params: {},
        prompt: 'fixed',
        maxTokens: 4,
        description: 'scripted reference',
      },
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    expect(ref.calls).toHaveLength(1 + 3); // its own warm-up, then one per round
    expect(ref.calls.every((c) => c.prompt.endsWith('fixed'))).toBe(true);
    expect(results.cases.map((c) => c.id)).toEqual(['a/prompt-1', 'b/prompt-1']);
    expect(results.calibration).toEqual({
      workload: 'scripted reference',
      samples: expect.objectContaining({ decode_tps: [100, 100, 100], ttft_ms: [10, 10, 10] }),
      blocks: [0, 1, 2],
    });
    expect(results.calibration!.samples.load_ms).toBeUndefined();
  });

  it('runs the reference after every request when cases run one after another', async () => {
    const s = scriptedEngine();
    const ref = scriptedEngine();
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 2, interleave: false }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine: s.engine }],
      reference: {
        engine: ref.engine,
        model: { id: 'reference', name: 'ref.gguf', source: 'path' },
        params: {},
        prompt: 'fixed',
        maxTokens: 4,
        description: 'r',
      },
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    expect(ref.calls).toHaveLength(1 + 2);
    expect(results.calibration!.samples.e2e_ms).toHaveLength(2);
  });

  it('does not interleave more cases than the engine can keep loaded', async () => {
    const s = scriptedEngine();
    const engine = { ...s.engine, maxLoadedCases: 1 };
    const cfg = config(
      'engine: command\ncommand: [x]\nmodels: [a, b]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 2 }\n',
    );
    const results = await runBenchmark({
      sides: [{ config: cfg, engine }],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    expect(s.calls.map((c) => c.model)).toEqual(['a', 'a', 'b', 'b']);
    expect(s.loads).toEqual(['a', 'b']);
    expect(results.notes[0]).toMatch(/keeps 1 case loaded at a time/);
  });

  it('runs each A/B case with its twin in lockstep when the engine can generate pairs', async () => {
    const s = scriptedEngine();
    const pairs: Array<[string, string, string, string]> = [];
    const engine: Engine = {
      ...s.engine,
      async generatePair(a, ra, b, rb) {
        pairs.push([a.prepared.location, b.prepared.location, ra.prompt, rb.prompt]);
        return [await s.engine.generate(a, ra), await s.engine.generate(b, rb)];
      },
    };
    const base = config(
      'engine: command\ncommand: [x]\nmodels: [{ id: m, name: old }]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 3 }\n',
    );
    const head = config(
      'engine: command\ncommand: [x]\nmodels: [{ id: m, name: new }, { id: extra, name: extra }]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 3 }\n',
    );
    const results = await runBenchmark({
      sides: [
        { side: 'base', config: base, engine },
        { side: 'head', config: head, engine },
      ],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    // One pair per round for the shared id, base first; the head-only case runs alone.
    expect(pairs.map((p) => [p[0], p[1]])).toEqual([
      ['old', 'new'],
      ['old', 'new'],
      ['old', 'new'],
    ]);
    // Each side its own prefix: different digits, the same width and shape, so equal work token for token and no
    // reuse of the other side's prompt cache.
    for (const p of pairs) {
      expect(p[2]).not.toBe(p[3]);
      expect(p[2]).toMatch(/^\[\d{12}\] x$/);
      expect(p[3]).toMatch(/^\[\d{12}\] x$/);
    }
    expect(new Set(pairs.flatMap((p) => [p[2], p[3]])).size).toBe(6);
    expect(s.calls.filter((c) => c.model === 'extra')).toHaveLength(3);
    expect(results.cases.find((c) => c.side === 'head' && c.id === 'm/prompt-1')!.blocks).toEqual([0, 1, 2]);
    expect(results.cases.find((c) => c.side === 'base')!.requests).toEqual({ ok: 3, failed: 0 });
    expect(results.notes.join(' ')).toMatch(/lockstep/);
  });

  it('does not pair when lockstep is off', async () => {
    const s = scriptedEngine();
    let paired = 0;
    const engine: Engine = {
      ...s.engine,
      generatePair: async () => {
        paired++;
        throw new Error('not expected');
      },
    };
    const yaml = (name: string) =>
      config(
        `engine: command\ncommand: [x]\nmodels: [{ id: m, name: ${name} }]\nprompts: [x]\nworkload: { warmup: 0, repetitions: 2, lockstep: false }\n`,
      );
    await runBenchmark({
      sides: [
        { side: 'base', config: yaml('a'), engine },
        { side: 'head', config: yaml('b'), engine },
      ],
      runner,
      out: await tmp(),
      cacheDir: '/tmp',
      toolVersion: '0',
    });
    expect(paired).toBe(0);
    expect(s.calls).toHaveLength(4);
  });
});
