// Finds files that ship beside the code (templates/, examples/) from src/, dist/ or dist/chunks/ alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding llm-bench's package.json: the repository, or the action's checkout on a runner. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'llm-bench')
      return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find llm-bench's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const templatesDir = (): string => join(packageRoot(), 'templates');
