// File and process helpers for the CLI: reading JSON inputs with clear errors, git identity, defaults.
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { InputError, getErrorMessage } from '../schema/errors.js';

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${what}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : getErrorMessage(error)}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${getErrorMessage(error)}`, { file });
  }
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number ≥ 1, got '${value}'`);
    }
    return n;
  };
}

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((res) => execFile('git', args, { cwd, timeout: 3000 }, (err, out) => res(err ? undefined : out.trim() || undefined)));
}

/** The commit being benchmarked: GitHub's variables when set, else the checkout the config lives in. */
export async function gitIdentity(env: Record<string, string | undefined>, cwd: string): Promise<{ sha?: string; ref?: string } | undefined> {
  const sha = env.GITHUB_SHA ?? (await git(['rev-parse', 'HEAD'], cwd));
  const ref = env.GITHUB_HEAD_REF || env.GITHUB_REF || (await git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd));
  return sha || ref ? { ...(sha ? { sha } : {}), ...(ref ? { ref } : {}) } : undefined;
}

export function defaultCacheDir(env: Record<string, string | undefined>): string {
  return env.LLM_BENCH_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'llm-bench', 'models');
}
