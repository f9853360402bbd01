// `llm-bench sweep` and `llm-bench soak` on a real run of examples/embedded-sweep (on the tiny generated model).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { parseConstraint } from '../src/cli/commands/analyse.js';
import { ensureModel } from './helpers/models.js';

let dir: string;
const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    env: { PATH: process.env.PATH },
    log: (l) => err.push(l),
    print: (t) => out.push(t),
    tty: false,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-analyse-'));
  const example = await readFile(new URL('../examples/embedded-sweep/bench.yml', import.meta.url), 'utf8');
  // The example as written, on the tiny model so the test stays quick.
  await writeFile(
    join(dir, 'bench.yml'),
    example.replace('../quickstart/models/small.gguf', JSON.stringify(await ensureModel('tiny'))),
  );
  const r = await run(['run', '--config', join(dir, 'bench.yml'), '--out', join(dir, 'sweep.json'), '--label', 'ci']);
  expect(r.code, r.err).toBe(0);
}, 240_000);

describe('llm-bench sweep', () => {
  it('names the best configuration, the ties, the effects, a heatmap and an options block', async () => {
    const r = await run(['sweep', '--results', join(dir, 'sweep.json'), '--objective', 'decode_tps']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^### assistant · greeting\n\n\*\*Best for decode_tps \(max\):\*\* (\w+=\d+ ?){3}: [\d.]+ tok\/s \(n=6\)/,
    );
    // With 6 repetitions of 8 configurations the test can separate them (the smallest one-sided p × 7 < 0.05).
    expect(r.out).not.toMatch(/cannot be told apart/);
    expect(r.out).toMatch(/\| parameter \| effect \| levels/);
    expect(r.out).toMatch(/```yaml\noptions:\n( {2}(threads|batch_size|context_size): \d+\n){3}```/);
    const json = JSON.parse(
      (await run(['sweep', '--results', join(dir, 'sweep.json'), '--objective', 'decode_tps', '--format', 'json'])).out,
    ) as Array<{ candidates: unknown[]; swept: string[] }>;
    expect(json[0]!.candidates).toHaveLength(8);
    expect(json[0]!.swept.sort()).toEqual(['batch_size', 'context_size', 'threads']);
  });

  it('constraints rule configurations out, and bad input is one clear line', async () => {
    const r = await run([
      'sweep',
      '--results',
      join(dir, 'sweep.json'),
      '--objective',
      'decode_tps',
      '--constraint',
      'ttft_ms:max=0.001',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/No configuration meets the constraints \(8 measured\)\./);
    expect(parseConstraint('ttft_ms:max=500:p90')).toEqual(['ttft_ms', { max: 500, quantile: 0.9 }]);
    const bad = await run([
      'sweep',
      '--results',
      join(dir, 'sweep.json'),
      '--objective',
      'decode_tps',
      '--constraint',
      'ttft<500',
    ]);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.err).toMatch(
      /^llm-bench: error: --constraint "ttft<500": expected <metric>:min=<number> or <metric>:max=<number>/,
    );
    const unknown = await run(['sweep', '--results', join(dir, 'sweep.json'), '--objective', 'tokens_per_joule']);
    expect(unknown.err).toMatch(/--objective tokens_per_joule: no case of .* measured it \(measured: /);
  });
});

describe('llm-bench soak', () => {
  it('reads the run journal: every request succeeded, drift per hour, no outages', async () => {
    const r = await run(['soak', '--journal', join(dir, 'sweep.json.jsonl'), '--results', join(dir, 'sweep.json')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^### Soak: .*\n\n48 requests over [\d.]+ minutes: 48 succeeded \(100\.00%, 95% interval \d+\.\d+–100\.00%\)\./,
    );
    expect(r.out).toMatch(/\| decode_tps \| [+−][\d.]+% \|/);
    expect(r.out).toMatch(/Memory: .*too few to judge a leak/);
    const json = JSON.parse(
      (await run(['soak', '--journal', join(dir, 'sweep.json.jsonl'), '--format', 'json'])).out,
    ) as { requests: number; outages: unknown[] };
    expect(json).toMatchObject({ requests: 48, outages: [] });
    const missing = await run(['soak', '--journal', join(dir, 'nope.jsonl')]);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toMatch(/nope\.jsonl: the journal does not exist/);
  });
});
