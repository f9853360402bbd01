// Where each engine keeps its models, and the cache key that identifies them, for the action's model cache.
//
// Ollama keeps models in OLLAMA_MODELS, else ~/.ollama/models of the user the *server* runs as. The Linux
// install script runs the server as a systemd service under the `ollama` user, whose home is
// /usr/share/ollama, so its models live in /usr/share/ollama/.ollama/models: a cache restored into the
// runner user's ~/.ollama/models is then never seen by the server (and a cache saved from it is empty).
import { InputError } from '../util/errors.js';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { EngineKind } from '../config/engine-options.js';

/** What is known of the running Ollama server (see detectOllamaServer). */
export interface OllamaServerFacts {
  /** User the server runs as. */
  user?: string;
  /** That user's home directory. */
  home?: string;
  /** OLLAMA_MODELS in the server's environment (its process, or the service unit's Environment=). */
  modelsDir?: string;
  /** Where the facts came from, for messages. */
  via?: 'process' | 'systemd';
}

export interface OllamaStorage {
  /** The directory to cache and restore: where this user's Ollama keeps models. */
  modelsDir: string;
  source: 'OLLAMA_MODELS' | 'home';
  /** Where the running server reads models, when known and different. */
  serverModelsDir?: string;
  /** Set when a cache of `modelsDir` would not reach the server: what to do about it. */
  warning?: string;
}

/** The Linux service user's models (install.sh creates `ollama` with home /usr/share/ollama). */
export const OLLAMA_SERVICE_MODELS_DIR = '/usr/share/ollama/.ollama/models';

export function ollamaStorage(input: {
  env: Record<string, string | undefined>;
  homeDir: string;
  currentUser?: string;
  server?: OllamaServerFacts;
}): OllamaStorage {
  const fromEnv = input.env.OLLAMA_MODELS?.trim();
  const modelsDir = fromEnv || join(input.homeDir, '.ollama', 'models');
  const storage: OllamaStorage = { modelsDir, source: fromEnv ? 'OLLAMA_MODELS' : 'home' };
  const server = input.server;
  if (!server) return storage;
  const sameUser = server.user !== undefined && server.user === input.currentUser;
  const serverDir =
    server.modelsDir ??
    (server.home
      ? join(server.home, '.ollama', 'models')
      : sameUser
        ? join(input.homeDir, '.ollama', 'models')
        : server.user === 'ollama'
          ? OLLAMA_SERVICE_MODELS_DIR
          : undefined);
  if (!serverDir || resolve(serverDir) === resolve(modelsDir)) return storage;
  storage.serverModelsDir = serverDir;
  const cacheWhere = `the model cache is kept in ${modelsDir} (${fromEnv ? 'OLLAMA_MODELS' : `~/.ollama/models of ${input.currentUser ?? 'this user'}`})`;
  const consequence = 'the server would not see restored models and the saved cache would be empty.';
  if (sameUser || !server.user) {
    storage.warning =
      `The running Ollama server reads models from ${serverDir}, but ${cacheWhere}: ${consequence} ` +
      `Fix: give the server and this step the same OLLAMA_MODELS (restart \`ollama serve\` with OLLAMA_MODELS=${modelsDir}).`;
    return storage;
  }
  storage.warning =
    `The Ollama server runs as user "${server.user}"${server.via === 'systemd' ? ' (systemd service ollama)' : ''} and reads models from ${serverDir}, ` +
    `but ${cacheWhere}: ${consequence} ` +
    `Fix: set OLLAMA_MODELS for the service to the cached directory — \`sudo systemctl edit ollama\`, add\n` +
    `  [Service]\n  Environment="OLLAMA_MODELS=${modelsDir}"\n` +
    `make that directory readable and writable by the ${server.user} user, and \`sudo systemctl restart ollama\` ` +
    '(or stop the service and let llm-bench start `ollama serve` as the runner user).';
  return storage;
}

/** `User=` and `Environment=` of a systemd unit (and its drop-ins, given in order: later wins). */
export function parseSystemdUnit(...texts: string[]): { user?: string; env: Record<string, string> } {
  const out: { user?: string; env: Record<string, string> } = { env: {} };
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq < 0 || line.startsWith('#') || line.startsWith(';')) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === 'User') out.user = value || undefined;
      if (key === 'Environment') {
        // Environment="A=1" "B=two words" C=3 — quoted or bare assignments separated by spaces.
        for (const m of value.matchAll(/"([^"]*)"|(\S+)/g)) {
          const assignment = m[1] ?? m[2]!;
          const i = assignment.indexOf('=');
          if (i > 0) out.env[assignment.slice(0, i)] = assignment.slice(i + 1);
        }
      }
    }
  }
  return out;
}

/** Name and home of each uid in an /etc/passwd text. */
export function parsePasswd(text: string): Map<number, { name: string; home: string }> {
  const users = new Map<number, { name: string; home: string }>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 6 && /^\d+$/.test(f[2]!)) users.set(Number(f[2]), { name: f[0]!, home: f[5]! });
  }
  return users;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Finds the Ollama server on this (Linux) machine: a running `ollama serve` in /proc, else the systemd
 * unit. `root` is the file-system root, so tests can hand in a fake one. Never throws.
 */
export async function detectOllamaServer(root = '/'): Promise<OllamaServerFacts | undefined> {
  const passwd = parsePasswd((await readText(join(root, 'etc/passwd'))) ?? '');
  const unitDir = join(root, 'etc/systemd/system');
  const unitTexts: string[] = [];
  for (const dir of [join(root, 'lib/systemd/system'), join(root, 'usr/lib/systemd/system'), unitDir]) {
    const text = await readText(join(dir, 'ollama.service'));
    if (text) unitTexts.push(text);
  }
  const dropIns = await readdir(join(unitDir, 'ollama.service.d')).catch(() => [] as string[]);
  for (const name of dropIns.filter((n) => n.endsWith('.conf')).sort()) {
    const text = await readText(join(unitDir, 'ollama.service.d', name));
    if (text) unitTexts.push(text);
  }
  const unit = unitTexts.length > 0 ? parseSystemdUnit(...unitTexts) : undefined;

  const procDir = join(root, 'proc');
  const pids = (await readdir(procDir).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  for (const pid of pids) {
    const comm = (await readText(join(procDir, pid, 'comm')))?.trim();
    if (comm !== 'ollama') continue;
    const cmdline = ((await readText(join(procDir, pid, 'cmdline'))) ?? '').split('\0');
    if (!cmdline.includes('serve')) continue;
    const uidLine = ((await readText(join(procDir, pid, 'status'))) ?? '')
      .split('\n')
      .find((l) => l.startsWith('Uid:'));
    const uid = uidLine ? Number(uidLine.split(/\s+/)[1]) : undefined;
    const user = uid !== undefined ? passwd.get(uid) : undefined;
    // Another user's environ is unreadable without root; the unit's Environment= is the next best source.
    const environ = await readText(join(procDir, pid, 'environ'));
    const fromEnviron = environ
      ?.split('\0')
      .find((kv) => kv.startsWith('OLLAMA_MODELS='))
      ?.slice('OLLAMA_MODELS='.length);
    const modelsDir = fromEnviron ?? (environ === undefined ? unit?.env.OLLAMA_MODELS : undefined);
    return {
      ...(user ? { user: user.name, home: user.home } : uid !== undefined ? { user: String(uid) } : {}),
      ...(modelsDir ? { modelsDir } : {}),
      via: 'process',
    };
  }
  if (unit?.user) {
    const home = [...passwd.values()].find((u) => u.name === unit.user)?.home;
    return {
      user: unit.user,
      ...(home ? { home } : {}),
      ...(unit.env.OLLAMA_MODELS ? { modelsDir: unit.env.OLLAMA_MODELS } : {}),
      via: 'systemd',
    };
  }
  return undefined;
}

/** Where the embedded engine keeps downloaded GGUF files: `model_dir` (relative to the config), else the user cache. */
export function llamaCppModelDir(input: {
  modelDir?: string;
  configDir: string;
  env: Record<string, string | undefined>;
  homeDir: string;
}): string {
  if (input.modelDir) return isAbsolute(input.modelDir) ? input.modelDir : resolve(input.configDir, input.modelDir);
  const cacheHome = input.env.XDG_CACHE_HOME?.trim() || join(input.homeDir, '.cache');
  return join(cacheHome, 'llm-bench', 'models');
}

/**
 * The action's model-cache key: engine, platform, arch, and the models (names and digests, in any order).
 * Restore keys fall back to any cache of the same engine and platform, so a changed model list still
 * restores the models it shares (Ollama then pulls only what is missing).
 */
export function modelCacheKey(input: {
  engine: EngineKind;
  models: Array<{ name: string; digest?: string }>;
  platform: string;
  arch: string;
}): { key: string; restoreKeys: string[] } {
  const prefix = `llm-bench-models-${input.engine}-${input.platform}-${input.arch}-`;
  const ids = [...new Set(input.models.map((m) => `${m.name}@${m.digest ?? ''}`))].sort();
  const hash = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
  const names = [...new Set(input.models.map((m) => m.name))].sort();
  // A readable part for the cache list in GitHub's UI; the hash keeps the key unique.
  const slug = names
    .join('+')
    .replace(/[^A-Za-z0-9._+-]+/g, '_')
    .slice(0, 80);
  return { key: `${prefix}${slug}-${hash}`, restoreKeys: [prefix] };
}

/** Seconds a download may go without a byte (or a request without an answer) before it is given up. */
export const DEFAULT_DOWNLOAD_STALL_S = 60;

/** LLM_BENCH_DOWNLOAD_STALL_S, checked: seconds without progress before a download (or an Ollama pull) fails. */
export function downloadStallSeconds(env: Record<string, string | undefined>): number {
  const raw = env.LLM_BENCH_DOWNLOAD_STALL_S?.trim();
  if (!raw) return DEFAULT_DOWNLOAD_STALL_S;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError(
      `LLM_BENCH_DOWNLOAD_STALL_S: expected a number of seconds greater than 0, got ${JSON.stringify(raw)}`,
    );
  }
  return seconds;
}
