// `llm-bench run` (dist/cli.js) on an `hf:` model whose hub never answers, as a newcomer met it (issue 10): the
// download says what and from where at once, gives up after the stall time with the offline way, and the first
// Ctrl-C or SIGTERM cancels it at once (exit 130), leaving earlier results and the model cache as they were.
// The hub is the local peer (__tests__/peers/huggingface-server.ts), reached through HF_ENDPOINT as node-llama-cpp reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from './helpers/models.js';
import { CLI, REPO_ROOT, runCli } from './helpers/cli.js';
import { startHuggingFacePeer, type HuggingFacePeer } from './peers/huggingface-server.js';

let dir: string;
let peer: HuggingFacePeer;

const hubConfig = (name: string): string =>
  `engine: llama-cpp\nmodels: [{ id: hub, url: ${JSON.stringify(name)} }]\noptions: { threads: 1, context_size: 256 }\nprompts: [{ id: p, text: "hello there", max_tokens: 8 }]\nworkload: { warmup: 0, repetitions: 2 }\n`;

beforeAll(async () => {
  const tiny = await ensureModel('tiny');
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-cli-downloads-'));
  peer = await startHuggingFacePeer(
    [{ user: 'llm-bench', model: 'tiny-GGUF', tag: 'F32', filename: 'tiny.F32.gguf', path: tiny }],
    {},
    'silent',
  );
});

afterAll(async () => {
  await peer?.close();
});

describe('llm-bench run with a hub that never answers', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'the first %s cancels the download at once, exits 130 and keeps the earlier results',
    async (signal) => {
      const cfg = join(dir, `${signal}.yml`);
      await writeFile(cfg, hubConfig('hf:llm-bench/tiny-GGUF:F32'));
      const out = join(dir, `${signal}.json`);
      // Results of an earlier run at --out: an interrupted preparation must not touch them.
      const earlier = '{"earlier": "results"}\n';
      await writeFile(out, earlier);
      const cacheDir = join(dir, `cache-${signal}`);
      const before = peer.requests.length;
      const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', out, '--cache-dir', cacheDir], {
        cwd: REPO_ROOT,
        // A stall time far beyond the test: only the signal can end this download.
        env: {
          ...process.env,
          LLM_BENCH_DEBUG: '',
          HF_ENDPOINT: peer.url,
          MODEL_ENDPOINT: '',
          LLM_BENCH_DOWNLOAD_STALL_S: '600',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let signalledAt: number | undefined;
      const result = await new Promise<{ code: number | null; seconds: number }>((resolve, reject) => {
        const guard = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`llm-bench run did not end (signalled: ${signalledAt !== undefined}); stderr:\n${stderr}`));
        }, 40_000);
        // Signal once the download has started and its first request is held by the peer (checked every 20 ms,
        // until the guard above ends the run).
        const poll = setInterval(() => {
          if (
            signalledAt === undefined &&
            /downloading hf:llm-bench\/tiny-GGUF:F32 from /.test(stderr) &&
            peer.requests.length > before
          ) {
            signalledAt = performance.now();
            clearInterval(poll);
            child.kill(signal);
          }
        }, 20);
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          clearInterval(poll);
          clearTimeout(guard);
          resolve({ code, seconds: (performance.now() - (signalledAt ?? performance.now())) / 1000 });
        });
      });
      expect(signalledAt, stderr).toBeDefined();
      expect(stderr).toContain(
        `downloading hf:llm-bench/tiny-GGUF:F32 from ${peer.url.replace(/\/$/, '')} into ${cacheDir} (gives up after 600 s without progress)`,
      );
      expect(peer.requests.slice(before)).toContain('GET /v2/llm-bench/tiny-GGUF/manifests/F32');
      expect(stderr).toContain('stopping after the current request; everything measured so far is kept');
      expect(stderr).toMatch(
        /^llm-bench: (error: )?interrupted: cancelled the download of hf:llm-bench\/tiny-GGUF:F32 before any data arrived: the run was stopped$/m,
      );
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(result.code, stderr).toBe(130);
      // At once: far from the 600 s stall time (generous for a loaded machine).
      expect(result.seconds).toBeLessThan(20);
      expect(await readFile(out, 'utf8')).toBe(earlier);
      expect(await readdir(dir)).not.toContain(`${signal}.json.jsonl`);
      expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
    },
  );

  it('gives up after LLM_BENCH_DOWNLOAD_STALL_S with one line naming the URL and the offline way, exit 2, nothing written', async () => {
    const cfg = join(dir, 'stall.yml');
    await writeFile(cfg, hubConfig('hf:llm-bench/tiny-GGUF/tiny.F32.gguf'));
    const out = join(dir, 'stall.json');
    const cacheDir = join(dir, 'cache-stall');
    const started = performance.now();
    const r = await runCli(['run', '--config', cfg, '--out', out, '--cache-dir', cacheDir], {
      env: { HF_ENDPOINT: peer.url, MODEL_ENDPOINT: '', LLM_BENCH_DOWNLOAD_STALL_S: '1' },
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('llm-bench: error:'));
    expect(errors).toEqual([
      `llm-bench: error: ${cfg}: models[id=hub]: cannot download model hf:llm-bench/tiny-GGUF/tiny.F32.gguf: no progress for 1 s from ` +
        `${peer.url}llm-bench/tiny-GGUF/resolve/main/tiny.F32.gguf?download=true; set LLM_BENCH_DOWNLOAD_STALL_S to wait longer. ` +
        `On a runner without network, put the model in the cache directory first: copy the .gguf file into ${cacheDir} as hf_llm-bench_tiny.F32.gguf ` +
        '(or restore a model cache there), or give the model as a local file (models[].path).',
    ]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect((performance.now() - started) / 1000).toBeLessThan(45);
    expect(await readdir(dir)).not.toContain('stall.json');
  });
});
