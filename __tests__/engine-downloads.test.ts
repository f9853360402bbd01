// Model downloads of the embedded engine never hang: every request of an `hf:` URI or URL (manifest, size, body) gives
// up after a stall with the URL and how to fill the cache offline, and the run's stop signal cancels a download (or a
// load) at once, leaving no partial file under the model's name. The peer accepts and never answers, or stalls mid-body.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from './helpers/models.js';
import { createLlamaCppEngine, downloadStallSeconds, DEFAULT_DOWNLOAD_STALL_S } from '../src/engines/llama-cpp.js';
import type { Engine, PrepareContext } from '../src/engines/types.js';
import { EngineError } from '../src/engines/types.js';
import { InputError } from '../src/util/errors.js';
import { createStallWatchdog } from '../src/util/progress.js';
import { startHuggingFacePeer, type HuggingFacePeer, type HuggingFacePeerMode } from './peers/huggingface-server.js';

let tiny: string;
let root: string;
const peers: HuggingFacePeer[] = [];
const engines: Engine[] = [];
let n = 0;

/** A fresh cache directory, logs, and an engine talking to a peer in `mode` that gives up after `stallS` seconds. */
async function setup(mode: HuggingFacePeerMode, stallS = '1') {
  const peer = await startHuggingFacePeer(
    [{ user: 'llm-bench', model: 'tiny-GGUF', tag: 'F32', filename: 'tiny.F32.gguf', path: tiny }],
    { 'plain.gguf': tiny },
    mode,
  );
  peers.push(peer);
  const engine = createLlamaCppEngine(
    { options: { threads: 1 }, model_dir: undefined },
    { huggingFaceEndpoint: peer.url, env: { LLM_BENCH_DOWNLOAD_STALL_S: stallS } },
  );
  engines.push(engine);
  const cacheDir = join(root, `cache-${++n}`);
  const logs: string[] = [];
  const controller = new AbortController();
  const ctx: PrepareContext = { configDir: root, cacheDir, log: (l) => logs.push(l), signal: controller.signal };
  return { peer, engine, cacheDir, logs, controller, ctx };
}

/** Files in `dir` (none when it does not exist). */
const filesIn = (dir: string): Promise<string[]> => readdir(dir).catch(() => [] as string[]);

beforeAll(async () => {
  tiny = await ensureModel('tiny');
  root = await mkdtemp(join(tmpdir(), 'llm-bench-downloads-'));
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const p of peers.splice(0)) await p.close();
});

afterAll(async () => {
  for (const p of peers) await p.close();
});

describe('download stalls', () => {
  it('an hf: URI whose manifest request is accepted and never answered fails after the stall time, naming the URL and the offline way', async () => {
    const { peer, engine, cacheDir, logs, ctx } = await setup('silent');
    const started = performance.now();
    const error = await engine
      .prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx)
      .catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^models\[id=hub\]: cannot download model hf:llm-bench\/tiny-GGUF:F32: no progress for 1 s from /,
    );
    expect(message).toContain(`${peer.url}v2/llm-bench/tiny-GGUF/manifests/F32`);
    expect(message).toContain('set LLM_BENCH_DOWNLOAD_STALL_S to wait longer');
    expect(message).toContain(`copy the .gguf file into ${cacheDir}`);
    expect(message).toContain('or give the model as a local file (models[].path)');
    expect(message).not.toContain('\n');
    // Said at once, before any answer: what, from where, into where.
    expect(logs[0]).toBe(
      `downloading hf:llm-bench/tiny-GGUF:F32 from ${peer.url.replace(/\/$/, '')} into ${cacheDir} (gives up after 1 s without progress)`,
    );
    expect(peer.requests).toContain('GET /v2/llm-bench/tiny-GGUF/manifests/F32');
    // Generous: the stall time plus start-up, far from undici's 300 s header time-out or ipull's 150 retries.
    expect(seconds).toBeLessThan(30);
  });

  it('a file URI (the examples/matrix form) whose size request is never answered fails the same way, naming the file it would be cached as', async () => {
    const { peer, engine, cacheDir, ctx } = await setup('silent');
    const error = await engine
      .prepare({ id: 'file', name: 'hf:llm-bench/tiny-GGUF/tiny.F32.gguf', source: 'url' }, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(`no progress for 1 s from ${peer.url}llm-bench/tiny-GGUF/resolve/main/tiny.F32.gguf`);
    // The name node-llama-cpp looks for in the cache: copy the file there under it and the run needs no network.
    expect(message).toMatch(
      new RegExp(
        `copy the \\.gguf file into ${cacheDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} as hf_llm-bench_tiny\\.F32\\.gguf`,
      ),
    );
    expect(peer.requests.some((r) => r.endsWith('/llm-bench/tiny-GGUF/resolve/main/tiny.F32.gguf'))).toBe(true);
  });

  it('a body that stops half-way fails after the stall time and leaves no file that a later run would take for the model', async () => {
    const { peer, engine, cacheDir, ctx } = await setup('stall-body');
    const error = await engine
      .prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(
      `no progress for 1 s from ${peer.url}llm-bench/tiny-GGUF/resolve/main/tiny.F32.gguf`,
    );
    // The partial file (<name>.ipull) is deleted on cancel, and the model's own name never appears.
    await vi.waitFor(async () => expect(await filesIn(cacheDir)).toEqual([]), { timeout: 10_000 });
    // The same engine, the peer healthy again: the model downloads whole (the cancelled download held no lock).
    peer.mode = 'normal';
    const prepared = await engine.prepare(
      { id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' },
      { ...ctx, signal: undefined },
    );
    expect(await readFile(prepared.location)).toEqual(await readFile(tiny));
  });

  it('no server at all (connection refused, retried by the downloader) fails after the stall time with the cause and the offline way', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const engine = createLlamaCppEngine(
      { options: {}, model_dir: undefined },
      { huggingFaceEndpoint: `http://127.0.0.1:${port}/`, env: { LLM_BENCH_DOWNLOAD_STALL_S: '1' } },
    );
    engines.push(engine);
    const cacheDir = join(root, 'refused');
    const error = await engine
      .prepare(
        { id: 'hub', name: 'hf:llm-bench/tiny-GGUF/tiny.F32.gguf', source: 'url' },
        { configDir: root, cacheDir, log: () => {} },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(
      `no progress for 1 s from http://127.0.0.1:${port}/llm-bench/tiny-GGUF/resolve/main/tiny.F32.gguf`,
    );
    expect(message).toMatch(/last problem: .*ECONNREFUSED/);
    expect(message).toContain(`copy the .gguf file into ${cacheDir} as hf_llm-bench_tiny.F32.gguf`);
  });

  it('a model already in the cache directory needs no request at all, even from a server that would hang', async () => {
    const { peer, engine, cacheDir, logs, ctx } = await setup('normal');
    const first = await engine.prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx);
    expect(first.location.startsWith(cacheDir)).toBe(true);
    peer.mode = 'silent';
    const before = peer.requests.length;
    logs.length = 0;
    const again = await engine.prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx);
    expect(again.location).toBe(first.location);
    expect(peer.requests.slice(before)).toEqual([]);
    expect(logs).toEqual([`using hf:llm-bench/tiny-GGUF:F32 from the model cache: ${first.location}`]);
  });

  it('LLM_BENCH_DOWNLOAD_STALL_S: default 60 s, positive numbers, and one clear error otherwise', () => {
    expect(DEFAULT_DOWNLOAD_STALL_S).toBe(60);
    expect(downloadStallSeconds({})).toBe(60);
    expect(downloadStallSeconds({ LLM_BENCH_DOWNLOAD_STALL_S: '' })).toBe(60);
    expect(downloadStallSeconds({ LLM_BENCH_DOWNLOAD_STALL_S: '2.5' })).toBe(2.5);
    for (const bad of ['0', '-1', 'soon', 'Infinity']) {
      expect(() => downloadStallSeconds({ LLM_BENCH_DOWNLOAD_STALL_S: bad })).toThrow(
        new InputError(`LLM_BENCH_DOWNLOAD_STALL_S: expected a number of seconds greater than 0, got "${bad}"`),
      );
    }
  });

  it('a bad LLM_BENCH_DOWNLOAD_STALL_S fails the download before any request', async () => {
    const { peer, engine, ctx } = await setup('normal', 'soon');
    await expect(engine.prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx)).rejects.toThrow(
      /LLM_BENCH_DOWNLOAD_STALL_S: expected a number of seconds/,
    );
    expect(peer.requests).toEqual([]);
  });
});

describe('the stop signal', () => {
  it('cancels a download waiting on a silent server at once, well before the stall time', async () => {
    const { peer, engine, cacheDir, controller, ctx } = await setup('silent', '600');
    const pending = engine
      .prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx)
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(peer.requests).toContain('GET /v2/llm-bench/tiny-GGUF/manifests/F32'), {
      timeout: 20_000,
    });
    const stopped = performance.now();
    controller.abort();
    const error = await pending;
    expect((performance.now() - stopped) / 1000).toBeLessThan(10);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toBe(
      'cancelled the download of hf:llm-bench/tiny-GGUF:F32 before any data arrived: the run was stopped',
    );
    expect(await filesIn(cacheDir)).toEqual([]);
  });

  it('cancels a download half-way, deleting the partial file', async () => {
    const { peer, engine, cacheDir, controller, ctx } = await setup('stall-body', '600');
    const pending = engine
      .prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx)
      .catch((e: unknown) => e);
    // The body request has been answered with half the file.
    await vi.waitFor(
      () =>
        expect(
          peer.requests.filter((r) => r === 'GET /llm-bench/tiny-GGUF/resolve/main/tiny.F32.gguf').length,
        ).toBeGreaterThan(0),
      { timeout: 20_000 },
    );
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toMatch(
      /^cancelled the download of hf:llm-bench\/tiny-GGUF:F32 (after [\d.]+ MB|before any data arrived): the run was stopped$/,
    );
    await vi.waitFor(async () => expect(await filesIn(cacheDir)).toEqual([]), { timeout: 10_000 });
  });

  it('an already stopped run sends no request', async () => {
    const { peer, engine, controller, ctx } = await setup('normal');
    controller.abort();
    await expect(engine.prepare({ id: 'hub', name: 'hf:llm-bench/tiny-GGUF:F32', source: 'url' }, ctx)).rejects.toThrow(
      /cancelled the download of hf:llm-bench\/tiny-GGUF:F32 before it started/,
    );
    expect(peer.requests).toEqual([]);
  });

  it('cancels the loads of a model prepared under it', async () => {
    const engine = createLlamaCppEngine({ options: { threads: 1 }, model_dir: undefined });
    engines.push(engine);
    const controller = new AbortController();
    const prepared = await engine.prepare(
      { id: 'local', name: tiny, source: 'path' },
      { configDir: root, cacheDir: root, log: () => {}, signal: controller.signal },
    );
    // Not stopped: it loads.
    const loaded = await engine.load(prepared, { threads: 1, context_size: 256 });
    await engine.unload(loaded);
    controller.abort();
    const error = await engine.load(prepared, { threads: 1, context_size: 256 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ kind: 'load', message: `cancelled loading ${tiny}: the run was stopped` });
  });
});

describe('createStallWatchdog', () => {
  it('fires once after the given time without a touch, and never while touched', () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const stalls: number[] = [];
      const dog = createStallWatchdog(
        1000,
        () => stalls.push(clock),
        () => clock,
      );
      for (let i = 0; i < 10; i++) {
        clock += 500;
        vi.advanceTimersByTime(500);
        dog.touch();
      }
      expect(stalls).toEqual([]);
      clock += 999;
      vi.advanceTimersByTime(999);
      expect(stalls).toEqual([]);
      clock += 1;
      vi.advanceTimersByTime(1);
      expect(stalls).toEqual([6000]);
      clock += 5000;
      vi.advanceTimersByTime(5000);
      expect(stalls).toEqual([6000]);
      dog.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('stop() ends it without firing', () => {
    vi.useFakeTimers();
    try {
      let fired = false;
      const dog = createStallWatchdog(
        100,
        () => (fired = true),
        () => 0,
      );
      dog.stop();
      vi.advanceTimersByTime(1000);
      expect(fired).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
