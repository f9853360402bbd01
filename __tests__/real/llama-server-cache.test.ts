// No prompt cache helps a measured request (issue 12, item 7), against llama.cpp's own llama-server (built by
// `npm run peers:build`, i.e. scripts/build-llama-tools.sh) on a generated model. Skips, saying why, when the tools
// have not been built.
//
// llama-server keeps the prompts it has seen (each slot's last prompt, and a host-memory prompt cache, `--cache-ram`,
// 8192 MiB by default) and, unless a request says `cache_prompt: false`, evaluates only what follows the longest
// common token prefix with one of them (tools/server/README.md, POST /completion options, taken by the
// OpenAI-compatible endpoints too). Each reply's `timings` says what it did: `cache_n` "number of prompt tokens
// reused from cache", `prompt_n` the tokens evaluated ("the total number of tokens in context is equal to prompt_n +
// cache_n + predicted_n"). The runner used to draw its prompt prefixes from the seeded generator, so a second run
// of one config sent the same prompts and a warm server evaluated one prompt token of each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOpenAIEngine } from '../../src/engines/openai.js';
import type { FetchLike } from '../../src/engines/http.js';
import { runBenchmark } from '../../src/runner/run.js';
import { promptPrefix } from '../../src/runner/util.js';
import { parseConfig } from '../../src/config/parse.js';
import type { Results } from '../../src/schema/results.js';
import { median } from '../../src/stats/descriptive.js';
import { ensureModel } from '../helpers/models.js';
import { realTools, startLlamaServer, type LlamaServer } from '../helpers/llama-tools.js';

const runner = {
  label: 'test-runner',
  os: 'linux',
  arch: 'x64',
  cpu: 'test cpu',
  cores: 2,
  memory_bytes: 8e9,
  gpus: [],
};
const TEXT =
  'Welcome a new contributor and explain what this project does in two sentences, for a busy reviewer who has never seen it.';

const { dir: binDir, describeReal } = realTools(['llama-server'], '__tests__/real/llama-server-cache.test.ts');

type Timings = { cache_n: number; prompt_n: number; prompt_ms: number };

/** A fetch that keeps each streamed reply's raw `timings` aside, with the request's prompt and cache_prompt: the server's own figures. */
function recordingFetch(
  seen: Array<{ prompt: string; cachePrompt: unknown; timings: Promise<Timings | undefined> }>,
): FetchLike {
  return (async (input: Parameters<FetchLike>[0], init?: RequestInit) => {
    const res = await fetch(input, init);
    const body =
      typeof init?.body === 'string'
        ? (JSON.parse(init.body) as { prompt?: string; cache_prompt?: unknown })
        : undefined;
    if (!res.body || body?.prompt === undefined) return res;
    const [mine, theirs] = res.body.tee();
    seen.push({
      prompt: body.prompt,
      cachePrompt: body.cache_prompt,
      timings: new Response(theirs).text().then((text) => {
        for (const line of text.split('\n')) {
          if (!line.startsWith('data: {')) continue;
          const chunk = JSON.parse(line.slice(6)) as { timings?: Timings };
          if (chunk.timings) return chunk.timings;
        }
        return undefined;
      }),
    });
    return new Response(mine, { status: res.status, statusText: res.statusText, headers: res.headers });
  }) as FetchLike;
}

describeReal('prompt caches against llama.cpp’s llama-server', () => {
  let server: LlamaServer;
  let dir: string;
  /** The prompt's tokens as the server counts them (with BOS, as a completion request tokenizes). */
  const tokenCount = async (content: string): Promise<number> => {
    const res = await fetch(`${server.url}/tokenize`, {
      method: 'POST',
      body: JSON.stringify({ content, add_special: true }),
    });
    return ((await res.json()) as { tokens: number[] }).tokens.length;
  };
  /** One streamed completion, sent directly, and the timings of its reply. */
  const complete = async (
    prompt: string,
    extra: Record<string, unknown> = {},
  ): Promise<Timings & { ttftMs: number }> => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'tiny',
        prompt,
        max_tokens: 4,
        ignore_eos: true,
        temperature: 0,
        stream: true,
        ...extra,
      }),
    });
    let ttftMs: number | undefined;
    let timings: Timings | undefined;
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      ttftMs ??= performance.now() - t0;
      text += value;
    }
    for (const line of text.split('\n'))
      if (line.startsWith('data: {')) timings = (JSON.parse(line.slice(6)) as { timings?: Timings }).timings ?? timings;
    return { ...timings!, ttftMs: ttftMs! };
  };

  beforeAll(async () => {
    // `small` (22 MB) rather than `tiny`: a prefill long enough to see in TTFT.
    server = await startLlamaServer(binDir!, await ensureModel('small'), { slots: 1, contextSize: 512 });
    dir = await mkdtemp(path.join(tmpdir(), 'llm-bench-real-cache-'));
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the failure mode: the same prompt twice, and the second evaluates one token, the rest from the cache', async () => {
    const prompt = `[1-abc] ${TEXT}`;
    const full = await tokenCount(prompt);
    const first = await complete(prompt);
    const second = await complete(prompt);
    expect(first.prompt_n + first.cache_n).toBe(full);
    expect(second.cache_n).toBe(full - 1);
    expect(second.prompt_n).toBe(1);
    // Told not to, it evaluates the whole prompt again.
    const third = await complete(prompt, { cache_prompt: false });
    expect([third.cache_n, third.prompt_n]).toEqual([0, full]);
    // What that does to TTFT (printed, not asserted: times on a shared machine): 5 of each, alternating.
    const cached: number[] = [];
    const uncached: number[] = [];
    for (let i = 0; i < 5; i++) {
      uncached.push((await complete(prompt, { cache_prompt: false })).ttftMs);
      cached.push((await complete(prompt)).ttftMs);
    }
    console.log(
      `llama-server, one prompt of ${full} tokens sent again: cache_n ${second.cache_n}, prompt_n ${second.prompt_n}; ` +
        `median TTFT ${median(uncached).toFixed(1)} ms evaluated in full (cache_prompt false), ${median(cached).toFixed(1)} ms from the cache`,
    );
  });

  it('two runs of one config back to back: every request evaluates its whole prompt (cache_n 0), nothing is flagged', async () => {
    const yaml =
      `engine: openai\nhost: ${server.url}\napi: completions\nmodels: [tiny]\noptions: { ignore_eos: true, temperature: 0 }\n` +
      `prompts: [{ id: p, text: "${TEXT}", max_tokens: 4 }]\nworkload: { warmup: 1, repetitions: 6, seed: 42, timeout_s: 60 }\n`;
    const config = { ...parseConfig(yaml, 'bench.yml'), dir, text: yaml };
    const seen: Parameters<typeof recordingFetch>[0] = [];
    const runs: Results[] = [];
    for (let i = 0; i < 2; i++) {
      const engine = createOpenAIEngine({ file: 'bench.yml', host: server.url, api: 'completions' }, {}, () => {}, {
        fetch: recordingFetch(seen),
      });
      runs.push(
        await runBenchmark({
          sides: [{ config, engine }],
          runner,
          out: path.join(dir, `run${i}.json`),
          cacheDir: dir,
          toolVersion: '0',
        }),
      );
      await engine.close();
    }
    expect(seen).toHaveLength(2 * 7);
    expect(new Set(seen.map((s) => s.prompt)).size).toBe(14);
    for (const s of seen) {
      const t = (await s.timings)!;
      expect(s.cachePrompt).toBe(false);
      expect(t.cache_n).toBe(0);
      expect(t.prompt_n).toBe(await tokenCount(s.prompt));
    }
    for (const r of runs) {
      const c = r.cases[0]!;
      expect(c.errors, server.log()).toEqual([]);
      expect(c.samples.cached_tokens).toEqual([0, 0, 0, 0, 0, 0]);
      expect(r.notes.some((n) => /prompt cache/.test(n))).toBe(false);
    }
    expect(runs[0]!.workload.nonce).not.toBe(runs[1]!.workload.nonce);
    const ttft = runs.map((r) => median(r.cases[0]!.samples.ttft_ms!));
    const prefill = runs.map((r) => median(r.cases[0]!.samples.prefill_tps!));
    console.log(
      `two runs back to back: median TTFT ${ttft.map((v) => v.toFixed(1)).join(' / ')} ms, median prefill ${prefill.map((v) => v.toFixed(0)).join(' / ')} tok/s, prompt_n ${(await seen[1]!.timings)!.prompt_n}`,
    );
  });

  it('a run that lets the server cache (vary_prompt off, cache_prompt true) is recorded and flagged, not hidden', async () => {
    const yaml =
      `engine: openai\nhost: ${server.url}\napi: completions\nmodels: [tiny]\noptions: { ignore_eos: true, temperature: 0, cache_prompt: true }\n` +
      `prompts: [{ id: p, text: "${TEXT}", max_tokens: 4 }]\nworkload: { warmup: 1, repetitions: 3, vary_prompt: false, timeout_s: 60 }\n`;
    const config = { ...parseConfig(yaml, 'bench.yml'), dir, text: yaml };
    const engine = createOpenAIEngine({ file: 'bench.yml', host: server.url, api: 'completions' }, {}, () => {});
    const results = await runBenchmark({
      sides: [{ config, engine }],
      runner,
      out: path.join(dir, 'cached.json'),
      cacheDir: dir,
      toolVersion: '0',
    });
    await engine.close();
    const full = await tokenCount(TEXT);
    expect(results.cases[0]!.samples.cached_tokens).toEqual([full - 1, full - 1, full - 1]);
    expect(results.notes.find((n) => /prompt cache/.test(n))).toBe(
      `case tiny/p: the server served part of the prompt from its prompt cache in 3 of 3 measured requests (up to ${full - 1} of ${full} prompt tokens, see cached_tokens); their ttft_ms and prefill_tps do not measure a full prefill`,
    );
  });

  it('the prefixes of both sides of a block have equal token counts and no common prefix beyond BOS and the bracket', async () => {
    const nonce = '905718264031';
    const counts = new Set<number>();
    for (let i = 0; i < 40; i++) counts.add(await tokenCount(promptPrefix(nonce, i) + TEXT));
    expect([...counts]).toEqual([await tokenCount(`[000000000000] ${TEXT}`)]);
    // Consecutive positions (the base and head of a block) against a warm cache, cache_prompt left on: the reuse stops
    // inside the prefix, at the first digit that differs; nothing of the prompt text after it is reused.
    await complete(promptPrefix(nonce, 100) + TEXT);
    const head = await complete(promptPrefix(nonce, 101) + TEXT);
    const prefixTokens = await tokenCount(promptPrefix(nonce, 101).trimEnd());
    expect(head.cache_n).toBeLessThan(prefixTokens);
    console.log(
      `base and head of one block, cache_prompt on: head reused ${head.cache_n} tokens (BOS, the bracket and any leading digits in common) of ${head.prompt_n + head.cache_n}`,
    );
  });
});
