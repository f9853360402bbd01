// `llm-bench compare | report | ab | demo` as users run them: verdicts, exit codes, reports, and bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { ensureModel } from './helpers/models.js';
import { makeResults } from './peers/github-server.js';
import { parseVerdict } from '../src/schema/verdict.js';

let dir: string;

async function json(name: string, value: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

const results = (label: string, decodeTps: number[], mutate: (r: any) => void = () => {}) => {
  const r = makeResults(label, { decodeTps }) as any;
  mutate(r);
  return r;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-cli-compare-'));
});

describe('llm-bench compare', () => {
  it('exits 1 on a significant regression and prints the report; --out writes the verdict', async () => {
    const base = await json('base.json', results('gpu', [100, 101, 99, 100, 102, 98, 100, 101]));
    const head = await json('head.json', results('gpu', [80, 81, 79, 80, 82, 78, 80, 81]));
    const out = join(dir, 'verdict.json');
    const r = await runCli(['compare', '--base', base, '--head', head, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[1]).toMatch(/^\*\*⚠️ 1 regression\*\*: decode_tps −20% \(p<0\.001\) on gpu for tiny/);
    const verdict = parseVerdict(JSON.parse(await readFile(out, 'utf8')), out);
    expect(verdict.status).toBe('regression');
    expect(verdict.cases[0]!.metrics.decode_tps).toMatchObject({ verdict: 'regression', gated: true, ratio: 0.8 });
  });

  it('exits 0 when nothing changed; --format json prints the verdict', async () => {
    const base = await json('same-base.json', results('gpu', [100, 101, 99, 100, 102, 98]));
    const head = await json('same-head.json', results('gpu', [101, 99, 100, 102, 98, 100]));
    const r = await runCli(['compare', '--base', base, '--head', head, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'llm-bench/verdict@1', status: 'pass', strategy: 'baseline' });
  });

  it('uses the history rule with three or more baselines', async () => {
    const bases = await Promise.all(
      [100, 104, 97].map((m, i) => json(`hist-${i}.json`, results('gpu', [m, m + 1, m - 1, m, m + 2, m - 2]))),
    );
    const head = await json('hist-head.json', results('gpu', [99, 100, 101, 98, 102, 100]));
    const r = await runCli(['compare', ...bases.flatMap((b) => ['--base', b]), '--head', head, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).strategy).toBe('baseline-history');
  });

  const bad: Array<[string, () => Promise<string[]>, RegExp]> = [
    [
      'a results file of another schema version',
      async () => [
        '--base',
        await json('v2.json', { ...results('gpu', [1, 2, 3, 4]), schema: 'llm-bench/results@2' }),
        '--head',
        await json('h1.json', results('gpu', [1, 2, 3, 4])),
      ],
      /v2\.json: schema: expected schema "llm-bench\/results@1", got "llm-bench\/results@2" \(a results file of another version of llm-bench\)/,
    ],
    [
      'a file that is not llm-bench results',
      async () => [
        '--base',
        await json('other.json', { hello: 'world' }),
        '--head',
        await json('h2.json', results('gpu', [1, 2, 3, 4])),
      ],
      /other\.json: schema: expected schema "llm-bench\/results@1", got no schema field/,
    ],
    [
      'invalid JSON',
      async () => [
        '--base',
        await json('broken.json', '{"schema": '),
        '--head',
        await json('h3.json', results('gpu', [1, 2, 3, 4])),
      ],
      /broken\.json: results file is not valid JSON/,
    ],
    [
      'a missing file',
      async () => ['--base', join(dir, 'absent.json'), '--head', await json('h4.json', results('gpu', [1, 2, 3, 4]))],
      /absent\.json: cannot read results file: file not found/,
    ],
    [
      'different runner labels',
      async () => [
        '--base',
        await json('pi.json', results('pi-4', [1, 2, 3, 4])),
        '--head',
        await json('gpu.json', results('gpu-4080', [1, 2, 3, 4])),
      ],
      /pi-4.*gpu-4080|gpu-4080.*pi-4/,
    ],
    [
      'a NaN sample (null in JSON)',
      async () => [
        '--base',
        await json(
          'nan.json',
          results('gpu', [1, 2, 3, 4], (r) => (r.cases[0].samples.decode_tps[2] = null)),
        ),
        '--head',
        await json('h5.json', results('gpu', [1, 2, 3, 4])),
      ],
      /nan\.json: cases\[0\]\.samples\.decode_tps\[2\]: expected number/,
    ],
    [
      'a negative sample',
      async () => [
        '--base',
        await json('neg.json', results('gpu', [1, 2, -3, 4])),
        '--head',
        await json('h6.json', results('gpu', [1, 2, 3, 4])),
      ],
      /neg\.json: cases\[0\]\.samples\.decode_tps\[2\]: .*non-negative/,
    ],
    [
      'empty samples',
      async () => [
        '--base',
        await json('empty.json', results('gpu', [])),
        '--head',
        await json('h7.json', results('gpu', [1, 2, 3, 4])),
      ],
      /empty\.json: cases\[0\]\.samples\.decode_tps: expected at least one sample/,
    ],
    [
      'duplicate case ids',
      async () => [
        '--base',
        await json(
          'dup.json',
          results('gpu', [1, 2, 3, 4], (r) => r.cases.push(r.cases[0])),
        ),
        '--head',
        await json('h8.json', results('gpu', [1, 2, 3, 4])),
      ],
      /dup\.json: cases\[1\]\.id: duplicate case id "tiny\/default\/hello"/,
    ],
    [
      'a template with a syntax error',
      async () => [
        '--base',
        await json('b9.json', results('gpu', [1, 2, 3, 4])),
        '--head',
        await json('h9.json', results('gpu', [1, 2, 3, 4])),
        '--template',
        await json('broken.hbs', '# Report\n\n{{#each labels}}\n{{label}\n{{/each}}\n'),
      ],
      /broken\.hbs.*line 4/,
    ],
    [
      'a template with an unknown helper',
      async () => [
        '--base',
        await json('b10.json', results('gpu', [1, 2, 3, 4])),
        '--head',
        await json('h10.json', results('gpu', [1, 2, 3, 4])),
        '--template',
        await json('helper.hbs', '{{shout headline}}\n'),
      ],
      /helper\.hbs.*shout/,
    ],
  ];

  it.each(bad)('rejects %s: exit 2, one line, no verdict written', async (_name, args, pattern) => {
    const outDir = await mkdtemp(join(dir, 'out-'));
    const r = await runCli(['compare', ...(await args()), '--out', join(outDir, 'verdict.json')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^llm-bench: error: /);
    expect(lines[0]).toMatch(pattern);
    expect(await readdir(outDir)).toEqual([]);
  });
});

describe('llm-bench report', () => {
  it('renders a verdict with each built-in template and with a user template', async () => {
    const verdict = JSON.parse(await readFile(new URL('./fixtures/verdicts/mixed.json', import.meta.url), 'utf8'));
    const file = await json('mixed-verdict.json', verdict);
    const comment = await runCli(['report', '--verdict', file]);
    expect(comment.code).toBe(0);
    expect(comment.stdout.split('\n')[0]).toBe('<!-- llm-bench:report-id=llm-bench -->');
    const check = await runCli(['report', '--verdict', file, '--kind', 'check']);
    expect(check.stdout).not.toContain('<!-- llm-bench');
    const custom = await runCli([
      'report',
      '--verdict',
      file,
      '--template',
      await json('mine.hbs', 'Status: {{status}} · {{title}}\n'),
    ]);
    expect(custom.code).toBe(0);
    expect(custom.stdout).toMatch(/^Status: regression · ⚠️ 2 regressions/);
  });

  it('rejects a results file given as a verdict', async () => {
    const r = await runCli(['report', '--verdict', await json('not-verdict.json', results('gpu', [1, 2, 3, 4]))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /not-verdict\.json: schema: expected schema "llm-bench\/verdict@1", got "llm-bench\/results@1"/,
    );
  });
});

describe('llm-bench ab', () => {
  it('runs base and head interleaved on real llama.cpp and finds the slower model', async () => {
    const tiny = await ensureModel('tiny');
    const medium = await ensureModel('medium');
    const cfg = (model: string): string =>
      `engine: llama-cpp\nmodels: [{ id: assistant, path: ${JSON.stringify(model)} }]\noptions: { threads: 1, context_size: 256 }\nprompts: [{ id: p, text: "hello", max_tokens: 24 }]\nworkload: { warmup: 1, repetitions: 8 }\ngates: { decode_tps: { regression: 5% } }\n`;
    const base = await json('ab-base.yml', cfg(tiny));
    const head = await json('ab-head.yml', cfg(medium));
    const out = join(dir, 'ab', 'verdict.json');
    const r = await runCli(['ab', '--base-config', base, '--head-config', head, '--out', out, '--label', 'ci']);
    expect(r.code).toBe(1);
    const verdict = parseVerdict(JSON.parse(await readFile(out, 'utf8')), out);
    expect(verdict.strategy).toBe('ab');
    expect(verdict.cases[0]!.metrics.decode_tps).toMatchObject({ verdict: 'regression', gated: true });
    expect(verdict.cases[0]!.metrics.decode_tps!.ratio).toBeLessThan(0.8);
    const abResults = JSON.parse(await readFile(join(dir, 'ab', 'ab-results.json'), 'utf8'));
    expect(abResults.cases.map((c: { side: string }) => c.side)).toEqual(['base', 'head']);
  });
});

describe('npm run demo', () => {
  it('runs the quickstart and its pull request as one A/B session, and reports a significant decode_tps regression', async () => {
    const outDir = join(dir, 'demo');
    const r = await runCli(['demo', '--out-dir', outDir], { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const verdict = parseVerdict(JSON.parse(await readFile(join(outDir, 'verdict.json'), 'utf8')), 'verdict.json');
    expect(verdict.status).toBe('regression');
    for (const c of verdict.cases) {
      expect(c.metrics.decode_tps).toMatchObject({ verdict: 'regression', gated: true });
      expect(c.metrics.decode_tps!.p_value!).toBeLessThan(0.05);
    }
    // An A/B run (base and head in lockstep): the verdict cell may carry how it was paired.
    expect(r.stdout).toMatch(
      /\| decode_tps \| [\d,.]+ tok\/s \| [\d,.]+ tok\/s \| −\d+% \| [<\d.]+ \| ⚠️ regression(: [^|]+)? \|/,
    );
    expect(verdict.strategy).toBe('ab');
    expect((await readFile(join(outDir, 'report.md'), 'utf8')).trimEnd()).toBe(r.stdout.trimEnd());
  });
});
