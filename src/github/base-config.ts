// Reads the base branch's bench.yml and the prompt files it names through the API, for the A/B strategy.
import { posix } from 'node:path';
import { parseConfig, type Config } from '../config/parse.js';
import { InputError } from '../util/errors.js';
import type { GitHubClient } from './client.js';

export interface ConfigAtRef {
  /** The parsed config, prompt files read (every prompt has `text`), as loadConfig returns it. */
  config: Config;
  /** The config file's text, for hashing. */
  text: string;
  /** The ref it was read at. */
  ref: string;
}

/** A repository-relative path; `..` may not climb out of the repository. */
function repoPath(path: string, where: { file: string; path?: string }): string {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\/+/, '');
  if (normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal)) {
    throw new InputError(`${JSON.stringify(path)} points outside the repository`, where);
  }
  return normal;
}

/**
 * The config at `ref` (the PR's base sha or branch), or null when the file does not exist there —
 * then the A/B strategy cannot run and the action falls back to a stored baseline. A config or
 * prompt file that is invalid at `ref` is an InputError naming `<ref>:<path>`.
 */
export async function readConfigAtRef(
  client: GitHubClient,
  configPath: string,
  ref: string,
): Promise<ConfigAtRef | null> {
  const path = repoPath(configPath, { file: configPath });
  const text = await client.readFileAtRef(path, ref);
  if (text === null) return null;
  const file = `${ref}:${path}`;
  const config = parseConfig(text, file);
  const dir = posix.dirname(path);
  const prompts = await Promise.all(
    config.prompts.map(async (p, i) => {
      if (p.text !== undefined) return p;
      const at = { file, path: `prompts[${i}].file` };
      const promptPath = repoPath(posix.join(dir, p.file!), at);
      const body = await client.readFileAtRef(promptPath, ref);
      if (body === null) throw new InputError(`prompt file ${promptPath} does not exist at ${ref}`, at);
      if (!body.trim()) throw new InputError(`prompt file ${promptPath} is empty at ${ref}`, at);
      return { ...p, text: body };
    }),
  );
  return { config: { ...config, prompts }, text, ref };
}
