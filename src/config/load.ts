// Reads bench.yml and the prompt files it names; the I/O half of the config stage.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseConfig, type Config } from './parse.js';
import { InputError, getErrorMessage } from '../schema/errors.js';

export interface LoadedConfig extends Config {
  /** Absolute directory of the config file: model paths and prompt files are relative to it. */
  dir: string;
  /** The config text, for hashing into the results. */
  text: string;
}

async function readText(file: string, what: string, at?: { file: string; path: string }): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, expected a file'
            : getErrorMessage(error);
    if (at) throw new InputError(`cannot read ${what} ${file}: ${reason}`, at);
    throw new InputError(`cannot read ${what}: ${reason}`, { file });
  }
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  const text = await readText(file, 'config');
  const config = parseConfig(text, file);
  const dir = dirname(resolve(file));
  const prompts = await Promise.all(
    config.prompts.map(async (p, i) => {
      if (p.text !== undefined) return p;
      const path = resolve(dir, p.file!);
      const body = await readText(path, 'prompt file', { file, path: `prompts[${i}].file` });
      if (!body.trim()) throw new InputError(`prompt file ${path} is empty`, { file, path: `prompts[${i}].file` });
      return { ...p, text: body };
    }),
  );
  return { ...config, prompts, dir, text };
}
