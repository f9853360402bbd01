// Small file helpers shared by the I/O shell: hashing, atomic writes, and the checks that keep outputs off inputs.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, basename, join, relative, resolve } from 'node:path';
import { InputError } from '../util/errors.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Why a file system call failed, in words; never the name of a temporary file. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'ENOENT':
      return 'a directory on the path does not exist';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    case 'EEXIST':
      return 'exists already';
    default:
      return code ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/**
 * Reads a UTF-8 text file the user named. Every failure is an InputError that names the file, or the file and the path
 * inside it that named this one (`at`), with the reason in words: the one error mapping for reading.
 */
export async function readText(file: string, what: string, at?: { file: string; path: string }): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? 'file not found' : fsReason(error);
    if (at) throw new InputError(`cannot read ${what} ${file}: ${reason}`, at);
    throw new InputError(`cannot read ${what}: ${reason}`, { file });
  }
}

/** An error for a failed write that names the file the user asked for, keeping the system's code. */
function writeError(path: string, error: unknown): Error {
  const wrapped = new Error(`cannot write ${path}: ${fsReason(error)}`, { cause: error }) as NodeJS.ErrnoException;
  wrapped.code = (error as NodeJS.ErrnoException | undefined)?.code;
  return wrapped;
}

/** Writes via a temporary file and a rename, so readers never see half a file; the temporary file never outlives a failure. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    // mkdir says EEXIST when a file stands where a directory of the path should be.
    const code = (error as NodeJS.ErrnoException).code;
    throw writeError(path, code === 'EEXIST' ? Object.assign(new Error(), { code: 'ENOTDIR' }) : error);
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(path, error);
  }
}

/** A path the command reads or writes, with how the user named it (`--out`, `--base`, `models[0].path in bench.yml`). */
export interface NamedPath {
  /** How the user gave it: a flag (`--out`) or a place in a file. */
  label: string;
  path: string;
  /** How to name it in a message when "label path" does not read well. */
  shown?: string;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** The nearest directory at or above `path` that exists, and what lies beneath it (to be created). */
async function nearestExisting(path: string): Promise<{ dir: string; stats: Stats; rest: string }> {
  let dir = path;
  for (;;) {
    const stats = await statOrUndefined(dir);
    if (stats) return { dir, stats, rest: relative(dir, path) };
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no existing directory above ${path}`);
    dir = parent;
  }
}

/** The path with symbolic links resolved as far as it exists, so two spellings of one file compare equal. */
async function canonical(path: string): Promise<string> {
  const abs = resolve(path);
  const { dir, rest } = await nearestExisting(abs);
  const real = await realpath(dir).catch(() => dir);
  return rest ? join(real, rest) : real;
}

const describeGiven = (p: NamedPath): string => p.shown ?? `${p.label} ${p.path}`;

/** Creates and removes an empty file in `dir`: the only check of writability that also holds for root and read-only mounts. */
async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.llm-bench-probe.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(probe, 'wx');
  } finally {
    await handle?.close().catch(() => {});
    if (handle) await rm(probe, { force: true }).catch(() => {});
  }
}

/**
 * Refuses, before anything runs, outputs that would overwrite an input (compared by file identity, so links and
 * other spellings count), that are directories or not regular files, that collide with each other, or that lie
 * where nothing can be written. The error names the path as the user gave it; nothing is created.
 */
export async function checkOutputPaths(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): Promise<void> {
  const inputStats: Array<{ input: NamedPath; stats: Stats }> = [];
  for (const input of inputs) {
    const stats = await statOrUndefined(input.path);
    if (stats?.isFile()) inputStats.push({ input, stats });
  }
  const seen = new Map<string, NamedPath>();
  for (const output of outputs) {
    const abs = resolve(output.path);
    const key = await canonical(abs);
    const earlier = seen.get(key);
    if (earlier)
      throw new InputError(
        `${describeGiven(output)}: is the same file as ${describeGiven(earlier)}; expected different output paths`,
      );
    seen.set(key, output);

    const stats = await statOrUndefined(abs);
    if (stats?.isDirectory())
      throw new InputError(`${describeGiven(output)}: is a directory; expected the path of a file to write`);
    if (stats && !stats.isFile())
      throw new InputError(
        `${describeGiven(output)}: is not a regular file (a device, pipe or socket); expected the path of a file to write`,
      );
    if (stats) {
      const same = inputStats.find((s) => s.stats.dev === stats.dev && s.stats.ino === stats.ino);
      if (same)
        throw new InputError(
          `${describeGiven(output)}: is the same file as ${describeGiven(same.input)}; refusing to overwrite an input, expected another output path`,
        );
    }
    const { dir, stats: dirStats } = await nearestExisting(dirname(abs));
    if (!dirStats.isDirectory()) {
      throw new InputError(
        `${describeGiven(output)}: ${dir} is a file, not a directory; expected a path inside a directory`,
      );
    }
    try {
      await probeWritable(dir);
    } catch (error) {
      throw new InputError(`${describeGiven(output)}: cannot write in ${dir}: ${fsReason(error)}`);
    }
  }
}

/** Refuses a directory option (`--cache-dir`, `--out-dir`) that names a file, or lies where no directory can be made. */
export async function checkOutputDir(dir: NamedPath): Promise<void> {
  const abs = resolve(dir.path);
  const stats = await statOrUndefined(abs);
  if (stats && !stats.isDirectory()) throw new InputError(`${describeGiven(dir)}: is a file; expected a directory`);
  const { dir: existing, stats: existingStats } = await nearestExisting(abs);
  if (!existingStats.isDirectory())
    throw new InputError(
      `${describeGiven(dir)}: ${existing} is a file, not a directory; expected a path inside a directory`,
    );
  try {
    await probeWritable(existing);
  } catch (error) {
    throw new InputError(`${describeGiven(dir)}: cannot write in ${existing}: ${fsReason(error)}`);
  }
}
