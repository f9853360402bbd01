// Interchange: real llama-bench output imported into results@1; results and verdicts exported for other tools.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { importLlamaBench } from '../src/interchange/llama-bench.js';
import { exportResults, exportVerdict } from '../src/interchange/export.js';
import { importVllm } from '../src/interchange/vllm.js';
import { compareResults, compareSettings } from '../src/compare/index.js';
import { loadVerdict } from './fixtures/verdicts/index.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/llama-bench/${name}`, import.meta.url), 'utf8');
const JSONL = 'small-p64-n32-t1,2.jsonl';
const JSON_ARRAY = 'small-p64-n32-t1,2.json';

describe('importLlamaBench', () => {
  it('one case per thread count, pp64 samples as prefill_tps and tg32 as decode_tps, the build recorded', () => {
    const text = fixture(JSONL);
    const recs = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { n_threads: number; n_prompt: number; samples_ts: number[] });
    const r = importLlamaBench(text, { label: 'ci-cpu', file: JSONL });
    expect(r.cases.map((c) => c.id)).toEqual(['small.gguf/pp64+tg32/n_threads=1', 'small.gguf/pp64+tg32/n_threads=2']);
    for (const c of r.cases) {
      const mine = recs.filter((x) => x.n_threads === c.params.n_threads);
      expect(c.samples.prefill_tps).toEqual(mine.find((x) => x.n_prompt > 0)!.samples_ts);
      expect(c.samples.decode_tps).toEqual(mine.find((x) => x.n_prompt === 0)!.samples_ts);
      expect(c.model).toMatchObject({
        id: 'small.gguf',
        name: 'models/small.gguf',
        parameter_count: 5507328,
        size_bytes: 22029312,
      });
    }
    expect(r.engine).toMatchObject({
      kind: 'llama-bench',
      version: '1 (80fb11a)',
      build_commit: '80fb11a',
      backends: 'CPU',
      cpu_info: 'AMD EPYC',
    });
    expect(r.runner).toMatchObject({ label: 'ci-cpu', cpu: 'AMD EPYC', gpus: [] });
    expect(r.status).toBe('complete');
  });

  it('-o json (one array) imports like -o jsonl: the same cases, each with the samples of its own tests', () => {
    const a = importLlamaBench(fixture(JSONL), { label: 'x', file: JSONL });
    const b = importLlamaBench(fixture(JSON_ARRAY), { label: 'x', file: JSON_ARRAY });
    expect(b.cases.map((c) => [c.id, c.params])).toEqual(a.cases.map((c) => [c.id, c.params]));
    const recs = JSON.parse(fixture(JSON_ARRAY)) as Array<{ n_threads: number; n_gen: number; samples_ts: number[] }>;
    for (const c of b.cases) {
      expect(c.samples.decode_tps).toEqual(
        recs.find((r) => r.n_threads === c.params.n_threads && r.n_gen > 0)!.samples_ts,
      );
    }
  });

  it('imported runs compare like any other: 1 thread against 2', () => {
    const r = importLlamaBench(fixture(JSONL), { label: 'ci-cpu', file: JSONL });
    const base = { ...r, cases: [{ ...r.cases[0]!, id: 'small' }] };
    const head = { ...r, cases: [{ ...r.cases[1]!, id: 'small' }] };
    const v = compareResults([{ label: 'ci-cpu', base, head }], compareSettings(undefined), { now: new Date(0) });
    expect(v.cases[0]!.metrics.decode_tps!.ratio).toBeGreaterThan(0);
    expect(v.cases[0]!.status).toBe('compared');
  });

  it.each([
    ['', /the file is empty; expected llama-bench output/],
    ['{"hello": 1}', /line 1: expected a number in n_prompt; is this llama\.cpp's llama-bench output/],
    [
      '[{"n_prompt": 1, "n_gen": 0, "samples_ts": [], "model_filename": "m"}]',
      /\[0\]: expected samples_ts, a list of non-negative numbers/,
    ],
    ['not json', /line 1 is not JSON; expected llama-bench -o jsonl/],
    ['{"results": []}\n', /expected a number in n_prompt/],
  ])('bad input %j is one clear error naming the file', (text, error) => {
    expect(() => importLlamaBench(text, { label: 'x', file: 'bench.jsonl' })).toThrow(error);
    try {
      importLlamaBench(text, { label: 'x', file: 'bench.jsonl' });
    } catch (e) {
      expect((e as Error).message).toMatch(/^bench\.jsonl/);
    }
  });
});

describe('importVllm (vllm bench serve --save-result)', () => {
  const vllm = (name: string): string => readFileSync(new URL(`./fixtures/vllm/${name}`, import.meta.url), 'utf8');
  type Saved = {
    ttfts: number[];
    itls: number[][];
    output_lens: number[];
    errors: string[];
    median_ttft_ms: number;
    median_e2el_ms: number;
    completed: number;
  };

  it('per-request samples from the detailed arrays; the failed request is a failure with its message', () => {
    const saved = JSON.parse(vllm('serve-detailed.json')) as Saved;
    const r = importVllm(vllm('serve-detailed.json'), { label: 'gpu', file: 'serve-detailed.json' });
    const c = r.cases[0]!;
    expect(c.id).toBe('Qwen/Qwen3-4B/serve-12/request_rate=inf,burstiness=1,max_concurrency=4,num_prompts=12');
    expect(c.requests).toEqual({ ok: 11, failed: 1 });
    expect(c.errors).toEqual([{ repetition: 5, kind: 'engine', message: 'Bad Request: prompt too long' }]);
    expect(c.samples.ttft_ms).toHaveLength(11);
    const ok = saved.ttfts.map((_t, i) => i).filter((i) => !saved.errors[i]);
    c.samples.ttft_ms!.forEach((v, k) => expect(v).toBeCloseTo(saved.ttfts[ok[k]!]! * 1000, 9));
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    // The medians agree with the aggregates vLLM computed itself.
    const med = (xs: number[]) => {
      const s = sorted(xs);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    expect(med(c.samples.ttft_ms!)).toBeCloseTo(saved.median_ttft_ms, 9);
    expect(med(c.samples.e2e_ms!)).toBeCloseTo(saved.median_e2el_ms, 9);
    expect(c.samples.decode_tps!.every((v) => v > 40 && v < 90)).toBe(true);
    expect(r.started_at).toBe('2025-10-21T14:30:00.000Z');
  });

  it('without --save-detailed: the aggregates as single samples, and a note saying how to get more', () => {
    const r = importVllm(vllm('serve-aggregates.json'), { label: 'gpu', file: 'serve-aggregates.json' });
    expect(Object.fromEntries(Object.entries(r.cases[0]!.samples).map(([k, v]) => [k, v.length]))).toEqual({
      request_tps: 1,
      output_tps: 1,
      ttft_ms: 1,
      tpot_ms: 1,
      e2e_ms: 1,
    });
    expect(r.notes[0]).toMatch(/aggregates only: rerun with --save-detailed/);
  });

  it('a file of another tool is one clear error', () => {
    expect(() => importVllm(fixture(JSON_ARRAY), { label: 'x', file: 'x.json' })).toThrow(
      /^x\.json: expected one JSON object from vllm bench serve/,
    );
    expect(() => importVllm('{"completed": 3}', { label: 'x', file: 'x.json' })).toThrow(
      /^x\.json: request_throughput: expected a number in request_throughput/,
    );
  });
});

describe('exportResults', () => {
  const results = importLlamaBench(fixture(JSONL), { label: 'ci-cpu', file: JSONL });

  it('Bencher Metric Format: benchmark → measure → {value, lower_value, upper_value}', () => {
    const bmf = JSON.parse(exportResults(results, 'bmf')) as Record<
      string,
      Record<string, { value: number; lower_value: number; upper_value: number }>
    >;
    expect(Object.keys(bmf)).toEqual([
      'ci-cpu / small.gguf/pp64+tg32/n_threads=1',
      'ci-cpu / small.gguf/pp64+tg32/n_threads=2',
    ]);
    for (const measures of Object.values(bmf)) {
      for (const m of Object.values(measures)) {
        expect(typeof m.value).toBe('number');
        expect(m.lower_value).toBeLessThanOrEqual(m.value);
        expect(m.upper_value).toBeGreaterThanOrEqual(m.value);
      }
    }
    const samples = results.cases[0]!.samples.decode_tps!;
    expect(bmf['ci-cpu / small.gguf/pp64+tg32/n_threads=1']!.decode_tps).toEqual({
      value: [...samples].sort((a, b) => a - b)[1],
      lower_value: Math.min(...samples),
      upper_value: Math.max(...samples),
    });
  });

  it("github-action-benchmark's custom tools: speeds in bigger-is-better, times in smaller-is-better", () => {
    const bigger = JSON.parse(exportResults(results, 'gab-bigger')) as Array<{
      name: string;
      unit: string;
      value: number;
    }>;
    expect(bigger.map((e) => e.name)).toContain('ci-cpu / small.gguf/pp64+tg32/n_threads=1 decode_tps');
    expect(bigger.every((e) => e.unit === 'tok/s' && typeof e.value === 'number')).toBe(true);
    expect(JSON.parse(exportResults(results, 'gab-smaller'))).toEqual([]);
  });

  it('CSV quotes and defuses hostile text; JSON lines round-trip', () => {
    const hostile = { ...results, runner: { ...results.runner, label: '=HYPERLINK("x"),"a"' } };
    const csv = exportResults(hostile, 'csv').trim().split('\n');
    expect(csv[0]).toBe('runner,side,case,model,prompt,params,metric,unit,direction,n,median,min,max');
    expect(csv[1]!.startsWith(`"'=HYPERLINK(""x""),""a"""`)).toBe(true);
    expect(csv).toHaveLength(1 + 4);
    const lines = exportResults(results, 'jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { metric: string; n: number });
    expect(lines.map((l) => l.metric)).toEqual(['prefill_tps', 'decode_tps', 'prefill_tps', 'decode_tps']);
    expect(lines.every((l) => l.n === 3)).toBe(true);
  });
});

describe('exportVerdict', () => {
  it('one row per case × metric with medians, ratio, interval, p and verdict; negative numbers stay numbers', () => {
    const v = loadVerdict('mixed');
    const rows = exportVerdict(v, 'jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(v.cases.reduce((n, c) => n + Object.keys(c.metrics).length, 0));
    expect(rows[0]).toHaveProperty('verdict');
    const csv = exportVerdict(v, 'csv').split('\n');
    expect(csv[0]).toBe(
      'runner,case,metric,unit,base_median,head_median,base_n,head_n,ratio,ci_low,ci_high,p_value,verdict,gated,threshold',
    );
    expect(csv.some((l) => l.includes("'-"))).toBe(false);
  });
});

describe('llm-bench import / export', () => {
  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const { main } = await import('../src/cli/main.js');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { env: {}, log: (l) => err.push(l), print: (t) => out.push(t), tty: false });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('imports llama-bench output into results@1 that compare accepts, and exports it as BMF', async () => {
    const { mkdtemp, writeFile, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'llm-bench-interchange-'));
    await writeFile(join(dir, 'bench.jsonl'), fixture(JSONL));
    const imported = await run([
      'import',
      '--from',
      'llama-bench',
      '--file',
      join(dir, 'bench.jsonl'),
      '--out',
      join(dir, 'r.json'),
      '--label',
      'ci-cpu',
    ]);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.err).toMatch(/wrote .*r\.json: 2 case\(s\) from llama-bench output/);
    const exported = await run(['export', '--results', join(dir, 'r.json'), '--format', 'bmf']);
    expect(exported.code).toBe(0);
    expect(Object.keys(JSON.parse(exported.out) as object)).toHaveLength(2);
    const compared = await run([
      'compare',
      '--base',
      join(dir, 'r.json'),
      '--head',
      join(dir, 'r.json'),
      '--format',
      'json',
    ]);
    expect(compared.code).toBe(0);
    // Refused: the output is the input; a missing --label; a verdict in a results-only format.
    expect(
      (
        await run([
          'import',
          '--from',
          'llama-bench',
          '--file',
          join(dir, 'bench.jsonl'),
          '--out',
          join(dir, 'bench.jsonl'),
          '--label',
          'x',
        ])
      ).code,
    ).toBe(2);
    expect(await readFile(join(dir, 'bench.jsonl'), 'utf8')).toBe(fixture(JSONL));
    const noLabel = await run([
      'import',
      '--from',
      'llama-bench',
      '--file',
      join(dir, 'bench.jsonl'),
      '--out',
      join(dir, 'x.json'),
    ]);
    expect(noLabel.code).toBe(2);
    expect(noLabel.err).toMatch(/--label/);
    const both = await run([
      'export',
      '--results',
      join(dir, 'r.json'),
      '--verdict',
      join(dir, 'r.json'),
      '--format',
      'csv',
    ]);
    expect(both).toMatchObject({ code: 2, err: 'llm-bench: error: give exactly one of --results or --verdict' });
  });
});
