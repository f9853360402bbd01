// Starts `ollama serve` for the run when the config uses Ollama, no server answers and the binary is on the PATH; stops it in post.
// The server this starts reads OLLAMA_MODELS = the cached models directory, so the model cache reaches it.
import { spawn } from 'node:child_process';
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { getErrorMessage } from '../util/errors.js';

/** Whether an Ollama server answers GET /api/version at `host` within `timeoutMs`. */
export async function ollamaAnswers(host: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${host.replace(/\/+$/, '')}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok;
  } catch {
    return false;
  }
}

/** The first executable `name` on `PATH` (PATHEXT on Windows), or undefined. */
export function findOnPath(
  name: string,
  env: Record<string, string | undefined>,
  platform: string = process.platform,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = join(dir, name + ext);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Ollama binds where OLLAMA_HOST says: `host:port` of the URL the config talks to. */
export function ollamaBindAddress(host: string): string | undefined {
  try {
    const url = new URL(host);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
    return `${url.hostname}:${url.port || '11434'}`;
  } catch {
    return undefined;
  }
}

export interface StartedOllama {
  pid: number;
  logFile: string;
}

export interface StartOllamaOptions {
  binary: string;
  /** The URL the engine will talk to (normalizeOllamaHost of the config's host or OLLAMA_HOST). */
  host: string;
  modelsDir: string;
  env: Record<string, string | undefined>;
  /** The server's stdout and stderr go here, for the user to read when it does not come up. */
  logFile: string;
  timeoutMs?: number;
  pollMs?: number;
  log: (line: string) => void;
}

/**
 * Starts `ollama serve` detached (it must outlive main: post stops it) and waits until /api/version answers.
 * Throws, after stopping it, when it does not answer within the time-out.
 */
export async function startOllamaServe(opts: StartOllamaOptions): Promise<StartedOllama> {
  const bind = ollamaBindAddress(opts.host);
  if (!bind) throw new Error(`the Ollama host ${opts.host} is not on this machine; start its server there`);
  const out = openSync(opts.logFile, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(opts.binary, ['serve'], {
      env: { ...opts.env, OLLAMA_HOST: bind, OLLAMA_MODELS: opts.modelsDir },
      detached: true,
      stdio: ['ignore', out, out],
    });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    await spawned;
    pid = child.pid;
    child.unref();
    if (pid === undefined) throw new Error('the process has no pid');
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const pollMs = opts.pollMs ?? 250;
    for (;;) {
      if (await ollamaAnswers(opts.host, 1000)) break;
      if (exited !== undefined) throw new Error(`ollama serve exited with code ${exited}; see ${opts.logFile}`);
      if (Date.now() > deadline)
        throw new Error(
          `ollama serve did not answer ${opts.host}/api/version within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s; see ${opts.logFile}`,
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
    opts.log(
      `Started ollama serve (pid ${pid}) on ${bind} with OLLAMA_MODELS=${opts.modelsDir}; it is stopped after the job.`,
    );
    return { pid, logFile: opts.logFile };
  } catch (error) {
    if (pid !== undefined) stopProcess(pid);
    throw new Error(`could not start ollama serve: ${getErrorMessage(error)}`);
  } finally {
    closeSync(out);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM to the process this action started; false when it was already gone. */
export function stopProcess(pid: number): boolean {
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}

/** Stops the server and waits (bounded) until it is gone, so its models directory is quiet before the cache is saved. */
export async function stopOllamaServe(
  pid: number,
  opts: { timeoutMs?: number; log: (line: string) => void },
): Promise<void> {
  if (!stopProcess(pid)) {
    opts.log(`ollama serve (pid ${pid}) had already stopped.`);
    return;
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  opts.log(`Stopped ollama serve (pid ${pid}).`);
}
