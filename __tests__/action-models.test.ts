// The action's model cache (what is cached under which key, restore and save that only warn) and the `ollama serve` it starts and stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseConfig } from '../src/config/parse.js';
import type { LoadedConfig } from '../src/io/config.js';
import {
  parseModelCachePlan,
  planModelCache,
  restoreModelCache,
  saveModelCache,
  type ModelCacheFacts,
} from '../src/action/model-cache.js';
import {
  findOnPath,
  ollamaAnswers,
  ollamaBindAddress,
  startOllamaServe,
  stopOllamaServe,
} from '../src/action/ollama-serve.js';
import { modelCacheKey } from '../src/engines/storage.js';
import type { CacheService } from '../src/store/cache.js';
import { recordingLogger } from './peers/github-server.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'llm-bench-models-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function loaded(yaml: string, dir = '/repo'): LoadedConfig {
  return { ...parseConfig(yaml, 'bench.yml'), dir, text: yaml };
}

const facts = (over: Partial<ModelCacheFacts> = {}): ModelCacheFacts => ({
  env: {},
  homeDir: '/home/runner',
  currentUser: 'runner',
  platform: 'linux',
  arch: 'x64',
  downloadDir: '/home/runner/.cache/llm-bench/models',
  ...over,
});

describe('planModelCache', () => {
  it("caches Ollama's models directory under a key of the engine, platform and model names (both A/B sides)", () => {
    const head = loaded('engine: ollama\nmodels: [gemma3:1b]\n');
    const base = loaded('engine: ollama\nmodels: [gemma3:270m]\n');
    const decision = planModelCache([base, head], facts());
    expect(decision).toEqual({
      kind: 'cache',
      plan: {
        paths: ['/home/runner/.ollama/models'],
        ...modelCacheKey({
          engine: 'ollama',
          models: [{ name: 'gemma3:270m' }, { name: 'gemma3:1b' }],
          platform: 'linux',
          arch: 'x64',
        }),
      },
      note: 'Ollama models directory /home/runner/.ollama/models (~/.ollama/models)',
    });
    // OLLAMA_MODELS moves it.
    const moved = planModelCache([head], facts({ env: { OLLAMA_MODELS: '/data/ollama' } }));
    expect(moved.kind === 'cache' && moved.plan.paths).toEqual(['/data/ollama']);
  });

  it('warns, with the fix, when the Ollama service runs as another user whose models are elsewhere', () => {
    const decision = planModelCache(
      [loaded('engine: ollama\nmodels: [gemma3:1b]\n')],
      facts({ ollamaServer: { user: 'ollama', via: 'systemd' } }),
    );
    expect(decision.kind).toBe('cache');
    const warning = decision.kind === 'cache' ? decision.warning! : '';
    expect(warning).toMatch(
      /runs as user "ollama" \(systemd service ollama\) and reads models from \/usr\/share\/ollama\/\.ollama\/models/,
    );
    expect(warning).toMatch(/sudo systemctl edit ollama/);
    expect(warning).toMatch(/Environment="OLLAMA_MODELS=\/home\/runner\/\.ollama\/models"/);
  });

  it('caches the download directory of hf:/URL models, with their sha256 in the key, and nothing for local files', () => {
    const sha = 'ab'.repeat(32);
    const urls = loaded(
      `engine: llama-cpp\nmodels:\n  - { id: q4, url: "hf:org/repo/model.Q4.gguf", sha256: "${sha}" }\n  - { path: models/local.gguf }\n`,
    );
    const decision = planModelCache([urls], facts());
    expect(decision).toMatchObject({ kind: 'cache', plan: { paths: ['/home/runner/.cache/llm-bench/models'] } });
    const key = modelCacheKey({
      engine: 'llama-cpp',
      models: [{ name: 'hf:org/repo/model.Q4.gguf', digest: `sha256:${sha}` }],
      platform: 'linux',
      arch: 'x64',
    });
    expect(decision.kind === 'cache' && decision.plan.key).toBe(key.key);
    // model_dir: downloads go there, relative to the config.
    const dir = planModelCache(
      [loaded('engine: llama-cpp\nmodel_dir: .models\nmodels: ["hf:org/repo/m.gguf"]\n', '/repo/bench')],
      facts(),
    );
    expect(dir.kind === 'cache' && dir.plan.paths).toEqual(['/repo/bench/.models']);
    expect(planModelCache([loaded('engine: llama-cpp\nmodels: [models/a.gguf]\n')], facts())).toEqual({
      kind: 'skip',
      reason: 'every model is a local file: nothing to cache',
    });
    expect(
      planModelCache([loaded('engine: openai\nhost: http://127.0.0.1:8080\nmodels: [qwen]\n')], facts()).kind,
    ).toBe('skip');
  });
});

/** A cache service with the Actions cache's matching rules: exact key, then a prefix; the newest entry wins. */
function memoryCache(
  options: { failSave?: string } = {},
): CacheService & { entries: Array<{ key: string; paths: string[] }> } {
  const entries: Array<{ key: string; paths: string[] }> = [];
  return {
    entries,
    async restoreCache(_paths, key, restoreKeys = []) {
      const exact = entries.find((e) => e.key === key);
      if (exact) return exact.key;
      for (const prefix of restoreKeys) {
        const hit = entries.filter((e) => e.key.startsWith(prefix)).at(-1);
        if (hit) return hit.key;
      }
      return undefined;
    },
    async saveCache(paths, key) {
      if (options.failSave) throw new Error(options.failSave);
      if (entries.some((e) => e.key === key))
        throw new Error(`Unable to reserve cache with key ${key}, another job may be creating this cache.`);
      entries.push({ key, paths });
      return entries.length;
    },
  };
}

describe('restoring and saving the model cache', () => {
  const plan = {
    paths: [] as string[],
    key: 'llm-bench-models-ollama-linux-x64-a-1',
    restoreKeys: ['llm-bench-models-ollama-linux-x64-'],
  };

  it('saves after a miss or a partial hit, not after an exact hit, and survives the state round trip', async () => {
    plan.paths = [join(root, 'models')];
    const cache = memoryCache();
    const log = recordingLogger();
    const missed = await restoreModelCache(cache, plan, log);
    expect(missed.matchedKey).toBeUndefined();
    expect(existsSync(plan.paths[0]!)).toBe(true);
    await saveModelCache(cache, parseModelCachePlan(JSON.stringify(missed))!, log);
    expect(cache.entries.map((e) => e.key)).toEqual([plan.key]);

    const exact = await restoreModelCache(cache, plan, log);
    expect(exact.matchedKey).toBe(plan.key);
    await saveModelCache(cache, exact, log);
    expect(cache.entries).toHaveLength(1);

    const other = { ...plan, key: 'llm-bench-models-ollama-linux-x64-b-2' };
    const partial = await restoreModelCache(cache, other, log);
    expect(partial.matchedKey).toBe(plan.key);
    await saveModelCache(cache, partial, log);
    expect(cache.entries.map((e) => e.key)).toEqual([plan.key, other.key]);
    expect(log.lines.warning).toEqual([]);
    expect(log.lines.info.join('\n')).toMatch(/a partial match for llm-bench-models-ollama-linux-x64-b-2/);
  });

  it('warns and goes on when the service fails either way', async () => {
    const log = recordingLogger();
    const broken: CacheService = {
      restoreCache: async () => {
        throw new Error('Cache service responded with 503');
      },
      saveCache: async () => {
        throw new Error('Cache service responded with 503');
      },
    };
    expect(await restoreModelCache(broken, plan, log)).toEqual(plan);
    await saveModelCache(broken, plan, log);
    await saveModelCache(memoryCache({ failSave: 'reserve failed' }), plan, log);
    expect(log.lines.warning).toEqual([
      `Could not restore the model cache ${plan.key}: Cache service responded with 503. Continuing without it.`,
      `Could not save the model cache ${plan.key}: Cache service responded with 503`,
      `Could not save the model cache ${plan.key}: reserve failed`,
    ]);
    expect(parseModelCachePlan('')).toBeUndefined();
    expect(parseModelCachePlan('{not json')).toBeUndefined();
  });
});

/** A free TCP port on 127.0.0.1 (closed again before use). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * An `ollama` on the PATH that serves /api/version where OLLAMA_HOST says, after FAKE_DELAY_MS, and records
 * the OLLAMA_MODELS it was given; FAKE_MODE=exit quits at once, FAKE_MODE=silent never listens.
 */
const FAKE_OLLAMA = `#!/usr/bin/env node
const http = require('node:http');
const fs = require('node:fs');
if (process.argv[2] !== 'serve') process.exit(2);
fs.writeFileSync(process.env.FAKE_RECORD, JSON.stringify({ models: process.env.OLLAMA_MODELS, host: process.env.OLLAMA_HOST, pid: process.pid }));
if (process.env.FAKE_MODE === 'exit') process.exit(3);
const [host, port] = process.env.OLLAMA_HOST.split(':');
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => {
  if (process.env.FAKE_MODE === 'silent') return setInterval(() => {}, 1000);
  http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ version: '0.0.0-fake' }));
  }).listen(Number(port), host);
}, Number(process.env.FAKE_DELAY_MS || 0));
`;

describe('ollama serve', () => {
  let bin: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    bin = join(root, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'ollama'), FAKE_OLLAMA);
    await chmod(join(bin, 'ollama'), 0o755);
    env = { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, FAKE_RECORD: join(root, 'record.json') };
  });

  it('finds the binary on the PATH and binds only to this machine', () => {
    expect(findOnPath('ollama', env)).toBe(join(bin, 'ollama'));
    expect(findOnPath('ollama', { PATH: root })).toBeUndefined();
    expect(ollamaBindAddress('http://127.0.0.1:11434')).toBe('127.0.0.1:11434');
    expect(ollamaBindAddress('http://localhost:8080')).toBe('localhost:8080');
    expect(ollamaBindAddress('http://gpu-box.lan:11434')).toBeUndefined();
  });

  it('starts it with OLLAMA_MODELS = the cached directory, waits until it answers, and stops it', async () => {
    const port = await freePort();
    const host = `http://127.0.0.1:${port}`;
    expect(await ollamaAnswers(host, 500)).toBe(false);
    const lines: string[] = [];
    const started = await startOllamaServe({
      binary: join(bin, 'ollama'),
      host,
      modelsDir: join(root, 'cached-models'),
      env: { ...env, FAKE_DELAY_MS: '400' },
      logFile: join(root, 'ollama.log'),
      pollMs: 50,
      log: (l) => lines.push(l),
    });
    const record = JSON.parse(await readFile(env.FAKE_RECORD!, 'utf8')) as {
      models: string;
      host: string;
      pid: number;
    };
    expect(record).toEqual({ models: join(root, 'cached-models'), host: `127.0.0.1:${port}`, pid: started.pid });
    expect(await ollamaAnswers(host, 1000)).toBe(true);
    expect(lines.join('\n')).toMatch(
      new RegExp(`Started ollama serve \\(pid ${started.pid}\\) on 127\\.0\\.0\\.1:${port}`),
    );

    await stopOllamaServe(started.pid, { log: (l) => lines.push(l), timeoutMs: 5000 });
    expect(await ollamaAnswers(host, 500)).toBe(false);
    expect(() => process.kill(started.pid, 0)).toThrow();
  });

  it('reports a server that exits or never answers, and leaves no process behind', async () => {
    const host = `http://127.0.0.1:${await freePort()}`;
    const base = {
      binary: join(bin, 'ollama'),
      host,
      modelsDir: root,
      logFile: join(root, 'ollama.log'),
      pollMs: 50,
      log: () => {},
    };
    await expect(startOllamaServe({ ...base, env: { ...env, FAKE_MODE: 'exit' } })).rejects.toThrow(
      /could not start ollama serve: ollama serve exited with code 3; see .*ollama\.log/,
    );
    await expect(startOllamaServe({ ...base, env: { ...env, FAKE_MODE: 'silent' }, timeoutMs: 600 })).rejects.toThrow(
      /did not answer .*\/api\/version within 1 s/,
    );
    const { pid } = JSON.parse(await readFile(env.FAKE_RECORD!, 'utf8')) as { pid: number };
    // SIGTERM was sent; give the process a moment to go.
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(startOllamaServe({ ...base, host: 'http://gpu-box.lan:11434', env })).rejects.toThrow(
      /not on this machine/,
    );
  });
});
