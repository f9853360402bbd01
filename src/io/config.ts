// Reads bench.yml and the prompt files it names: the I/O half of the config stage (parsing is src/config/parse.ts).
import { dirname, resolve } from 'node:path';
import { parseConfig, type Config } from '../config/parse.js';
import { InputError } from '../util/errors.js';
import { readText } from './files.js';

export interface LoadedConfig extends Config {
  /** Absolute directory of the config file: model paths and prompt files are relative to it. */
  dir: string;
  /** The config text, for hashing into the results. */
  text: string;
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
