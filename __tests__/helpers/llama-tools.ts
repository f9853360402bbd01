// llama.cpp's own tools for the `real` tests: where `npm run peers:build` (scripts/build-llama-tools.sh) put them,
// whether a test file runs or skips (saying why; CI sets REQUIRE_LLAMA_TOOLS=1 so a missing tool fails), and a
// llama-server started on 127.0.0.1 that is stopped for sure.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { closedPort } from '../peers/ollama-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The bin directory holding every `wanted` tool (LLAMA_BIN_DIR overrides the build script's cache), or why there is none. */
export function llamaBinDir(wanted: readonly string[]): { dir?: string; why?: string } {
  const has = (dir: string) => wanted.every((t) => existsSync(path.join(dir, t)));
  if (process.env.LLAMA_BIN_DIR)
    return has(process.env.LLAMA_BIN_DIR)
      ? { dir: process.env.LLAMA_BIN_DIR }
      : { why: `LLAMA_BIN_DIR=${process.env.LLAMA_BIN_DIR} lacks ${wanted.join(' or ')}` };
  try {
    const llamaDir = path.join(ROOT, 'node_modules/node-llama-cpp/llama');
    const tag =
      (JSON.parse(readFileSync(path.join(llamaDir, 'llama.cpp.info.json'), 'utf8')) as { tag?: string }).tag ??
      'unknown';
    const heads = execFileSync('git', ['bundle', 'list-heads', path.join(llamaDir, 'gitRelease.bundle')], {
      encoding: 'utf8',
    });
    const commit =
      heads
        .split('\n')
        .find((l) => l.endsWith(' HEAD'))
        ?.split(' ')[0] ?? '';
    const cache =
      process.env.LLM_BENCH_CACHE ??
      path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'llm-bench');
    const dir = path.join(cache, 'llama.cpp', `${tag}-${commit.slice(0, 12)}`, 'bin');
    return has(dir)
      ? { dir }
      : { why: `llama.cpp's tools are not built (no ${wanted.join(', ')} in ${dir}): run \`npm run peers:build\`` };
  } catch (error) {
    return { why: `cannot locate llama.cpp's tools: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The bin directory for a test file and its `describe` (skipping with the reason, or failing under REQUIRE_LLAMA_TOOLS=1). */
export function realTools(
  wanted: readonly string[],
  testFile: string,
): { dir: string | undefined; describeReal: typeof describe } {
  const bin = llamaBinDir(wanted);
  if (!bin.dir && process.env.REQUIRE_LLAMA_TOOLS === '1') throw new Error(`REQUIRE_LLAMA_TOOLS=1 but ${bin.why}`);
  if (!bin.dir) console.warn(`skipping ${testFile}: ${bin.why}`);
  return { dir: bin.dir, describeReal: bin.dir ? describe : (describe.skip as typeof describe) };
}

export interface LlamaServer {
  url: string;
  process: ChildProcess;
  /** The last lines the server printed, for a failure message. */
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts llama-server on 127.0.0.1 (a free port), `-t 1`, alias `tiny`, and waits (at most 30 s) until /health says it is ready. */
export async function startLlamaServer(
  binDir: string,
  model: string,
  opts: { slots: number; contextSize: number },
): Promise<LlamaServer> {
  const port = await closedPort();
  const args = [
    '-m',
    model,
    '--alias',
    'tiny',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '-np',
    String(opts.slots),
    '-t',
    '1',
    '-c',
    String(opts.contextSize),
  ];
  const child = spawn(path.join(binDir, 'llama-server'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited (${signal ?? code})`;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: LlamaServer = {
    url,
    process: child,
    log: () => lines.join('\n'),
    stop: async () => {
      if (exited === undefined) child.kill('SIGKILL');
      await exit;
    },
  };
  for (let i = 0; i < 300; i++) {
    if (exited !== undefined) throw new Error(`llama-server ${exited} before it was ready:\n${server.log()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`llama-server was not ready after 30 s:\n${server.log()}`);
}
