// File and process helpers for the CLI: reading JSON inputs with clear errors, git identity, defaults.
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { InputError, getErrorMessage } from '../util/errors.js';

/**
 * The offset of the first syntax error in `text`, found by a small JSON scanner: Node's own message gives a
 * position only for some errors. Undefined when the scanner finds none (it then agrees with JSON.parse).
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string): void => {
    for (const ch of word) if (text[i++] !== ch) fail();
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail();
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
        else i++;
      } else i++;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-' || m[0] === '') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
}

/** Node's JSON.parse message without the quoted slice of the file (it may span lines), plus the line and column. */
export function jsonErrorMessage(error: unknown, text: string): string {
  const raw = getErrorMessage(error);
  const reason = raw
    .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/\s+/g, ' ');
  const offset =
    jsonErrorOffset(text) ?? (/at position (\d+)/.exec(raw) ? Number(/at position (\d+)/.exec(raw)![1]) : undefined);
  if (offset === undefined) return reason;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, expected a file'
          : code === 'EACCES'
            ? 'permission denied'
            : getErrorMessage(error).split('\n')[0];
    throw new InputError(`cannot read ${what}: ${reason}`, { file });
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) throw new InputError(`${what} is empty; expected a JSON document`, { file });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${jsonErrorMessage(error, text)}`, { file });
  }
}

/** Upper bound of counts given on the command line (the same as workload.repetitions in bench.yml). */
export const MAX_COUNT = 1_000_000;

export function positiveInt(name: string, max = MAX_COUNT) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number ≥ 1, got '${value}'`);
    }
    if (n > max)
      throw new InvalidArgumentError(`${name} must be a whole number ≤ ${max.toLocaleString('en-US')}, got '${value}'`);
    return n;
  };
}

/** Report ids go into the hidden marker of a comment: the same rule as the action's `report-id` input. */
export function reportId(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value))
    throw new InvalidArgumentError(
      `--report-id must be 1–64 letters, digits, '.', '_' or '-', got ${JSON.stringify(value)}`,
    );
  return value;
}

/** Runner labels key results and appear in reports: one line of printable text. */
export function runnerLabel(value: string): string {
  if (!/^[^\u0000-\u001f\u007f]{1,100}$/.test(value) || !value.trim()) {
    throw new InvalidArgumentError(
      `--label must be 1–100 characters on one line, without control characters, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** One line of plain text: an error message never spans lines (a second line could read as a workflow command). */
export function oneLine(text: string): string {
  return text
    .trim()
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ⏎ ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((res) =>
    execFile('git', args, { cwd, timeout: 3000 }, (err, out) => res(err ? undefined : out.trim() || undefined)),
  );
}

/** The commit being benchmarked: GitHub's variables when set, else the checkout the config lives in. */
export async function gitIdentity(
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<{ sha?: string; ref?: string } | undefined> {
  const sha = env.GITHUB_SHA ?? (await git(['rev-parse', 'HEAD'], cwd));
  const ref = env.GITHUB_HEAD_REF || env.GITHUB_REF || (await git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd));
  return sha || ref ? { ...(sha ? { sha } : {}), ...(ref ? { ref } : {}) } : undefined;
}

export function defaultCacheDir(env: Record<string, string | undefined>): string {
  return env.LLM_BENCH_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'llm-bench', 'models');
}
