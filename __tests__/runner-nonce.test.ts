// The unique prompt prefixes (issue 12, item 7): a per-run nonce from node:crypto, one position per request, so no
// prompt cache serves a measured prefill, across runs and across the two sides of an A/B block; the seed keeps only
// the schedule. Then the cached tokens servers report: recorded as `cached_tokens` and flagged in the notes.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/parse.js';
import type { LoadedConfig } from '../src/io/config.js';
import { runBenchmark, type RunSide } from '../src/runner/run.js';
import { NONCE_DIGITS, isPromptNonce, newPromptNonce, promptCode, promptPrefix } from '../src/runner/util.js';
import { CACHED_TOKENS_INFO } from '../src/schema/metrics.js';
import { createOpenAIEngine } from '../src/engines/openai.js';
import type { Engine, Generation } from '../src/engines/types.js';
import { parseResults, type Results } from '../src/schema/results.js';
import { startOpenAIPeer, type OpenAIPeer } from './peers/openai-server.js';

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

async function tmp(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'llm-bench-nonce-')), 'results.json');
}

/** An engine that records every request and answers at once; `cached` says what its server reports per call. */
function recordingEngine(cached: (n: number) => number | undefined = () => undefined, pairs = false) {
  const calls: Array<{ model: string; prompt: string }> = [];
  const gen = (n: number): Generation => {
    const c = cached(n);
    return {
      chunkArrivalsMs: [10, 20, 30],
      e2eMs: 31,
      outputTokens: 3,
      promptTokens: 20,
      outputSha256: 'x',
      ...(c !== undefined ? { metrics: { cached_tokens: c } } : {}),
    };
  };
  const engine: Engine = {
    kind: 'command',
    info: async () => ({ kind: 'command', version: '1' }),
    prepare: async (model) => ({ location: model.name, identity: { id: model.id, name: model.name, size_bytes: 10 } }),
    load: async (prepared, params) => ({ prepared, params }),
    async generate(loaded, req) {
      calls.push({ model: loaded.prepared.location, prompt: req.prompt });
      return gen(calls.length);
    },
    ...(pairs
      ? {
          async generatePair(a, ra, b, rb) {
            calls.push(
              { model: a.prepared.location, prompt: ra.prompt },
              { model: b.prepared.location, prompt: rb.prompt },
            );
            return [gen(calls.length - 1), gen(calls.length)] as [Generation, Generation];
          },
        }
      : {}),
    unload: async () => {},
    close: async () => {},
  };
  return { engine, calls };
}

const run = (sides: RunSide[], out?: string): Promise<Results> =>
  tmp().then((file) => runBenchmark({ sides, runner, out: out ?? file, cacheDir: '/tmp', toolVersion: '0' }));

describe('the run nonce and the request prefixes', () => {
  it('draws a nonce of fixed width from the random bytes, uniformly (rejecting the top of the range)', () => {
    for (let i = 0; i < 200; i++) expect(newPromptNonce()).toMatch(/^\d{12}$/);
    expect(new Set(Array.from({ length: 200 }, () => newPromptNonce())).size).toBe(200);
    // The bytes decide it: 2^64 − 1 lies above the last whole multiple of 10^12, so it is drawn again.
    const draws = [Buffer.alloc(8, 0xff), Buffer.from('0000000000000007', 'hex')];
    expect(newPromptNonce(() => draws.shift()!)).toBe('000000000007');
    expect(draws).toHaveLength(0);
    expect(isPromptNonce('000000000007')).toBe(true);
    expect(isPromptNonce('12345')).toBe(false);
    expect(isPromptNonce('12345678901a')).toBe(false);
    expect(() => promptCode('abc', 0)).toThrow(/not a prompt nonce/);
    expect(() => promptCode('000000000007', -1)).toThrow(/not a request position/);
  });

  it('gives every position of a run its own code, of one width, differing from the first digit on', () => {
    const nonce = '271828182845';
    const codes = Array.from({ length: 100_000 }, (_, i) => promptCode(nonce, i));
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => c.length === NONCE_DIGITS && /^\d+$/.test(c))).toBe(true);
    // Consecutive requests share no leading digits in most cases: a prefix cache finds nothing to reuse.
    const sameFirstDigit = codes.slice(1).filter((c, i) => c[0] === codes[i]![0]).length;
    expect(sameFirstDigit / codes.length).toBeLessThan(0.15);
    expect(promptCode(nonce, 0)).toBe(nonce);
    expect(promptPrefix(nonce, 1)).toBe(`[${promptCode(nonce, 1)}] `);
    // Another nonce, other codes for the same positions.
    const other = Array.from({ length: 1000 }, (_, i) => promptCode('314159265358', i));
    const firstThousand = new Set(codes.slice(0, 1000));
    expect(other.filter((c) => firstThousand.has(c))).toEqual([]);
  });
});

describe('prefixes in a run', () => {
  const yaml = (extra = '') =>
    `engine: command\ncommand: [x]\nmodels: [a, b, c]\nprompts: [{ id: p, text: hello }]\nworkload: { warmup: 1, repetitions: 4, seed: 11${extra} }\n`;

  it('two runs with one seed: the same schedule, no prefix in common, each run’s nonce recorded', async () => {
    const first = recordingEngine();
    const second = recordingEngine();
    const r1 = await run([{ config: config(yaml()), engine: first.engine }]);
    const r2 = await run([{ config: config(yaml()), engine: second.engine }]);
    expect(first.calls.map((c) => c.model)).toEqual(second.calls.map((c) => c.model));
    expect(first.calls).toHaveLength(3 + 12);
    const prompts = [...first.calls, ...second.calls].map((c) => c.prompt);
    expect(new Set(prompts).size).toBe(prompts.length);
    for (const p of prompts) expect(p).toMatch(/^\[\d{12}\] hello$/);
    expect(r1.workload.nonce).toMatch(/^\d{12}$/);
    expect(r2.workload.nonce).toMatch(/^\d{12}$/);
    expect(r1.workload.nonce).not.toBe(r2.workload.nonce);
    // The prefixes are the run's positions under its nonce, warm-ups included, in the order sent.
    expect(first.calls.map((c) => c.prompt)).toEqual(
      first.calls.map((_, i) => `${promptPrefix(r1.workload.nonce as string, i)}hello`),
    );
  });

  it('the nonce does not touch the schedule: with vary_prompt off the order is the same, and the prompts bare', async () => {
    const varied = recordingEngine();
    const bare = recordingEngine();
    await run([{ config: config(yaml()), engine: varied.engine }]);
    const results = await run([{ config: config(yaml(', vary_prompt: false')), engine: bare.engine }]);
    expect(bare.calls.map((c) => c.model)).toEqual(varied.calls.map((c) => c.model));
    expect(bare.calls.every((c) => c.prompt === 'hello')).toBe(true);
    expect(results.workload.nonce).toBeUndefined();
  });

  it('both sides of an A/B block get prefixes of equal length and shape but different content, in lockstep or not', async () => {
    for (const lockstep of [true, false]) {
      const s = recordingEngine(undefined, true);
      const side = (name: string) =>
        config(
          `engine: command\ncommand: [x]\nmodels: [{ id: m, name: ${name} }]\nprompts: [{ id: p, text: hello }]\nworkload: { warmup: 1, repetitions: 5, lockstep: ${lockstep} }\n`,
        );
      await run([
        { side: 'base', config: side('old'), engine: s.engine },
        { side: 'head', config: side('new'), engine: s.engine },
      ]);
      const base = s.calls.filter((c) => c.model === 'old').map((c) => c.prompt);
      const head = s.calls.filter((c) => c.model === 'new').map((c) => c.prompt);
      expect(base).toHaveLength(6);
      expect(head).toHaveLength(6);
      for (let i = 0; i < 6; i++) {
        expect(base[i]!.length).toBe(head[i]!.length);
        expect(base[i]!.replace(/\d/g, '0')).toBe(head[i]!.replace(/\d/g, '0'));
        expect(base[i]).not.toBe(head[i]);
      }
      expect(new Set([...base, ...head]).size).toBe(12);
    }
  });

  it('under load every request has its own prefix', async () => {
    const s = recordingEngine();
    await run([
      {
        config: config(
          'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [{ id: p, text: hi }]\nworkload: { warmup: 2, repetitions: 3, concurrency: 4, requests: 8 }\n',
        ),
        engine: s.engine,
      },
    ]);
    expect(s.calls).toHaveLength(2 + 3 * 8);
    expect(new Set(s.calls.map((c) => c.prompt)).size).toBe(s.calls.length);
    for (const c of s.calls) expect(c.prompt).toMatch(/^\[\d{12}\] hi$/);
  });
});

describe('cached prompt tokens', () => {
  const yaml =
    'engine: command\ncommand: [x]\nmodels: [a, b]\nprompts: [{ id: p, text: hello }]\nworkload: { warmup: 1, repetitions: 4, seed: 2, interleave: false }\n';

  it('become the cached_tokens samples, declared with direction none, and a note names each case served from a cache', async () => {
    // Calls 1–5 are case a (a warm-up, then 4 measured), 6–10 case b. The server reports a cache hit on the warm-up
    // of a (not measured: no flag) and on two measured requests of b (its repetitions 1 and 3).
    const s = recordingEngine((n) => (n === 1 ? 19 : n === 7 ? 12 : n === 9 ? 19 : 0));
    const out = await tmp();
    const results = await run([{ config: config(yaml), engine: s.engine }], out);
    const [a, b] = results.cases;
    expect(a!.samples.cached_tokens).toEqual([0, 0, 0, 0]);
    expect(b!.samples.cached_tokens).toEqual([12, 0, 19, 0]);
    expect(results.metrics.cached_tokens).toEqual(CACHED_TOKENS_INFO);
    expect(results.metrics.cached_tokens!.direction).toBe('none');
    const flagged = results.notes.filter((n) => /prompt cache/.test(n));
    expect(flagged).toEqual([
      'case b/p: the server served part of the prompt from its prompt cache in 2 of 4 measured requests (up to 19 of 20 prompt tokens, see cached_tokens); their ttft_ms and prefill_tps do not measure a full prefill',
    ]);
    expect(parseResults(JSON.parse(await readFile(out, 'utf8')), out).notes).toEqual(results.notes);
  });

  it('no count from the server: no metric, no note', async () => {
    const s = recordingEngine();
    const results = await run([{ config: config(yaml), engine: s.engine }]);
    expect(results.cases[0]!.samples.cached_tokens).toBeUndefined();
    expect(results.metrics.cached_tokens).toBeUndefined();
    expect(results.notes.some((n) => /prompt cache/.test(n))).toBe(false);
  });

  it('under load: each request counted, the repetition’s sample their mean', async () => {
    const s = recordingEngine((n) => (n === 4 || n === 6 || n === 8 ? 8 : 0));
    const results = await run([
      {
        config: config(
          'engine: command\ncommand: [x]\nmodels: [a]\nprompts: [{ id: p, text: hi }]\nworkload: { warmup: 1, repetitions: 2, concurrency: 2, requests: 4 }\n',
        ),
        engine: s.engine,
      },
    ]);
    // Calls 2–5 and 6–9: one hit in the first repetition (call 4), two in the second (calls 6 and 8).
    expect(results.cases[0]!.samples.cached_tokens).toEqual([2, 4]);
    expect(results.notes.find((n) => /prompt cache/.test(n))).toMatch(
      /^case a\/p: .* in 3 of 8 measured requests \(up to 8 of 20 prompt tokens/,
    );
  });
});

describe('against a server with a prompt cache (the OpenAI peer)', () => {
  const yaml = (host: string, workload = '') =>
    `engine: openai\nhost: ${host}\nmodels: [m]\nprompts: [{ id: p, text: "Summarise the last release notes for a busy reviewer.", max_tokens: 4 }]\nworkload: { warmup: 1, repetitions: 4, seed: 9${workload} }\n`;
  const withPeer = async (
    flavor: 'llama-server' | 'vllm',
    body: (peer: OpenAIPeer) => Promise<void>,
  ): Promise<void> => {
    const peer = await startOpenAIPeer({ flavor, models: [{ id: 'm' }], tokens: 4, promptCache: true });
    try {
      await body(peer);
    } finally {
      await peer.close();
    }
  };
  const runOn = async (peer: OpenAIPeer, workload = ''): Promise<Results> => {
    const engine = createOpenAIEngine({ file: 'bench.yml', host: peer.url, api: 'chat' }, {}, () => {});
    try {
      return await run([{ config: config(yaml(peer.url, workload)), engine }]);
    } finally {
      await engine.close();
    }
  };

  it('llama-server: two runs of one config back to back evaluate every prompt in full (cache_prompt false, cache_n 0)', async () => {
    await withPeer('llama-server', async (peer) => {
      const first = await runOn(peer);
      const second = await runOn(peer);
      for (const r of [first, second]) {
        expect(r.cases[0]!.samples.cached_tokens).toEqual([0, 0, 0, 0]);
        expect(r.notes.some((n) => /prompt cache/.test(n))).toBe(false);
      }
      expect(peer.timingsSent.every((t) => t.cache_n === 0)).toBe(true);
      const bodies = peer.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body!);
      expect(bodies).toHaveLength(10);
      expect(bodies.every((b) => b.cache_prompt === false)).toBe(true);
    });
  });

  it('a server that ignores cache_prompt: the prefixes alone keep the cache out, across runs and both A/B sides', async () => {
    await withPeer('vllm', async (peer) => {
      const single = await runOn(peer);
      const again = await runOn(peer);
      const engine = createOpenAIEngine({ file: 'bench.yml', host: peer.url, api: 'chat' }, {}, () => {});
      const ab = await run([
        { side: 'base', config: config(yaml(peer.url)), engine },
        { side: 'head', config: config(yaml(peer.url)), engine },
      ]);
      await engine.close();
      const bodies = peer.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body!);
      expect(bodies.some((b) => 'cache_prompt' in b)).toBe(false);
      expect(peer.cachedSent).toHaveLength(5 + 5 + 10);
      expect(peer.cachedSent.every((n) => n === 0)).toBe(true);
      for (const r of [single, again, ab])
        for (const c of r.cases) expect(c.samples.cached_tokens).toEqual([0, 0, 0, 0]);
    });
  });

  it('the failure mode, shown: the same prompts again (no variation) are served from the cache, recorded and flagged', async () => {
    await withPeer('vllm', async (peer) => {
      const results = await runOn(peer, ', vary_prompt: false');
      const c = results.cases[0]!;
      // Nine words: all but the last reused from the warm-up on.
      expect(c.samples.cached_tokens).toEqual([8, 8, 8, 8]);
      expect(results.notes.find((n) => /prompt cache/.test(n))).toBe(
        'case m/p: the server served part of the prompt from its prompt cache in 4 of 4 measured requests (up to 8 of 9 prompt tokens, see cached_tokens); their ttft_ms and prefill_tps do not measure a full prefill',
      );
    });
  });
});
