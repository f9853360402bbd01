// Where models live per engine, the systemd-service trap of Ollama's model cache, and the model-cache key.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  OLLAMA_SERVICE_MODELS_DIR,
  detectOllamaServer,
  llamaCppModelDir,
  modelCacheKey,
  ollamaStorage,
  parsePasswd,
  parseSystemdUnit,
} from '../src/engines/storage.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'llm-bench-root-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const PASSWD =
  'root:x:0:0:root:/root:/bin/bash\nrunner:x:1001:1001::/home/runner:/bin/bash\nollama:x:998:998::/usr/share/ollama:/bin/false\n';
// As Ollama's install.sh writes it.
const UNIT = `[Unit]
Description=Ollama Service
After=network-online.target

[Service]
ExecStart=/usr/local/bin/ollama serve
User=ollama
Group=ollama
Restart=always
RestartSec=3
Environment="PATH=/usr/local/bin:/usr/bin:/bin"

[Install]
WantedBy=default.target
`;

describe('ollamaStorage', () => {
  it('uses OLLAMA_MODELS, else ~/.ollama/models', () => {
    expect(ollamaStorage({ env: {}, homeDir: '/home/runner' })).toEqual({
      modelsDir: '/home/runner/.ollama/models',
      source: 'home',
    });
    expect(ollamaStorage({ env: { OLLAMA_MODELS: '/cache/ollama' }, homeDir: '/home/runner' })).toEqual({
      modelsDir: '/cache/ollama',
      source: 'OLLAMA_MODELS',
    });
  });

  it('warns when the systemd service user would never see the cached models, and says how to fix it', () => {
    const s = ollamaStorage({
      env: {},
      homeDir: '/home/runner',
      currentUser: 'runner',
      server: { user: 'ollama', via: 'systemd' },
    });
    expect(s.modelsDir).toBe('/home/runner/.ollama/models');
    expect(s.serverModelsDir).toBe(OLLAMA_SERVICE_MODELS_DIR);
    expect(s.warning).toContain('runs as user "ollama" (systemd service ollama)');
    expect(s.warning).toContain('/usr/share/ollama/.ollama/models');
    expect(s.warning).toContain('saved cache would be empty');
    expect(s.warning).toContain('Environment="OLLAMA_MODELS=/home/runner/.ollama/models"');
    expect(s.warning).toContain('sudo systemctl restart ollama');
  });

  it('is quiet once the service already reads the cached directory', () => {
    const s = ollamaStorage({
      env: { OLLAMA_MODELS: '/cache/ollama/' },
      homeDir: '/home/runner',
      currentUser: 'runner',
      server: { user: 'ollama', modelsDir: '/cache/ollama' },
    });
    expect(s.warning).toBeUndefined();
    expect(
      ollamaStorage({
        env: {},
        homeDir: '/home/runner',
        currentUser: 'runner',
        server: { user: 'runner', home: '/home/runner' },
      }).warning,
    ).toBeUndefined();
  });

  it('warns when a server of the same user reads another directory', () => {
    const s = ollamaStorage({
      env: { OLLAMA_MODELS: '/cache/ollama' },
      homeDir: '/home/runner',
      currentUser: 'runner',
      server: { user: 'runner', home: '/home/runner', via: 'process' },
    });
    expect(s.serverModelsDir).toBe('/home/runner/.ollama/models');
    expect(s.warning).toContain('same OLLAMA_MODELS');
  });
});

describe('detectOllamaServer', () => {
  it('finds a running `ollama serve`, its user and (readable) OLLAMA_MODELS from /proc', async () => {
    const root = fakeRoot({
      'etc/passwd': PASSWD,
      'proc/77/comm': 'bash\n',
      'proc/77/cmdline': 'bash\0',
      'proc/4242/comm': 'ollama\n',
      'proc/4242/cmdline': '/usr/local/bin/ollama\0serve\0',
      'proc/4242/status': 'Name:\tollama\nUid:\t1001\t1001\t1001\t1001\n',
      'proc/4242/environ': 'HOME=/home/runner\0OLLAMA_MODELS=/work/models\0',
      'proc/self': '',
    });
    expect(await detectOllamaServer(root)).toEqual({
      user: 'runner',
      home: '/home/runner',
      modelsDir: '/work/models',
      via: 'process',
    });
  });

  it('falls back to the unit and its drop-ins when the process environment cannot be read', async () => {
    const root = fakeRoot({
      'etc/passwd': PASSWD,
      'etc/systemd/system/ollama.service': UNIT,
      'etc/systemd/system/ollama.service.d/override.conf':
        '[Service]\nEnvironment="OLLAMA_MODELS=/srv/models" "OLLAMA_KEEP_ALIVE=1h"\n',
      'proc/900/comm': 'ollama\n',
      'proc/900/cmdline': '/usr/local/bin/ollama\0serve\0',
      'proc/900/status': 'Uid:\t998\t998\t998\t998\n',
    });
    expect(await detectOllamaServer(root)).toEqual({
      user: 'ollama',
      home: '/usr/share/ollama',
      modelsDir: '/srv/models',
      via: 'process',
    });
  });

  it('reads the installed service when no server runs yet, and knows nothing on a bare machine', async () => {
    const root = fakeRoot({ 'etc/passwd': PASSWD, 'etc/systemd/system/ollama.service': UNIT });
    const facts = await detectOllamaServer(root);
    expect(facts).toEqual({ user: 'ollama', home: '/usr/share/ollama', via: 'systemd' });
    expect(
      ollamaStorage({ env: {}, homeDir: '/home/runner', currentUser: 'runner', server: facts }).serverModelsDir,
    ).toBe('/usr/share/ollama/.ollama/models');
    expect(await detectOllamaServer(fakeRoot({}))).toBeUndefined();
  });

  it('parses unit assignments and passwd lines', () => {
    expect(
      parseSystemdUnit('User=ollama\nEnvironment=A=1 "B=two words"\n# User=nobody', '[Service]\nEnvironment="A=3"'),
    ).toEqual({ user: 'ollama', env: { A: '3', B: 'two words' } });
    expect(parsePasswd(PASSWD).get(998)).toEqual({ name: 'ollama', home: '/usr/share/ollama' });
  });
});

describe('llamaCppModelDir', () => {
  it('uses model_dir relative to the config, else the XDG cache, else ~/.cache', () => {
    expect(llamaCppModelDir({ modelDir: 'models', configDir: '/repo/bench', env: {}, homeDir: '/home/u' })).toBe(
      '/repo/bench/models',
    );
    expect(llamaCppModelDir({ modelDir: '/abs/m', configDir: '/repo', env: {}, homeDir: '/home/u' })).toBe('/abs/m');
    expect(llamaCppModelDir({ configDir: '/repo', env: { XDG_CACHE_HOME: '/xdg' }, homeDir: '/home/u' })).toBe(
      '/xdg/llm-bench/models',
    );
    expect(llamaCppModelDir({ configDir: '/repo', env: {}, homeDir: '/home/u' })).toBe(
      '/home/u/.cache/llm-bench/models',
    );
  });
});

describe('modelCacheKey', () => {
  const base = { engine: 'ollama' as const, platform: 'linux', arch: 'x64' };

  it('is stable, independent of model order, and prefixed for restore', () => {
    const a = modelCacheKey({ ...base, models: [{ name: 'gemma3:1b', digest: 'sha256:aa' }, { name: 'qwen3:0.6b' }] });
    const b = modelCacheKey({ ...base, models: [{ name: 'qwen3:0.6b' }, { name: 'gemma3:1b', digest: 'sha256:aa' }] });
    expect(a).toEqual(b);
    expect(a.key).toMatch(/^llm-bench-models-ollama-linux-x64-gemma3_1b\+qwen3_0\.6b-[0-9a-f]{16}$/);
    expect(a.restoreKeys).toEqual(['llm-bench-models-ollama-linux-x64-']);
    expect(a.key.startsWith(a.restoreKeys[0]!)).toBe(true);
  });

  it('changes with a digest, a model, the engine or the platform', () => {
    const key = (over: Partial<Parameters<typeof modelCacheKey>[0]>) =>
      modelCacheKey({ ...base, models: [{ name: 'gemma3:1b', digest: 'sha256:aa' }], ...over }).key;
    const k = key({});
    expect(key({ models: [{ name: 'gemma3:1b', digest: 'sha256:bb' }] })).not.toBe(k);
    expect(key({ models: [{ name: 'gemma3:4b', digest: 'sha256:aa' }] })).not.toBe(k);
    expect(key({ engine: 'llama-cpp' })).not.toBe(k);
    expect(key({ arch: 'arm64' })).not.toBe(k);
    expect(
      key({
        models: [
          { name: 'gemma3:1b', digest: 'sha256:aa' },
          { name: 'gemma3:1b', digest: 'sha256:aa' },
        ],
      }),
    ).toBe(k);
  });

  it('stays within the cache service key limit for long model lists', () => {
    const models = Array.from({ length: 40 }, (_, i) => ({
      name: `hf.co/some-org/a-very-long-model-name-${i}-GGUF:Q4_K_M`,
    }));
    expect(modelCacheKey({ ...base, models }).key.length).toBeLessThan(512);
  });
});
